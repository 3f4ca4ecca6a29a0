<?php
// An octane-mode worker script without Laravel: the runtime runs it as request workers, task
// workers (EPHPM_WORKER_ROLE=task) and the tick thread (EPHPM_WORKER_ROLE=tick).
$ticks = new Ephpm\Table(1);
$ticks->column('count', Ephpm\Table::TYPE_INT);
$ticks->createShared('ticks');

switch ($_SERVER['EPHPM_WORKER_ROLE']) {
    case 'task':
        while (\Ephpm\Worker\take_request()) {
            $task = json_decode(file_get_contents('php://input'), true);
            if ($task['throw'] ?? false) {
                throw new RuntimeException('the task threw');
            }
            usleep($task['ms'] * 1000);
            echo json_encode(['task' => $task['id'], 'taskWorker' => \Ephpm\Worker\worker_info()['worker']]);
        }
        break;
    case 'tick':
        while (\Ephpm\Worker\take_request()) {
            $ticks->incr('ticks', 'count');
        }
        break;
    default:
        while (\Ephpm\Worker\take_request()) {
            header('Content-Type: application/json');
            if (str_ends_with(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH), '/ticks')) {
                echo json_encode(['ticks' => $ticks->get('ticks', 'count') ?: 0]);
                continue;
            }
            $tasks = [];
            for ($i = 0; $i < (int) ($_GET['n'] ?? 3); $i++) {
                $tasks[] = json_encode(['id' => $i, 'ms' => (int) ($_GET['ms'] ?? 0), 'throw' => $i === (int) ($_GET['throw'] ?? -1)]);
            }
            $started = microtime(true);
            $answers = \Ephpm\Worker\run_tasks($tasks, (int) ($_GET['wait'] ?? 3000));
            echo json_encode([
                'results' => $answers === null ? null : array_map(
                    fn ($a) => $a instanceof Throwable ? 'failed: ' . $a->getMessage() : ($a === false ? false : json_decode($a, true)),
                    $answers,
                ),
                'ms' => (int) ((microtime(true) - $started) * 1000),
            ]);
        }
}
