<?php
$boot = bin2hex(random_bytes(4));
while (\Ephpm\Worker\take_request()) {
    switch ($_GET['do'] ?? 'ok') {
        case 'fatal': eval('function twice() {}'); eval('function twice() {}'); break;
        case 'error': undefined_function_in_worker(); break;
        case 'exception': throw new LogicException('worker boom');
        case 'exit': echo 'bye'; exit(0);
        case 'oom': ini_set('memory_limit', '16M'); $a = []; while (true) { $a[] = str_repeat('m', 1 << 20); }
        case 'loop': set_time_limit(2); while (true) {}
        default: echo "ok $boot";
    }
}
