<?php
// Reports the request body PHP read; ?hold=MS keeps the request open that long afterwards.
$in = file_get_contents('php://input');
if (isset($_GET['hold'])) {
    usleep((int) $_GET['hold'] * 1000);
}
header('Content-Type: application/json');
echo json_encode(['length' => strlen($in), 'md5' => md5($in), 'content_length' => $_SERVER['CONTENT_LENGTH'] ?? null,
    'post' => array_map('strlen', $_POST)]);
