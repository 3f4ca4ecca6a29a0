<?php

require_once __DIR__.'/autoload.php';

$app = new Illuminate\Foundation\Application($_ENV['APP_BASE_PATH'] ?? dirname(__DIR__));

// Packaged as a WAR, the app lives in WEB-INF/app and its public files at the webapp's root.
if (basename(dirname($app->basePath())) === 'WEB-INF') {
    $app->instance('path.public', dirname($app->basePath(), 2));
}

$app->singleton(Illuminate\Contracts\Http\Kernel::class, App\Http\Kernel::class);
$app->singleton(Illuminate\Contracts\Console\Kernel::class, Illuminate\Foundation\Console\Kernel::class);
$app->singleton(Illuminate\Contracts\Debug\ExceptionHandler::class, Illuminate\Foundation\Exceptions\Handler::class);

return $app;
