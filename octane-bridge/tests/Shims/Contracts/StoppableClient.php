<?php

// Test-only stand-in (aliased to Octane's name by OctaneLocator), loaded only when laravel/octane is absent.

namespace Ephpm\Octane\Tests\Shims\Contracts;

interface StoppableClient extends Client
{
    public function stop(): void;
}
