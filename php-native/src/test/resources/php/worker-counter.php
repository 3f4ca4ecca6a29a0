<?php
// Boots once: the boot log gets one line per boot, not per request.
$bootLog = $_SERVER['BOOT_LOG'];
file_put_contents($bootLog, "boot\n", FILE_APPEND);
$boots = count(file($bootLog));
$served = 0;
while ($request = \Ephpm\Worker\take_request()) {
    $served++;
    header('Content-Type: application/json');
    echo json_encode([
        'boots' => $boots,
        'served' => $served,
        'request' => $request,
        'nonce' => $_GET['nonce'] ?? null,
        'header_nonce' => $_SERVER['HTTP_X_NONCE'] ?? null,
        'post' => $_POST,
    ]);
}
file_put_contents($bootLog, "stopped after $served\n", FILE_APPEND);
