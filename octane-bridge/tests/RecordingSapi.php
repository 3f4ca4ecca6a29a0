<?php

namespace Ephpm\Octane\Tests;

use Ephpm\Octane\Contracts\Sapi;

/**
 * Records what the client sends instead of sending it. In stream() it models the ePHPm output
 * layer: every write passes straight through and is followed by a flush to the client.
 */
final class RecordingSapi implements Sapi
{
    /** @var list<array> */
    public array $events = [];

    public bool $acceptsFiles = true;

    private bool $headersSent = false;

    public function headersSent(): bool
    {
        return $this->headersSent;
    }

    public function sendHeaders(string $protocolVersion, int $status, string $statusText, array $headerLines): void
    {
        $this->headersSent = true;
        $this->events[] = ['headers', $status, $statusText, $headerLines];
    }

    public function write(string $bytes): void
    {
        if ($bytes !== '') {
            $this->events[] = ['write', $bytes];
        }
    }

    public function stream(callable $producer): void
    {
        $level = ob_get_level();

        ob_start(function (string $buffer): string {
            if ($buffer !== '') {
                $this->events[] = ['write', $buffer];
                $this->events[] = ['flush'];
            }

            return '';
        }, 1);

        try {
            $producer();
        } finally {
            while (ob_get_level() > $level) {
                ob_end_flush();
            }
        }
    }

    public function sendFile(string $path, int $offset, int $length): bool
    {
        if (! $this->acceptsFiles) {
            return false;
        }

        $this->events[] = ['sendFile', $path, $offset, $length];

        return true;
    }

    public function finishRequest(): void
    {
        $this->events[] = ['finish'];
    }

    public function status(): ?int
    {
        foreach ($this->events as $event) {
            if ($event[0] === 'headers') {
                return $event[1];
            }
        }

        return null;
    }

    /** @return list<string> */
    public function headerLines(): array
    {
        foreach ($this->events as $event) {
            if ($event[0] === 'headers') {
                return $event[3];
            }
        }

        return [];
    }

    public function body(): string
    {
        return implode('', array_map(fn (array $event) => $event[1], array_filter($this->events, fn (array $event) => $event[0] === 'write')));
    }

    /** @return list<array> events other than headers and the finish, in order */
    public function bodyEvents(): array
    {
        return array_values(array_filter($this->events, fn (array $event) => $event[0] !== 'headers' && $event[0] !== 'finish'));
    }

    /** @return list<string> the kinds of the recorded events, in order */
    public function eventKinds(): array
    {
        return array_column($this->events, 0);
    }
}
