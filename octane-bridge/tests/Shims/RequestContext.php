<?php

// Test-only stand-in (aliased to Octane's name by OctaneLocator), loaded only when laravel/octane is absent: an array bag, as Octane's is.

namespace Ephpm\Octane\Tests\Shims;

use ArrayAccess;

class RequestContext implements ArrayAccess
{
    public function __construct(public array $data = [])
    {
    }

    public function offsetExists(mixed $key): bool
    {
        return isset($this->data[$key]);
    }

    public function offsetGet(mixed $key): mixed
    {
        return $this->data[$key];
    }

    public function offsetSet(mixed $key, mixed $value): void
    {
        $this->data[$key] = $value;
    }

    public function offsetUnset(mixed $key): void
    {
        unset($this->data[$key]);
    }

    public function __get(string $key): mixed
    {
        return $this->data[$key];
    }
}
