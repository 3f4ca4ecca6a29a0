<?php
// FrankenPHP's loop run from inside a Fiber, with handlers that stress the native paths.
$handled = 0;
$handler = function () use (&$handled): void {
    $handled++;
    switch ($_GET['do'] ?? '') {
        case 'fiber-output':
            // Java is called (warning log, emits) while a Fiber inside the handler runs on its own stack
            $fiber = new Fiber(function (): void {
                trigger_error('a warning from a Fiber', E_USER_WARNING);
                header('Link: </f.css>; rel=preload; as=style');
                echo headers_send(103), "\n";
                Fiber::suspend();
                echo str_repeat('x', 200000);
            });
            $fiber->start();
            $fiber->resume();
            echo "\nhandled $handled";
            return;
        case 'fatal':
            eval('function twice() {} function twice() {}');
            return;
        case 'oom':
            ini_set('memory_limit', '16M');
            $hog = [];
            while (true) {
                $hog[] = str_repeat('m', 1 << 20);
            }
        case 'throw-in-tostring':
            // the exception's own report fails: a bailout, so the worker dies instead of living on
            throw new class('boom') extends Exception {
                public function __toString(): string
                {
                    ini_set('memory_limit', '2M');
                    return str_repeat('y', 4 << 20);
                }
            };
        case 'exit-with-shutdown-loop':
            // the script is over: a shutdown function asking for more requests gets none
            register_shutdown_function(static function (): void {
                $more = frankenphp_handle_request(static function (): void {
                    echo 'never';
                });
                $taken = \Ephpm\Worker\take_request();
                error_log('after the script: ' . var_export($more, true) . ' ' . var_export($taken, true));
            });
            echo 'exiting';
            exit(0);
        default:
            echo "handled $handled";
    }
};
$loop = new Fiber(function () use ($handler): void {
    while (frankenphp_handle_request($handler)) {
    }
});
$loop->start();
