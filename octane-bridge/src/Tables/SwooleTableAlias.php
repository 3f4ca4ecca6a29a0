<?php

namespace Ephpm\Octane\Tables;

/**
 * Where ext-swoole is absent, Swoole\Table is the runtime's Ephpm\Table (the same API, rows shared
 * by every worker of the app; declared as a subclass with nothing of its own, swoole-table.php), so
 * that Octane's SwooleTable, TableFactory and OctaneStore run as they are. Octane's SwooleTable
 * picks its typed declarations by SWOOLE_VERSION_ID, which Ephpm\Table's match: the constant is
 * defined when Swoole did not.
 */
final class SwooleTableAlias
{
    public const SWOOLE_VERSION_ID = 50000;

    /**
     * @return bool true when Swoole\Table is (now) the runtime's table
     */
    public static function install(): bool
    {
        if (! class_exists(\Ephpm\Table::class, false)) {
            return false;
        }

        if (! class_exists(\Swoole\Table::class, false) && ! extension_loaded('swoole') && ! extension_loaded('openswoole')) {
            require_once __DIR__.'/swoole-table.php';
        }

        if (! defined('SWOOLE_VERSION_ID')) {
            define('SWOOLE_VERSION_ID', self::SWOOLE_VERSION_ID);
        }

        return is_a(\Swoole\Table::class, \Ephpm\Table::class, true);
    }
}
