<?php

// Test-only stand-in (aliased to Octane's name by OctaneLocator) for Octane's driver contract, loaded only when laravel/octane is absent.

namespace Ephpm\Octane\Tests\Shims\Contracts;

use Illuminate\Foundation\Application;
use Illuminate\Http\Request;
use Laravel\Octane\OctaneResponse;
use Laravel\Octane\RequestContext;
use Throwable;

interface Client
{
    /** @return array{0: Request, 1: RequestContext} */
    public function marshalRequest(RequestContext $context): array;

    public function respond(RequestContext $context, OctaneResponse $response): void;

    public function error(Throwable $e, Application $app, Request $request, RequestContext $context): void;
}
