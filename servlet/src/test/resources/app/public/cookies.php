<?php
setcookie('a', '1');
setcookie('b', '2', ['path' => '/', 'httponly' => true]);
header('X-Multi: one');
header('X-Multi: two', false);
http_response_code(201);
echo 'cookies set';
