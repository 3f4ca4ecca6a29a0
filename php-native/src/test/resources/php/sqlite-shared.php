<?php
// Several PHP threads write and read one SQLite file at once, as pdo_sqlite apps do.
$pdo = new PDO('sqlite:' . $_GET['db'], null, null, [
    PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
    PDO::ATTR_TIMEOUT => 30,
    PDO::ATTR_PERSISTENT => !empty($_GET['persistent']),
]);
$pdo->exec('CREATE TABLE IF NOT EXISTS rows (thread TEXT, n INTEGER, payload TEXT)');
$thread = $_GET['thread'];
$pdo->beginTransaction();
$insert = $pdo->prepare('INSERT INTO rows (thread, n, payload) VALUES (?, ?, ?)');
for ($i = 0; $i < 10; $i++) {
    $insert->execute([$thread, $i, str_repeat($thread, 50)]);
}
$pdo->commit();
$mine = $pdo->prepare("SELECT COUNT(*) FROM rows WHERE thread = ? AND payload = ?");
$mine->execute([$thread, str_repeat($thread, 50)]);
echo $mine->fetchColumn();
