<?php

namespace Ephpm\Octane\Tables;

use Ephpm\Octane\EphpmServer;
use Ephpm\Octane\EphpmTaskDispatcher;
use Illuminate\Contracts\Foundation\Application;
use InvalidArgumentException;
use Laravel\Octane\Contracts\DispatchesTasks;
use Laravel\Octane\Octane;
use Laravel\Octane\Swoole\WorkerState;
use Laravel\Octane\Tables\TableFactory;
use ReflectionClass;
use Swoole\Table;

/**
 * Octane's tables and cache table, declared in config/octane.php, as the tables every worker of the
 * app shares, bound where Octane looks them up: Octane::table() finds them in the WorkerState, the
 * octane cache store takes 'octane.cacheTable'.
 */
final class SharedTables
{
    /** Its name cannot be a declared table's: those end at the first ':' of their "name:rows" key. */
    public const CACHE_TABLE = 'octane:cache';

    /**
     * @param  array  $octaneConfig  config('octane')
     */
    public static function bindInto(Application $app, array $octaneConfig): void
    {
        if (! SwooleTableAlias::install()) {
            return; // not under the ePHPm runtime (a CLI test of this package): Octane stays as it is
        }

        $tables = self::declared($octaneConfig['tables'] ?? []);
        $cacheTable = empty($octaneConfig['cache']) ? null : self::cacheTable($octaneConfig['cache']);

        $state = self::workerState();
        $state->tables = $tables;
        $state->cacheTable = $cacheTable;

        $app->instance(WorkerState::class, $state);
        if ($cacheTable !== null) {
            $app->instance('octane.cacheTable', $cacheTable);
        }
        // Octane::table() asks whether a Swoole server is bound; binding one would also make
        // Octane::concurrently() ask it for task workers, so the runtime's task dispatcher is bound too
        $app->instance(\Swoole\Http\Server::class, new EphpmServer());
        if (! $app->bound(DispatchesTasks::class)) {
            $app->instance(DispatchesTasks::class, new EphpmTaskDispatcher());
        }
    }

    /**
     * @return array<string, Table>
     */
    private static function declared(array $declarations): array
    {
        $tables = [];

        foreach ($declarations as $key => $columns) {
            [$name, $rows] = array_pad(explode(':', (string) $key, 2), 2, '1000');

            if ($name === '' || ! ctype_digit($rows) || (int) $rows < 1) {
                throw new InvalidArgumentException("config/octane.php tables: '{$key}' must be 'name:rows', rows a whole number of at least 1");
            }

            $table = TableFactory::make((int) $rows);

            foreach ($columns ?? [] as $column => $declaration) {
                [$type, $size] = array_pad(explode(':', (string) $declaration, 2), 2, '1000');
                $table->column($column, match ($type) {
                    'string' => Table::TYPE_STRING,
                    'int' => Table::TYPE_INT,
                    'float' => Table::TYPE_FLOAT,
                    default => throw new InvalidArgumentException(
                        "config/octane.php tables: column '{$column}' of '{$name}' has type '{$type}'; use int, float or string:size"),
                }, (int) $size);
            }

            $table->createShared($name);
            $tables[$name] = $table;
        }

        return $tables;
    }

    private static function cacheTable(array $cache): Table
    {
        $table = TableFactory::make((int) ($cache['rows'] ?? 1000));
        $table->column('value', Table::TYPE_STRING, (int) ($cache['bytes'] ?? 10000));
        $table->column('expiration', Table::TYPE_INT);
        $table->createShared(self::CACHE_TABLE);

        return $table;
    }

    /**
     * Octane's own WorkerState (it lives beside its server scripts, outside its autoloaded sources).
     */
    private static function workerState(): object
    {
        if (! class_exists(WorkerState::class)) {
            $file = dirname((new ReflectionClass(Octane::class))->getFileName(), 2).'/bin/WorkerState.php';

            if (is_file($file)) {
                require_once $file;
            }
        }

        return class_exists(WorkerState::class)
            ? new WorkerState()
            : new class { public $tables = []; public $cacheTable; };
    }
}
