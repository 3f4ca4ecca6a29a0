<?php

namespace App\Support;

use Closure;
use Illuminate\Database\Migrations\Migrator;

/**
 * Creates the SQLite database file and runs the migrations it has not run yet.
 *
 * A deployed Laravel app migrates once, at deploy time; this sample migrates on first use so that
 * it runs as soon as it is deployed. After a migration it writes a stamp beside the database, and
 * while the stamp matches (the same database file, the same migration files) a boot costs a few
 * stat calls: no lock, no query. Without that, every classic-mode request would take an exclusive
 * lock and query the migrations table, which serialises the requests of all workers.
 */
final class SampleDatabase
{
    /** @param Closure(): Migrator $migrator made only when there is something to check */
    public function __construct(private string $file, private Closure $migrator, private string $migrations)
    {
    }

    public function ensureMigrated(): void
    {
        if ($this->stampIsCurrent()) {
            return;
        }

        // The lock makes one worker migrate while the others wait, so none sees a half-migrated
        // database; the stamp is checked again under it, as another worker may have just written it.
        $lock = fopen($this->file.'.lock', 'c');
        flock($lock, LOCK_EX);

        try {
            if ($this->stampIsCurrent()) {
                return;
            }
            is_file($this->file) || touch($this->file);
            $this->migrate();
            $this->writeStamp();
        } finally {
            flock($lock, LOCK_UN);
            fclose($lock);
        }
    }

    private function migrate(): void
    {
        $migrator = ($this->migrator)();
        $repository = $migrator->getRepository();

        if (! $repository->repositoryExists()) {
            $repository->createRepository();
        }

        if (count($repository->getRan()) < count($this->migrationFiles())) {
            $migrator->run([$this->migrations]);
        }
    }

    private function stampIsCurrent(): bool
    {
        $stamp = @file_get_contents($this->stampFile());

        return $stamp !== false && $stamp === $this->signature();
    }

    private function writeStamp(): void
    {
        // written whole, then renamed over the old one, so a reader never sees half a stamp
        $partial = $this->stampFile().'.'.bin2hex(random_bytes(4));
        file_put_contents($partial, $this->signature());
        rename($partial, $this->stampFile());
    }

    /** The database file's identity and the migrations it holds; null while there is no file. */
    private function signature(): ?string
    {
        clearstatcache(true, $this->file);
        $inode = @fileinode($this->file);

        return $inode === false ? null : $inode."\n".implode("\n", $this->migrationFiles())."\n";
    }

    /** @return list<string> */
    private function migrationFiles(): array
    {
        return array_map('basename', glob($this->migrations.'/*.php') ?: []);
    }

    private function stampFile(): string
    {
        return $this->file.'.migrated';
    }
}
