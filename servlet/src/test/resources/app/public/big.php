<?php
$mb = (int)($_GET['mb'] ?? 10);
$piece = str_repeat('z', 65536);
header('Content-Type: application/octet-stream');
for ($i = 0; $i < $mb * 16; $i++) {
    echo $piece;
    ob_flush();
    flush();
    if (connection_aborted()) {
        break;
    }
}
