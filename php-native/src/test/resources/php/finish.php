<?php
// Completes the response early, as php-fpm apps do, then goes on working.
header('X-Early: yes');
echo 'sent before finishing';
$finished = fastcgi_finish_request();
echo 'dropped';
usleep((int) $_GET['after_ms'] * 1000);
file_put_contents($_GET['marker'], $finished && !fastcgi_finish_request() ? 'went on after finishing' : 'unexpected');
