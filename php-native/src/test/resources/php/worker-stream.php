<?php
$aborted = 0;
while (\Ephpm\Worker\take_request()) {
    $mb = (int)$_GET['mb'];
    if ($mb === 0) {
        echo "aborted-before=$aborted";
        continue;
    }
    $piece = str_repeat('y', 65536);
    for ($i = 0; $i < $mb * 16; $i++) {
        echo $piece;
        ob_flush();
        flush();
        if (connection_aborted()) {
            $aborted++;
            break;
        }
    }
}
