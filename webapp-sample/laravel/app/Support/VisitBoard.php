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
