<?php
// Boot-time INI settings hold for every request; a request's own ini_set() calls end with it.
ini_set('precision', '10');
while (\Ephpm\Worker\take_request()) {
    header('Content-Type: application/json');
    echo json_encode([
        'memory_limit' => ini_get('memory_limit'),
        'precision' => ini_get('precision'),
        'default_socket_timeout' => ini_get('default_socket_timeout'),
        'third' => (string) (1 / 3),
    ]);
    switch ($_GET['do'] ?? '') {
        case 'change':
            ini_set('memory_limit', '256M');
            ini_set('precision', '5');
            ini_set('default_socket_timeout', '1'); // refused: the thread's override is fixed
            break;
        case 'restore':
            ini_restore('precision');
            break;
    }
}
