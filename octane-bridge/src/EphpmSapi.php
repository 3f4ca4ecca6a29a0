<?php

namespace Ephpm\Octane;

use Ephpm\Octane\Contracts\Sapi;

final class EphpmSapi implements Sapi
{
    public function headersSent(): bool
    {
        return headers_sent();
    }

    public function sendHeaders(string $protocolVersion, int $status, string $statusText, array $headerLines): void
    {
        if (headers_sent()) {
            return;
        }

        foreach ($headerLines as $line) {
            header($line, false, $status);
        }

        header(sprintf('HTTP/%s %d %s', $protocolVersion, $status, $statusText), true, $status);
    }

    public function write(string $bytes): void
    {
        echo $bytes;
    }

    public function stream(callable $producer): void
    {
        $this->endRemovableBuffers();

        // A pass-through buffer of chunk size 1 hands each write straight down to the SAPI, and
        // implicit flush pushes it to the client; user code calling ob_flush() still finds a buffer.
        ob_implicit_flush(true);
        ob_start(static fn (string $buffer): string => $buffer, 1);

        try {
            $producer();
        } finally {
            $this->endRemovableBuffers();
            ob_implicit_flush(false);
            flush();
        }
    }

    public function sendFile(string $path, int $offset, int $length): bool
    {
        if (! function_exists('Ephpm\Worker\send_file')) {
            return false;
        }

        $this->endRemovableBuffers();

        return \Ephpm\Worker\send_file($path, $offset, $length);
    }

    public function finishRequest(): void
    {
        if (function_exists('Ephpm\Worker\finish_request')) {
            \Ephpm\Worker\finish_request();
        }
    }

    private function endRemovableBuffers(): void
    {
        while (ob_get_level() > 0) {
            $status = ob_get_status();

            if (($status['flags'] ?? 0) & PHP_OUTPUT_HANDLER_REMOVABLE) {
                ob_end_flush();
            } else {
                break;
            }
        }
    }
}
