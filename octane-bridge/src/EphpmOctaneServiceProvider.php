<?php

namespace Ephpm\Octane;

use Ephpm\Octane\Console\EphpmReloadCommand;
use Ephpm\Octane\Console\EphpmServerProcessInspector;
use Ephpm\Octane\Console\EphpmServerStateFile;
use Ephpm\Octane\Console\EphpmStartCommand;
use Ephpm\Octane\Console\EphpmStatusCommand;
use Ephpm\Octane\Console\EphpmStopCommand;
use Illuminate\Support\ServiceProvider;
use Laravel\Octane\Commands\StartCommand;

/**
 * Makes `php artisan octane:start|stop|reload|status --server=ephpm` work. Register it after
 * Laravel\Octane\OctaneServiceProvider (package discovery does this).
 */
class EphpmOctaneServiceProvider extends ServiceProvider
{
    public function register(): void
    {
        $this->app->bind(EphpmServerStateFile::class, fn ($app) => new EphpmServerStateFile(
            $app['config']->get('octane.state_file', storage_path('logs/octane-server-state.json'))
        ));

        $this->app->bind(EphpmServerProcessInspector::class, fn ($app) => new EphpmServerProcessInspector(
            $app->make(EphpmServerStateFile::class)
        ));
    }

    public function boot(): void
    {
        if (! $this->app->runningInConsole() || ! class_exists(StartCommand::class)) {
            return;
        }

        // Registered once every provider has booted, so ours replace Octane's commands of the
        // same names whatever order the providers were discovered in.
        $this->app->booted(fn () => $this->commands([
            EphpmStartCommand::class,
            EphpmStopCommand::class,
            EphpmReloadCommand::class,
            EphpmStatusCommand::class,
        ]));
    }
}
