<?php

use App\Support\SampleDatabase;
use Illuminate\Container\Container;
use Illuminate\Database\Capsule\Manager as Capsule;
use Illuminate\Database\DatabaseManager;
use Illuminate\Database\Migrations\DatabaseMigrationRepository;
use Illuminate\Database\Migrations\Migrator;
use Illuminate\Filesystem\Filesystem;
use Illuminate\Support\Facades\Facade;
use PHPUnit\Framework\TestCase;

final class SampleDatabaseTest extends TestCase
{
    private string $directory;

    private string $file;

    private string $migrations;

    private ?DatabaseManager $db = null;

    protected function setUp(): void
    {
        $this->directory = sys_get_temp_dir().'/sample-database-'.bin2hex(random_bytes(4));
        $this->file = $this->directory.'/sample.sqlite';
        $this->migrations = $this->directory.'/migrations';
        mkdir($this->migrations, 0777, true);
        foreach (glob(__DIR__.'/../database/migrations/*.php') as $migration) {
            copy($migration, $this->migrations.'/'.basename($migration));
        }
    }

    protected function tearDown(): void
    {
        $this->db?->disconnect();
        Facade::clearResolvedInstances();
        Facade::setFacadeApplication(null);
        array_map('unlink', glob($this->migrations.'/*'));
        @rmdir($this->migrations);
        array_map('unlink', glob($this->directory.'/*'));
        @rmdir($this->directory);
    }

    public function test_the_first_boot_creates_the_database_and_runs_every_migration(): void
    {
        $this->boot();

        $this->assertFileExists($this->file);
        $this->assertSame(['migrations', 'notes', 'users'], $this->tables());
        $this->assertFileExists($this->file.'.migrated');
    }

    public function test_a_boot_after_the_migration_sends_no_query(): void
    {
        $this->boot();

        $this->boot(function (DatabaseManager $db): void {
            $db->connection()->enableQueryLog();
        });

        $this->assertSame([], $this->db->connection()->getQueryLog());
    }

    public function test_a_boot_without_the_stamp_checks_the_database_and_writes_the_stamp_again(): void
    {
        $this->boot();
        unlink($this->file.'.migrated');

        $this->boot();

        $this->assertFileExists($this->file.'.migrated');
        $this->assertSame(['migrations', 'notes', 'users'], $this->tables());
        $this->assertSame(2, $this->db->table('migrations')->count(), 'no migration ran twice');
    }

    public function test_a_deleted_database_is_created_and_migrated_again(): void
    {
        $this->boot();
        $this->db->table('notes')->insert(['title' => 'gone with the file']);
        $this->db->disconnect();
        unlink($this->file);

        $this->boot();

        $this->assertSame(['migrations', 'notes', 'users'], $this->tables());
        $this->assertSame(0, $this->db->table('notes')->count());
    }

    public function test_a_new_migration_file_runs_on_the_next_boot_and_the_notes_stay(): void
    {
        $this->boot();
        $this->db->table('notes')->insert(['title' => 'kept']);
        file_put_contents($this->migrations.'/2024_02_01_000000_create_tags_table.php', <<<'PHP'
            <?php
            use Illuminate\Database\Migrations\Migration;
            use Illuminate\Database\Schema\Blueprint;
            use Illuminate\Support\Facades\Schema;
            return new class extends Migration {
                public function up(): void { Schema::create('tags', fn (Blueprint $table) => $table->id()); }
            };
            PHP);

        $this->boot();

        $this->assertSame(['migrations', 'notes', 'tags', 'users'], $this->tables());
        $this->assertSame(['kept'], $this->db->table('notes')->pluck('title')->all());
    }

    /** One app boot: a fresh connection and migrator over the same files, as a new PHP request has. */
    private function boot(?Closure $beforeEnsure = null): void
    {
        $this->db?->disconnect();
        $container = new Container();
        $capsule = new Capsule($container);
        $capsule->addConnection(['driver' => 'sqlite', 'database' => $this->file, 'prefix' => '', 'foreign_key_constraints' => true]);
        $this->db = $capsule->getDatabaseManager();
        $container->instance('db', $this->db);
        $container->bind('db.schema', fn () => $this->db->connection()->getSchemaBuilder()); // the Schema facade's binding
        Facade::clearResolvedInstances();
        Facade::setFacadeApplication($container);
        $migrator = new Migrator(new DatabaseMigrationRepository($this->db, 'migrations'), $this->db, new Filesystem());

        if ($beforeEnsure) {
            $beforeEnsure($this->db);
        }
        (new SampleDatabase($this->file, fn () => $migrator, $this->migrations))->ensureMigrated();
    }

    /** @return list<string> */
    private function tables(): array
    {
        return $this->db->table('sqlite_master')->where('type', 'table')->where('name', 'not like', 'sqlite_%')
            ->orderBy('name')->pluck('name')->all();
    }
}
