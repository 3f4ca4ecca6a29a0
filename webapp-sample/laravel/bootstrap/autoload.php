<?php

// Composer's autoloader when the app has a vendor/ directory; otherwise Debian's
// php-laravel-framework from the include path, plus the app's own classes by PSR-4.

if (is_file(__DIR__.'/../vendor/autoload.php')) {
    require_once __DIR__.'/../vendor/autoload.php';

    return;
}

if (! class_exists(Illuminate\Foundation\Application::class)) {
    if (! in_array('/usr/share/php', explode(PATH_SEPARATOR, get_include_path()), true)) {
        set_include_path(get_include_path().PATH_SEPARATOR.'/usr/share/php');
    }
    require_once 'Illuminate/autoload.php';
}

spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'App\\')) {
        $file = __DIR__.'/../app/'.str_replace('\\', '/', substr($class, 4)).'.php';

        if (is_file($file)) {
            require $file;
        }
    }
});
