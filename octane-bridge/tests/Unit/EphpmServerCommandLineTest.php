<?php

namespace Ephpm\Octane\Tests\Unit;

use Ephpm\Octane\Console\EphpmServerCommandLine;
use Ephpm\Octane\Console\EphpmServerStateFile;
use PHPUnit\Framework\TestCase;
use RuntimeException;

final class EphpmServerCommandLineTest extends TestCase
{
    public function test_auto_workers_means_one_per_cpu(): void
    {
        $jar = tempnam(sys_get_temp_dir(), 'ephpm-jar-');

        try {
            $command = (new EphpmServerCommandLine($jar))->build('/srv/app', '127.0.0.1', '8000', 'auto', '500');
        } finally {
            unlink($jar);
        }

        $cpus = preg_match_all('/^processor\s*:/m', (string) @file_get_contents('/proc/cpuinfo')) ?: 1;
        $this->assertSame(['java', '-jar', $jar, '--app', '/srv/app', '--host', '127.0.0.1', '--port', '8000', '--workers', (string) $cpus, '--max-requests', '500', '--task-workers', (string) $cpus, '--mode', 'octane'], $command);
    }

    public function test_task_workers_are_passed_on_and_zero_turns_them_off(): void
    {
        $jar = tempnam(sys_get_temp_dir(), 'ephpm-jar-');

        try {
            $three = (new EphpmServerCommandLine($jar))->build('/srv/app', '127.0.0.1', 8000, 2, 500, '3');
            $none = (new EphpmServerCommandLine($jar))->build('/srv/app', '127.0.0.1', 8000, 2, 500, 0);
        } finally {
            unlink($jar);
        }

        $this->assertSame('3', $three[array_search('--task-workers', $three, true) + 1]);
        $this->assertSame('0', $none[array_search('--task-workers', $none, true) + 1]);
    }

    public function test_an_unconfigured_jar_is_a_clear_error(): void
    {
        $this->expectException(RuntimeException::class);
        $this->expectExceptionMessage('set EPHPM_SERVER_JAR or octane.ephpm.server_jar');

        (new EphpmServerCommandLine(null))->build('/srv/app', '127.0.0.1', 8000, 2, 500);
    }

    public function test_the_state_file_keeps_process_id_and_state_together(): void
    {
        $path = sys_get_temp_dir().'/ephpm-state-'.getmypid().'/logs/octane-server-state.json';
        $stateFile = new EphpmServerStateFile($path);

        $this->assertSame(['masterProcessId' => null, 'state' => []], $stateFile->read());

        $stateFile->writeState(['port' => 8000]);
        $stateFile->writeProcessId(4242);

        $this->assertSame(['masterProcessId' => 4242, 'state' => ['port' => 8000]], $stateFile->read());
        $this->assertTrue($stateFile->delete());
        $this->assertFileDoesNotExist($path);
        rmdir(dirname($path));
        rmdir(dirname($path, 2));
    }
}
