<?php

/*
 * Test-only stand-in for the ePHPm SAPI's \Ephpm\Worker\take_request() under the plain CLI,
 * loaded with auto_prepend_file. It serves the requests listed in the JSON file $EPHPM_FAKE_REQUESTS
 * by setting the superglobals as the SAPI does, and appends each finished response (status and
 * body; the CLI keeps no headers) as a JSON line to $EPHPM_FAKE_RECORD, when finish_request() or
 * the next take_request() completes it. As with the SAPI, output after the finish reaches no one.
 */

namespace Ephpm\Worker;

function fake_record(array $entry): void
{
    file_put_contents(getenv('EPHPM_FAKE_RECORD'), json_encode($entry)."\n", FILE_APPEND);
}

final class FakeServer
{
    public static ?array $requests = null;

    public static int $taken = 0;

    public static string $captured = '';

    public static bool $finished = false;

    public static function finishResponse(): void
    {
        while (ob_get_level() > 1) {
            ob_end_flush();
        }
        ob_flush();

        if (! self::$finished) {
            fake_record(['number' => self::$taken, 'status' => http_response_code(), 'body' => self::$captured]);
            self::$finished = true;
        }
        self::$captured = '';
    }
}

register_shutdown_function(static function (): void {
    if (FakeServer::$taken > 0 && FakeServer::$taken <= count(FakeServer::$requests)) {
        FakeServer::finishResponse();
    }
    fake_record(['shutdown' => true, 'taken' => FakeServer::$taken]);
});

function finish_request(): bool
{
    if (FakeServer::$taken === 0 || FakeServer::$finished) {
        return false;
    }
    FakeServer::finishResponse();

    return true;
}

function take_request(): ?array
{
    if (FakeServer::$requests === null) {
        FakeServer::$requests = json_decode(file_get_contents(getenv('EPHPM_FAKE_REQUESTS')), true);
        // Not removable, like the SAPI's own output layer: the response body collects here.
        ob_start(static function (string $buffer): string {
            FakeServer::$captured .= $buffer;

            return '';
        }, 0, PHP_OUTPUT_HANDLER_CLEANABLE | PHP_OUTPUT_HANDLER_FLUSHABLE);
    } elseif (FakeServer::$taken > 0) {
        FakeServer::finishResponse();
        http_response_code(200);
    }

    if (FakeServer::$taken >= count(FakeServer::$requests)) {
        FakeServer::$taken++;

        return null;
    }

    $request = FakeServer::$requests[FakeServer::$taken++];
    FakeServer::$finished = false;
    $uri = $request['uri'];
    $query = (string) parse_url($uri, PHP_URL_QUERY);
    parse_str($query, $_GET);
    $_POST = $_COOKIE = $_FILES = [];
    $_SERVER = [
        'REQUEST_METHOD' => $request['method'] ?? 'GET',
        'REQUEST_URI' => $uri,
        'QUERY_STRING' => $query,
        'SCRIPT_NAME' => '/index.php',
        'SCRIPT_FILENAME' => getenv('APP_BASE_PATH').'/public/index.php',
        'DOCUMENT_ROOT' => getenv('APP_BASE_PATH').'/public',
        'SERVER_NAME' => 'localhost',
        'SERVER_PORT' => '8080',
        'SERVER_PROTOCOL' => 'HTTP/1.1',
        'REMOTE_ADDR' => '127.0.0.1',
        'HTTP_HOST' => 'localhost:8080',
        'REQUEST_TIME' => time(),
        'REQUEST_TIME_FLOAT' => microtime(true),
    ];

    return ['method' => $_SERVER['REQUEST_METHOD'], 'uri' => $uri, 'protocol' => 'HTTP/1.1', 'script' => $_SERVER['SCRIPT_FILENAME'], 'worker' => 1, 'number' => FakeServer::$taken];
}
