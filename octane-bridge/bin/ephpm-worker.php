<?php

/*
 * The ePHPm Octane worker script. The servlet runs it once per PHP worker thread in "octane" mode:
 * it boots the Laravel application once, then serves requests from \Ephpm\Worker\take_request()
 * through Laravel Octane's Worker until the servlet (or the request limit) ends it.
 */

use Ephpm\Octane\EphpmClient;
use Ephpm\Octane\TaskWorkerLoop;
use Ephpm\Octane\TickWorkerLoop;
use Ephpm\Octane\WorkerLoop;
use Laravel\Octane\Exceptions\DdException;

ini_set('display_errors', 'stderr');

// Octane's listeners write to STDOUT/STDERR, which only the CLI SAPI defines.
defined('STDOUT') || define('STDOUT', fopen('php://stdout', 'wb'));
defined('STDERR') || define('STDERR', fopen('php://stderr', 'wb'));

$bootVariable = static fn (string $name): ?string => $_SERVER[$name] ?? $_ENV[$name] ?? (getenv($name) === false ? null : getenv($name));

$basePath = $bootVariable('APP_BASE_PATH');

if (! is_string($basePath) || ! is_file($basePath.'/bootstrap/app.php')) {
    throw new RuntimeException('ePHPm octane worker: APP_BASE_PATH does not point at a Laravel application: '.var_export($basePath, true));
}

$_ENV['APP_BASE_PATH'] = $basePath;
$_ENV['APP_RUNNING_IN_CONSOLE'] = false;
$_ENV['LARAVEL_OCTANE'] = '1';
putenv('LARAVEL_OCTANE=1');

// Defined before any autoloader pulls in symfony/var-dumper's dd(), so that dd() becomes Octane's
// DdException (rendered as the response) instead of an exit() that would end the worker.
if (! function_exists('dd')) {
    function dd(...$vars)
    {
        throw new DdException($vars);
    }
}

$registerPsr4 = static function (string $prefix, string $directory): void {
    spl_autoload_register(static function (string $class) use ($prefix, $directory): void {
        if (str_starts_with($class, $prefix)) {
            $file = $directory.'/'.str_replace('\\', '/', substr($class, strlen($prefix))).'.php';

            if (is_file($file)) {
                require $file;
            }
        }
    });
};

if (is_file($basePath.'/vendor/autoload.php')) {
    require_once $basePath.'/vendor/autoload.php';
} else {
    // No Composer: Debian's php-laravel-framework, which lives on the include path.
    $laravelAutoload = $bootVariable('EPHPM_LARAVEL_AUTOLOAD') ?? 'Illuminate/autoload.php';
    if (! in_array('/usr/share/php', explode(PATH_SEPARATOR, get_include_path()), true)) {
        set_include_path(get_include_path().PATH_SEPARATOR.'/usr/share/php');
    }
    require_once $laravelAutoload;
}

if (! class_exists(\Laravel\Octane\Worker::class)) {
    $octanePath = $bootVariable('EPHPM_OCTANE_PATH');

    if ($octanePath === null) {
        throw new RuntimeException('ePHPm octane worker: laravel/octane is not installed; require it with Composer or set EPHPM_OCTANE_PATH to a laravel/octane checkout.');
    }

    $registerPsr4('Laravel\\Octane\\', rtrim($octanePath, '/').'/src');
}

if (! class_exists(EphpmClient::class)) {
    $registerPsr4('Ephpm\\Octane\\', dirname(__DIR__).'/src');
}

$loop = WorkerLoop::boot(
    $basePath,
    new EphpmClient(),
    static fn (): ?array => \Ephpm\Worker\take_request(),
    (int) ($bootVariable('EPHPM_MAX_REQUESTS') ?? 0),
    static fn (): bool => function_exists('Ephpm\Worker\finish_request') && \Ephpm\Worker\finish_request(),
);

// The runtime runs this script on three kinds of thread: request workers, task workers
// (Octane::concurrently()) and the app's tick thread.
match ($bootVariable('EPHPM_WORKER_ROLE') ?? 'request') {
    'task' => (new TaskWorkerLoop($loop->worker(), static fn (): ?array => \Ephpm\Worker\take_request()))->run(),
    'tick' => (new TickWorkerLoop(
        $loop->worker(),
        static fn (): ?array => \Ephpm\Worker\take_request(),
        (bool) ($loop->worker()->application()['config']->get('octane.tick') ?? true),
    ))->run(),
    default => $loop->run(),
};
