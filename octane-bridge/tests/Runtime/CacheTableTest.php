<?php

namespace Ephpm\Octane\Tests\Runtime;

use Swoole\Table;

/**
 * The table operations Octane's OctaneStore (Cache::store('octane')) is built on, in the way it
 * uses them, without Octane: the same cases as laravel/octane's own tests/OctaneStoreTest.php.
 */
final class CacheTableTest extends RuntimeTestCase
{
    public function test_a_value_is_read_back_until_it_expires(): void
    {
        $table = $this->cacheTable();

        $table->set('foo', ['value' => serialize('bar'), 'expiration' => time() + 100]);
        $table->set('old', ['value' => serialize('bar'), 'expiration' => time() - 100]);

        $this->assertSame('bar', $this->read($table, 'foo'));
        $this->assertNull($this->read($table, 'old'));
        $this->assertNull($this->read($table, 'missing'));
    }

    public function test_a_value_as_large_as_the_cache_allows_round_trips(): void
    {
        $table = $this->cacheTable();
        $value = serialize(str_repeat('x', 9000));

        $this->assertTrue($table->set('big', ['value' => $value, 'expiration' => time() + 5]));
        $this->assertSame($value, $table->get('big', 'value'));
    }

    public function test_counting_by_get_then_set_keeps_the_expiration(): void
    {
        $table = $this->cacheTable();
        $expiration = time() + 50;
        $table->set('counter', ['value' => serialize(1), 'expiration' => $expiration]);

        $record = $table->get('counter');
        $table->set('counter', ['value' => serialize(unserialize($record['value']) + 2), 'expiration' => $record['expiration']]);

        $this->assertSame(['value' => serialize(3), 'expiration' => $expiration], $table->get('counter'));
    }

    public function test_forget_and_a_flush_that_spares_intervals(): void
    {
        $table = $this->cacheTable();
        foreach (['foo', 'bar', 'interval-baz'] as $key) {
            $table->set($key, ['value' => serialize($key), 'expiration' => time() + 5]);
        }

        $this->assertTrue($table->del('foo'));
        $this->assertFalse($table->exists('foo'));

        // OctaneStore::flush(): every row but the interval definitions, deleted while iterating
        foreach ($table as $key => $record) {
            if (! str_starts_with($key, 'interval-')) {
                $table->del($key);
            }
        }

        $this->assertSame(['interval-baz'], array_keys(iterator_to_array($table)));
    }

    private function read(Table $table, string $key): mixed
    {
        $record = $table->get($key);

        return $record === false || $record['expiration'] <= time() ? null : unserialize($record['value']);
    }

    private function cacheTable(): Table
    {
        $table = new Table(1000);
        $table->column('value', Table::TYPE_STRING, 10000);
        $table->column('expiration', Table::TYPE_INT);
        $table->create();

        return $table;
    }
}
