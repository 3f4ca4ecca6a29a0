<?php

namespace Ephpm\Octane\Console;

use Laravel\Octane\Contracts\ServerProcessInspector;

/**
 * Finds the ePHPm launcher (java -jar ephpm-server.jar) through the process id in the state file
 * and talks to it with signals: SIGTERM stops it gracefully (the JVM runs its shutdown hooks and
 * Jetty drains its requests), SIGUSR1 asks it to replace every PHP worker with a freshly booted one.
 */
final class EphpmServerProcessInspector implements ServerProcessInspector
{
    public function __construct(private readonly EphpmServerStateFile $stateFile)
    {
    }

    public function serverIsRunning(): bool
    {
        $processId = $this->processId();

        return $processId !== null && posix_kill($processId, 0);
    }

    public function reloadServer(): void
    {
        if (($processId = $this->processId()) !== null) {
            posix_kill($processId, SIGUSR1);
        }
    }

    public function stopServer(): bool
    {
        $processId = $this->processId();

        return $processId !== null && posix_kill($processId, SIGTERM);
    }

    private function processId(): ?int
    {
        $processId = $this->stateFile->read()['masterProcessId'];

        return is_int($processId) && $processId > 0 ? $processId : null;
    }
}
