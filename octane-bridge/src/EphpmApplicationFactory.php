<?php

namespace Ephpm\Octane;

use Ephpm\Octane\Cache\AtomicOctaneStore;
use Ephpm\Octane\Tables\SharedTables;
use Illuminate\Foundation\Application;
use Illuminate\Foundation\Bootstrap\BootProviders;
use Illuminate\Foundation\Bootstrap\LoadConfiguration;
use Laravel\Octane\ApplicationFactory;
use Laravel\Octane\Events\TickReceived;

/**
 * Octane's application factory, with the app's shared tables bound once its configuration is
 * loaded and before its service providers register (Octane's cache driver looks for its table then),
 * and the octane cache store's counting made atomic once they have booted.
 */
class EphpmApplicationFactory extends ApplicationFactory
{
    public function bootstrap(Application $app, array $initialInstances = []): Application
    {
        $app->afterBootstrapping(LoadConfiguration::class, function ($app) {
            SharedTables::bindInto($app, (array) $app['config']->get('octane', []));
        });
        $app->afterBootstrapping(BootProviders::class, fn ($app) => $this->useAtomicCacheStore($app));

        return parent::bootstrap($app, $initialInstances);
    }

    /**
     * Replaces the store of Octane's 'octane' cache driver with one whose increment() and
     * decrement() are atomic; its interval caches are refreshed on each tick, as Octane's are.
     */
    private function useAtomicCacheStore(Application $app): void
    {
        if (! $app->bound('octane.cacheTable') || ! method_exists($app['octane.cacheTable'], 'compareAndSet')) {
            return;
        }

        $store = new AtomicOctaneStore($app['octane.cacheTable']);
        $app['events']->listen(TickReceived::class, fn () => $store->refreshIntervalCaches());
        $app['cache']->extend('octane', fn () => $app['cache']->repository($store));
        $app['cache']->forgetDriver('octane');
    }
}
