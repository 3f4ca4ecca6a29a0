<?php
$count = (int)($_GET['count'] ?? 5);
$pause = (int)($_GET['pause_ms'] ?? 150);
for ($i = 0; $i < $count; $i++) {
    echo "chunk$i\n";
    ob_flush();
    flush();
    usleep($pause * 1000);
}
