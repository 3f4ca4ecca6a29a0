<?php
// One benchmark thread's share of the table cases (java/TableDriver.java runs it on N PHP threads
// at once): from ?start (an hrtime) for ?seconds, a get or a set of a row of the Octane cache's
// layout, on the app's shared table (store=table) or on this thread's own array (store=array, the
// per-worker store Octane has without Swoole). Each operation is timed; prints
// "ops get_p50_ns get_p99_ns set_p50_ns set_p99_ns timer_ns" (timer_ns: what timing an empty
// operation reads, included in each latency).

$store = $_GET['store'] ?? 'table';
$seconds = (float) ($_GET['seconds'] ?? 2);
$start = (int) ($_GET['start'] ?? 0);
$keys = 1000;
// each thread walks the keys from a starting point of its own, as independent requests would,
// rather than all threads in step on the same row
$offset = ((int) ($_GET['thread'] ?? 0) * 397) % $keys;

$value = serialize(str_repeat('v', 100));
$row = ['value' => $value, 'expiration' => 2000000000];
$names = [];
for ($i = 0; $i < $keys; $i++) {
    $names[] = 'cache-key-' . $i;
}
if ($store === 'table') {
    $table = new Ephpm\Table(4096);
    $table->column('value', Ephpm\Table::TYPE_STRING, 10000);
    $table->column('expiration', Ephpm\Table::TYPE_INT);
    $table->createShared('bench-cache');
    foreach ($names as $key) {
        $table->set($key, $row);
    }
} else {
    $array = [];
    foreach ($names as $key) {
        $array[$key] = $row;
    }
}

// latencies in 10 ns buckets up to 1 ms
$getHistogram = array_fill(0, 100001, 0);
$setHistogram = $getHistogram;
$timer = PHP_INT_MAX;
for ($i = 0; $i < 1000; $i++) {
    $t = hrtime(true);
    $timer = min($timer, hrtime(true) - $t);
}
while (hrtime(true) < $start) {
}
$end = hrtime(true) + (int) ($seconds * 1e9);
$found = 0;
// the same loop twice, so that neither store pays a call the other does not
if ($store === 'table') {
    for ($i = 0; ; $i++) {
        $key = $names[($i + $offset) % $keys];
        $t = hrtime(true);
        $found += $table->get($key) !== false ? 1 : 0;
        $g = hrtime(true);
        $table->set($key, $row);
        $s = hrtime(true);
        $getHistogram[min(100000, intdiv($g - $t, 10))]++;
        $setHistogram[min(100000, intdiv($s - $g, 10))]++;
        if (($i & 1023) === 0 && $s >= $end) {
            break;
        }
    }
} else {
    for ($i = 0; ; $i++) {
        $key = $names[($i + $offset) % $keys];
        $t = hrtime(true);
        $found += ($array[$key] ?? false) !== false ? 1 : 0;
        $g = hrtime(true);
        $array[$key] = $row;
        $s = hrtime(true);
        $getHistogram[min(100000, intdiv($g - $t, 10))]++;
        $setHistogram[min(100000, intdiv($s - $g, 10))]++;
        if (($i & 1023) === 0 && $s >= $end) {
            break;
        }
    }
}
$ops = 2 * ($i + 1);
if ($found !== $i + 1) {
    http_response_code(500);
    echo "a get missed: $found of ", $i + 1;
    return;
}

$percentile = static function (array $histogram, float $p): int {
    $target = (int) ceil(array_sum($histogram) * $p);
    $seen = 0;
    foreach ($histogram as $bucket => $count) {
        $seen += $count;
        if ($seen >= $target) {
            return $bucket * 10;
        }
    }
    return 1000000;
};
printf("%d %d %d %d %d %d", $ops, $percentile($getHistogram, 0.5), $percentile($getHistogram, 0.99),
    $percentile($setHistogram, 0.5), $percentile($setHistogram, 0.99), $timer);
