<?php

namespace Ephpm\Octane\Contracts;

/**
 * The few SAPI-level response operations the client needs. The ePHPm implementation uses header(), echo,
 * the output layer and \Ephpm\Worker\send_file(); tests swap in a recorder, since the plain CLI
 * has neither real headers nor a servlet behind it.
 */
interface Sapi
{
    public function headersSent(): bool;

    /**
     * @param  list<string>  $headerLines  complete "Name: value" lines; repeated names stay separate
     */
    public function sendHeaders(string $protocolVersion, int $status, string $statusText, array $headerLines): void;

    public function write(string $bytes): void;

    /**
     * Runs $producer with every byte it outputs (echo, print, php://output) reaching the client
     * as it is written, so ob_flush() and flush() inside it work and never raise notices.
     */
    public function stream(callable $producer): void;

    /**
     * Hands a byte range of a file to the servlet container after the headers.
     *
     * @return bool false when the container cannot take it; the caller then streams it itself
     */
    public function sendFile(string $path, int $offset, int $length): bool;

    /**
     * Completes the response: the client gets its last bytes and the end of the response now,
     * while the worker goes on with after-response work (terminating middleware, defer, garbage
     * collection). Output after this reaches no client.
     */
    public function finishRequest(): void;
}
