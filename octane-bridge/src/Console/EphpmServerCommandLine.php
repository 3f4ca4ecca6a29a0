<?php

namespace Ephpm\Octane\Console;

use RuntimeException;

/**
 * The command line that starts the ePHPm launcher (the embedded Jetty server from jetty-module)
 * for a Laravel application in octane mode.
 */
final class EphpmServerCommandLine
{
    public function __construct(
        private readonly ?string $serverJar,
        private readonly string $java = 'java',
    ) {
    }

    /**
     * @param  int|string  $workers  a number, or "auto" for one worker per CPU
     * @param  int|string  $taskWorkers  Octane::concurrently()'s task workers: a number (0: none), or "auto" for one per CPU
     * @return list<string>
     */
    public function build(string $basePath, string $host, int|string $port, int|string $workers, int|string $maxRequests,
                          int|string $taskWorkers = 'auto'): array
    {
        if ($this->serverJar === null || $this->serverJar === '') {
            throw new RuntimeException('The ePHPm server jar is not configured: set EPHPM_SERVER_JAR or octane.ephpm.server_jar to the path of ephpm-server.jar.');
        }

        if (! is_file($this->serverJar)) {
            throw new RuntimeException("The ePHPm server jar does not exist: {$this->serverJar} (from EPHPM_SERVER_JAR or octane.ephpm.server_jar).");
        }

        return [
            $this->java, '-jar', $this->serverJar,
            '--app', $basePath,
            '--host', $host,
            '--port', (string) $port,
            '--workers', (string) $this->workerCount($workers),
            '--max-requests', (string) (int) $maxRequests,
            '--task-workers', (string) ($taskWorkers === 'auto' ? $this->cpus() : max(0, (int) $taskWorkers)),
            '--mode', 'octane',
        ];
    }

    private function workerCount(int|string $workers): int
    {
        return $workers === 'auto' ? $this->cpus() : max(1, (int) $workers);
    }

    private function cpus(): int
    {
        $cpuInfo = @file_get_contents('/proc/cpuinfo');

        return max(1, $cpuInfo === false ? 1 : preg_match_all('/^processor\s*:/m', $cpuInfo));
    }
}
