<?php

namespace Ephpm\Octane\Console;

use Laravel\Octane\Commands\StatusCommand;

class EphpmStatusCommand extends StatusCommand
{
    use ServesWithEphpm;

    public function handle()
    {
        if (! $this->servesWithEphpm()) {
            return parent::handle();
        }

        if ($this->ephpmInspector()->serverIsRunning()) {
            $this->info('Octane server is running.');

            return 0;
        }

        $this->info('Octane server is not running.');

        return 1;
    }
}
