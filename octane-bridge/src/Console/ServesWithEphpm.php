<?php

namespace Ephpm\Octane\Console;

/**
 * Octane's commands pick the server with a hard-coded match; ours answer for "ephpm" and leave
 * every other server to Octane's own implementation.
 */
trait ServesWithEphpm
{
    protected function servesWithEphpm(): bool
    {
        return ($this->option('server') ?: config('octane.server')) === 'ephpm';
    }

    protected function ephpmInspector(): EphpmServerProcessInspector
    {
        return $this->laravel->make(EphpmServerProcessInspector::class);
    }

    protected function ephpmStateFile(): EphpmServerStateFile
    {
        return $this->laravel->make(EphpmServerStateFile::class);
    }
}
