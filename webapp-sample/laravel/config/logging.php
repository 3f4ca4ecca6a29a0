<?php

use Monolog\Handler\StreamHandler;

// "errorlog" goes to PHP's error_log, which the servlet container writes to its own log.
return [
    'default' => env('LOG_CHANNEL', 'errorlog'),
    'channels' => [
        'errorlog' => ['driver' => 'errorlog', 'level' => env('LOG_LEVEL', 'debug')],
        'single' => ['driver' => 'single', 'path' => storage_path('logs/laravel.log'), 'level' => env('LOG_LEVEL', 'debug')],
        'stderr' => ['driver' => 'monolog', 'handler' => StreamHandler::class, 'with' => ['stream' => 'php://stderr']],
    ],
];
