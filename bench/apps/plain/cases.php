<?php
// The plain-PHP benchmark cases as functions, so that php-fpm, ePHPm classic (one file per case
// in public/) and ePHPm worker mode (worker.php) run exactly the same code.

function bench_hello(): void
{
    header('Content-Type: text/plain');
    echo "Hello, World!\n";
}

function bench_json(): void
{
    header('Content-Type: application/json');
    echo json_encode([
        'message' => 'Hello, World!',
        'items' => [1, 2, 3, 4, 5],
        'user' => ['id' => 42, 'name' => 'Ada', 'roles' => ['admin', 'dev']],
        'ok' => true,
    ]);
}

function bench_pdo(): PDO
{
    static $pdo = null; // kept across requests by a worker, fresh per request otherwise
    if ($pdo === null) {
        $pdo = new PDO('sqlite:' . __DIR__ . '/data/bench.sqlite', null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    }
    return $pdo;
}

/** Four queries against a small SQLite table. */
function bench_sqlite(): void
{
    $pdo = bench_pdo();
    $count = (int) $pdo->query('SELECT COUNT(*) FROM items')->fetchColumn();
    $one = $pdo->prepare('SELECT id, name, price FROM items WHERE id = ?');
    $one->execute([($count > 0 ? random_int(1, $count) : 1)]);
    $row = $one->fetch(PDO::FETCH_ASSOC);
    $cheap = $pdo->query('SELECT id, name FROM items ORDER BY price LIMIT 10')->fetchAll(PDO::FETCH_ASSOC);
    $sum = (float) $pdo->query('SELECT SUM(price) FROM items')->fetchColumn();
    header('Content-Type: application/json');
    echo json_encode(['count' => $count, 'row' => $row, 'cheap' => $cheap, 'sum' => $sum]);
}

/** A 1,000-iteration CPU loop. */
function bench_cpu(): void
{
    $acc = 0;
    for ($i = 0; $i < 1000; $i++) {
        $acc = ($acc * 31 + $i * $i) % 1000003;
    }
    header('Content-Type: text/plain');
    echo $acc, "\n";
}

/** What the harness checks before measuring: OPcache on, and with which settings. */
function bench_opcache(): void
{
    $status = function_exists('opcache_get_status') ? opcache_get_status(false) : false;
    $config = function_exists('opcache_get_configuration') ? opcache_get_configuration()['directives'] : [];
    header('Content-Type: application/json');
    echo json_encode([
        'enabled' => is_array($status) && !empty($status['opcache_enabled']),
        'sapi' => PHP_SAPI,
        'php' => PHP_VERSION,
        'zts' => (bool) PHP_ZTS,
        'settings' => array_intersect_key($config, array_flip([
            'opcache.memory_consumption', 'opcache.interned_strings_buffer', 'opcache.max_accelerated_files',
            'opcache.validate_timestamps', 'opcache.revalidate_freq', 'opcache.jit', 'opcache.jit_buffer_size',
        ])),
    ]);
}

/** Maps a request path to its case; used by the worker script. */
function bench_route(string $path): ?callable
{
    return [
        '/hello.php' => 'bench_hello',
        '/json.php' => 'bench_json',
        '/sqlite.php' => 'bench_sqlite',
        '/cpu.php' => 'bench_cpu',
        '/opcache.php' => 'bench_opcache',
    ][$path] ?? null;
}
