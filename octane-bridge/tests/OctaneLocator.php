<?php

namespace Ephpm\Octane\Tests;

/**
 * Finds laravel/octane where a user's Composer would put it, or at $EPHPM_OCTANE_PATH (a checkout
 * of the laravel/octane repository). Without it, the contract shims in tests/Shims stand in for
 * the four Octane types the client touches, and tests that need Octane's Worker are skipped.
 */
final class OctaneLocator
{
    private static ?string $sourceDirectory = null;

    private static ?string $incompatibility = null;

    public static function register(): void
    {
        $candidates = array_filter([
            getenv('EPHPM_OCTANE_PATH') ?: null,
            dirname(__DIR__).'/vendor/laravel/octane',
        ]);

        foreach ($candidates as $candidate) {
            if (is_file($candidate.'/src/Worker.php')) {
                self::$sourceDirectory = realpath($candidate.'/src');
                break;
            }
        }

        if (self::$sourceDirectory !== null && (self::$incompatibility = self::incompatibility(dirname(self::$sourceDirectory))) !== null) {
            self::$sourceDirectory = null;
        }

        if (self::$sourceDirectory !== null) {
            $source = self::$sourceDirectory;
            spl_autoload_register(static function (string $class) use ($source): void {
                if (str_starts_with($class, 'Laravel\\Octane\\')) {
                    $file = $source.'/'.str_replace('\\', '/', substr($class, strlen('Laravel\\Octane\\'))).'.php';

                    if (is_file($file)) {
                        require $file;
                    }
                }
            });

            return;
        }

        foreach (['RequestContext', 'OctaneResponse', 'Contracts\\Client', 'Contracts\\StoppableClient'] as $shim) {
            require_once __DIR__.'/Shims/'.str_replace('\\', '/', $shim).'.php';
            class_alias('Ephpm\\Octane\\Tests\\Shims\\'.$shim, 'Laravel\\Octane\\'.$shim);
        }
    }

    public static function isAvailable(): bool
    {
        return self::$sourceDirectory !== null;
    }

    public static function path(): ?string
    {
        return self::$sourceDirectory === null ? null : dirname(self::$sourceDirectory);
    }

    public static function skipMessage(): string
    {
        return self::$incompatibility
            ?? 'needs laravel/octane: set EPHPM_OCTANE_PATH to a laravel/octane 1.5.x or 2.x checkout (or install it with Composer) to run this test';
    }

    /**
     * Octane 2 needs Laravel 10 or later (its commands do not even load on Laravel 8's Symfony 5):
     * the Laravel found on the include path must be one the checkout supports.
     */
    private static function incompatibility(string $octane): ?string
    {
        $required = json_decode((string) @file_get_contents($octane.'/composer.json'), true)['require']['laravel/framework'] ?? null;
        $laravel = \Illuminate\Foundation\Application::VERSION;

        if ($required === null || ! preg_match_all('/\^(\d+)/', $required, $majors)
            || in_array((int) $laravel, array_map('intval', $majors[1]), true)) {
            return null;
        }

        return "the laravel/octane at {$octane} requires laravel/framework {$required}, and the Laravel on the include path is {$laravel}:"
            .' put a matching Laravel first on the include path (e.g. with an ini file in PHP_INI_SCAN_DIR) to run this test';
    }
}
