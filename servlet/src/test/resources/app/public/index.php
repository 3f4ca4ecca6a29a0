<?php
// Front controller of the test app: reports what PHP saw.
$server = [];
foreach (['REQUEST_METHOD', 'REQUEST_URI', 'QUERY_STRING', 'SCRIPT_NAME', 'SCRIPT_FILENAME', 'PATH_INFO', 'PHP_SELF',
          'DOCUMENT_ROOT', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL', 'REMOTE_ADDR', 'HTTPS', 'REQUEST_SCHEME',
          'CONTENT_TYPE', 'CONTENT_LENGTH', 'HTTP_HOST', 'HTTP_X_NONCE', 'HTTP_X_FORWARDED_FOR', 'GATEWAY_INTERFACE',
          'EPHPM_MODE', 'APP_BASE_PATH'] as $name) {
    if (isset($_SERVER[$name])) {
        $server[$name] = $_SERVER[$name];
    }
}
$uploads = [];
foreach ($_FILES as $field => $file) {
    $uploads[$field] = ['name' => $file['name'], 'size' => $file['size'], 'error' => $file['error'],
        'md5' => is_uploaded_file($file['tmp_name']) ? md5_file($file['tmp_name']) : null];
}
header('Content-Type: application/json');
header('X-Script: index.php');
echo json_encode([
    'server' => $server,
    'get' => $_GET,
    'post' => $_POST,
    'cookie' => $_COOKIE,
    'uploads' => $uploads,
    'input' => ($_SERVER['CONTENT_TYPE'] ?? '') === 'application/json' ? json_decode(file_get_contents('php://input'), true) : null,
    'worker' => \Ephpm\Worker\worker_info(),
    'env' => getenv('APP_GREETING'),
    'ini_memory_limit' => ini_get('memory_limit'),
]);
