<?php
// A worker that calls php-fpm's getallheaders() at boot, and registers a session handler and INI
// settings once at boot, which every request must find as the boot left them.
final class MemorySessionHandler implements SessionHandlerInterface
{
    private array $sessions = [];

    public function open(string $path, string $name): bool { return true; }
    public function close(): bool { return true; }
    public function read(string $id): string|false { return $this->sessions[$id] ?? ''; }
    public function write(string $id, string $data): bool { $this->sessions[$id] = $data; return true; }
    public function destroy(string $id): bool { unset($this->sessions[$id]); return true; }
    public function gc(int $max_lifetime): int|false { return 0; }
}

$bootHeaders = function_exists('getallheaders') ? getallheaders() : null;
ini_set('precision', '10');
session_set_save_handler(new MemorySessionHandler(), true);
while (\Ephpm\Worker\take_request()) {
    header('Content-Type: application/json');
    $report = [
        'boot_headers' => $bootHeaders,
        'headers' => function_exists('getallheaders') ? getallheaders() : null,
        'precision' => ini_get('precision'),
        'memory_limit' => ini_get('memory_limit'),
    ];
    switch ($_GET['do'] ?? '') {
        case 'session':
            $report['started'] = session_start();
            $report['before'] = $_SESSION ?? null;
            $_SESSION['visits'] = ($_SESSION['visits'] ?? 0) + 1;
            break;
        case 'ini':
            ini_set('precision', '3');
            ini_set('memory_limit', '300M');
            break;
    }
    echo json_encode($report);
}
