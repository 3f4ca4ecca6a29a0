<?php
// Streams N megabytes in 64 KiB pieces, and records whether the client went away.
$mb = (int)($_GET['mb'] ?? 10);
$piece = str_repeat('x', 65536);
$marker = $_GET['marker'] ?? null;
for ($i = 0; $i < $mb * 16; $i++) {
    echo $piece;
    ob_flush();
    flush();
    if (connection_aborted()) {
        if ($marker) file_put_contents($marker, "aborted at $i");
        break;
    }
}
