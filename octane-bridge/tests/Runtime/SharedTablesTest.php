<?php

namespace Ephpm\Octane\Tests\Runtime;

use Ephpm\Octane\Tables\SharedTables;
use Ephpm\Octane\Tests\OctaneLocator;
use Illuminate\Container\Container;
use Illuminate\Foundation\Application;
use InvalidArgumentException;
use Laravel\Octane\Cache\OctaneStore;
use Laravel\Octane\Contracts\DispatchesTasks;
use Laravel\Octane\Octane;
use Laravel\Octane\Tables\SwooleTable;

/**
 * Octane's tables and cache table as config/octane.php declares them, bound where Octane's own
 * code looks them up, and shared: a second application (another worker of the app) sees the rows.
 */
final class SharedTablesTest extends RuntimeTestCase
{
    private const CONFIG = [
        'tables' => ['users:100' => ['name' => 'string:20', 'votes' => 'int', 'rank' => 'float']],
        'cache' => ['rows' => 50, 'bytes' => 200],
    ];

    protected function setUp(): void
    {
        parent::setUp();

        if (! OctaneLocator::isAvailable()) {
            $this->markTestSkipped(OctaneLocator::skipMessage());
        }
    }

    protected function tearDown(): void
    {
        Container::setInstance(null);
    }

    public function test_octane_table_finds_the_declared_tables_as_octanes_own_class(): void
    {
        $this->worker();

        $users = (new Octane())->table('users');

        $this->assertInstanceOf(SwooleTable::class, $users);
        $this->assertSame(100, $users->getSize());
        $this->assertTrue($users->set('taylor', ['name' => 'Taylor', 'votes' => 3, 'rank' => 1.5]));
        $this->assertSame(['name' => 'Taylor', 'votes' => 3, 'rank' => 1.5], $users->get('taylor'));
    }

    public function test_another_worker_sees_the_same_rows(): void
    {
        $this->worker();
        (new Octane())->table('users')->set('nuno', ['name' => 'Nuno', 'votes' => 1]);
        (new Octane())->table('users')->incr('nuno', 'votes', 4);

        $this->worker();

        $this->assertSame(5, (new Octane())->table('users')->get('nuno', 'votes'));
    }

    public function test_the_octane_cache_store_reads_what_another_worker_put(): void
    {
        $first = $this->worker();
        (new OctaneStore($first['octane.cacheTable']))->put('greeting', ['hello' => 'world'], 60);

        $second = $this->worker();
        $store = new OctaneStore($second['octane.cacheTable']);

        $this->assertSame(['hello' => 'world'], $store->get('greeting'));
        $this->assertTrue($store->forget('greeting'));
        $this->assertNull((new OctaneStore($first['octane.cacheTable']))->get('greeting'));
    }

    public function test_a_value_too_large_for_its_column_raises_octanes_exception(): void
    {
        $this->worker();

        $this->expectException(\Laravel\Octane\Exceptions\ValueTooLargeForColumnException::class);
        (new Octane())->table('users')->set('long', ['name' => str_repeat('n', 21)]);
    }

    public function test_concurrently_still_runs_its_tasks_without_swoole(): void
    {
        $app = $this->worker();

        $this->assertTrue($app->bound(DispatchesTasks::class));
        $this->assertSame([1, 2], (new Octane())->concurrently([fn () => 1, fn () => 2]));
    }

    public function test_a_shared_table_keeps_its_layout_until_the_app_is_redeployed(): void
    {
        $this->worker();

        $this->expectExceptionMessage("table 'users' already exists in this app with other columns or rows");
        $this->worker(['tables' => ['users:100' => ['name' => 'string:21']]] + self::CONFIG);
    }

    public function test_a_malformed_declaration_names_what_is_wrong(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage("column 'x' of 'bad' has type 'text'; use int, float or string:size");
        $this->worker(['tables' => ['bad:10' => ['x' => 'text:5']]]);
    }

    private function worker(array $config = self::CONFIG): Application
    {
        $app = new Application(sys_get_temp_dir());
        SharedTables::bindInto($app, $config);
        Container::setInstance($app);

        return $app;
    }
}
