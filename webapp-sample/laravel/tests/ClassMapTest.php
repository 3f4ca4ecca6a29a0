<?php

use PHPUnit\Framework\TestCase;

/**
 * vendor/autoload.php, written by Composer from composer.json, must load every class that Debian's
 * own autoloaders for the framework (in vendor/debian, as scripts/laravel-framework.sh copies them)
 * would load, from the same file, and run the same helper files. A Debian package update that adds a
 * directory or a class shows up here, not as "class not found" in a request.
 */
final class ClassMapTest extends TestCase
{
    private static array $debianFiles;

    public static function setUpBeforeClass(): void
    {
        $autoloader = dirname(__DIR__).'/vendor/debian/Illuminate/autoload.php';
        $script = '$before = get_included_files(); require '.var_export($autoloader, true).';'
            .' echo json_encode(array_values(array_diff(get_included_files(), $before)));';
        $output = shell_exec(escapeshellarg(PHP_BINARY).' -n -r '.escapeshellarg($script));
        self::$debianFiles = json_decode((string) $output, true, flags: JSON_THROW_ON_ERROR);
    }

    public function testEveryClassOfDebiansAutoloadersIsInTheClassMapWithTheSameFile(): void
    {
        $classMap = array_change_key_case(require $this->vendor('composer/autoload_classmap.php'));
        $checked = 0;

        foreach (self::$debianFiles as $file) {
            if (basename($file) !== 'autoload.php') {
                continue;
            }
            preg_match_all("/^\s*'([^']+)' => '(\/[^']+\.php)',?$/m", file_get_contents($file), $entries, PREG_SET_ORDER);
            foreach ($entries as [, $class, $path]) {
                $class = stripslashes($class);
                $expected = realpath(dirname($file).$path);
                if ($expected === false) {
                    continue; // a dead entry of Debian's map (a test class the package does not ship)
                }
                $this->assertArrayHasKey($class, $classMap, "$class (mapped by $file) is missing from the class map");
                $this->assertSame($expected, realpath($classMap[$class]), "$class loads from another file");
                $checked++;
            }
        }

        $this->assertGreaterThan(2000, $checked, 'too few classes found in Debian\'s autoloaders');
    }

    public function testTheHelperFilesDebiansAutoloadersRunAreAutoloadedFiles(): void
    {
        $autoloadedFiles = array_map('realpath', array_values(require $this->vendor('composer/autoload_files.php')));
        $helpers = array_filter(
            self::$debianFiles,
            fn (string $file) => basename($file) !== 'autoload.php',
        );

        $this->assertNotEmpty($helpers);
        foreach ($helpers as $helper) {
            $this->assertContains(realpath($helper), $autoloadedFiles, "$helper is not among Composer's autoload files");
        }
    }

    private function vendor(string $path): string
    {
        $file = dirname(__DIR__).'/vendor/'.$path;
        $this->assertFileExists($file, 'no vendor/: run `composer dump-autoload --optimize` in the app (the Maven build does)');

        return $file;
    }
}
