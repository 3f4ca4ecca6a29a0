<?php
// One write or read of a shared table, as JSON: ?table=&op=set|get|incr|del|cas|cas-count|count&key=
//   value (set, cas: JSON columns), expect (cas: JSON columns, or absent), by (incr), times (cas-count)
$t = new Ephpm\Table(64);
$t->column('n', Ephpm\Table::TYPE_INT);
$t->column('x', Ephpm\Table::TYPE_FLOAT);
$t->column('s', Ephpm\Table::TYPE_STRING, 32);
try {
    $t->createShared($_GET['table'] ?? 'replicated');
    $key = $_GET['key'] ?? 'k';
    $json = fn (string $name) => json_decode($_GET[$name] ?? 'null', true);
    switch ($_GET['op'] ?? 'get') {
        case 'set':
            $result = $t->set($key, $json('value'));
            break;
        case 'incr':
            $result = $t->incr($key, $_GET['column'] ?? 'n', $json('by') ?? 1);
            break;
        case 'del':
            $result = $t->del($key);
            break;
        case 'cas':
            $expect = ($_GET['expect'] ?? 'absent') === 'absent' ? false : $json('expect');
            $result = $t->compareAndSet($key, $expect, $json('value'));
            break;
        case 'cas-count':
            // a counter kept with compareAndSet alone: no update may be lost
            $retries = 0;
            for ($i = 0, $n = (int) $_GET['times']; $i < $n; $i++) {
                while (true) {
                    $row = $t->get($key);
                    $next = ['n' => ($row === false ? 0 : $row['n']) + 1];
                    if ($t->compareAndSet($key, $row === false ? false : ['n' => $row['n']], $next)) {
                        break;
                    }
                    $retries++;
                }
            }
            $result = ['n' => $t->get($key, 'n'), 'retries' => $retries];
            break;
        case 'fill':
            // more keys than the table has rows: [written, refused, the last warning]
            $written = $refused = 0;
            for ($i = 0, $n = (int) $_GET['n']; $i < $n; $i++) {
                @$t->set("f$i", ['n' => $i]) ? $written++ : $refused++;
            }
            $result = [$written, $refused, error_get_last()['message'] ?? null];
            break;
        case 'fiber-incr':
            // the write reaches Java from a Fiber's own C stack
            $fiber = new Fiber(function () use ($t, $key) {
                $value = $t->incr($key, 'n');
                Fiber::suspend($value);
                return $t->incr($key, 'n');
            });
            $result = [$fiber->start(), $fiber->resume() ?? $fiber->getReturn()];
            break;
        case 'count':
            $result = count($t);
            break;
        default:
            $result = $t->get($key);
    }
    echo json_encode($result);
} catch (Throwable $e) {
    echo json_encode(get_class($e) . ': ' . $e->getMessage());
}
