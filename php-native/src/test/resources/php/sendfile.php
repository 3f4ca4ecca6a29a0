<?php
$file = $_GET['file'];
header('Content-Type: application/octet-stream');
if (isset($_GET['echo_first'])) {
    echo 'x';
    ob_flush();
}
$sent = \Ephpm\Worker\send_file($file, (int)($_GET['offset'] ?? 0), (int)($_GET['length'] ?? -1));
echo 'dropped after send_file';
error_log('send_file returned ' . var_export($sent, true));
