<?php
// A worker script written against FrankenPHP's worker API only.
if (($_SERVER['FRANKENPHP_WORKER'] ?? null) !== '1') {
    throw new RuntimeException('FRANKENPHP_WORKER is not 1 at boot');
}
$bootServer = $_SERVER;
$bootId = bin2hex(random_bytes(4));
$handled = 0;
$getAfterReturn = null;

$handler = function () use (&$handled, &$getAfterReturn, $bootServer, $bootId): void {
    $handled++;
    switch ($_GET['do'] ?? '') {
        case 'throw':
            throw new DomainException('thrown by the handler');
        case 'exit':
            echo 'leaving';
            exit(3);
        case 'nested':
            try {
                frankenphp_handle_request(static function (): void {
                });
            } catch (LogicException $e) {
                echo $e->getMessage(), "\n";
            }
            try {
                \Ephpm\Worker\take_request();
            } catch (LogicException $e) {
                echo $e->getMessage();
            }
            return;
        case 'finish':
            echo 'complete';
            $finished = frankenphp_finish_request();
            echo 'never sent';
            // the client has its response already; this work delays nobody
            usleep(800000);
            file_put_contents($_GET['marker'], $finished ? 'finished' : 'not finished');
            return;
        case 'headers':
            header('X-First: 1');
            header('X-Second: two');
            header('Content-Type: application/json');
            echo json_encode([
                'request' => frankenphp_request_headers(),
                'apache_request' => apache_request_headers(),
                'response' => frankenphp_response_headers(),
                'apache_response' => apache_response_headers(),
            ]);
            return;
        case 'session-set':
            session_start();
            $_SESSION['secret'] = $_GET['secret'];
            session_write_close();
            echo 'set ', session_id();
            return;
        case 'session-peek':
            // no session_start(): a $_SESSION left by an earlier request would show here
            echo empty($_SESSION) ? 'empty' : 'leaked ' . json_encode($_SESSION);
            return;
        case 'session-get':
            session_start();
            echo 'secret=', $_SESSION['secret'] ?? 'none';
            return;
        case 'hint':
            header('Link: </worker.css>; rel=preload; as=style');
            headers_send(103);
            echo 'hinted';
            return;
        default:
            header('Content-Type: application/json');
            echo json_encode([
                'boot' => $bootId,
                'handled' => $handled,
                'get' => $_GET,
                'uri' => $_SERVER['REQUEST_URI'],
                'boot_worker_variable' => $bootServer['FRANKENPHP_WORKER'],
                'request_worker_variable' => $_SERVER['FRANKENPHP_WORKER'] ?? null,
                'boot_greeting' => $bootServer['GREETING'] ?? null,
                'request_greeting' => $_SERVER['GREETING'] ?? null,
                'get_after_previous_return' => $getAfterReturn,
            ]);
    }
};

while (frankenphp_handle_request($handler)) {
    // FrankenPHP's contract: after the handler returns, the superglobals still hold its request
    $getAfterReturn = $_GET;
    gc_collect_cycles();
}
