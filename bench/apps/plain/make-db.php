<?php
// Creates data/bench.sqlite: 1,000 items. Run by the harness with the PHP CLI.
$dir = __DIR__ . '/data';
@mkdir($dir, 0777, true);
@unlink("$dir/bench.sqlite");
$pdo = new PDO("sqlite:$dir/bench.sqlite");
$pdo->exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL)');
$pdo->beginTransaction();
$insert = $pdo->prepare('INSERT INTO items (name, price) VALUES (?, ?)');
for ($i = 1; $i <= 1000; $i++) {
    $insert->execute(["item $i", ($i * 7919 % 10007) / 100]);
}
$pdo->commit();
