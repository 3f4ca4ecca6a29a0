<?php

namespace Ephpm\Octane\Tests\Integration;

use Ephpm\Octane\Tests\OctaneLocator;
use PHPUnit\Framework\TestCase;
use Symfony\Component\Process\Process;

/**
 * Runs bin/ephpm-worker.php itself, with the real laravel/octane Worker and a Laravel 10 app on
 * Debian's framework, in a PHP CLI process whose take_request() serves a scripted list of requests.
 */
final class WorkerScriptTest extends TestCase
{
    private string $scratch;

    protected function setUp(): void
    {
        if (! OctaneLocator::isAvailable()) {
            $this->markTestSkipped(OctaneLocator::skipMessage());
        }

        $this->scratch = sys_get_temp_dir().'/ephpm-worker-test-'.getmypid().'-'.$this->getName(false);
        @mkdir($this->scratch.'/storage/logs', 0777, true);
    }

    protected function tearDown(): void
    {
        if (isset($this->scratch)) {
            exec('rm -rf '.escapeshellarg($this->scratch));
        }
    }

    public function test_the_app_boots_once_and_serves_every_request_in_order(): void
    {
        [$responses, $process] = $this->serve(['/boots', '/boots', '/echo', '/boots']);

        $this->assertSame(0, $process->getExitCode(), $process->getErrorOutput());
        $this->assertSame(['{"boots":1}', '{"boots":1}', 'echoed;returned', '{"boots":1}'], array_column($responses, 'body'));
        $this->assertSame([200, 200, 200, 200], array_column($responses, 'status'));
    }

    public function test_configuration_changed_by_one_request_does_not_leak_into_the_next(): void
    {
        [$responses] = $this->serve(['/config/set?value=changed', '/config/get']);

        $this->assertSame(['changed', 'hello'], array_column($responses, 'body'));
    }

    public function test_dd_renders_the_dump_as_the_response_and_the_worker_keeps_serving(): void
    {
        [$responses, $process] = $this->serve(['/dd', '/boots']);

        $this->assertSame(0, $process->getExitCode(), $process->getErrorOutput());
        $this->assertStringContainsString('dumped-value', $responses[0]['body']);
        $this->assertSame('{"boots":1}', $responses[1]['body']);
    }

    public function test_a_streamed_response_is_sent_through_the_worker(): void
    {
        [$responses] = $this->serve(['/stream']);

        $this->assertSame('one;two;', $responses[0]['body']);
    }

    public function test_the_response_is_complete_before_after_response_work_runs(): void
    {
        [$entries, $process] = $this->serve(['/after-response', '/boots'], [], true);

        $this->assertSame(0, $process->getExitCode(), $process->getErrorOutput());
        $this->assertSame([
            ['number' => 1, 'status' => 200, 'body' => 'answered'],
            ['after_response' => 'terminating callback ran'],
            ['number' => 2, 'status' => 200, 'body' => '{"boots":1}'],
        ], array_values(array_filter($entries, fn ($entry) => ! isset($entry['shutdown']))));
    }

    public function test_octane_cache_store_works_per_worker(): void
    {
        [$responses] = $this->serve(['/octane-cache', '/octane-cache']);

        $this->assertSame(['{"hits":1}', '{"hits":2}'], array_column($responses, 'body'));
    }

    public function test_the_loop_ends_after_the_request_limit(): void
    {
        [$responses, $process, $shutdown] = $this->serve(['/boots', '/boots', '/boots'], ['EPHPM_MAX_REQUESTS' => '2']);

        $this->assertSame(0, $process->getExitCode(), $process->getErrorOutput());
        $this->assertCount(2, $responses);
        $this->assertSame(2, $shutdown['taken'], 'no third request is taken');
    }

    public function test_a_worker_error_stops_the_worker_after_answering_with_an_error(): void
    {
        [$responses, $process, $shutdown] = $this->serve(['/stream-fails', '/boots'], ['APP_DEBUG' => 'true']);

        $this->assertSame(0, $process->getExitCode(), $process->getErrorOutput());
        $this->assertCount(1, $responses);
        $this->assertStringStartsWith('partial;', $responses[0]['body']);
        $this->assertStringContainsString('RuntimeException: the stream broke', $responses[0]['body']);
        $this->assertSame(1, $shutdown['taken'], 'the stopped worker takes no further request');
    }

    public function test_a_boot_failure_is_reported_once_with_the_real_exception_and_fails_the_worker(): void
    {
        [$responses, $process, $shutdown] = $this->serve(['/boots'], ['FIXTURE_FAIL_BOOT' => '1']);

        $this->assertNotSame(0, $process->getExitCode());
        $this->assertSame([], $responses);
        $this->assertSame(0, $shutdown['taken']);
        $this->assertSame(1, substr_count($process->getErrorOutput(), 'failed to boot: RuntimeException: fixture boot failure: the database is unreachable'));
    }

    /**
     * @return array{0: list<array{number: int, status: int, body: string}>, 1: Process, 2: array}
     */
    private function serve(array $uris, array $environment = [], bool $allEntries = false): array
    {
        $fixtures = dirname(__DIR__).'/Fixtures';
        file_put_contents($this->scratch.'/requests.json', json_encode(array_map(fn ($uri) => ['uri' => $uri], $uris)));
        touch($this->scratch.'/record.jsonl');

        $process = new Process(
            [PHP_BINARY, '-d', 'auto_prepend_file='.$fixtures.'/fake-take-request.php', dirname(__DIR__, 2).'/bin/ephpm-worker.php'],
            null,
            $environment + [
                'APP_BASE_PATH' => $fixtures.'/laravel-app',
                'EPHPM_OCTANE_PATH' => OctaneLocator::path(),
                'EPHPM_LARAVEL_AUTOLOAD' => EPHPM_TEST_LARAVEL_AUTOLOAD,
                'EPHPM_FAKE_REQUESTS' => $this->scratch.'/requests.json',
                'EPHPM_FAKE_RECORD' => $this->scratch.'/record.jsonl',
                'FIXTURE_STORAGE_PATH' => $this->scratch.'/storage',
                'APP_SERVICES_CACHE' => $this->scratch.'/services.php',
                'APP_PACKAGES_CACHE' => $this->scratch.'/packages.php',
                'APP_CONFIG_CACHE' => $this->scratch.'/config.php',
                'APP_ROUTES_CACHE' => $this->scratch.'/routes.php',
                'APP_DEBUG' => 'false',
            ],
        );
        $process->setTimeout(60)->run();

        $entries = array_map(fn ($line) => json_decode($line, true), array_filter(explode("\n", file_get_contents($this->scratch.'/record.jsonl'))));
        $shutdown = array_values(array_filter($entries, fn ($entry) => isset($entry['shutdown'])));
        $responses = array_values(array_filter($entries, fn ($entry) => ! isset($entry['shutdown'])));

        $this->assertCount(1, $shutdown, 'the worker process ended: '.$process->getErrorOutput());

        return [$allEntries ? $entries : $responses, $process, $shutdown[0]];
    }
}
