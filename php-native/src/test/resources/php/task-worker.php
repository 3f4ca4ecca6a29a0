<?php
// A task worker: each request's body is a task ("op:argument"); what it prints is the result.
$booted = microtime(true);
while (\Ephpm\Worker\take_request()) {
    [$op, $argument] = explode(':', file_get_contents('php://input'), 2) + [1 => ''];
    switch ($op) {
        case 'sleep': // sleep:<ms>:<value>
            [$ms, $value] = explode(':', $argument, 2);
            usleep((int) $ms * 1000);
            echo $value;
            break;
        case 'echo':
            echo $argument;
            break;
        case 'fatal':
            undefined_function_of_a_task();
            break;
        case 'exit':
            exit(3);
        case 'big':
            echo str_repeat('x', (int) $argument);
            break;
        case 'append': // append:<file>
            file_put_contents($argument, 'ran' . PHP_EOL, FILE_APPEND | LOCK_EX);
            echo 'appended';
            break;
        case 'whoami':
            echo \Ephpm\Worker\worker_info()['worker'], ':', $booted;
            break;
        default:
            echo 'unknown task ', $op;
    }
}
