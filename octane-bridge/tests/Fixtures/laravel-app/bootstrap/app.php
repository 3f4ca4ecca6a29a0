<?php

// A minimal Laravel application for the worker tests; it runs on Laravel 10 as Debian 13 packages it.

require_once __DIR__.'/../app/FixtureServiceProvider.php';

$app = new Illuminate\Foundation\Application($_ENV['APP_BASE_PATH'] ?? dirname(__DIR__));

if ($storage = getenv('FIXTURE_STORAGE_PATH')) {
    $app->useStoragePath($storage);
}

$app->singleton(Illuminate\Contracts\Http\Kernel::class, Illuminate\Foundation\Http\Kernel::class);
$app->singleton(Illuminate\Contracts\Console\Kernel::class, Illuminate\Foundation\Console\Kernel::class);
$app->singleton(Illuminate\Contracts\Debug\ExceptionHandler::class, Illuminate\Foundation\Exceptions\Handler::class);

if (getenv('FIXTURE_FAIL_BOOT')) {
    $app->booting(fn () => throw new RuntimeException('fixture boot failure: the database is unreachable'));
}

return $app;
