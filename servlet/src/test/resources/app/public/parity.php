<?php
// What php-fpm behind nginx gives a script besides index.php's report: authentication variables,
// DOCUMENT_URI, the request headers; and a Server and Date header of the script's own.
if (isset($_GET['server'])) {
    header('Server: ' . $_GET['server']);
    header('Date: ' . $_GET['date']);
}
$server = [];
foreach (['REMOTE_USER', 'AUTH_TYPE', 'PHP_AUTH_USER', 'PHP_AUTH_PW', 'DOCUMENT_URI', 'SCRIPT_NAME', 'PATH_INFO', 'PHP_SELF'] as $name) {
    if (isset($_SERVER[$name])) {
        $server[$name] = $_SERVER[$name];
    }
}
header('Content-Type: application/json');
echo json_encode(['server' => $server,
    'headers' => function_exists('getallheaders') ? getallheaders() : null,
    'apache' => function_exists('apache_request_headers') ? apache_request_headers() : null]);
