<?php
// php-fpm: output that reaches the connection after fastcgi_finish_request() finds it closed.
$file = $_GET['file'];
register_shutdown_function(function () use ($file) {
    file_put_contents($file, connection_status());
});
echo 'done';
fastcgi_finish_request();
usleep(300000);
echo 'after';
flush();
file_put_contents($file . '.continued', 'the script went on');
