<?php

/*
 * Autoloading for laravel/octane's own tests (EPHPM_OCTANE_PATH) inside the ePHPm runtime:
 * the bridge's test autoloading (Laravel, Octane, this package), Octane's tests namespace, Mockery
 * (Debian's php-mockery), and Swoole\Table as ePHPm provides it.
 */

require __DIR__.'/../autoload.php';

$octane = rtrim((string) getenv('EPHPM_OCTANE_PATH'), '/');

spl_autoload_register(static function (string $class) use ($octane): void {
    $prefix = 'Laravel\\Octane\\Tests\\';
    if (str_starts_with($class, $prefix)) {
        $file = $octane.'/tests/'.str_replace('\\', '/', substr($class, strlen($prefix))).'.php';
        if (is_file($file)) {
            require $file;
        }
    }
});

// Octane's TestCase closes Mockery after each test
class_exists(Mockery::class) || require_once 'Mockery/autoload.php';

Ephpm\Octane\Tables\SwooleTableAlias::install() || throw new RuntimeException('Ephpm\Table is missing: run these tests inside the ePHPm runtime');
