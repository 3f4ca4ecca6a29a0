<?php

namespace Ephpm\Octane\Tests\Integration;

use PHPUnit\Framework\TestCase;

/**
 * The real EphpmClient and EphpmSapi behind a real HTTP server: php://input, rfc1867 uploads,
 * header(), the output layer and flushing are PHP's own here, not recorded.
 */
final class BuiltInServerClientTest extends TestCase
{
    private const PAUSE_SECONDS = 0.4;

    private static BuiltInServer $server;

    private static string $scratch;

    public static function setUpBeforeClass(): void
    {
        self::$scratch = sys_get_temp_dir().'/ephpm-octane-bridge-'.getmypid();
        @mkdir(self::$scratch.'/storage', 0777, true);
        file_put_contents(self::$scratch.'/download.bin', implode('', array_map(fn ($i) => chr($i % 256), range(0, 99_999))));
        touch(self::$scratch.'/errors.log');

        self::$server = new BuiltInServer(dirname(__DIR__).'/Fixtures/cli-server/router.php', [
            'EPHPM_ROUTER_ERRORS' => self::$scratch.'/errors.log',
            'EPHPM_UPLOAD_STORAGE' => self::$scratch.'/storage',
            'EPHPM_DOWNLOAD_FILE' => self::$scratch.'/download.bin',
            'EPHPM_STREAM_PAUSE_US' => (string) (int) (self::PAUSE_SECONDS * 1_000_000),
        ]);
    }

    public static function tearDownAfterClass(): void
    {
        self::$server->stop();
        exec('rm -rf '.escapeshellarg(self::$scratch));
    }

    protected function tearDown(): void
    {
        $this->assertSame('', file_get_contents(self::$scratch.'/errors.log'), 'no PHP notices or warnings in the router');
    }

    public function test_a_json_body_is_read_from_php_input_like_request_capture_reads_it(): void
    {
        $response = self::$server->request('POST', '/marshal?page=2', ['Content-Type' => 'application/json'], '{"name":"Ada","roles":["admin"]}');

        $data = json_decode($response['body'], true);
        $this->assertSame(200, $response['status']);
        $this->assertSame(['name' => 'Ada', 'roles' => ['admin']], $data['json']);
        $this->assertEquals(['page' => '2', 'name' => 'Ada', 'roles' => ['admin']], $data['input']);
        $this->assertSame(array_fill_keys(['query', 'request', 'server', 'headers', 'content', 'all'], true), $data['sameAsCapture']);
    }

    public function test_a_urlencoded_put_body_becomes_input(): void
    {
        $response = self::$server->request('PUT', '/marshal', ['Content-Type' => 'application/x-www-form-urlencoded'], 'title=Hello&tags%5B%5D=a');

        $data = json_decode($response['body'], true);
        $this->assertSame('PUT', $data['method']);
        $this->assertSame(['title' => 'Hello', 'tags' => ['a']], $data['input']);
        $this->assertNotContains(false, $data['sameAsCapture']);
    }

    public function test_an_uploaded_file_is_valid_and_can_be_stored(): void
    {
        $boundary = 'ephpmBoundary42';
        $body = "--$boundary\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nQuarterly\r\n"
            ."--$boundary\r\nContent-Disposition: form-data; name=\"document\"; filename=\"report.txt\"\r\nContent-Type: text/plain\r\n\r\nthe report body\r\n"
            ."--$boundary--\r\n";

        $response = self::$server->request('POST', '/upload', ['Content-Type' => "multipart/form-data; boundary=$boundary"], $body);

        $data = json_decode($response['body'], true);
        $this->assertSame(200, $response['status'], $response['body']);
        $this->assertSame('Quarterly', $data['title']);
        $this->assertTrue($data['isValid']);
        $this->assertSame('report.txt', $data['originalName']);
        $this->assertStringStartsWith('uploads/', $data['stored']);
        $this->assertSame('the report body', $data['storedContent']);
    }

    public function test_each_flushed_event_reaches_the_client_before_the_next_is_produced(): void
    {
        $response = self::$server->request('GET', '/stream');

        $this->assertSame(200, $response['status']);
        $this->assertSame(['text/event-stream; charset=UTF-8'], $response['headers']['content-type']);
        $this->assertSame("data: 1\n\ndata: 2\n\ndata: 3\n\n", $response['body']);
        $this->assertArrivedApart($response, 'data: 1', 'data: 2');
        $this->assertArrivedApart($response, 'data: 2', 'data: 3');
    }

    public function test_each_chunk_of_a_generator_reaches_the_client_as_it_is_yielded(): void
    {
        $response = self::$server->request('GET', '/generator');

        $this->assertSame('alphabetagamma', $response['body']);
        $this->assertArrivedApart($response, 'alpha', 'beta');
        $this->assertArrivedApart($response, 'beta', 'gamma');
    }

    public function test_without_send_file_a_range_of_a_download_is_streamed_by_php(): void
    {
        $response = self::$server->request('GET', '/download', ['Range' => 'bytes=1000-1999']);

        $this->assertSame(206, $response['status']);
        $this->assertSame(['bytes 1000-1999/100000'], $response['headers']['content-range']);
        $this->assertSame(substr(file_get_contents(self::$scratch.'/download.bin'), 1000, 1000), $response['body']);
    }

    public function test_a_whole_download_arrives_intact(): void
    {
        $response = self::$server->request('GET', '/download');

        $this->assertSame(200, $response['status']);
        $this->assertSame(['100000'], $response['headers']['content-length']);
        $this->assertSame(file_get_contents(self::$scratch.'/download.bin'), $response['body']);
    }

    private function assertArrivedApart(array $response, string $earlier, string $later): void
    {
        $gap = BuiltInServer::arrivalOf($response, $later) - BuiltInServer::arrivalOf($response, $earlier);

        $this->assertGreaterThan(self::PAUSE_SECONDS * 0.6, $gap, "'$earlier' must reach the client before '$later' is produced");
    }
}
