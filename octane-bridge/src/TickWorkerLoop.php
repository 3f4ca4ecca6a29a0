<?php

namespace Ephpm\Octane;

use Closure;
use Laravel\Octane\Contracts\Worker as WorkerContract;

/**
 * The app's tick thread: the runtime sends it a request about once a second, and each one fires
 * Octane's TickReceived through Worker::handleTick(), which throttles every Octane::tick() to its
 * own interval and refreshes Cache::interval() values. 'tick' => false in config/octane.php turns
 * ticks into no-ops.
 */
final class TickWorkerLoop
{
    /**
     * @param  Closure(): ?array  $takeRequest  the next tick's request, null to stop
     */
    public function __construct(
        private readonly WorkerContract $worker,
        private readonly Closure $takeRequest,
        private readonly bool $enabled,
    ) {
    }

    /** @return int the number of ticks handled */
    public function run(): int
    {
        $ticks = 0;

        try {
            while (($this->takeRequest)() !== null) {
                if ($this->enabled) {
                    $this->worker->handleTick();
                }
                $ticks++;
            }
        } finally {
            $this->worker->terminate();
        }

        return $ticks;
    }
}
