<?php
// A Fiber left suspended for the worker's whole life: it unwinds when the worker stops, outside any request.
$kept = new Fiber(function () {
    try {
        Fiber::suspend();
    } finally {
        echo str_repeat('q', 100), "\n";
        trigger_error('kept-at-stop', E_USER_WARNING);
    }
});
$kept->start();
while ($request = \Ephpm\Worker\take_request()) {
    echo 'ok';
}
