<?php

// Test-only stand-in (aliased to Octane's name by OctaneLocator), loaded only when laravel/octane is absent.

namespace Ephpm\Octane\Tests\Shims;

use Symfony\Component\HttpFoundation\Response;

class OctaneResponse
{
    public function __construct(public Response $response, public ?string $outputBuffer = null)
    {
    }
}
