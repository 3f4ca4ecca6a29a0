<?php

return [
    'mode' => App\Support\RuntimeMode::detect(),
    'greeting' => env('SAMPLE_GREETING', 'Hello from Laravel inside a servlet container'),
    'download_megabytes' => (int) env('SAMPLE_DOWNLOAD_MB', 100),
    'sse_events' => (int) env('SAMPLE_SSE_EVENTS', 5),
    'sse_interval_ms' => (int) env('SAMPLE_SSE_INTERVAL_MS', 500),
    'failing_tick' => (bool) env('SAMPLE_FAILING_TICK', false),
];
