<?php

namespace Ephpm\Octane\Console;

use Laravel\Octane\Commands\ReloadCommand;

class EphpmReloadCommand extends ReloadCommand
{
    use ServesWithEphpm;

    public function handle()
    {
        if (! $this->servesWithEphpm()) {
            return parent::handle();
        }

        if (! $this->ephpmInspector()->serverIsRunning()) {
            $this->error('Octane server is not running.');

            return 1;
        }

        $this->info('Reloading workers...');
        $this->ephpmInspector()->reloadServer();

        return 0;
    }
}
