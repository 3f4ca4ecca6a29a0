<?php

// Test-only stand-in, loaded only when laravel/octane is absent.

namespace Laravel\Octane;

use Symfony\Component\HttpFoundation\Response;

class OctaneResponse
{
    public function __construct(public Response $response, public ?string $outputBuffer = null)
    {
    }
}
