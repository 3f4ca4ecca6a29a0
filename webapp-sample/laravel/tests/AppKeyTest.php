<?php

use App\Support\AppKey;
use PHPUnit\Framework\TestCase;

final class AppKeyTest extends TestCase
{
    private string $directory;

    protected function setUp(): void
    {
        $this->directory = sys_get_temp_dir().'/sample-app-key-'.bin2hex(random_bytes(4));
    }

    protected function tearDown(): void
    {
        array_map('unlink', glob($this->directory.'/*'));
        @rmdir($this->directory);
    }

    public function test_the_first_load_creates_a_32_byte_key_and_later_loads_return_it(): void
    {
        $first = AppKey::load($this->directory.'/app.key');

        $this->assertStringStartsWith('base64:', $first);
        $this->assertSame(32, strlen(base64_decode(substr($first, 7), true)));
        $this->assertSame($first, AppKey::load($this->directory.'/app.key'));
        $this->assertSame('0600', substr(sprintf('%o', fileperms($this->directory.'/app.key')), -4));
        $this->assertSame([$this->directory.'/app.key'], glob($this->directory.'/*'));
    }

    public function test_a_key_file_made_by_another_worker_is_kept(): void
    {
        mkdir($this->directory);
        file_put_contents($this->directory.'/app.key', "base64:made-by-another-worker\n");

        $this->assertSame('base64:made-by-another-worker', AppKey::load($this->directory.'/app.key'));
    }
}
