<?php
// Turns the harness's raw results (results.tsv, opcache-*.json, machine.txt in the scratch
// directory given as the argument) into the Markdown report on stdout.

$work = $argv[1];
$names = [
    'nginx-fpm' => 'nginx + php-fpm',
    'jetty-fcgi' => 'Jetty fcgi-proxy + php-fpm',
    'ephpm-worker' => 'ePHPm worker',
    'ephpm-classic' => 'ePHPm classic',
    'ephpm-octane' => 'ePHPm octane',
    'jetty-static' => 'Jetty static file (the ePHPm Jetty)',
    'in-process-worker' => 'in-process PhpThread, worker',
    'in-process-classic' => 'in-process PhpThread, classic',
    'nginx-static' => 'nginx, the file itself',
    'jetty-resources' => 'Jetty distribution, core ResourceHandler',
    'ephpm-static' => 'ePHPm launcher',
    'tomcat-default' => 'Tomcat DefaultServlet',
    'ephpm-tomcat' => 'ePHPm on Tomcat (OctaneServlet)',
];
// table workers case server round connections rps p50_us p99_us errors rss_kib
$rows = [];
foreach (file("$work/results.tsv", FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [] as $line) {
    [$table, $w, $case, $server, $round, $conns, $rps, $p50, $p99, $errors, $rss] = explode("\t", $line) + array_fill(0, 11, '0');
    $rows[] = compact('table', 'w', 'case', 'server', 'round', 'conns', 'rps', 'p50', 'p99', 'errors', 'rss');
}
$machine = parse_ini_file("$work/machine.txt") ?: [];
// --baseline: SERVER-baseline is the same server on the other checkout's build
$baselineSuffix = '-baseline';
$name = function (string $s) use ($names, $machine, $baselineSuffix): string {
    if (str_ends_with($s, $baselineSuffix)) {
        $of = substr($s, 0, -strlen($baselineSuffix));
        return ($names[$of] ?? $of) . ' (baseline ' . ($machine['baseline'] ?? '?') . ')';
    }
    return $names[$s] ?? $s;
};

function median(array $v): float
{
    sort($v);
    $n = count($v);
    return $n === 0 ? 0.0 : ($n % 2 ? (float) $v[intdiv($n, 2)] : ($v[$n / 2 - 1] + $v[$n / 2]) / 2);
}

/** Medians over rounds of one cell: rps, p50, p99; summed errors; largest RSS; each round's rps and p99. */
function cell(array $rows, array $match): ?array
{
    $sel = array_filter($rows, function ($r) use ($match) {
        foreach ($match as $k => $v) {
            if ((string) $r[$k] !== (string) $v) {
                return false;
            }
        }
        return true;
    });
    if (!$sel) {
        return null;
    }
    return [
        'rps' => median(array_column($sel, 'rps')),
        'p50' => median(array_column($sel, 'p50')),
        'p99' => median(array_column($sel, 'p99')),
        'errors' => array_sum(array_column($sel, 'errors')),
        'rss' => max(array_column($sel, 'rss')),
        'rounds' => array_column($sel, null, 'round'),
    ];
}

/** The lowest and highest of a list of numbers, "a to b" in the given format, or "a" when they print alike; "-" for one. */
function spread(array $v, string $format): string
{
    if (count($v) < 2) {
        return '-';
    }
    [$lo, $hi] = [sprintf($format, min($v)), sprintf($format, max($v))];
    return $lo === $hi ? $lo : "$lo to $hi";
}

/**
 * What each round measured when a round of one server is set against the same round of another:
 * the values of $of(ours, theirs) for the rounds both ran.
 */
function byRound(array $ours, array $theirs, callable $of): array
{
    $values = [];
    foreach ($ours['rounds'] as $round => $r) {
        if (isset($theirs['rounds'][$round])) {
            $values[] = $of($r, $theirs['rounds'][$round]);
        }
    }
    return $values;
}

/** $value in $format, or in $finer where the rounded figure would pass $holds and the value not, or the other way round. */
function asJudged(float $value, callable $holds, string $format, string $finer): string
{
    $shown = sprintf($format, $value);
    return $holds((float) $shown) === $holds($value) ? $shown : sprintf($finer, $value);
}

$ms = fn(float $us): string => $us >= 10000 ? sprintf('%.0f', $us / 1000) : sprintf('%.2f', $us / 1000);
$mib = fn($kib): string => sprintf('%.0f', $kib / 1024);
$x = fn(float $a, float $b): string => $b > 0 ? sprintf('%.2fx', $a / $b) : 'n/a';
$sh = fn(string $cmd): string => trim((string) shell_exec($cmd . ' 2>&1'));

echo "# ePHPm benchmark results\n\n";
echo "- **Date:** " . date('Y-m-d H:i T') . "\n";
$cpu = $sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2");
echo "- **Machine:** " . trim($cpu) . ", " . $sh('nproc') . " cores, "
    . round((int) $sh("awk '/MemTotal/ {print \$2}' /proc/meminfo") / 1048576) . " GiB RAM, Linux " . $sh('uname -r')
    . ", Debian " . $sh('cat /etc/debian_version') . "\n";
echo "- **Load average** (1/5/15 min) before: " . ($machine['load_before'] ?? '?') . "; after: " . ($machine['load_after'] ?? '?')
    . "; run took " . ($machine['elapsed_s'] ?? '?') . " s\n";
echo "- **Host speed probe** (a fixed PHP loop on one core, median of 3; higher is slower): "
    . ($machine['speed_before'] ?? '?') . " ms before, " . ($machine['speed_after'] ?? '?') . " ms after\n";
echo "- **Software:** " . $sh('nginx -v') . "; " . strtok($sh(getenv('FPM_BIN') . ' -v'), "\n") . "; Jetty "
    . getenv('BENCH_JETTY_VERSION') . "; " . strtok($sh(getenv('JAVA') . ' -version'), "\n") . "; " . $sh('wrk -v | head -n1') . "\n";
echo "- **Settings:** " . getenv('BENCH_SETTINGS') . "; wrk on the same machine over loopback; all servers on 127.0.0.1\n\n";
echo "req/s, p50 and p99 are medians over the rounds; errors are summed (socket errors and non-2xx answers); "
    . "RSS is the largest seen after a run, summed over every process of the server (nginx and php-fpm master and "
    . "workers; the JVM and, for the FastCGI proxy, its php-fpm). Ratios are against nginx + php-fpm in the same table.\n\n";

// ------------------------------------------------------------------ OPcache check
$opcache = glob("$work/opcache-*.json");
if ($opcache) {
    echo "## PHP and OPcache as each server runs it\n\n";
    echo "| server | SAPI | PHP | thread-safe | OPcache | memory | interned strings | max files | validate timestamps | revalidate freq | JIT buffer |\n";
    echo "|---|---|---|---|---|---|---|---|---|---|---|\n";
    foreach ($opcache as $file) {
        $server = substr(basename($file, '.json'), strlen('opcache-'));
        $o = json_decode(file_get_contents($file), true) ?: [];
        $s = $o['settings'] ?? [];
        printf("| %s | %s | %s | %s | %s | %s MiB | %s MiB | %s | %s | %s s | %s |\n", $name($server), $o['sapi'] ?? '?', $o['php'] ?? '?',
            isset($o['zts']) ? ($o['zts'] ? 'ZTS' : 'NTS') : '?',
            !empty($o['enabled']) ? 'on' : '**off**', isset($s['opcache.memory_consumption']) ? $s['opcache.memory_consumption'] / 1048576 : '?',
            $s['opcache.interned_strings_buffer'] ?? '?', $s['opcache.max_accelerated_files'] ?? '?',
            isset($s['opcache.validate_timestamps']) ? var_export((bool) $s['opcache.validate_timestamps'], true) : '?',
            $s['opcache.revalidate_freq'] ?? '?', $s['opcache.jit_buffer_size'] ?? '?');
    }
    echo "\n";
}

// ------------------------------------------------------------------ main tables
$main = array_filter($rows, fn($r) => $r['table'] === 'main');
$workerCounts = array_values(array_unique(array_column($main, 'w')));
$caseOrder = ['hello', 'json', 'sqlite', 'cpu', 'laravel-hello', 'laravel-db'];
$serverOrder = array_merge(...array_map(fn($s) => [$s, $s . $baselineSuffix], array_keys($names)));
$targets = [];
foreach ($workerCounts as $w) {
    $conns = $main ? array_values(array_filter($main, fn($r) => $r['w'] === $w))[0]['conns'] : '?';
    echo "## $w PHP workers, $conns connections\n\n";
    echo "| case | server | req/s | req/s by round | vs nginx + php-fpm | p50 ms | p99 ms | errors | RSS MiB |\n";
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
    $cases = array_unique(array_column(array_filter($main, fn($r) => $r['w'] === $w), 'case'));
    usort($cases, fn($a, $b) => array_search($a, $caseOrder) <=> array_search($b, $caseOrder));
    foreach ($cases as $case) {
        $base = cell($main, ['w' => $w, 'case' => $case, 'server' => 'nginx-fpm']);
        $servers = array_unique(array_column(array_filter($main, fn($r) => $r['w'] === $w && $r['case'] === $case), 'server'));
        usort($servers, fn($a, $b) => array_search($a, $serverOrder) <=> array_search($b, $serverOrder));
        foreach ($servers as $server) {
            $c = cell($main, ['w' => $w, 'case' => $case, 'server' => $server]);
            $targets[$w][$case][$server] = $c;
            printf("| %s | %s | %.0f | %s | %s | %s | %s | %d | %s |\n", $case, $name($server), $c['rps'],
                spread(array_column($c['rounds'], 'rps'), '%.0f'), $base ? $x($c['rps'], $base['rps']) : 'n/a',
                $ms($c['p50']), $ms($c['p99']), $c['errors'], $mib($c['rss']));
        }
    }
    echo "\n";
}

// ------------------------------------------------------------------ static files
$static = array_filter($rows, fn($r) => $r['table'] === 'static');
if ($static) {
    $conns = array_values($static)[0]['conns'];
    echo "## Static files, $conns connections\n\n";
    echo "No PHP: `small` is a 5-byte file, `100k` a 100 KB file, `304` a request for the 100 KB file with an "
        . "If-Modified-Since its Last-Modified matches.\n\n";
    echo "| case | server | req/s | req/s by round | vs nginx | vs Jetty ResourceHandler | p50 ms | p99 ms | errors | RSS MiB |\n";
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    $staticTargets = [];
    $onTomcat = [];
    foreach (['small', '100k', '304'] as $case) {
        $nginx = cell($static, ['case' => $case, 'server' => 'nginx-static']);
        $jetty = cell($static, ['case' => $case, 'server' => 'jetty-resources']);
        $tomcat = cell($static, ['case' => $case, 'server' => 'tomcat-default']);
        foreach (['nginx-static', 'jetty-resources', 'ephpm-static', 'ephpm-static' . $baselineSuffix, 'tomcat-default', 'ephpm-tomcat'] as $server) {
            $c = cell($static, ['case' => $case, 'server' => $server]);
            if (!$c) {
                continue;
            }
            printf("| %s | %s | %.0f | %s | %s | %s | %s | %s | %d | %s |\n", $case, $name($server), $c['rps'],
                spread(array_column($c['rounds'], 'rps'), '%.0f'), $nginx ? $x($c['rps'], $nginx['rps']) : 'n/a',
                $jetty ? $x($c['rps'], $jetty['rps']) : 'n/a', $ms($c['p50']), $ms($c['p99']), $c['errors'], $mib($c['rss']));
            if ($server === 'ephpm-static' && $jetty) {
                $staticTargets[$case] = [$c['rps'] / $jetty['rps'], byRound($c, $jetty, fn($o, $t) => $o['rps'] / $t['rps'])];
            }
            if ($server === 'ephpm-tomcat' && $tomcat) {
                $onTomcat[$case] = [$c['rps'] / $tomcat['rps'], byRound($c, $tomcat, fn($o, $t) => $o['rps'] / $t['rps'])];
            }
        }
    }
    echo "\n";
    foreach ($staticTargets as $case => [$ratio, $rounds]) {
        $held = count(array_filter($rounds, fn($r) => $r >= 0.8));
        printf("- **Target** (%s): ePHPm >= 0.8x the Jetty distribution's ResourceHandler: %.2fx, %s (round by round: %d of %d).\n",
            $case, $ratio, $ratio >= 0.8 ? 'met' : '**not met**', $held, count($rounds));
    }
    foreach ($onTomcat as $case => [$ratio, $rounds]) {
        printf("- **On Tomcat** (%s): ePHPm (OctaneServlet, then the DefaultServlet in place) against Tomcat's DefaultServlet alone, in the same Tomcat: %.2fx (by round: %s).\n",
            $case, $ratio, implode(', ', array_map(fn($r) => sprintf('%.2fx', $r), $rounds)));
    }
    echo "\n";
}

// ------------------------------------------------------------------ transport
$transport = array_filter($rows, fn($r) => $r['table'] === 'transport');
// the in-process baseline first, then the HTTP paths, whatever order the rounds measured them in
$transportOrder = ['in-process-worker', 'in-process-classic', 'ephpm-worker', 'ephpm-classic', 'jetty-static', 'nginx-fpm'];
$transportRank = fn(array $r): int => ($i = array_search($r['server'], $transportOrder, true)) === false ? count($transportOrder) : $i;
usort($transport, fn($a, $b) => $transportRank($a) <=> $transportRank($b));
$transportAdded = null;
$transportLimit = 100.0;
// 100.3 us is not 100
$transportShown = fn(float $us): string => asJudged($us, fn($v) => $v <= $transportLimit, '%.0f', '%.1f');
if ($transport) {
    echo "## Transport cost (plain hello, 1 PHP worker, 1 connection)\n\n";
    echo "| path | p50 us | p99 us |\n|---|---:|---:|\n";
    $t = [];
    foreach ($transport as $r) {
        if (isset($t[$r['server']])) {
            continue;
        }
        // the median of the server's rounds
        $t[$r['server']] = cell($transport, ['server' => $r['server']]) + ['case' => $r['case']];
        printf("| %s (%s) | %.1f | %.1f |\n", $name($r['server']), $r['case'], $t[$r['server']]['p50'], $t[$r['server']]['p99']);
    }
    echo "\n";
    foreach (['worker', 'classic'] as $mode) {
        if (isset($t["in-process-$mode"], $t["ephpm-$mode"])) {
            $added = $t["ephpm-$mode"]['p50'] - $t["in-process-$mode"]['p50'];
            if ($mode === 'worker') {
                $transportAdded = $added;
            }
            printf("- **%s mode:** HTTP through Jetty + OctaneServlet adds **%s us** at p50 over the same PHP work in-process", $mode, $transportShown($added));
            if (isset($t['jetty-static'])) {
                printf(" (Jetty serving a static file at one connection takes %.0f us; the servlet -> PHP -> servlet hop beyond that is %+.0f us)",
                    $t['jetty-static']['p50'], $t["ephpm-$mode"]['p50'] - $t['jetty-static']['p50'] - $t["in-process-$mode"]['p50']);
            }
            echo ".\n";
        }
    }
    echo "\n";
}

// ------------------------------------------------------------------ targets
if ($targets) {
    echo "## Targets\n\n| workers | target | measured | round by round | met |\n|---|---|---|---|---|\n";
    // the verdict is on the medians; the rounds, each set against the same round of the other server, show the noise
    $inRounds = fn(array $met, string $values): string => count($met) < 2 ? '-' : sprintf('%s, met in %d of %d', $values, count(array_filter($met)), count($met));
    $check = function ($w, string $what, ?array $ours, ?array $theirs, float $want) use ($inRounds) {
        if (!$ours || !$theirs || $theirs['rps'] <= 0) {
            return;
        }
        $ratio = $ours['rps'] / $theirs['rps'];
        $perRound = byRound($ours, $theirs, fn($a, $b) => $b['rps'] > 0 ? $a['rps'] / $b['rps'] : 0.0);
        $rounds = $inRounds(array_map(fn($r) => $r >= $want, $perRound), spread($perRound, '%.2fx'));
        $met = $ratio >= $want;
        // 1.0957x is not 1.10x
        $shown = asJudged($ratio, fn($v) => $v >= $want, '%.2f', '%.3f');
        printf("| %s | %s >= %.1fx | %sx | %s | %s |\n", $w, $what, $want, $shown, $rounds, $met ? 'yes' : '**no**');
    };
    foreach ($targets as $w => $cases) {
        $h = $cases['hello'] ?? [];
        $check($w, 'hello: ePHPm worker / nginx + php-fpm', $h['ephpm-worker'] ?? null, $h['nginx-fpm'] ?? null, 2.0);
        $check($w, 'hello: ePHPm worker / Jetty fcgi-proxy + php-fpm', $h['ephpm-worker'] ?? null, $h['jetty-fcgi'] ?? null, 3.0);
        $check($w, 'hello: ePHPm worker / Jetty static file', $h['ephpm-worker'] ?? null, $h['jetty-static'] ?? null, 0.4);
        foreach (['laravel-hello', 'laravel-db'] as $lc) {
            $l = $cases[$lc] ?? [];
            $check($w, "$lc: ePHPm octane / nginx + php-fpm", $l['ephpm-octane'] ?? null, $l['nginx-fpm'] ?? null, 3.0);
            $check($w, "$lc: ePHPm classic / nginx + php-fpm", $l['ephpm-classic'] ?? null, $l['nginx-fpm'] ?? null, 1.1);
        }
        foreach ($cases as $case => $servers) {
            foreach ($servers as $server => $c) {
                if (str_starts_with($server, 'ephpm-') && !str_ends_with($server, $baselineSuffix) && isset($servers['nginx-fpm'])) {
                    $ok = $c['p99'] <= $servers['nginx-fpm']['p99'];
                    [$ours, $theirs] = [$ms($c['p99']), $ms($servers['nginx-fpm']['p99'])];
                    if ($ours === $theirs && ! $ok) { // a miss that rounds to a tie: show it
                        [$ours, $theirs] = [sprintf('%.2f', $c['p99'] / 1000), sprintf('%.2f', $servers['nginx-fpm']['p99'] / 1000)];
                    }
                    $perRound = byRound($c, $servers['nginx-fpm'], fn($a, $b) => [$a['p99'], $b['p99']]);
                    $rounds = $inRounds(array_map(fn($pair) => $pair[0] <= $pair[1], $perRound),
                        spread(array_map(fn($pair) => ($pair[0] - $pair[1]) / 1000, $perRound), '%+.1f ms'));
                    printf("| %s | %s: %s p99 <= nginx + php-fpm p99 | %s ms vs %s ms | %s | %s |\n", $w, $case, $name($server),
                        $ours, $theirs, $rounds, $ok ? 'yes' : '**no**');
                }
            }
        }
    }
    if ($transportAdded !== null) {
        printf("| 1 | transport: servlet -> PHP -> servlet adds <= %.0f us at p50 | %s us | - | %s |\n", $transportLimit, $transportShown($transportAdded),
            $transportAdded <= $transportLimit ? 'yes' : '**no**');
    }
    echo "\n";
}

// ------------------------------------------------------------------ baseline
$againstBaseline = [];
foreach ($targets as $w => $cases) {
    foreach ($cases as $case => $servers) {
        foreach ($servers as $server => $c) {
            $b = $servers[$server . $baselineSuffix] ?? null;
            $fpm = $servers['nginx-fpm'] ?? null;
            if ($b && $fpm && $b['rps'] > 0 && $fpm['rps'] > 0) {
                $againstBaseline[] = [$w, $case, $server, $c, $b, $fpm];
            }
        }
    }
}
if ($againstBaseline) {
    echo "## Against the baseline (" . ($machine['baseline'] ?? '?') . ")\n\n";
    echo "Each ePHPm server against the same server built from the baseline checkout, measured in the same run and "
        . "interleaved with it. The change is of the median req/s (the ratio to nginx + php-fpm changes by the same "
        . "factor); by round, each round of one against the same round of the other. Drops of more than 3 % are in bold.\n\n";
    echo "| workers | case | server | vs nginx + php-fpm | baseline vs nginx + php-fpm | change | change by round |\n";
    echo "|---|---|---|---:|---:|---:|---:|\n";
    foreach ($againstBaseline as [$w, $case, $server, $c, $b, $fpm]) {
        $change = $c['rps'] / $b['rps'] - 1;
        $shown = sprintf('%+.1f %%', 100 * $change);
        printf("| %s | %s | %s | %s | %s | %s | %s |\n", $w, $case, $name($server), $x($c['rps'], $fpm['rps']),
            $x($b['rps'], $fpm['rps']), $change < -0.03 ? "**$shown**" : $shown,
            spread(byRound($c, $b, fn($r, $s) => $s['rps'] > 0 ? 100 * ($r['rps'] / $s['rps'] - 1) : 0.0), '%+.1f %%'));
    }
    echo "\n";
}

// ------------------------------------------------------------------ shared tables
$tableRows = is_file("$work/tables.txt") ? file("$work/tables.txt", FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) : [];
if ($tableRows) {
    echo "## Shared tables from PHP (a row of the Octane cache's layout: one get and one set)\n\n";
    echo "In-process, no HTTP: PHP threads of one app at once, each timing its own operations with hrtime(); percentiles "
        . "are the median of the threads' own, in ns, and include the timer's own cost (last column). The array is each "
        . "thread's own PHP array: what Octane's cache is without Swoole, seen by one worker only.\n\n";
    echo "| store | threads | ops/s | vs 1 thread | get p50 ns | get p99 ns | set p50 ns | set p99 ns | timer ns |\n";
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    $single = [];
    $tableLatency = null;
    foreach ($tableRows as $line) {
        [$store, $threads, $ops, $get50, $get99, $set50, $set99, $timer] = explode(' ', $line) + array_fill(0, 8, '0');
        $single[$store] ??= (float) $ops / max(1, (int) $threads);
        $label = $store === 'table' ? 'shared Ephpm\\Table' : 'PHP array, per thread';
        printf("| %s | %d | %.0f | %.2fx | %d | %d | %d | %d | %d |\n", $label, $threads, $ops, $single[$store] > 0 ? $ops / $single[$store] : 0,
            $get50, $get99, $set50, $set99, $timer);
        if ($store === 'table' && (int) $threads === 1) {
            $tableLatency = max((int) $get50, (int) $set50);
        }
    }
    if ($tableLatency !== null) {
        printf("\n- **Target:** a get or set of the shared table <= 1 us at p50 from PHP, one thread: %d ns, %s.\n", $tableLatency,
            $tableLatency <= 1000 ? 'met' : '**not met**');
    }
    echo "\n";
}

// ------------------------------------------------------------------ tasks
$taskRows = is_file("$work/tasks.txt") ? file("$work/tasks.txt", FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) : [];
if ($taskRows) {
    echo "## Tasks: \\Ephpm\\Worker\\run_tasks() round trips (Octane::concurrently() under ePHPm)\n\n";
    echo "In-process, no HTTP, no Laravel: PHP caller threads hand empty tasks to the task worker threads and wait for "
        . "all of them; each caller times its calls with hrtime(). Percentiles are the median of the callers' own, in us. "
        . "Laravel's part of a round trip (serializing the closure, Octane's sandboxed handleTask()) comes on top.\n\n";
    echo "| tasks a call | callers | task workers | calls/s | tasks/s | p50 us | p99 us |\n";
    echo "|---:|---:|---:|---:|---:|---:|---:|\n";
    $roundTrip = null;
    foreach ($taskRows as $line) {
        [$tasks, $callers, $workers, $calls, $p50, $p99] = explode(' ', $line) + array_fill(0, 7, '0');
        printf("| %d | %d | %d | %.0f | %.0f | %.1f | %.1f |\n", $tasks, $callers, $workers, $calls, $calls * $tasks,
            $p50 / 1000, $p99 / 1000);
        if ((int) $tasks === 1 && (int) $callers === 1) {
            $roundTrip = (int) $p50;
        }
    }
    if ($roundTrip !== null) {
        printf("\n- **Target:** one round trip with an empty task <= 200 us at p50: %.1f us, %s.\n", $roundTrip / 1000,
            $roundTrip <= 200000 ? 'met' : '**not met**');
    }
    echo "\n";
}

// ------------------------------------------------------------------ cluster
$clusterRows = is_file("$work/cluster.txt") ? file("$work/cluster.txt", FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) : [];
if ($clusterRows) {
    echo "## Cluster (--cluster hazelcast): three launchers on loopback sharing a table\n\n";
    echo "Over HTTP against three launchers (2 PHP workers each, classic mode, bench/apps/cluster) that form one "
        . "Hazelcast cluster, and one launcher without a cluster. Convergence: from the start of a set() in PHP on node A "
        . "until PHP on node C, polling its copy of the row every 20 us, reads the new value (both timed with hrtime(), one clock "
        . "for the host); the set() itself returns once the row's owner has taken it. incr: clients counting on one row, spread over the three nodes, each incr atomic across them.\n\n";
    $convergence = null;
    $incr = [];
    foreach ($clusterRows as $line) {
        $f = explode(' ', $line);
        if ($f[0] === 'convergence') {
            $convergence = $f;
        } elseif ($f[0] === 'incr') {
            $incr[$f[2]][$f[1]] = $f;
        }
    }
    if ($convergence) {
        echo "| writes | visible on C: p50 ms | p99 ms | max ms | set() on A: p50 ms | p99 ms |\n|---:|---:|---:|---:|---:|---:|\n";
        printf("| %d | %.2f | %.2f | %.2f | %.2f | %.2f |\n\n", $convergence[1], $convergence[2] / 1000, $convergence[3] / 1000,
            $convergence[4] / 1000, $convergence[5] / 1000, $convergence[6] / 1000);
        printf("- **Target:** convergence p99 under 50 ms on loopback: %.2f ms, %s.\n\n", $convergence[3] / 1000,
            $convergence[3] < 50000 ? 'met' : '**not met**');
    }
    if ($incr) {
        echo "| clients | cluster incr/s | p50 ms | p99 ms | one launcher, no cluster: incr/s | p50 ms | p99 ms |\n";
        echo "|---:|---:|---:|---:|---:|---:|---:|\n";
        ksort($incr);
        foreach ($incr as $clients => $by) {
            $c = $by['cluster'] ?? array_fill(0, 6, 0);
            $one = $by['single'] ?? array_fill(0, 6, 0);
            printf("| %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f |\n", $clients, $c[3], $c[4] / 1000, $c[5] / 1000,
                $one[3], $one[4] / 1000, $one[5] / 1000);
        }
        echo "\n";
    }
}

// ------------------------------------------------------------------ scaling
$scaling = array_filter($rows, fn($r) => $r['table'] === 'scaling');
if ($scaling) {
    $conns = array_values(array_unique(array_column($scaling, 'conns')));
    sort($conns);
    echo "## Scaling (plain hello): req/s, and p99 ms in brackets\n\n";
    echo "| server | workers | " . implode(' | ', array_map(fn($c) => "$c conn.", $conns)) . " |\n";
    echo "|---|---:|" . str_repeat('---:|', count($conns)) . "\n";
    $pairs = [];
    foreach ($scaling as $r) {
        $pairs[$r['server'] . '|' . $r['w']] = [$r['server'], $r['w']];
    }
    uasort($pairs, fn($a, $b) => [array_search($a[0], $serverOrder), (int) $a[1]] <=> [array_search($b[0], $serverOrder), (int) $b[1]]);
    foreach ($pairs as [$server, $w]) {
        echo "| " . $name($server) . " | $w |";
        foreach ($conns as $c) {
            $cell = cell($scaling, ['server' => $server, 'w' => $w, 'conns' => $c]);
            echo $cell ? sprintf(' %.0f (%s) |', $cell['rps'], $ms($cell['p99'])) : ' |';
        }
        echo "\n";
    }
    echo "\n";
}

// ------------------------------------------------------------------ memory
$boot = array_filter($rows, fn($r) => $r['table'] === 'memory-boot');
if ($boot) {
    $ns = array_values(array_unique(array_column($boot, 'w')));
    sort($ns);
    echo "## Memory: RSS (MiB) with N booted Laravel workers (after serving /api/hello on every worker)\n\n";
    echo "| server | " . implode(' | ', array_map(fn($n) => "N=$n", $ns)) . " |\n|---|" . str_repeat('---:|', count($ns)) . "\n";
    $servers = array_unique(array_column($boot, 'server'));
    usort($servers, fn($a, $b) => array_search($a, $serverOrder) <=> array_search($b, $serverOrder));
    foreach ($servers as $server) {
        echo "| " . $name($server) . " |";
        foreach ($ns as $n) {
            $c = cell($boot, ['server' => $server, 'w' => $n]);
            echo $c ? ' ' . $mib($c['rss']) . ' |' : ' |';
        }
        echo "\n";
    }
    echo "\n";
}
$growth = array_filter($rows, fn($r) => $r['table'] === 'memory-growth');
if ($growth) {
    echo "## Memory: RSS growth across many requests (2 workers, no worker rotation)\n\n";
    echo "| server | path | requests | RSS MiB at start | RSS MiB at end | growth MiB | req/s |\n|---|---|---:|---:|---:|---:|---:|\n";
    $by = [];
    foreach ($growth as $r) {
        $by[$r['server'] . ' ' . $r['case']][] = $r;
    }
    foreach ($by as $runs) {
        $first = $runs[0];
        $last = end($runs);
        printf("| %s | %s | %d | %s | %s | %+.1f | %.0f |\n", $name($first['server']), $first['case'], $last['round'],
            $mib($first['rss']), $mib($last['rss']), ($last['rss'] - $first['rss']) / 1024, median(array_column(array_slice($runs, 1), 'rps')));
    }
    echo "\n";
}
