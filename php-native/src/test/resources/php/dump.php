<?php
// Echoes what PHP's own request machinery built, as JSON.
$uploaded = [];
foreach ($_FILES as $file) {
    $tmpNames = (array)$file['tmp_name'];
    array_walk_recursive($tmpNames, function ($tmp) use (&$uploaded) {
        if ($tmp !== '') {
            $uploaded[] = ['tmp' => $tmp, 'is_uploaded_file' => is_uploaded_file($tmp), 'md5' => md5_file($tmp)];
        }
    });
}
$server = [];
foreach (['REQUEST_METHOD', 'REQUEST_URI', 'QUERY_STRING', 'SCRIPT_NAME', 'SCRIPT_FILENAME', 'SERVER_PROTOCOL',
          'GATEWAY_INTERFACE', 'REMOTE_ADDR', 'SERVER_PORT', 'CONTENT_TYPE', 'CONTENT_LENGTH', 'HTTP_X_NONCE',
          'HTTP_COOKIE', 'PHP_SELF', 'PHP_AUTH_USER', 'PHP_AUTH_PW', 'EPHPM_TEST_ENV'] as $name) {
    if (array_key_exists($name, $_SERVER)) {
        $server[$name] = $_SERVER[$name];
    }
}
header('Content-Type: application/json');
echo json_encode([
    'get' => $_GET,
    'post' => $_POST,
    'cookie' => $_COOKIE,
    'files' => $_FILES,
    'uploaded' => $uploaded,
    'request' => $_REQUEST,
    'server' => $server,
    'input' => file_get_contents('php://input'),
    'sapi' => PHP_SAPI,
    'env' => getenv('EPHPM_TEST_ENV'),
    'home' => getenv('HOME'),
    'env_super' => $_ENV,
    'include_path' => get_include_path(),
]);
