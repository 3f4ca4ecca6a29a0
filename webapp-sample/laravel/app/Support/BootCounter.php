<?php

namespace App\Support;

/**
 * How often the application booted in this PHP thread. Under Octane it boots once per worker, so
 * the count stays at 1 while the worker's request count grows; in classic mode every request boots.
 */
final class BootCounter
{
    public static int $boots = 0;

    public static ?string $bootId = null;

    public static function booted(): void
    {
        self::$boots++;
        self::$bootId = bin2hex(random_bytes(6));
    }
}
