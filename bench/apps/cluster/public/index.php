<?php
// One row of a shared table, replicated when the launcher runs with --cluster:
//   ?op=set&v=...   writes it; answers hrtime() before and after the write
//   ?op=wait&v=...  polls this node's copy until the row holds v (10 s at most); answers hrtime() then
//   ?op=get         reads it;  ?op=incr counts on another row
$table = new Ephpm\Table(64);
$table->column('v', Ephpm\Table::TYPE_STRING, 64);
$table->column('n', Ephpm\Table::TYPE_INT);
$table->createShared('bench');
switch ($_GET['op'] ?? 'get') {
    case 'set':
        $before = hrtime(true);
        $table->set('row', ['v' => (string) ($_GET['v'] ?? '')]);
        echo $before, ' ', hrtime(true);
        break;
    case 'wait':
        $want = (string) ($_GET['v'] ?? '');
        $deadline = hrtime(true) + 10_000_000_000;
        // polls every 20 us: a busy loop would take a core from the writer and the cluster on 2 cores
        while ($table->get('row', 'v') !== $want && hrtime(true) < $deadline) {
            usleep(20);
        }
        echo hrtime(true);
        break;
    case 'incr':
        echo $table->incr('counter', 'n');
        break;
    default:
        echo $table->get('row', 'v');
}
