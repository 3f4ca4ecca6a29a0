<?php
// Hands the tasks of the request body (a JSON list) to the app's task workers, waits ?wait= ms,
// and prints what came back as JSON: strings, false, or "RuntimeException: <message>".
$tasks = json_decode(file_get_contents('php://input'), true);
$started = microtime(true);
try {
    if (isset($_GET['dispatch'])) {
        $answer = \Ephpm\Worker\dispatch_tasks($tasks);
    } else {
        $answer = \Ephpm\Worker\run_tasks($tasks, (int) ($_GET['wait'] ?? 3000));
        if (is_array($answer)) {
            $answer = array_map(fn ($r) => $r instanceof \Throwable ? get_class($r) . ': ' . $r->getMessage() : $r, $answer);
        }
    }
} catch (\Throwable $e) {
    $answer = get_class($e) . ': ' . $e->getMessage();
}
echo json_encode(['answer' => $answer, 'ms' => (int) ((microtime(true) - $started) * 1000)]);
