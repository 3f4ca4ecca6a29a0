<?php

namespace Fixture;

use Illuminate\Http\Request;
use Illuminate\Support\Facades\Route;
use Illuminate\Support\ServiceProvider;
use RuntimeException;

final class FixtureServiceProvider extends ServiceProvider
{
    public static int $boots = 0;

    public function boot(): void
    {
        self::$boots++;

        Route::get('/boots', fn () => ['boots' => self::$boots]);

        Route::get('/config/set', function (Request $request) {
            config(['fixture.greeting' => $request->query('value')]);

            return config('fixture.greeting');
        });
        Route::get('/config/get', fn () => config('fixture.greeting'));

        Route::get('/echo', function () {
            echo 'echoed;';

            return 'returned';
        });

        Route::get('/dd', fn () => dd(['secret' => 'dumped-value']));

        Route::get('/stream', fn () => response()->stream(function () {
            echo 'one;';
            flush();
            echo 'two;';
        }));

        Route::get('/stream-fails', fn () => response()->stream(function () {
            echo 'partial;';

            throw new RuntimeException('the stream broke');
        }));

        Route::get('/after-response', function () {
            app()->terminating(function () {
                echo 'written after the response;';
                file_put_contents(getenv('EPHPM_FAKE_RECORD'), json_encode(['after_response' => 'terminating callback ran'])."\n", FILE_APPEND);
            });

            return 'answered';
        });

        Route::get('/slow', function () {
            touch(storage_path('slow-request-started'));
            sleep(3);

            return 'the slow request completed';
        });

        Route::get('/after-response-waits-for-the-client', function () {
            app()->terminating(function () {
                for ($i = 0; $i < 200 && ! is_file(storage_path('client-has-the-response')); $i++) {
                    usleep(50_000);
                }
                file_put_contents(storage_path('after-response-work-done'), is_file(storage_path('client-has-the-response'))
                    ? 'ran on after the client had its response' : 'the client never had its response');
            });

            return 'answered before the after-response work';
        });

        Route::get('/octane-cache', function (Request $request) {
            $cache = cache()->store('octane');
            $cache->increment('hits');

            return ['hits' => $cache->get('hits')];
        });
    }
}
