<?php

namespace App\Support;

use Illuminate\Support\Facades\Cache;
use Laravel\Octane\Facades\Octane;

/**
 * A hit counter, the last ten visitors and a shared note, in tables every PHP worker of the app
 * sees at once: Octane::table() and Cache::store('octane') under Octane, the same rows through
 * Ephpm\Table in classic and worker mode. Without ePHPm there is nothing to share them with.
 */
final class VisitBoard
{
    public const RECENT = 10;

    private static ?array $ephpmTables = null;

    public static function available(): bool
    {
        return class_exists(\Ephpm\Table::class);
    }

    /** Counts this visit (atomically, across workers) and returns its number. */
    public static function recordVisit(int $worker, string $agent): int
    {
        $number = self::table('visits')->incr('all', 'count');
        self::table('visitors')->set((string) ($number % self::RECENT), [
            'number' => $number,
            'worker' => $worker,
            'at' => time(),
            'agent' => mb_strcut($agent, 0, 80),
        ]);

        return $number;
    }

    public static function count(): int
    {
        return (int) (self::table('visits')->get('all', 'count') ?: 0);
    }

    /** @return list<array{number: int, worker: int, at: int, agent: string}> newest first */
    public static function recent(): array
    {
        $rows = iterator_to_array(self::table('visitors'), false);
        usort($rows, fn ($a, $b) => $b['number'] <=> $a['number']);

        return $rows;
    }

    public static function putNote(string $note): void
    {
        self::octane() ? Cache::store('octane')->forever('note', $note) : self::table('notes')->set('note', ['text' => $note]);
    }

    public static function note(): ?string
    {
        if (self::octane()) {
            return Cache::store('octane')->get('note');
        }
        $note = self::table('notes')->get('note', 'text');

        return $note === false ? null : $note;
    }

    /**
     * A value that expires after $seconds on every worker (and, with a cluster, on every node):
     * Cache::store('octane') under Octane, a table of value and expiry time otherwise.
     */
    public static function putExpiring(string $key, string $value, int $seconds): void
    {
        if (self::octane()) {
            Cache::store('octane')->put($key, $value, $seconds);

            return;
        }
        self::table('expiring')->set($key, ['value' => $value, 'expiration' => time() + $seconds]);
    }

    public static function expiring(string $key): ?string
    {
        if (self::octane()) {
            return Cache::store('octane')->get($key);
        }
        $row = self::table('expiring')->get($key);

        return $row === false || $row['expiration'] <= time() ? null : $row['value'];
    }

    /** Adds one to a cache counter (Cache::increment under Octane, compareAndSet otherwise); the new count. */
    public static function incrementCached(string $key): int
    {
        if (self::octane()) {
            return (int) Cache::store('octane')->increment($key);
        }
        $table = self::table('expiring');
        do {
            $row = $table->get($key);
            $next = $row === false ? 1 : (int) $row['value'] + 1;
        } while (! $table->compareAndSet($key, $row === false ? false : ['value' => $row['value']],
            ['value' => (string) $next, 'expiration' => PHP_INT_MAX]));

        return $next;
    }

    public static function cached(string $key): int
    {
        if (self::octane()) {
            return (int) Cache::store('octane')->get($key, 0);
        }
        $row = self::table('expiring')->get($key);

        return $row === false ? 0 : (int) $row['value'];
    }

    public static function store(): string
    {
        return self::octane() ? 'Octane::table() and Cache::store(\'octane\')' : 'Ephpm\Table::createShared()';
    }

    private static function octane(): bool
    {
        return config('sample.mode') === 'octane' && app()->bound('octane.cacheTable');
    }

    private static function table(string $name): \Ephpm\Table
    {
        if (self::octane()) {
            return Octane::table($name);
        }

        // the layout config/octane.php declares for Octane, made here for classic and worker mode
        return self::$ephpmTables[$name] ??= (function () use ($name) {
            $declared = [
                'visits' => [1, ['count' => [\Ephpm\Table::TYPE_INT, 0]]],
                'visitors' => [self::RECENT, ['number' => [\Ephpm\Table::TYPE_INT, 0], 'worker' => [\Ephpm\Table::TYPE_INT, 0],
                    'at' => [\Ephpm\Table::TYPE_INT, 0], 'agent' => [\Ephpm\Table::TYPE_STRING, 80]]],
                'notes' => [1, ['text' => [\Ephpm\Table::TYPE_STRING, 200]]],
                'expiring' => [100, ['value' => [\Ephpm\Table::TYPE_STRING, 200], 'expiration' => [\Ephpm\Table::TYPE_INT, 0]]],
            ][$name];
            $table = new \Ephpm\Table($declared[0]);
            foreach ($declared[1] as $column => [$type, $size]) {
                $table->column($column, $type, $size);
            }
            $table->createShared('sample-'.$name);

            return $table;
        })();
    }
}
