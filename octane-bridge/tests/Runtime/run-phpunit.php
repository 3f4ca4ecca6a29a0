<?php

/*
 * PHPUnit inside a PHP thread of the ePHPm runtime (RuntimePhpUnitTest sends the arguments as
 * ?arg[]=...): its output, then EXIT=<status>.
 */

$_SERVER['argv'] = array_merge(['phpunit'], array_map('strval', (array) ($_GET['arg'] ?? [])));
$_SERVER['argc'] = count($_SERVER['argv']);

// Octane's listeners and PHPUnit's printers write to these, which only the CLI SAPI defines.
defined('STDOUT') || define('STDOUT', fopen('php://output', 'wb'));
defined('STDERR') || define('STDERR', fopen('php://output', 'wb'));

// Debian 12's PHPUnit 9.6 has implicitly nullable parameters, which PHP 8.4 reports as each file compiles
error_reporting(E_ALL & ~E_DEPRECATED);

// Debian's PHPUnit (and php-mockery) live on the include path of its CLI
if (! in_array('/usr/share/php', explode(PATH_SEPARATOR, get_include_path()), true)) {
    set_include_path(get_include_path().PATH_SEPARATOR.'/usr/share/php');
}
require_once 'PHPUnit/Autoload.php';

$status = PHPUnit\TextUI\Command::main(false);

echo "\nEXIT={$status}\n";
