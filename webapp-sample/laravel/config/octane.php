<?php

use Laravel\Octane\Contracts\OperationTerminated;
use Laravel\Octane\Events\RequestHandled;
use Laravel\Octane\Events\RequestReceived;
use Laravel\Octane\Events\RequestTerminated;
use Laravel\Octane\Events\TaskReceived;
use Laravel\Octane\Events\TaskTerminated;
use Laravel\Octane\Events\TickReceived;
use Laravel\Octane\Events\TickTerminated;
use Laravel\Octane\Events\WorkerErrorOccurred;
use Laravel\Octane\Events\WorkerStarting;
use Laravel\Octane\Events\WorkerStopping;
use Laravel\Octane\Listeners\CloseMonologHandlers;
use Laravel\Octane\Listeners\EnsureUploadedFilesAreValid;
use Laravel\Octane\Listeners\EnsureUploadedFilesCanBeMoved;
use Laravel\Octane\Listeners\FlushOnce;
use Laravel\Octane\Listeners\FlushTemporaryContainerInstances;
use Laravel\Octane\Listeners\ReportException;
use Laravel\Octane\Listeners\StopWorkerIfNecessary;
use Laravel\Octane\Octane;

// Laravel loads every config file, so in classic mode (no Octane classes) this one is empty.
if (! class_exists(Octane::class)) {
    return [];
}

return [
    'server' => env('OCTANE_SERVER', 'ephpm'),

    'https' => (bool) env('OCTANE_HTTPS', false),

    // Octane's listeners reset the framework's state between the requests a worker serves.
    'listeners' => [
        WorkerStarting::class => [
            EnsureUploadedFilesAreValid::class,
            EnsureUploadedFilesCanBeMoved::class,
        ],
        RequestReceived::class => [
            ...Octane::prepareApplicationForNextOperation(),
            ...Octane::prepareApplicationForNextRequest(),
        ],
        RequestHandled::class => [],
        RequestTerminated::class => [],
        TaskReceived::class => Octane::prepareApplicationForNextOperation(),
        TaskTerminated::class => [],
        TickReceived::class => Octane::prepareApplicationForNextOperation(),
        TickTerminated::class => [],
        OperationTerminated::class => [
            FlushTemporaryContainerInstances::class,
            // Octane 2.x's defaults, which 1.5 does not have: once() results and open log handles
            ...(class_exists(FlushOnce::class) ? [FlushOnce::class] : []),
        ],
        WorkerErrorOccurred::class => [
            ReportException::class,
            StopWorkerIfNecessary::class,
        ],
        WorkerStopping::class => [
            // Octane's own default: its DisconnectFromDatabases listener expects a request's sandbox
            ...(class_exists(CloseMonologHandlers::class) ? [CloseMonologHandlers::class] : []),
        ],
    ],

    'warm' => Octane::defaultServicesToWarm(),

    'flush' => [],

    // shared by every worker of the app (ePHPm keeps them in the JVM; see /visits)
    'tables' => [
        'visits:1' => ['count' => 'int'],
        'visitors:10' => ['number' => 'int', 'worker' => 'int', 'at' => 'int', 'agent' => 'string:80'],
        // seconds counted by the sample's tick, and tasks dispatched by /api/dispatch that ran
        'ticks:2' => ['count' => 'int'],
    ],

    'cache' => ['rows' => 1000, 'bytes' => 10000],

    'garbage' => 50,

    'max_execution_time' => 30,

    'state_file' => storage_path('logs/octane-server-state.json'),
];
