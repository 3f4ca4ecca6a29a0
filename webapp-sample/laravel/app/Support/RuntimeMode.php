<?php

namespace App\Support;

/** How this PHP process serves the app: "octane" (booted once per worker) or "classic" (booted per request). */
final class RuntimeMode
{
    public static function detect(): string
    {
        $octane = $_ENV['LARAVEL_OCTANE'] ?? $_SERVER['LARAVEL_OCTANE'] ?? getenv('LARAVEL_OCTANE');

        return (string) $octane === '1' ? 'octane' : 'classic';
    }
}
