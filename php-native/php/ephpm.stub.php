<?php
/**
 * The functions the ePHPm SAPI (libephpm) gives PHP code, in the namespace Ephpm\Worker, and its
 * shared table class, Ephpm\Table (at the end of this file).
 * This file is documentation and an IDE stub; it is never loaded at run time.
 *
 * Besides these, the SAPI replaces getenv() and putenv(): PHP sees only the environment the
 * runtime was configured with, and putenv() changes it for the calling PHP thread only. It also
 * has php-fpm's global fastcgi_finish_request(), the same function as finish_request() below, and
 * php-fpm's getallheaders() and apache_request_headers(), and FrankenPHP's headers_send() (declared
 * in the global namespace below).
 */

namespace Ephpm\Worker {

/**
 * Ends the current request and waits for the next one. Worker scripts only.
 *
 * The previous request, if any, is completed first: output buffers are flushed, headers and body
 * are sent, upload temp files are deleted, and header(), http_response_code(), output buffers,
 * $_GET, $_POST, $_COOKIE, $_FILES, $_SERVER, $_REQUEST and $_SESSION are reset, and INI settings
 * the request changed go back to what the worker had when it took its first request (boot-time
 * ini_set() calls stay, as does a session handler registered at boot). Then the superglobals
 * of the new request are built by PHP's own machinery, exactly as php-fpm builds them, and
 * max_execution_time starts counting.
 *
 * While waiting, the worker is idle and no execution timer runs.
 *
 * @return array{method: string, uri: string, protocol: string, script: string, worker: int, number: int}|null
 *         the new request's method, URI, protocol, script file name, this worker's id and the
 *         request's number within this worker; null when the worker must stop (shutdown, rotation
 *         after its request limit). After null, $_SERVER holds the boot variables again; return
 *         from the script promptly.
 * @throws \LogicException outside a worker script
 */
function take_request(): ?array {}

/**
 * Completes the current response now (like fastcgi_finish_request()): output buffers are flushed
 * and the client gets the whole response. Later output of this request is discarded; the script
 * may go on working.
 *
 * @return bool false when there is no open response
 */
function finish_request(): bool {}

/**
 * Answers the current request with a segment of a file, sent by the servlet container rather than
 * copied through PHP. Status and headers set so far go out first; body output after this call is
 * dropped. Range handling is the caller's job (Symfony's BinaryFileResponse::prepare() does it).
 *
 * @param string $path   the file to send
 * @param int    $offset the first byte to send
 * @param int    $length bytes to send, -1 for the rest of the file
 * A relative path is resolved against PHP's working directory (the script's directory, or where
 * chdir() went), and open_basedir applies, as for PHP's own file functions.
 *
 * @return bool false (with a warning) when body output has already started, when open_basedir
 *              refuses the path, or when there is no open response
 */
function send_file(string $path, int $offset = 0, int $length = -1): bool {}

/**
 * Which PHP thread runs this code.
 *
 * @return array{worker: int, mode: string, requests: int}
 *         worker id; "worker" or "classic"; requests taken by this worker script (worker mode) or
 *         served by this thread before this one (classic mode)
 */
function worker_info(): array {}

/**
 * Runs tasks on the app's task workers, in parallel, and waits for them. A task is a string the
 * task worker script reads as its request body (php://input); what it prints is the result. A
 * task still queued or running when the wait ends is cancelled: dropped from the queue, or its
 * execution ended as max_execution_time would end it. The calling script's execution timer does
 * not run while it waits.
 *
 * @param array<string> $payloads         the tasks, in order (keys are ignored)
 * @param int           $waitMilliseconds the longest wait for all of them
 * @return list<string|false|\RuntimeException>|null for each task in order: its output; false when
 *         it did not finish within the wait; a RuntimeException with the error that ended it (a
 *         fatal error, exit(), a crash of its worker). null when the app has no task workers: run
 *         the tasks yourself.
 * @throws \TypeError when a payload is not a string
 */
function run_tasks(array $payloads, int $waitMilliseconds): ?array {}

/**
 * Queues tasks on the app's task workers without waiting for them (fire and forget); each runs
 * until it ends or reaches the app's request timeout.
 *
 * @param array<string> $payloads the tasks (keys are ignored)
 * @return bool false when the app has no task workers or they do not take tasks now (stopping)
 */
function dispatch_tasks(array $payloads): bool {}
}

