<?php

namespace App\Support;

use Illuminate\Support\Facades\Cache;
use Laravel\Octane\Facades\Octane;
use RuntimeException;

/**
 * Octane's background features, in octane mode: a tick that counts seconds in a shared table, an
 * interval cache value refreshed by ticks, and (SAMPLE_FAILING_TICK=1) a tick that always throws,
 * to show that it is logged and stops nothing.
 */
final class Background
{
    public static function register(): void
    {
        if (RuntimeMode::detect() !== 'octane' || ! class_exists(Octane::class)) {
            return;
        }

        Octane::tick('sample-seconds', fn () => Octane::table('ticks')->incr('seconds', 'count'))->seconds(1);

        if (config('sample.failing_tick')) {
            Octane::tick('sample-failing', fn () => throw new RuntimeException('the sample tick that always fails'))->seconds(1);
        }

        Cache::store('octane')->interval('sample-clock', fn () => ['at' => microtime(true), 'worker' => self::worker()], 1);
    }

    public static function worker(): int
    {
        return function_exists('Ephpm\Worker\worker_info') ? \Ephpm\Worker\worker_info()['worker'] : -1;
    }
}
