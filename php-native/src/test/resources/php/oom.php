<?php
ini_set('memory_limit', '16M');
$data = [];
while (true) {
    $data[] = str_repeat('m', 1024 * 1024);
}
