<?php

require_once __DIR__.'/autoload.php';

// config/app.php lists Octane's providers only in octane mode, so each mode keeps its own
// provider manifest. With one, an app served in both modes rewrote it at every switch, and
// OPcache does not cache a file for 2 s after it changes (opcache.file_update_protection): every
// request in those seconds compiled the manifest again.
if (! isset($_ENV['APP_SERVICES_CACHE']) && class_exists(Laravel\Octane\Octane::class)) {
    $_ENV['APP_SERVICES_CACHE'] = 'bootstrap/cache/services-octane.php';
}

$app = new Illuminate\Foundation\Application($_ENV['APP_BASE_PATH'] ?? dirname(__DIR__));

// Packaged as a WAR, the app lives in WEB-INF/app and its public files at the webapp's root.
if (basename(dirname($app->basePath())) === 'WEB-INF') {
    $app->instance('path.public', dirname($app->basePath(), 2));
}

$app->singleton(Illuminate\Contracts\Http\Kernel::class, App\Http\Kernel::class);
$app->singleton(Illuminate\Contracts\Console\Kernel::class, Illuminate\Foundation\Console\Kernel::class);
$app->singleton(Illuminate\Contracts\Debug\ExceptionHandler::class, Illuminate\Foundation\Exceptions\Handler::class);

return $app;
