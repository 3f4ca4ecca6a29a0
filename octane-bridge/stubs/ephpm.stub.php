<?php
/**
 * The part of the ePHPm SAPI's PHP function surface this package uses.
 * IDE and static-analysis stub only: never loaded at run time.
 */

namespace Ephpm\Worker;

/**
 * Ends the current request (flushes output, sends headers and body, deletes upload temp files,
 * resets header()/status/output buffers/superglobals) and waits for the next one.
 *
 * @return array{method: string, uri: string, protocol: string, script: string, worker: int, number: int}|null
 *         the next request's summary; null when the worker must stop
 * @throws \LogicException outside a worker script
 */
function take_request(): ?array {}

/**
 * Completes the current response now, like fastcgi_finish_request(); later output is discarded.
 *
 * @return bool false when there is no open response
 */
function finish_request(): bool {}

/**
 * @return array{worker: int, mode: string, requests: int}
 */
function worker_info(): array {}

/**
 * Sends the status and headers set so far, then hands the byte range of the file to the servlet
 * container, which streams it without copying it through PHP. The script must not output body
 * bytes for this response afterwards.
 * A relative path is resolved against PHP's working directory, and open_basedir applies.
 *
 * @param int $length bytes to send from $offset; -1 means up to the end of the file
 * @return bool false when the file cannot be handed over (the caller then sends it itself)
 */
function send_file(string $path, int $offset = 0, int $length = -1): bool {}

/**
 * Runs the tasks (strings) on the app's task workers in parallel and waits up to $waitMilliseconds.
 *
 * @return list<string|false|\RuntimeException>|null each task's output, false when unfinished, or the
 *         error that ended it; null when the app has no task workers
 */
function run_tasks(array $payloads, int $waitMilliseconds): ?array {}

/** Queues the tasks on the app's task workers without waiting; false when there are none. */
function dispatch_tasks(array $payloads): bool {}
