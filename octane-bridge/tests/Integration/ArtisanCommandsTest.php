<?php

namespace Ephpm\Octane\Tests\Integration;

use Ephpm\Octane\Tests\OctaneLocator;
use PHPUnit\Framework\TestCase;
use Symfony\Component\Process\Process;

/**
 * `php artisan octane:*` in a Laravel 10 app with laravel/octane and this package's provider,
 * starting a stand-in for `java -jar ephpm-server.jar` that logs its arguments and signals.
 */
final class ArtisanCommandsTest extends TestCase
{
    private string $scratch;

    private string $app;

    protected function setUp(): void
    {
        if (! OctaneLocator::isAvailable()) {
            $this->markTestSkipped(OctaneLocator::skipMessage());
        }

        $this->app = dirname(__DIR__).'/Fixtures/laravel-app';
        $this->scratch = sys_get_temp_dir().'/ephpm-artisan-test-'.getmypid().'-'.$this->getName(false);
        @mkdir($this->scratch.'/storage/logs', 0777, true);
        touch($this->scratch.'/ephpm-server.jar');
        touch($this->scratch.'/launcher.jsonl');
    }

    protected function tearDown(): void
    {
        if (isset($this->scratch)) {
            exec('rm -rf '.escapeshellarg($this->scratch));
        }
    }

    public function test_start_runs_the_launcher_and_status_reload_stop_reach_it(): void
    {
        $start = $this->artisan(['octane:start', '--server=ephpm', '--host=0.0.0.0', '--port=8123', '--workers=3', '--max-requests=50', '--task-workers=2']);
        $start->start();
        $this->waitFor(fn () => $this->launcherLog() !== [], $start);

        $this->assertSame(
            ['-jar', $this->scratch.'/ephpm-server.jar', '--app', $this->app, '--host', '0.0.0.0', '--port', '8123', '--workers', '3', '--max-requests', '50', '--task-workers', '2', '--mode', 'octane'],
            $this->launcherLog()[0]['argv'],
        );
        $state = json_decode(file_get_contents($this->stateFile()), true);
        $this->assertIsInt($state['masterProcessId']);
        $this->assertSame('8123', $state['state']['port']);

        $status = $this->runArtisan(['octane:status', '--server=ephpm']);
        $this->assertSame(0, $status->getExitCode());
        $this->assertStringContainsString('Octane server is running.', $status->getOutput());

        $this->assertSame(0, $this->runArtisan(['octane:reload', '--server=ephpm'])->getExitCode());
        $this->waitFor(fn () => in_array(['signal' => 'USR1'], $this->launcherLog(), true), $start);

        $this->assertSame(0, $this->runArtisan(['octane:stop', '--server=ephpm'])->getExitCode());
        $this->waitFor(fn () => ! $start->isRunning(), $start);
        $this->assertContains(['signal' => 'TERM'], $this->launcherLog());
        $this->assertStringContainsString('fake launcher listening', $start->getOutput());
        $this->assertFileDoesNotExist($this->stateFile());

        $this->assertSame(1, $this->runArtisan(['octane:status', '--server=ephpm'])->getExitCode());
    }

    public function test_the_server_configured_in_octane_server_is_used_without_the_option(): void
    {
        $status = $this->runArtisan(['octane:status'], ['OCTANE_SERVER' => 'ephpm']);

        $this->assertSame(1, $status->getExitCode());
        $this->assertStringContainsString('Octane server is not running.', $status->getOutput());
    }

    public function test_start_without_a_server_jar_says_how_to_configure_it(): void
    {
        $start = $this->runArtisan(['octane:start', '--server=ephpm'], ['EPHPM_SERVER_JAR' => $this->scratch.'/missing.jar']);

        $this->assertSame(1, $start->getExitCode());
        $this->assertStringContainsString('The ePHPm server jar does not exist: '.$this->scratch.'/missing.jar', $start->getOutput().$start->getErrorOutput());
        $this->assertSame([], $this->launcherLog());
    }

    public function test_other_servers_are_left_to_octane(): void
    {
        $start = $this->runArtisan(['octane:start', '--server=nonsense']);

        $this->assertSame(1, $start->getExitCode());
        $this->assertStringContainsString('Invalid server: nonsense.', $start->getOutput().$start->getErrorOutput());
    }

    private function artisan(array $arguments, array $environment = []): Process
    {
        return new Process([PHP_BINARY, $this->app.'/artisan', ...$arguments], $this->app, $environment + [
            'EPHPM_OCTANE_PATH' => OctaneLocator::path(),
            'EPHPM_LARAVEL_AUTOLOAD' => EPHPM_TEST_LARAVEL_AUTOLOAD,
            'EPHPM_SERVER_JAR' => $this->scratch.'/ephpm-server.jar',
            'EPHPM_JAVA' => dirname(__DIR__).'/Fixtures/fake-java',
            'FAKE_LAUNCHER_LOG' => $this->scratch.'/launcher.jsonl',
            'FIXTURE_STORAGE_PATH' => $this->scratch.'/storage',
            'APP_SERVICES_CACHE' => $this->scratch.'/services.php',
            'APP_PACKAGES_CACHE' => $this->scratch.'/packages.php',
        ], null, 30);
    }

    private function runArtisan(array $arguments, array $environment = []): Process
    {
        $process = $this->artisan($arguments, $environment);
        $process->run();

        return $process;
    }

    private function launcherLog(): array
    {
        return array_map(fn ($line) => json_decode($line, true), array_filter(explode("\n", file_get_contents($this->scratch.'/launcher.jsonl'))));
    }

    private function stateFile(): string
    {
        return $this->scratch.'/storage/logs/octane-server-state.json';
    }

    private function waitFor(callable $condition, Process $server): void
    {
        $deadline = microtime(true) + 10;
        while (! $condition()) {
            if (microtime(true) > $deadline) {
                $server->stop(1);
                $this->fail('timed out; artisan said: '.$server->getOutput().$server->getErrorOutput());
            }
            usleep(50_000);
        }
    }
}
