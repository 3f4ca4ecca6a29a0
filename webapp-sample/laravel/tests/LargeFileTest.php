<?php

use App\Support\LargeFile;
use PHPUnit\Framework\TestCase;

final class LargeFileTest extends TestCase
{
    private string $directory;

    protected function setUp(): void
    {
        $this->directory = sys_get_temp_dir().'/sample-large-file-'.bin2hex(random_bytes(4));
    }

    protected function tearDown(): void
    {
        array_map('unlink', glob($this->directory.'/*'));
        @rmdir($this->directory);
    }

    public function test_byte_n_of_the_file_is_n_mod_256_up_to_the_exact_size(): void
    {
        $size = (1 << 20) * 2 + 1000;
        $path = (new LargeFile($this->directory.'/big.bin', $size))->path();

        $this->assertSame($size, filesize($path));
        $handle = fopen($path, 'rb');
        foreach ([0, 255, 256, 1 << 20, $size - 1] as $offset) {
            fseek($handle, $offset);
            $this->assertSame($offset % 256, ord(fread($handle, 1)), "byte {$offset}");
        }
        fclose($handle);
        $this->assertSame([$path], glob($this->directory.'/*'), 'no temporary file is left behind');
    }

    public function test_a_file_of_the_wrong_size_is_generated_again(): void
    {
        mkdir($this->directory);
        file_put_contents($this->directory.'/big.bin', 'truncated');

        $path = (new LargeFile($this->directory.'/big.bin', 4096))->path();

        $this->assertSame(4096, filesize($path));
    }
}
