<?php

namespace App\Providers;

use App\Support\Background;
use App\Support\BootCounter;
use App\Support\LargeFile;
use App\Support\SampleDatabase;
use Illuminate\Support\ServiceProvider;

class AppServiceProvider extends ServiceProvider
{
    public function register(): void
    {
        $this->app->singleton(LargeFile::class, fn () => new LargeFile(
            storage_path('app/downloads/sample.bin'),
            (int) config('sample.download_megabytes') * 1024 * 1024,
        ));

        $this->app->singleton(SampleDatabase::class, fn ($app) => new SampleDatabase(
            config('database.connections.sqlite.database'),
            fn () => $app->make('migrator'),
            database_path('migrations'),
        ));
    }

    public function boot(): void
    {
        BootCounter::booted();

        foreach (['app', 'framework/cache/data', 'framework/sessions', 'framework/views', 'logs'] as $directory) {
            is_dir(storage_path($directory)) || @mkdir(storage_path($directory), 0775, true);
        }

        $this->app->make(SampleDatabase::class)->ensureMigrated();

        Background::register();
    }
}
