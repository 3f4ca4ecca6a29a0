<?php

namespace Ephpm\Octane\Console;

use Laravel\Octane\Commands\StopCommand;

class EphpmStopCommand extends StopCommand
{
    use ServesWithEphpm;

    public function handle()
    {
        if (! $this->servesWithEphpm()) {
            return parent::handle();
        }

        $inspector = $this->ephpmInspector();

        if (! $inspector->serverIsRunning()) {
            $this->ephpmStateFile()->delete();
            $this->error('The ePHPm server is not running.');

            return 1;
        }

        $this->info('Stopping server...');

        if (! $inspector->stopServer()) {
            $this->error('Failed to stop the ePHPm server.');

            return 1;
        }

        $this->ephpmStateFile()->delete();

        return 0;
    }
}
