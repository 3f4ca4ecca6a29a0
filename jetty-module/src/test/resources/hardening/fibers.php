<?php
// Fibers that reach the SAPI (output, flush, logs, the request body, finish_request, send_file)
// while PHP runs on the Fiber's own C stack. Each case prints a body of known length.
function fiber_case(string $case): void
{
    switch ($case) {
        case 'warn':
            $f = new Fiber(function () {
                trigger_error('w', E_USER_WARNING);
                echo str_repeat('y', 200000);
            });
            $f->start();
            echo 'after';
            return;
        case 'flush':
            $f = new Fiber(function () {
                echo str_repeat('a', 1000);
                flush();
                trigger_error('flushing', E_USER_NOTICE);
                echo str_repeat('b', 70000);
                flush();
            });
            $f->start();
            echo 'after';
            return;
        case 'input':
            $f = new Fiber(function () {
                $in = fopen('php://input', 'rb');
                $first = fread($in, 1000);
                $rest = Fiber::suspend(strlen($first));
                $all = $first . stream_get_contents($in);
                echo strlen($all), ':', md5($all);
            });
            $f->start();
            $f->resume();
            return;
        case 'suspend':
            $f = new Fiber(function () {
                for ($i = 0; $i < 5; $i++) {
                    echo str_repeat(chr(97 + $i), 40000);
                    trigger_error("s$i", E_USER_NOTICE);
                    Fiber::suspend($i);
                }
            });
            $v = $f->start();
            while (!$f->isTerminated()) {
                echo "|$v|";
                $v = $f->resume();
            }
            return;
        case 'nested':
            $outer = new Fiber(function () {
                echo str_repeat('o', 50000);
                $inner = new Fiber(function () {
                    trigger_error('inner', E_USER_WARNING);
                    echo str_repeat('i', 120000);
                    Fiber::suspend();
                    echo str_repeat('j', 10);
                });
                $inner->start();
                echo str_repeat('p', 30000);
                $inner->resume();
            });
            $outer->start();
            echo 'after';
            return;
        case 'left-suspended':
            $GLOBALS['left'] = new Fiber(function () {
                try {
                    echo str_repeat('k', 60000);
                    Fiber::suspend();
                    echo 'never';
                } finally {
                    echo str_repeat('z', 70000);
                    trigger_error('late', E_USER_WARNING);
                }
            });
            $GLOBALS['left']->start();
            echo 'end';
            return;
        case 'finish':
            $f = new Fiber(function () {
                echo str_repeat('f', 1000);
                fastcgi_finish_request();
                echo 'lost';
                flush();
            });
            $f->start();
            echo 'more';
            return;
        case 'sendfile':
            $f = new Fiber(function () {
                \Ephpm\Worker\send_file(__DIR__ . '/data.bin');
            });
            $f->start();
            return;
    }
    http_response_code(404);
}
