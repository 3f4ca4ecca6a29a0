<?php

namespace App\Http\Controllers;

use App\Support\BootCounter;
use Illuminate\Http\JsonResponse;
use Illuminate\View\View;

/** Which PHP worker thread served this request, and how many requests it has served, this one included. */
class WorkerController
{
    public function show(): View
    {
        return view('worker', ['worker' => $this->info()]);
    }

    public function json(): JsonResponse
    {
        return response()->json($this->info());
    }

    private function info(): array
    {
        $ephpm = function_exists('Ephpm\Worker\worker_info') ? \Ephpm\Worker\worker_info() : null;

        return [
            'mode' => config('sample.mode'),
            'ephpm' => $ephpm !== null,
            'worker' => $ephpm['worker'] ?? null,
            'thread_mode' => $ephpm['mode'] ?? null,
            'requests' => $ephpm === null ? null : $ephpm['requests'] + ($ephpm['mode'] === 'classic' ? 1 : 0),
            'pid' => getmypid(),
            'boots' => BootCounter::$boots,
            'boot_id' => BootCounter::$bootId,
        ];
    }
}
