<?php

namespace App\Support;

/**
 * A generated file for the download demo. Byte n of the file is n % 256, so any range of it can be
 * checked without the file. It is written once, to a temporary name, then renamed into place.
 */
final class LargeFile
{
    private const BLOCK = 1 << 20;

    public function __construct(private string $path, private int $bytes)
    {
    }

    public function path(): string
    {
        if (! is_file($this->path) || filesize($this->path) !== $this->bytes) {
            $this->generate();
        }

        return $this->path;
    }

    private function generate(): void
    {
        @mkdir(dirname($this->path), 0775, true);
        $temporary = $this->path.'.'.bin2hex(random_bytes(4)).'.part';
        $block = str_repeat(implode('', array_map('chr', range(0, 255))), self::BLOCK / 256);
        $out = fopen($temporary, 'wb');

        for ($written = 0; $written < $this->bytes; $written += self::BLOCK) {
            fwrite($out, $this->bytes - $written >= self::BLOCK ? $block : substr($block, 0, $this->bytes - $written));
        }

        fclose($out);
        rename($temporary, $this->path);
        clearstatcache(true, $this->path);
    }
}
