<?php

// Test-only stand-in, loaded only when laravel/octane is absent.

namespace Laravel\Octane\Contracts;

interface StoppableClient extends Client
{
    public function stop(): void;
}
