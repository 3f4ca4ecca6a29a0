<?php
set_time_limit((int)($_GET['limit'] ?? 2));
$i = 0;
while (true) {
    $i++;
}
