<?php

namespace Ephpm\Octane\Console;

use RuntimeException;

/**
 * The launcher's process id and the options it was started with, in Octane's state file format
 * ({"masterProcessId": ..., "state": {...}}), so the stop/reload/status commands can find it.
 */
final class EphpmServerStateFile
{
    public function __construct(private readonly string $path)
    {
    }

    /**
     * @return array{masterProcessId: ?int, state: array}
     */
    public function read(): array
    {
        $state = is_readable($this->path) ? json_decode((string) file_get_contents($this->path), true) : [];

        return [
            'masterProcessId' => $state['masterProcessId'] ?? null,
            'state' => $state['state'] ?? [],
        ];
    }

    public function writeProcessId(int $processId): void
    {
        $this->write(['masterProcessId' => $processId] + $this->read());
    }

    public function writeState(array $state): void
    {
        $this->write(['state' => $state] + $this->read());
    }

    public function delete(): bool
    {
        return is_file($this->path) && unlink($this->path);
    }

    public function path(): string
    {
        return $this->path;
    }

    private function write(array $contents): void
    {
        if (! is_dir(dirname($this->path)) && ! mkdir(dirname($this->path), 0777, true) && ! is_dir(dirname($this->path))) {
            throw new RuntimeException("Cannot create the directory of the Octane state file {$this->path}.");
        }

        if (file_put_contents($this->path, json_encode($contents, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES)) === false) {
            throw new RuntimeException("Cannot write the Octane state file {$this->path}.");
        }
    }
}
