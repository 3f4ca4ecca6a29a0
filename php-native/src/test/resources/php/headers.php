<?php
switch ($_GET['case'] ?? '') {
    case 'cookies':
        setcookie('first', 'one');
        setcookie('second', 'two', ['httponly' => true, 'path' => '/app']);
        header('X-Multi: a');
        header('X-Multi: b', false);
        echo 'cookies';
        break;
    case 'status':
        http_response_code(404);
        echo http_response_code();
        break;
    case 'status-line':
        header('HTTP/1.1 503 Service Unavailable');
        echo 'down';
        break;
    case 'redirect':
        header('Location: /elsewhere');
        break;
    case 'created-redirect':
        http_response_code(201);
        header('Location: /new-thing');
        break;
    case 'remove':
        header('X-Keep: yes');
        header('X-Gone: soon');
        header_remove('X-Gone');
        $before = headers_sent() ? 'sent' : 'not-sent';
        echo $before, ' ';
        ob_flush(); // past the output buffer, the headers go out
        echo headers_sent() ? 'sent' : 'not-sent';
        break;
    case 'late-header':
        echo 'body first';
        ob_flush();
        flush();
        $ok = @header('X-Too-Late: 1');
        echo headers_sent($file, $line) ? ' sent-at-line-' . $line : ' not-sent';
        break;
    case 'content-type':
        header('Content-Type: text/plain; charset=utf-8');
        echo 'plain';
        break;
    case 'empty':
        break;
}
