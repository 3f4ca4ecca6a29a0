<?php
header('Content-Type: text/event-stream');
header('Cache-Control: no-cache');
$events = (int)($_GET['events'] ?? 5);
for ($i = 0; $i < $events; $i++) {
    echo "data: event $i\n\n";
    ob_flush();
    flush();
    usleep(200000);
}
