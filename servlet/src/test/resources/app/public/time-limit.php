<?php
header('Content-Type: application/json');
echo json_encode([
    'set_time_limit' => set_time_limit(5),
    'ini_set' => ini_set('max_execution_time', '7'),
    'now' => ini_get('max_execution_time'),
]);
