<?php

/*
 * Autoloading for the tests and their fixtures, without Composer: Debian's Laravel from the
 * include path, laravel/octane when one can be found, this package and its tests by PSR-4.
 */

use Ephpm\Octane\Tests\OctaneLocator;

if (! in_array('/usr/share/php', explode(PATH_SEPARATOR, get_include_path()), true)) {
    set_include_path(get_include_path().PATH_SEPARATOR.'/usr/share/php');
}
require_once 'Illuminate/autoload.php';

spl_autoload_register(static function (string $class): void {
    foreach (['Ephpm\\Octane\\Tests\\' => __DIR__, 'Ephpm\\Octane\\' => dirname(__DIR__).'/src'] as $prefix => $directory) {
        if (str_starts_with($class, $prefix)) {
            $file = $directory.'/'.str_replace('\\', '/', substr($class, strlen($prefix))).'.php';

            if (is_file($file)) {
                require $file;
            }

            return;
        }
    }
});

OctaneLocator::register();
