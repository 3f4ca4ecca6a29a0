<?php

/*
 * Autoloading for the tests and their fixtures, without Composer: Laravel 10 as Debian 13 packages it
 * (the copy the Maven build puts in target/laravel with scripts/laravel-framework.sh, or
 * $EPHPM_LARAVEL_AUTOLOAD, or a Debian system's php-laravel-framework on the include path),
 * laravel/octane when one can be found, this package and its tests by PSR-4.
 */

use Ephpm\Octane\Tests\OctaneLocator;

$laravelAutoload = getenv('EPHPM_LARAVEL_AUTOLOAD') ?: dirname(__DIR__).'/target/laravel/Illuminate/autoload.php';
if (! is_file($laravelAutoload)) {
    if (! in_array('/usr/share/php', explode(PATH_SEPARATOR, get_include_path()), true)) {
        set_include_path(get_include_path().PATH_SEPARATOR.'/usr/share/php');
    }
    $laravelAutoload = stream_resolve_include_path('Illuminate/autoload.php')
        ?: throw new RuntimeException('no Laravel: run `mvn -pl octane-bridge -am verify` (it copies Laravel 10 into target/laravel) or set EPHPM_LARAVEL_AUTOLOAD');
}
/** The Laravel the tests run on; worker processes they start get it as EPHPM_LARAVEL_AUTOLOAD. */
define('EPHPM_TEST_LARAVEL_AUTOLOAD', realpath($laravelAutoload));
require_once EPHPM_TEST_LARAVEL_AUTOLOAD;

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
