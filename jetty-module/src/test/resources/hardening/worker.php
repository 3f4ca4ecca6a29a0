<?php
// The request loop runs inside a Fiber: take_request() and every callback happen on the Fiber's stack.
require __DIR__ . '/fibers.php';
$boot = bin2hex(random_bytes(8));
$kept = [];
$cycles = [];

function read_back(SplFileObject $f): string
{
    $f->rewind();
    return (string) $f->fgets();
}

$loop = new Fiber(function () use ($boot, &$kept, &$cycles) {
    while ($request = \Ephpm\Worker\take_request()) {
        $n = $request['number'];
        $path = parse_url($request['uri'], PHP_URL_PATH);
        switch ($path) {
            case '/spl/new':
                $f = new SplTempFileObject();
                $f->fwrite('x');
                echo 'ok';
                break;
            case '/spl/keep':
                $f = new SplTempFileObject();
                $f->fwrite("data-$n");
                $kept[$n] = $f;
                if (count($kept) > 40) {
                    unset($kept[array_key_first($kept)]);
                }
                $bad = 0;
                foreach ($kept as $i => $g) {
                    $bad += read_back($g) === "data-$i" ? 0 : 1;
                }
                echo 'kept=', count($kept), ' bad=', $bad;
                break;
            case '/spl/cycle':
                $o = new stdClass();
                $o->self = $o;
                $o->n = $n;
                $o->file = new SplTempFileObject();
                $o->file->fwrite("cycle-$n");
                $cycles[$n % 8] = $o; // the one replaced becomes garbage in a cycle
                $dropped = new stdClass();
                $dropped->self = $dropped;
                $dropped->file = new SplTempFileObject();
                $dropped->file->fwrite('dropped');
                unset($dropped, $o);
                if ($n % 3 === 0) {
                    gc_collect_cycles();
                }
                $bad = 0;
                foreach ($cycles as $c) {
                    $bad += read_back($c->file) === "cycle-{$c->n}" ? 0 : 1;
                }
                echo 'cycles=', count($cycles), ' bad=', $bad;
                break;
            case '/spl/drop':
                $tmp = tempnam(sys_get_temp_dir(), 'ephpm-spl');
                $f = new SplFileObject($tmp, 'w+');
                $f->fwrite('abc');
                $t = new SplTempFileObject(0);
                $t->fwrite(str_repeat('t', 10000));
                $f = $t = null;
                unlink($tmp);
                echo 'ok';
                break;
            case '/memory':
                echo memory_get_usage(), ' ', count(get_resources()), ' ', $boot;
                break;
            case '/abort':
                echo 'done';
                fastcgi_finish_request();
                usleep(300000);
                echo 'after';
                flush();
                $file = $_GET['file'];
                file_put_contents($file, connection_status() . ' ' . $boot);
                break;
            case '/status':
                echo connection_status(), ' ', $boot;
                break;
            default:
                if (str_starts_with($path, '/fiber/')) {
                    fiber_case(substr($path, strlen('/fiber/')));
                    unset($GLOBALS['left']); // a Fiber left suspended ends with its request
                } else {
                    echo "boot=$boot";
                }
        }
        unset($f);
    }
});
$loop->start();
