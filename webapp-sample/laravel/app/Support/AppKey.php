<?php

namespace App\Support;

use RuntimeException;

/**
 * The encryption key, from APP_KEY or else from a key file created on first use, so that no key
 * ships with the sample and every worker of one deployment shares the same key.
 */
final class AppKey
{
    public static function load(string $file): string
    {
        if (! is_file($file)) {
            self::create($file);
        }

        $key = trim((string) file_get_contents($file));

        if ($key === '') {
            throw new RuntimeException("The key file {$file} is empty; delete it to have a new key made.");
        }

        return $key;
    }

    private static function create(string $file): void
    {
        $directory = dirname($file);

        if (! is_dir($directory) && ! @mkdir($directory, 0775, true) && ! is_dir($directory)) {
            throw new RuntimeException("Cannot create {$directory} for the key file.");
        }

        $temporary = tempnam($directory, 'key');
        file_put_contents($temporary, 'base64:'.base64_encode(random_bytes(32)));
        chmod($temporary, 0600);

        // link() fails when another worker made the file first; its key then wins.
        @link($temporary, $file);
        unlink($temporary);
    }
}
