<?php

namespace Ephpm\Octane;

use BadMethodCallException;

/**
 * What Octane finds bound as Swoole\Http\Server under ePHPm. Octane only asks whether a server is
 * bound (Octane::table() needs one); a Swoole method called on it fails clearly.
 */
final class EphpmServer
{
    public function __call(string $method, array $arguments): never
    {
        throw new BadMethodCallException("ePHPm serves this app, not Swoole: Swoole\\Http\\Server::{$method}() is not available");
    }
}
