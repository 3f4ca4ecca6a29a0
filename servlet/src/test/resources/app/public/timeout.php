<?php
// FrankenPHP's timeout test: a script lowers its own time limit, then runs away; the shutdown
// function records how long it ran
$start = microtime(true);
$record = sys_get_temp_dir() . '/ephpm-timeout-' . preg_replace('/\W/', '', $_GET['token']);
register_shutdown_function(function () use ($start, $record) {
    file_put_contents($record, (string)(microtime(true) - $start));
});
set_time_limit(1);
while (true) {
}
