<?php
// The soak workload's app: every answer carries the request's nonce and the session's user,
// so the load generator can prove no answer ever shows another request's data.
$download = str_repeat('d', 1024 * 1024);
while (\Ephpm\Worker\take_request()) {
    $nonce = $_GET['nonce'] ?? $_POST['nonce'] ?? '';
    session_start();
    switch ($_GET['r'] ?? '') {
        case 'login':
            session_regenerate_id(true);
            $_SESSION['user'] = $_POST['user'];
            $answer = ['nonce' => $nonce, 'user' => $_SESSION['user']];
            break;
        case 'form':
            $answer = ['nonce' => $nonce, 'user' => $_SESSION['user'] ?? null, 'field' => $_POST['field'] ?? null];
            break;
        case 'upload':
            $file = $_FILES['file'] ?? null;
            $answer = ['nonce' => $nonce, 'user' => $_SESSION['user'] ?? null,
                'md5' => $file && is_uploaded_file($file['tmp_name']) ? md5_file($file['tmp_name']) : null];
            break;
        case 'sse':
            $user = $_SESSION['user'] ?? null;
            session_write_close();
            header('Content-Type: text/event-stream');
            for ($i = 0; $i < 3; $i++) {
                echo "data: $nonce $user $i\n\n";
                ob_flush();
                flush();
                usleep(20000);
            }
            continue 2;
        case 'download':
            header('Content-Type: application/octet-stream');
            header('X-Nonce: ' . $nonce);
            header('X-User: ' . ($_SESSION['user'] ?? ''));
            echo $download;
            continue 2;
        default:
            $answer = ['nonce' => $nonce, 'user' => $_SESSION['user'] ?? null];
    }
    header('Content-Type: application/json');
    echo json_encode($answer);
}
