<?php

namespace Ephpm\Octane\Console;

use Laravel\Octane\Commands\StartCommand;
use RuntimeException;
use Symfony\Component\Process\ExecutableFinder;
use Symfony\Component\Process\Process;

class EphpmStartCommand extends StartCommand
{
    use ServesWithEphpm;

    private ?Process $ephpmServer = null;

    private int $stopSignals = 0;

    public function handle()
    {
        return $this->servesWithEphpm() ? $this->startEphpmServer() : parent::handle();
    }

    protected function startEphpmServer(): int
    {
        if ($this->ephpmInspector()->serverIsRunning()) {
            $this->error('The ePHPm server is already running.');

            return 1;
        }

        $commandLine = new EphpmServerCommandLine(
            env('EPHPM_SERVER_JAR') ?: config('octane.ephpm.server_jar'),
            env('EPHPM_JAVA') ?: config('octane.ephpm.java', 'java'),
        );

        try {
            $command = $commandLine->build(base_path(), $this->getHost(), $this->getPort(), $this->option('workers'), $this->option('max-requests'),
                $this->option('task-workers') ?? 'auto');
        } catch (RuntimeException $e) {
            $this->error($e->getMessage());

            return 1;
        }

        $this->ephpmStateFile()->writeState([
            'appName' => config('app.name', 'Laravel'),
            'host' => $this->getHost(),
            'port' => $this->getPort(),
            'workers' => $this->option('workers'),
            'maxRequests' => $this->option('max-requests'),
            'command' => $command,
        ]);

        $this->ephpmServer = new Process($this->inOwnSession($command), base_path(), [
            'APP_ENV' => app()->environment(),
            'APP_BASE_PATH' => base_path(),
            'LARAVEL_OCTANE' => 1,
        ], null, null);
        $this->ephpmServer->start();
        $this->takeOverStopSignals();

        $this->ephpmStateFile()->writeProcessId($this->ephpmServer->getPid());

        $this->info('ePHPm server running…');
        $this->output->writeln(['', '  Local: <fg=white;options=bold>http://'.$this->getHost().':'.$this->getPort().'</>', '', '  <fg=yellow>Press Ctrl+C to stop the server</>', '']);

        $signalsHandled = 0;

        try {
            while ($this->ephpmServer->isRunning()) {
                if ($this->stopSignals > $signalsHandled) {
                    $this->stopForSignal(++$signalsHandled);
                }
                $this->relayServerOutput();
                usleep(200_000);
            }
            $this->relayServerOutput();
        } finally {
            $this->stopServer();
        }

        return (int) $this->ephpmServer->getExitCode();
    }

    /**
     * Octane's own handler (InteractsWithServers::handleSignal) would run on Ctrl+C: Octane 2 exits
     * there right after asking the server to stop, and the Process destructor then kills the launcher
     * in the middle of its drain. Whatever Octane's version, these handlers replace it, and the loop
     * above waits until the launcher has finished its in-flight requests and exited.
     */
    private function takeOverStopSignals(): void
    {
        if (! function_exists('pcntl_signal')) {
            return;
        }

        pcntl_async_signals(true);

        foreach ([SIGINT, SIGTERM, SIGHUP] as $signal) {
            pcntl_signal($signal, function (): void {
                $this->stopSignals++;
            });
        }
    }

    private function stopForSignal(int $count): void
    {
        if ($count === 1) {
            $this->info('Stopping the ePHPm server: in-flight requests finish first (press Ctrl+C again to stop at once)…');
            $this->stopServer();
        } else {
            // The launcher takes a second stop signal as "stop now, without waiting".
            posix_kill($this->ephpmServer->getPid(), SIGTERM);
        }
    }

    /**
     * Ctrl+C in a terminal signals the whole foreground process group. In its own session the
     * launcher gets exactly one stop signal, from this command, and drains; sharing the group it
     * would get two (the terminal's and ours), which it takes as "stop at once".
     *
     * @param  list<string>  $command
     * @return list<string>
     */
    private function inOwnSession(array $command): array
    {
        $setsid = (new ExecutableFinder())->find('setsid');

        return $setsid === null ? $command : [$setsid, ...$command];
    }

    private function relayServerOutput(): void
    {
        if (($output = $this->ephpmServer->getIncrementalOutput()) !== '') {
            $this->output->write($output);
        }

        if (($errors = $this->ephpmServer->getIncrementalErrorOutput()) !== '') {
            $this->output->getErrorStyle()->write($errors);
        }
    }
}
