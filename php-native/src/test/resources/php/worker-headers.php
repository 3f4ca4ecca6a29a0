<?php
// php-fpm's getallheaders() and apache_request_headers(), at boot (no request) and per request.
$atBoot = getallheaders();
while (\Ephpm\Worker\take_request()) {
    header('Content-Type: application/json');
    echo json_encode(['boot' => $atBoot, 'headers' => getallheaders(), 'apache' => apache_request_headers()]);
}
