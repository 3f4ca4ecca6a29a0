<?php
// A table shared by every thread of the app: ?op=incr|set|get|layout|declare&key=...&value=...
$t = new Ephpm\Table((int) ($_GET['rows'] ?? 1024));
$t->column('hits', Ephpm\Table::TYPE_INT);
$t->column('note', Ephpm\Table::TYPE_STRING, (int) ($_GET['note'] ?? 64));
try {
    $t->createShared($_GET['table'] ?? 'counters');
} catch (Throwable $e) {
    echo get_class($e), ': ', $e->getMessage();
    return;
}
$key = $_GET['key'] ?? 'k';
switch ($_GET['op'] ?? 'get') {
    case 'incr':
        for ($i = 0, $n = (int) ($_GET['times'] ?? 1); $i < $n; $i++) {
            $t->incr($key, 'hits');
        }
        echo $t->get($key, 'hits');
        break;
    case 'set':
        var_export($t->set($key, ['note' => $_GET['value'] ?? '']));
        break;
    case 'churn':
        // set, read back, iterate and delete at random; any row read must be whole
        mt_srand((int) $_GET['seed']);
        $bad = 0;
        for ($i = 0; $i < 3000; $i++) {
            $k = 'r' . mt_rand(0, 300);
            switch (mt_rand(0, 3)) {
                case 0:
                    $t->set($k, ['hits' => strlen($k), 'note' => str_repeat($k, 3)]);
                    break;
                case 1:
                    $t->del($k);
                    break;
                case 2:
                    $row = $t->get($k);
                    $bad += $row !== false && ($row['hits'] !== strlen($k) || $row['note'] !== str_repeat($k, 3)) ? 1 : 0;
                    break;
                default:
                    if ($i % 50 === 0) {
                        foreach ($t as $rk => $row) {
                            $bad += $row['hits'] !== strlen($rk) || $row['note'] !== str_repeat($rk, 3) ? 1 : 0;
                        }
                    }
            }
        }
        echo "bad=$bad";
        break;
    default:
        $row = $t->get($key);
        echo $row === false ? 'missing' : $row['hits'] . '|' . $row['note'];
}
