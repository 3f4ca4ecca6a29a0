<?php

namespace App\Support;

use Illuminate\Database\Migrations\Migrator;

/** Creates the SQLite database file and runs the migrations it has not run yet. */
final class SampleDatabase
{
    public function __construct(private string $file, private Migrator $migrator, private string $migrations)
    {
    }

    public function ensureMigrated(): void
    {
        // Every worker and request passes the lock, so none sees a half-migrated database.
        $lock = fopen($this->file.'.lock', 'c');
        flock($lock, LOCK_EX);

        try {
            is_file($this->file) || touch($this->file);
            $this->migrate();
        } finally {
            flock($lock, LOCK_UN);
            fclose($lock);
        }
    }

    private function migrate(): void
    {
        $repository = $this->migrator->getRepository();

        if (! $repository->repositoryExists()) {
            $repository->createRepository();
        }

        if (count($repository->getRan()) < count(glob($this->migrations.'/*.php'))) {
            $this->migrator->run([$this->migrations]);
        }
    }
}
