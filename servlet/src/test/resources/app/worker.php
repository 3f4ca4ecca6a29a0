<?php
// Worker script of the test app: boots once, then serves requests until told to stop.
$bootId = bin2hex(random_bytes(6));
$base = $_SERVER['APP_BASE_PATH'];
if (is_file("$base/boot-fails")) {
    throw new RuntimeException('boot failed on purpose: ' . trim(file_get_contents("$base/boot-fails")));
}
$retained = [];
$served = 0;
while ($request = \Ephpm\Worker\take_request()) {
    $served++;
    switch ($_GET['do'] ?? '') {
        case 'fatal':
            eval('function declared_twice() {}');
            eval('function declared_twice() {}');
            break;
        case 'crash-once':
            // crashes the first time it sees this token, so a replay on a fresh worker succeeds
            $marker = sys_get_temp_dir() . '/ephpm-crash-' . preg_replace('/\W/', '', $_GET['token']);
            if (!is_file($marker)) {
                touch($marker);
                throw new RuntimeException('crash once');
            }
            unlink($marker);
            echo "survived replay $bootId";
            break;
        case 'exit':
            echo 'partial';
            exit(1);
        case 'redirect-exit':
            // a side effect, then a complete response, then exit(): as many frameworks redirect
            file_put_contents(sys_get_temp_dir() . '/ephpm-exit-' . preg_replace('/\W/', '', $_GET['token']), 'x', FILE_APPEND);
            header('Location: /x');
            http_response_code(302);
            exit;
        case 'time-limit':
            // asks for more than request-timeout, then runs away
            set_time_limit((int)$_GET['s']);
            while (true) {
            }
        case 'stream-then-exit':
            for ($i = 0; $i < 3; $i++) {
                echo str_repeat('s', 10000), "\n";
                ob_flush();
                flush();
            }
            exit(0);
        case 'oom':
            ini_set('memory_limit', '32M');
            $hog = [];
            while (true) {
                $hog[] = str_repeat('m', 1 << 20);
            }
        case 'every-tenth':
            if ($served % 10 === 0) {
                throw new RuntimeException("crash on request $served");
            }
            echo "served $served by $bootId";
            break;
        case 'recurse':
            $deeper = function (int $n) use (&$deeper) {
                return $n <= 0 ? 1 : array_map(fn ($x) => $deeper($x - 1), [$n])[0];
            };
            ini_set('memory_limit', '-1');
            echo $deeper(10000000);
            break;
        case 'loop':
            while (true) {
            }
        case 'sleep':
            usleep((int)$_GET['ms'] * 1000);
            echo "slept $bootId";
            break;
        case 'retain':
            $retained[] = str_repeat('r', 1024 * 1024);
            echo "retained " . count($retained) . " MB in $bootId";
            break;
        case 'stream':
            $piece = str_repeat('w', 65536);
            for ($i = 0; $i < (int)$_GET['mb'] * 16; $i++) {
                echo $piece;
                ob_flush();
                flush();
                if (connection_aborted()) {
                    break;
                }
            }
            break;
        default:
            header('Content-Type: application/json');
            echo json_encode([
                'boot' => $bootId,
                'served' => $served,
                'nonce' => $_GET['nonce'] ?? null,
                'header_nonce' => $_SERVER['HTTP_X_NONCE'] ?? null,
                'post' => $_POST,
                'request' => $request,
                'script_name' => $_SERVER['SCRIPT_NAME'],
                'request_uri' => $_SERVER['REQUEST_URI'],
            ]);
    }
}
