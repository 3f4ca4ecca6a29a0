<?php
// Ephpm\Table's API on a table of this request alone; prints what each call gave, as JSON.
$r = [];
$warnings = [];
set_error_handler(function ($no, $message) use (&$warnings) {
    $warnings[] = $message;
    return true;
});
$caught = function (callable $f) {
    try {
        $f();
        return 'no error';
    } catch (Throwable $e) {
        return get_class($e) . ': ' . $e->getMessage();
    }
};

$t = new Ephpm\Table(4);
$r['column'] = [$t->column('name', Ephpm\Table::TYPE_STRING, 10), $t->column('votes', Ephpm\Table::TYPE_INT),
    $t->column('score', Ephpm\Table::TYPE_FLOAT), $t->column('7', Ephpm\Table::TYPE_INT)];
$r['before create'] = $caught(fn () => $t->get('a'));
$r['count before create'] = $t->count();
$r['create'] = $t->create();
$r['column after create'] = $t->column('late', Ephpm\Table::TYPE_INT);
$r['set'] = $t->set('a', ['name' => 'taylor', 'votes' => '12', 'score' => 2.5, 'other' => 'ignored', 7 => 70]);
$r['get row'] = $t->get('a');
$r['get column'] = [$t->get('a', 'name'), $t->get('a', 'votes'), $t->get('a', 'score')];
$r['get missing'] = [$t->get('nope'), $t->get('nope', 'name')];
$r['get unknown column'] = $t->get('a', 'other');
$r['partial set keeps the rest'] = [$t->set('a', ['votes' => 13]), $t->get('a')];
$r['utf-8 and binary'] = [$t->set('b', ['name' => "\u{624b} \u{7530}\0x"]), bin2hex($t->get('b', 'name'))];
$r['exactly the column size'] = $t->set('c', ['name' => str_repeat('z', 10)]);
$r['too long'] = [$t->set('c', ['name' => str_repeat('y', 11), 'votes' => 5]), $t->get('c')];
$r['exists'] = [$t->exists('a'), $t->exist('nope')];
$r['count'] = count($t);
$r['full'] = [$t->set('d', ['votes' => 1]), $t->set('e', ['votes' => 1]), $t->count()];
$r['incr'] = [$t->incr('a', 'votes'), $t->incr('a', 'votes', 10), $t->decr('a', 'votes', 4), $t->incr('a', 'score', 0.25)];
$r['incr full table'] = $t->incr('new', 'votes');
$r['del'] = [$t->del('d'), $t->del('d'), $t->count()];
$r['incr makes the row'] = [$t->incr('f', 'votes', 5), $t->decr('f', 'score', 1.5), $t->get('f')];
$r['incr a string column'] = $t->incr('a', 'name');
$r['int wraps'] = [$t->set('f', ['votes' => PHP_INT_MAX]), $t->incr('f', 'votes')];
$rows = [];
foreach ($t as $key => $row) {
    $rows[$key] = $row['votes'];
}
ksort($rows);
$r['iterate'] = $rows;
$r['key too long'] = [$t->set(str_repeat('k', 256), ['votes' => 1]), $t->set(str_repeat('k', 255), ['votes' => 1]) === false];
$r['int keys'] = [$t->del('f'), $t->set(42, ['votes' => 1]), $t->get('42', 'votes')];
$r['sizes'] = [$t->getSize(), $t->getMemorySize() >= 4 * (10 + 24)];
$r['stats'] = $t->stats()['num'];
$r['clone'] = $caught(fn () => clone $t);
$r['serialize'] = $caught(fn () => serialize($t));
$r['bad type'] = $caught(fn () => (new Ephpm\Table(1))->column('x', 9));
$r['string without size'] = $caught(fn () => (new Ephpm\Table(1))->column('x', Ephpm\Table::TYPE_STRING));
$r['no rows'] = $caught(fn () => new Ephpm\Table(0));
$r['no columns'] = $caught(fn () => (new Ephpm\Table(1))->create());
$r['destroy'] = [$t->destroy(), $caught(fn () => $t->get('a'))];
// a conversion that runs PHP which destroys the table it is writing to
$d = new Ephpm\Table(2);
$d->column('s', Ephpm\Table::TYPE_STRING, 10);
$d->create();
$evil = new class($d) {
    public function __construct(private Ephpm\Table $table) {}
    public function __toString(): string { $this->table->destroy(); return 'x'; }
};
$r['destroyed while converting'] = [$d->set('k', ['s' => $evil]), $caught(fn () => $d->get('k'))];
$r['warnings'] = $warnings;

// a subclass with Octane's typed overrides
class CheckedTable extends Ephpm\Table
{
    public array $columns = [];

    public function column(string $name, int $type, int $size = 0): bool
    {
        $this->columns[$name] = [$type, $size];
        return parent::column($name, $type, $size);
    }

    public function set(string $key, array $values): bool
    {
        return parent::set($key, $values);
    }
}
$c = new CheckedTable(10);
$c->column('v', Ephpm\Table::TYPE_INT);
$c->create();
$r['subclass'] = [$c->set('x', ['v' => 3]), $c->get('x', 'v'), $c->columns];
$s = new Ephpm\Table(1);
$s->column('x', Ephpm\Table::TYPE_INT);
$r['shared without a space'] = $caught(fn () => $s->createShared('x'));

header('Content-Type: application/json');
echo json_encode($r);
