<?php

namespace Ephpm\Octane;

use Closure;
use Laravel\Octane\Contracts\Worker as WorkerContract;

/**
 * A task worker thread: each request's body is a task serialized by EphpmTaskDispatcher, run
 * through Octane's Worker::handleTask() (TaskReceived, TaskTerminated, a sandboxed app), whose
 * serialized TaskResult or TaskExceptionResult is the response.
 */
final class TaskWorkerLoop
{
    /**
     * @param  Closure(): ?array  $takeRequest  the next task's request, null to stop
     */
    public function __construct(
        private readonly WorkerContract $worker,
        private readonly Closure $takeRequest,
    ) {
    }

    /** @return int the number of tasks run */
    public function run(): int
    {
        $ran = 0;

        try {
            while (($this->takeRequest)() !== null) {
                echo serialize($this->worker->handleTask(unserialize(file_get_contents('php://input'))));
                $ran++;
            }
        } finally {
            $this->worker->terminate();
        }

        return $ran;
    }
}
