<?php
header('Content-Type: application/json');
echo json_encode(['getenv' => getenv(), 'server_keys' => array_keys($_SERVER), 'env' => $_ENV]);
