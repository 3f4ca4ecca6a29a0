<?php
// SplTempFileObject/SplFileObject own their streams without a reference on the stream's resource:
// the worker's between-request cleanup must leave them alone.
$kept = [];
$cycles = [];
$input = null;
function read_back(SplFileObject $f): string
{
    $f->rewind();
    return (string) $f->fgets();
}
while ($request = \Ephpm\Worker\take_request()) {
    $n = $request['number'];
    $f = new SplTempFileObject();
    $f->fwrite('x');
    $kept[$n] = new SplTempFileObject();
    $kept[$n]->fwrite("data-$n");
    $o = new stdClass();
    $o->self = $o;
    $o->n = $n;
    $o->file = new SplTempFileObject();
    $o->file->fwrite("cycle-$n");
    $cycles[$n % 4] = $o;
    unset($o);
    if ($n % 3 === 0) {
        gc_collect_cycles();
    }
    $input ??= fopen('php://input', 'rb'); // kept open: it reads the first request's body
    $first_body = strlen(stream_get_contents($input, -1, 0));
    $bad = 0;
    foreach ($kept as $i => $g) {
        $bad += read_back($g) === "data-$i" ? 0 : 1;
    }
    foreach ($cycles as $c) {
        $bad += read_back($c->file) === "cycle-{$c->n}" ? 0 : 1;
    }
    echo json_encode(['kept' => count($kept), 'bad' => $bad, 'first_body' => $first_body, 'memory' => memory_get_usage()]);
}
