<?php
// Request N sets all kinds of per-request state; request N+1 reports what it can still see.
while (\Ephpm\Worker\take_request()) {
    if (($_GET['phase'] ?? '') === 'set') {
        header('X-Leak: yes');
        http_response_code(418);
        setcookie('leak', 'yes');
        ob_start();
        echo 'buffered-and-never-closed';
        $GLOBALS['tmp'] = $_FILES['f']['tmp_name'] ?? null;
        continue;
    }
    header('Content-Type: application/json');
    echo json_encode([
        'status' => http_response_code(),
        'headers' => headers_list(),
        'get' => $_GET,
        'post' => $_POST,
        'cookie' => $_COOKIE,
        'files' => $_FILES,
        'ob_level' => ob_get_level(),
        'server_has_set_phase' => ($_SERVER['QUERY_STRING'] ?? '') === 'phase=set',
        'previous_tmp' => $GLOBALS['tmp'] ?? null,
        'previous_tmp_exists' => isset($GLOBALS['tmp']) && file_exists($GLOBALS['tmp']),
    ]);
}
