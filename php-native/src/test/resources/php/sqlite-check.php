<?php
$pdo = new PDO('sqlite:' . $_GET['db']);
echo $pdo->query('PRAGMA integrity_check')->fetchColumn(), ' ', $pdo->query('SELECT COUNT(*) FROM rows')->fetchColumn();
