<?php

// Composer's class-map autoloader over the app and vendor/debian (the framework, as Debian packages
// it; the Maven build copies it there and runs `composer dump-autoload --optimize`).

$autoloader = __DIR__.'/../vendor/autoload.php';
if (! is_file($autoloader)) {
    throw new RuntimeException('vendor/autoload.php is missing: build the app with `mvn -pl webapp-sample -am package`'
        .' (or run scripts/laravel-framework.sh --into vendor/debian and `composer dump-autoload --optimize` in it)');
}
require_once $autoloader;