namespace {

/**
 * The current request's headers, as php-fpm gives them: names rebuilt from the HTTP_* variables
 * ("X-Forwarded-For"), plus Content-Type and Content-Length; an empty array outside a request
 * (at a worker's boot).
 *
 * @return array<string, string>
 */
function getallheaders(): array {}

/** The same as getallheaders(). */
function apache_request_headers(): array {}

/**
 * FrankenPHP's headers_send(). A status from 100 to 199 (103 Early Hints) sends an interim response
 * with the headers set so far, which stay set for the final response (the servlet passes the Link
 * headers of a 103 on where the container can send one: Jetty 12, Tomcat 10.1/11; elsewhere nothing
 * is sent). Any other status becomes the response's status, and status and headers are sent now.
 *
 * @return int 1 when sent (SAPI_HEADER_SENT_SUCCESSFULLY), 3 (SAPI_HEADER_SEND_FAILED) when the final
 *             headers are already out, or there is no open response
 * @throws \ValueError when $status is not from 100 to 599
 */
function headers_send(int $status = 200): int {}

/**
 * FrankenPHP's worker loop, for worker scripts written for FrankenPHP; next to take_request(), worker
 * scripts only. Waits for the next request (the previous one, or the boot, ends as in take_request()),
 * makes the superglobals that request's, and calls $handler. When it returns, the response is complete:
 * output flushed, session written, upload files deleted, the client answered; the superglobals keep the
 * request's values until the next call. An exception the handler lets out is reported as PHP reports an
 * uncaught one (logged; 500 unless display_errors shows it) and the worker lives on; exit() ends the
 * worker script, whose response goes out as PHP produced it, and a fresh worker takes over.
 * $_SERVER['FRANKENPHP_WORKER'] is '1' in the worker mode's boot environment.
 *
 * @return bool false when the worker must stop (shutdown, rotation): return from the script
 * @throws \RuntimeException outside a worker script
 * @throws \LogicException inside a handler (so is take_request())
 */
function frankenphp_handle_request(callable $handler): bool {}

/** The same as \Ephpm\Worker\finish_request() and fastcgi_finish_request(). */
function frankenphp_finish_request(): bool {}

/** The same as getallheaders(). */
function frankenphp_request_headers(): array {}

/**
 * The response headers set so far, by name (of several with one name, the last), as PHP's own SAPIs'
 * apache_response_headers() gives them.
 *
 * @return array<string, string>
 */
function frankenphp_response_headers(): array {}

/** The same as frankenphp_response_headers(). */
function apache_response_headers(): array {}
}

namespace Ephpm {

/**
 * Rows of typed columns in the JVM process's memory, with Swoole\Table's API. A table made with
 * create() belongs to the object; one made with createShared() is shared by every PHP thread of
 * the same app (worker or classic mode alike) and outlives workers: rotation, crash replacement,
 * a reload. The Octane driver declares Swoole\Table as this class under Swoole's name.
 *
 * Every read and write locks the row's stripe: a get() never sees half of a set(), and incr()/decr()
 * are atomic across threads. With a cluster (cluster=hazelcast) a shared table's writes are made on
 * the cluster first, atomic for their key across every node, and reads stay on this node: see
 * docs/cluster.md. A write the cluster cannot take in time throws an Error.
 * Keys have at most 255 bytes, string columns the size declared; a value or key too long, or a new
 * row in a full table, is refused whole (warning, false), never cut.
 */
class Table implements \Iterator, \Countable
{
    public const TYPE_INT = 1;
    public const TYPE_FLOAT = 2;
    public const TYPE_STRING = 3;

    /** @param int $table_size the most rows the table holds (all of them, exactly) */
    public function __construct(int $table_size, float $conflict_proportion = 0.2) {}

    /** Declares a column before create(); $size is the most bytes of a string column. */
    public function column(string $name, int $type, int $size = 0): bool {}

    /** Allocates size x row size bytes for this object's own table. */
    public function create(): bool {}

    /**
     * The app's table of this name, made by the first thread that asks with these columns and
     * size; an Error when the app has it with another layout.
     */
    public function createShared(string $name): bool {}

    /** This object lets go of its table (a shared one stays for the app's other threads). */
    public function destroy(): bool {}

    /** Writes the given columns of the row, making it (other columns zero) when it is new. */
    public function set(string $key, array $value): bool {}

    /**
     * Writes the given columns only while the row holds $expected (compared as stored; floats by
     * their bits), or, with false, only while there is no row; true when it wrote. One step for
     * every thread of the app and, with a cluster, for every node: a lock-free read-modify-write.
     */
    public function compareAndSet(string $key, array|false $expected, array $value): bool {}

    /** The row as an array, or one column's value; false when there is no such row. */
    public function get(string $key, ?string $field = null): mixed {}

    public function exists(string $key): bool {}
    public function exist(string $key): bool {}
    public function del(string $key): bool {}
    public function delete(string $key): bool {}

    /** Adds to an int or float column atomically, making the row when it is new; the new value. */
    public function incr(string $key, string $column, int|float $incrby = 1): int|float|false {}
    public function decr(string $key, string $column, int|float $incrby = 1): int|float|false {}

    public function count(): int {}
    public function getSize(): int {}
    public function getMemorySize(): int {}

    /** @return array{num: int, size: int, memory_size: int, shared: bool}|false */
    public function stats(): array|false {}

    public function rewind(): void {}
    public function valid(): bool {}
    public function next(): void {}
    public function current(): mixed {}
    public function key(): mixed {}
}
}
