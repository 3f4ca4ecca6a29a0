<?php

namespace Ephpm\Octane;

use Ephpm\Octane\Tables\SharedTables;
use Illuminate\Foundation\Application;
use Illuminate\Foundation\Bootstrap\LoadConfiguration;
use Laravel\Octane\ApplicationFactory;

/**
 * Octane's application factory, with the app's shared tables bound once its configuration is
 * loaded and before its service providers register (Octane's cache driver looks for its table then).
 */
class EphpmApplicationFactory extends ApplicationFactory
{
    public function bootstrap(Application $app, array $initialInstances = []): Application
    {
        $app->afterBootstrapping(LoadConfiguration::class, function ($app) {
            SharedTables::bindInto($app, (array) $app['config']->get('octane', []));
        });

        return parent::bootstrap($app, $initialInstances);
    }
}
