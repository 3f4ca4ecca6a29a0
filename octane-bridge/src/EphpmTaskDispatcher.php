<?php

namespace Ephpm\Octane;

use Closure;
use Laravel\Octane\Contracts\DispatchesTasks;
use Laravel\Octane\Exceptions\TaskExceptionResult;
use Laravel\Octane\Exceptions\TaskTimeoutException;
use Laravel\Octane\SequentialTaskDispatcher;
use Laravel\Octane\Swoole\TaskResult;
use Laravel\SerializableClosure\SerializableClosure;

/**
 * Octane::concurrently() and Octane::tasks()->dispatch() on the app's task workers: each task is
 * serialized as Octane serializes it for Swoole, run by Octane's Worker::handleTask() on a task
 * worker thread, and its TaskResult comes back serialized. Without task workers (task-workers=0,
 * or code running on a task worker itself) the tasks run one after another here.
 */
final class EphpmTaskDispatcher implements DispatchesTasks
{
    public function __construct(private readonly DispatchesTasks $fallback = new SequentialTaskDispatcher())
    {
    }

    /**
     * Results keyed as the tasks were; a task that did not finish within the wait is false, and
     * when none did, the wait itself failed.
     *
     * @throws \Laravel\Octane\Exceptions\TaskException the first task, in order, that threw
     * @throws \Laravel\Octane\Exceptions\TaskTimeoutException
     */
    public function resolve(array $tasks, int $waitMilliseconds = 3000): array
    {
        $answers = $tasks === [] ? [] : \Ephpm\Worker\run_tasks(self::payloads($tasks), max(0, $waitMilliseconds));

        if ($answers === null) {
            return $this->fallback->resolve($tasks, $waitMilliseconds);
        }

        if ($answers !== [] && ! in_array(true, array_map(static fn ($answer) => $answer !== false, $answers), true)) {
            throw TaskTimeoutException::after($waitMilliseconds);
        }

        $results = [];
        foreach (array_keys($tasks) as $i => $key) {
            $results[$key] = self::result($answers[$i] ?? false);
        }

        return $results;
    }

    public function dispatch(array $tasks): void
    {
        if ($tasks !== [] && ! \Ephpm\Worker\dispatch_tasks(self::payloads($tasks))) {
            $this->fallback->dispatch($tasks);
        }
    }

    /** @return list<string> */
    private static function payloads(array $tasks): array
    {
        return array_map(
            static fn ($task) => serialize($task instanceof Closure ? new SerializableClosure($task) : $task),
            array_values($tasks),
        );
    }

    private static function result(string|false|\Throwable $answer): mixed
    {
        if ($answer === false) {
            return false;
        }

        if ($answer instanceof \Throwable) {
            throw TaskExceptionResult::from($answer)->getOriginal();
        }

        $result = unserialize($answer);

        if ($result instanceof TaskExceptionResult) {
            throw $result->getOriginal();
        }

        return $result instanceof TaskResult ? $result->result : $result;
    }
}
