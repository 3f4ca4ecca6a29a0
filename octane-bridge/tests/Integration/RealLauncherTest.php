<?php

namespace Ephpm\Octane\Tests\Integration;

use Ephpm\Octane\Tests\OctaneLocator;
use PHPUnit\Framework\TestCase;
use Symfony\Component\Process\ExecutableFinder;
use Symfony\Component\Process\Process;

/**
 * `php artisan octane:start --server=ephpm` with the real launcher (ephpm-server.jar) serving the
 * fixture app in octane mode, through real HTTP.
 */
final class RealLauncherTest extends TestCase
{
    private string $app;

    private string $serverJar;

    private ?int $launcherPid = null;

    protected function setUp(): void
    {
        if (! OctaneLocator::isAvailable()) {
            $this->markTestSkipped(OctaneLocator::skipMessage());
        }

        $this->serverJar = getenv('EPHPM_SERVER_JAR') ?: dirname(__DIR__, 3).'/jetty-module/target/ephpm-server.jar';

        if (! is_file($this->serverJar)) {
            $this->markTestSkipped('needs the ePHPm launcher: build it with `mvn -pl jetty-module -am package` or set EPHPM_SERVER_JAR to an ephpm-server.jar');
        }

        foreach (['java', 'setsid'] as $tool) {
            if ((new ExecutableFinder())->find($tool) === null) {
                $this->markTestSkipped("needs `{$tool}` on the PATH");
            }
        }

        $this->app = sys_get_temp_dir().'/ephpm-real-launcher-'.getmypid();
        $this->copyFixtureApp();
    }

    protected function tearDown(): void
    {
        if (isset($this->app)) {
            exec('rm -rf '.escapeshellarg($this->app));
        }
    }

    public function test_the_client_gets_its_response_while_after_response_work_still_runs(): void
    {
        [$artisan, $port] = $this->startServer();

        try {
            // The terminating callback waits until this client has the whole response: were the
            // response completed only after it, the request would time out.
            $context = stream_context_create(['http' => ['timeout' => 15]]);
            $body = @file_get_contents("http://127.0.0.1:{$port}/after-response-waits-for-the-client", false, $context);
            $this->assertSame('answered before the after-response work', $body, 'the response did not complete'.$this->said($artisan));
            touch($this->app.'/storage/client-has-the-response');

            $this->waitFor(fn () => is_file($this->app.'/storage/after-response-work-done'), $artisan, 30);
            $this->assertSame('ran on after the client had its response', file_get_contents($this->app.'/storage/after-response-work-done'));
        } finally {
            $this->stop($artisan);
        }
    }

    public function stopSignals(): array
    {
        return [
            'Ctrl+C in a terminal: SIGINT to the whole process group' => [true],
            'SIGINT to the artisan process alone' => [false],
        ];
    }

    /**
     * @dataProvider stopSignals
     */
    public function test_ctrl_c_lets_the_request_in_flight_complete_and_the_launcher_exit_cleanly(bool $wholeGroup): void
    {
        [$artisan, $port] = $this->startServer();

        try {
            $slow = new Process([PHP_BINARY, '-r', 'echo file_get_contents($argv[1]);', "http://127.0.0.1:{$port}/slow"], null, null, null, 60);
            $slow->start();
            $this->waitFor(fn () => is_file($this->app.'/storage/slow-request-started'), $artisan, 30);

            posix_kill($wholeGroup ? -$artisan->getPid() : $artisan->getPid(), SIGINT);

            $slow->wait();
            $this->assertSame('the slow request completed', $slow->getOutput(), 'the request in flight was cut off: '.$slow->getErrorOutput().$this->said($artisan));

            $this->waitFor(fn () => ! $artisan->isRunning(), $artisan, 60);
            $this->assertSame(0, $artisan->getExitCode(), $this->said($artisan));
            $this->assertStringContainsString('ePHPm stopped', $artisan->getOutput(), $this->said($artisan));
            $this->assertFalse(posix_kill($this->launcherPid, 0), 'the launcher is gone');
            $this->assertFileDoesNotExist($this->app.'/storage/logs/octane-server-state.json');
        } finally {
            $this->stop($artisan);
        }
    }

    /**
     * @return array{0: Process, 1: int}
     */
    private function startServer(): array
    {
        $port = $this->freePort();
        // In a process group of its own, like a command in a terminal, so that the whole group can
        // get the SIGINT a terminal sends on Ctrl+C.
        $artisan = new Process(
            ['setsid', PHP_BINARY, $this->app.'/artisan', 'octane:start', '--server=ephpm', '--host=127.0.0.1', '--port='.$port, '--workers=2', '--max-requests=0'],
            $this->app,
            ['EPHPM_SERVER_JAR' => $this->serverJar, 'EPHPM_OCTANE_PATH' => OctaneLocator::path()],
            null,
            180,
        );
        $artisan->start();
        $this->waitFor(fn () => @file_get_contents("http://127.0.0.1:{$port}/boots") === '{"boots":1}', $artisan, 90);
        $this->launcherPid = json_decode(file_get_contents($this->app.'/storage/logs/octane-server-state.json'), true)['masterProcessId'];

        return [$artisan, $port];
    }

    private function stop(Process $artisan): void
    {
        if ($artisan->isRunning()) {
            posix_kill($artisan->getPid(), SIGINT);
            $artisan->wait();
        }
        if ($this->launcherPid !== null && posix_kill($this->launcherPid, 0)) {
            posix_kill($this->launcherPid, SIGKILL);
        }
    }

    /**
     * A copy of the fixture app with its own storage and a vendor/autoload.php, as a Composer
     * install would give it: the worker threads inside the launcher see no environment variables
     * of this process, so the autoloader carries the include path and the Octane checkout.
     */
    private function copyFixtureApp(): void
    {
        $fixture = dirname(__DIR__).'/Fixtures/laravel-app';
        exec('cp -r '.escapeshellarg($fixture).' '.escapeshellarg($this->app));

        foreach (['storage/logs', 'storage/framework/cache', 'storage/framework/views', 'storage/framework/sessions', 'bootstrap/cache', 'vendor', 'public'] as $directory) {
            @mkdir($this->app.'/'.$directory, 0777, true);
        }

        file_put_contents($this->app.'/vendor/autoload.php', sprintf(
            "<?php\nset_include_path(%s);\nputenv(%s);\nrequire_once %s;\n",
            var_export(get_include_path(), true),
            var_export('EPHPM_OCTANE_PATH='.OctaneLocator::path(), true),
            var_export(dirname(__DIR__).'/autoload.php', true),
        ));
        file_put_contents($this->app.'/artisan', str_replace("__DIR__.'/../../autoload.php'", "__DIR__.'/vendor/autoload.php'", file_get_contents($fixture.'/artisan')));
    }

    private function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);

        return $port;
    }

    private function waitFor(callable $condition, Process $artisan, int $seconds): void
    {
        $deadline = microtime(true) + $seconds;

        while (! $condition()) {
            if (microtime(true) > $deadline) {
                $this->fail('timed out'.$this->said($artisan));
            }
            usleep(100_000);
        }
    }

    private function said(Process $artisan): string
    {
        return "\nartisan said: ".$artisan->getOutput().$artisan->getErrorOutput();
    }
}
