<?php

namespace App\Http\Controllers;

use App\Support\Background;
use Illuminate\Http\JsonResponse;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Cache;
use Laravel\Octane\Exceptions\TaskException;
use Laravel\Octane\Exceptions\TaskTimeoutException;
use Laravel\Octane\Facades\Octane;
use RuntimeException;

/** Octane::concurrently() on the task workers, and what the tick thread keeps up to date. */
class BackgroundController
{
    /**
     * ?n= tasks that each sleep ?ms= milliseconds and say which task worker ran them, waited for up
     * to ?wait= ms; ?throw=1 makes the second task throw.
     */
    public function concurrently(Request $request): JsonResponse
    {
        $sleep = max(0, (int) $request->query('ms', 300));
        $throws = (bool) $request->query('throw', false);
        $tasks = [];
        for ($i = 0; $i < max(1, min(16, (int) $request->query('n', 3))); $i++) {
            $tasks['task-'.$i] = function () use ($i, $sleep, $throws) {
                if ($throws && $i === 1) {
                    throw new RuntimeException('task 1 was asked to throw');
                }
                usleep($sleep * 1000);

                return ['task' => $i, 'taskWorker' => Background::worker()];
            };
        }

        $started = microtime(true);
        try {
            $results = Octane::concurrently($tasks, (int) $request->query('wait', 3000));
        } catch (TaskException $e) {
            return response()->json(['exception' => class_basename($e), 'message' => $e->getMessage()], 500);
        } catch (TaskTimeoutException $e) {
            return response()->json(['exception' => class_basename($e), 'message' => $e->getMessage()], 504);
        }

        return response()->json([
            'results' => $results,
            'elapsedMs' => (int) round((microtime(true) - $started) * 1000),
            'requestWorker' => Background::worker(),
        ]);
    }

    /** Queues ?n= tasks that each count themselves in a shared table, and answers at once. */
    public function dispatch(Request $request): JsonResponse
    {
        $tasks = array_fill(0, max(1, min(16, (int) $request->query('n', 3))), fn () => Octane::table('ticks')->incr('dispatched', 'count'));
        Octane::tasks()->dispatch($tasks);

        return response()->json(['dispatched' => count($tasks)]);
    }

    /** Seconds counted by the tick, dispatched tasks that ran, and the interval cache value as this worker reads it. */
    public function ticks(): JsonResponse
    {
        return response()->json([
            'seconds' => (int) (Octane::table('ticks')->get('seconds', 'count') ?: 0),
            'dispatched' => (int) (Octane::table('ticks')->get('dispatched', 'count') ?: 0),
            'clock' => Cache::store('octane')->get('sample-clock'),
            'worker' => Background::worker(),
        ]);
    }
}
