<?php

namespace Ephpm\Octane\Tests\Integration;

use RuntimeException;
use Symfony\Component\Process\Process;

/**
 * PHP's built-in web server running a router script, with the output settings the ePHPm SAPI
 * uses (a 4096-byte output buffer, no implicit flush), and a raw HTTP client that notes when
 * each piece of the body arrived.
 */
final class BuiltInServer
{
    private Process $process;

    private int $port;

    public function __construct(string $router, array $environment)
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $this->port = (int) substr(strrchr(stream_socket_get_name($probe, false), ':'), 1);
        fclose($probe);

        $this->process = new Process(
            [PHP_BINARY, '-d', 'output_buffering=4096', '-d', 'implicit_flush=0', '-S', '127.0.0.1:'.$this->port, $router],
            dirname($router),
            $environment + getenv(),
        );
        $this->process->start();

        $deadline = microtime(true) + 10;
        while (! ($socket = @stream_socket_client('tcp://127.0.0.1:'.$this->port, $errno, $error, 0.2))) {
            if (microtime(true) > $deadline || ! $this->process->isRunning()) {
                throw new RuntimeException('the built-in server did not start: '.$this->process->getErrorOutput());
            }
            usleep(50_000);
        }
        fclose($socket);
    }

    public function stop(): void
    {
        $this->process->stop(1);
    }

    /**
     * @return array{status: int, headers: array<string, list<string>>, body: string, arrivals: list<array{0: float, 1: string}>}
     */
    public function request(string $method, string $target, array $headers = [], string $body = ''): array
    {
        $socket = stream_socket_client('tcp://127.0.0.1:'.$this->port, $errno, $error, 5);
        stream_set_timeout($socket, 10);

        $head = "$method $target HTTP/1.0\r\nHost: 127.0.0.1:{$this->port}\r\n";
        foreach ($headers + ['Content-Length' => (string) strlen($body)] as $name => $value) {
            $head .= "$name: $value\r\n";
        }
        fwrite($socket, $head."\r\n".$body);

        $raw = '';
        $arrivals = [];
        $start = microtime(true);
        while (! feof($socket)) {
            $piece = fread($socket, 65536);
            if ($piece === '' || $piece === false) {
                continue;
            }
            $raw .= $piece;
            $arrivals[] = [microtime(true) - $start, $piece];
        }
        fclose($socket);

        [$rawHead, $responseBody] = explode("\r\n\r\n", $raw, 2) + [1 => ''];
        $lines = explode("\r\n", $rawHead);
        $status = (int) explode(' ', array_shift($lines))[1];
        $parsed = [];
        foreach ($lines as $line) {
            [$name, $value] = explode(':', $line, 2);
            $parsed[strtolower(trim($name))][] = trim($value);
        }

        return ['status' => $status, 'headers' => $parsed, 'body' => $responseBody, 'arrivals' => $arrivals];
    }

    /** Seconds from the request until $needle had arrived. */
    public static function arrivalOf(array $response, string $needle): float
    {
        $seen = '';
        foreach ($response['arrivals'] as [$at, $piece]) {
            $seen .= $piece;
            if (str_contains($seen, $needle)) {
                return $at;
            }
        }

        throw new RuntimeException("'$needle' never arrived");
    }
}
