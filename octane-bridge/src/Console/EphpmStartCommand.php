<?php

namespace Ephpm\Octane\Console;

use Laravel\Octane\Commands\StartCommand;
use RuntimeException;
use Symfony\Component\Process\Process;

class EphpmStartCommand extends StartCommand
{
    use ServesWithEphpm;

    private ?Process $ephpmServer = null;

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
            $command = $commandLine->build(base_path(), $this->getHost(), $this->getPort(), $this->option('workers'), $this->option('max-requests'));
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

        $this->ephpmServer = new Process($command, base_path(), [
            'APP_ENV' => app()->environment(),
            'APP_BASE_PATH' => base_path(),
            'LARAVEL_OCTANE' => 1,
        ], null, null);
        $this->ephpmServer->start();

        $this->ephpmStateFile()->writeProcessId($this->ephpmServer->getPid());

        $this->info('ePHPm server running…');
        $this->output->writeln(['', '  Local: <fg=white;options=bold>http://'.$this->getHost().':'.$this->getPort().'</>', '', '  <fg=yellow>Press Ctrl+C to stop the server</>', '']);

        try {
            while ($this->ephpmServer->isRunning()) {
                $this->relayServerOutput();
                usleep(200_000);
            }
            $this->relayServerOutput();
        } finally {
            $this->stopServer();
        }

        return (int) $this->ephpmServer->getExitCode();
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
