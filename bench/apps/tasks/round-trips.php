<?php
// One caller thread of the task cases (java/TaskDriver.java): from ?start (an hrtime) for ?seconds,
// \Ephpm\Worker\run_tasks() of ?tasks empty tasks, each call timed. Prints
// "calls p50_ns p99_ns timer_ns" (timer_ns: what timing an empty operation reads).

$tasks = array_fill(0, (int) ($_GET['tasks'] ?? 1), '');
$seconds = (float) ($_GET['seconds'] ?? 2);
$start = (int) ($_GET['start'] ?? 0);

// latencies in 100 ns buckets up to 100 ms
$histogram = array_fill(0, 1000001, 0);
$timer = PHP_INT_MAX;
for ($i = 0; $i < 1000; $i++) {
    $t = hrtime(true);
    $timer = min($timer, hrtime(true) - $t);
}
while (hrtime(true) < $start) {
}
$end = hrtime(true) + (int) ($seconds * 1e9);
$calls = 0;
while (($now = hrtime(true)) < $end) {
    $answers = \Ephpm\Worker\run_tasks($tasks, 10000);
    $histogram[min(1000000, intdiv(hrtime(true) - $now, 100))]++;
    if (count($answers) !== count($tasks) || in_array(false, $answers, true)) {
        echo 'a task did not finish: ', json_encode($answers);
        exit(1);
    }
    $calls++;
}

$percentile = static function (array $histogram, int $count, float $p): int {
    $rank = (int) ceil($count * $p);
    $seen = 0;
    foreach ($histogram as $bucket => $n) {
        $seen += $n;
        if ($seen >= $rank) {
            return $bucket * 100;
        }
    }
    return PHP_INT_MAX;
};
echo $calls, ' ', $percentile($histogram, $calls, 0.5), ' ', $percentile($histogram, $calls, 0.99), ' ', $timer;
