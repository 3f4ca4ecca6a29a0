<?php

namespace Ephpm\Octane\Tests\Runtime;

use Swoole\Table;

/**
 * Swoole\Table as Octane's TableFactory, SwooleTable and column-size checks use it, without
 * Octane: the same cases as laravel/octane's own tests/TableTest.php.
 */
final class SwooleTableTest extends RuntimeTestCase
{
    public function test_swoole_table_is_the_runtimes_table_with_swooles_types(): void
    {
        $this->assertTrue(is_a(Table::class, \Ephpm\Table::class, true));
        $this->assertGreaterThanOrEqual(50000, SWOOLE_VERSION_ID);
        $this->assertSame([1, 2, 3], [Table::TYPE_INT, Table::TYPE_FLOAT, Table::TYPE_STRING]);
    }

    public function test_every_declared_row_can_be_used(): void
    {
        $table = $this->table();

        for ($i = 0; $i < 1000; $i++) {
            $this->assertTrue($table->set($i, ['string' => 'foo']));
        }

        $this->assertSame(1000, $table->count());
        $this->assertFalse(@$table->set('one more', ['string' => 'foo']), 'a full table refuses a new row');
        $this->assertSame(1000, $table->count());
    }

    /**
     * @dataProvider fittingStrings
     */
    public function test_a_string_up_to_its_column_size_is_kept_as_given(string $value): void
    {
        $table = $this->table();

        $this->assertTrue($table->set('key', ['string' => $value]));
        $this->assertSame($value, $table->get('key')['string']);
        $this->assertSame($value, $table->get('key', 'string'));
    }

    /**
     * @dataProvider tooLongStrings
     */
    public function test_a_string_past_its_column_size_is_refused_and_the_row_kept(string $value): void
    {
        $table = $this->table();
        $table->set('key', ['string' => 'before', 'int' => 1]);

        $this->assertFalse(@$table->set('key', ['string' => $value, 'int' => 2]));
        $this->assertSame(['string' => 'before', 'int' => 1], $table->get('key'));
    }

    public function test_an_octane_style_subclass_checks_sizes_before_the_table_does(): void
    {
        $table = new class(10) extends Table {
            public array $columns = [];

            public function column(string $name, int $type, int $size = 0): bool
            {
                $this->columns[$name] = [$type, $size];

                return parent::column($name, $type, $size);
            }

            public function set(string $key, array $values): bool
            {
                foreach ($values as $column => $value) {
                    [$type, $size] = $this->columns[$column] ?? [null, 0];
                    if ($type === Table::TYPE_STRING && strlen($value) > $size) {
                        throw new \LengthException("Value [{$value}] is too large for [{$column}] column.");
                    }
                }

                return parent::set($key, $values);
            }
        };
        $table->column('string', Table::TYPE_STRING, 3);
        $table->create();

        $this->expectException(\LengthException::class);
        $table->set('key', ['string' => 'abcd']);
    }

    public function test_columns_not_declared_are_ignored(): void
    {
        $table = $this->table();

        $table->set('key', ['non-existing-column' => 'foo']);

        $this->assertArrayNotHasKey('non-existing-column', $table->get('key'));
    }

    public function test_int_columns_keep_64_bit_values(): void
    {
        $table = $this->table();

        $table->set('key', ['int' => 1000000000000000000]);

        $this->assertSame(1000000000000000000, $table->get('key')['int']);
    }

    public function test_rows_can_be_deleted_while_the_table_is_iterated(): void
    {
        $table = $this->table();
        foreach (range(1, 50) as $i) {
            $table->set("k$i", ['int' => $i]);
        }

        $seen = [];
        foreach ($table as $key => $row) {
            $seen[$key] = $row['int'];
            $table->del($key);
        }

        $this->assertCount(50, $seen);
        $this->assertSame(array_sum(range(1, 50)), array_sum($seen));
        $this->assertSame(0, $table->count());
    }

    public static function fittingStrings(): array
    {
        return [[str_repeat('a', 10)], ['taylortayl'], ['手 田日'], ['! p8VrB[]{'], ['O:29:"Illu'], ['          '], ['']];
    }

    public static function tooLongStrings(): array
    {
        return [[str_repeat('a', 11)], ['taylortaylo'], ['手 田日尸'], ['O:29:"Illum'], ['           ']];
    }

    private function table(): Table
    {
        $table = new Table(1000, 1);
        $table->column('string', Table::TYPE_STRING, 10);
        $table->column('int', Table::TYPE_INT);
        $table->create();

        return $table;
    }
}
