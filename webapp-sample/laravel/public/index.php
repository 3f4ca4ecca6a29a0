<?php

use Illuminate\Contracts\Http\Kernel;
use Illuminate\Http\Request;

define('LARAVEL_START', microtime(true));

// Inside the WAR the app is in WEB-INF/app; served from its own directory, public/ is beside it.
$appRoot = is_file(__DIR__.'/WEB-INF/app/bootstrap/app.php') ? __DIR__.'/WEB-INF/app' : dirname(__DIR__);

$app = require $appRoot.'/bootstrap/app.php';

$kernel = $app->make(Kernel::class);

$response = $kernel->handle($request = Request::capture())->send();

$kernel->terminate($request, $response);
