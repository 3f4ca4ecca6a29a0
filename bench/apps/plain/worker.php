<?php
// ePHPm worker-mode entry for the plain cases: boot once, then serve requests in a loop.
require __DIR__ . '/cases.php';

while (($request = \Ephpm\Worker\take_request()) !== null) {
    $handler = bench_route(parse_url($request['uri'], PHP_URL_PATH) ?: '/');
    if ($handler === null) {
        http_response_code(404);
        echo "not found\n";
        continue;
    }
    $handler();
}
