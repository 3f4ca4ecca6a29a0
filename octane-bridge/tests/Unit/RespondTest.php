<?php

namespace Ephpm\Octane\Tests\Unit;

use Ephpm\Octane\EphpmClient;
use Ephpm\Octane\Tests\RecordingSapi;
use Illuminate\Http\Request;
use Illuminate\Http\Response;
use Laravel\Octane\OctaneResponse;
use Laravel\Octane\RequestContext;
use PHPUnit\Framework\TestCase;
use Symfony\Component\HttpFoundation\BinaryFileResponse;
use Symfony\Component\HttpFoundation\Cookie;
use Symfony\Component\HttpFoundation\StreamedResponse;

final class RespondTest extends TestCase
{
    private RecordingSapi $sapi;

    private EphpmClient $client;

    private string $file;

    protected function setUp(): void
    {
        $this->sapi = new RecordingSapi();
        $this->client = new EphpmClient($this->sapi);
        $this->file = tempnam(sys_get_temp_dir(), 'ephpm-download-');
        file_put_contents($this->file, implode('', range('a', 'z')).implode('', range('A', 'Z')));
    }

    protected function tearDown(): void
    {
        @unlink($this->file);
    }

    public function test_status_headers_and_each_cookie_on_its_own_set_cookie_line(): void
    {
        $response = new Response('<p>created</p>', 201, ['X-Trace' => ['one', 'two'], 'Content-Type' => 'text/html']);
        $response->headers->setCookie(Cookie::create('first', '1'));
        $response->headers->setCookie(Cookie::create('second', '2', 0, '/admin'));

        $this->client->respond(new RequestContext(), new OctaneResponse($response));

        $this->assertSame(201, $this->sapi->status());
        $this->assertSame('Created', $this->sapi->events[0][2]);
        $lines = $this->sapi->headerLines();
        $this->assertContains('X-Trace: one', $lines);
        $this->assertContains('X-Trace: two', $lines);
        $this->assertContains('Content-Type: text/html', $lines);
        $this->assertSame(
            ['Set-Cookie: first=1; path=/; httponly; samesite=lax', 'Set-Cookie: second=2; path=/admin; httponly; samesite=lax'],
            array_values(array_filter($lines, fn ($line) => str_starts_with($line, 'Set-Cookie:'))),
        );
        $this->assertSame('<p>created</p>', $this->sapi->body());
    }

    public function test_output_echoed_during_the_request_comes_before_the_body_and_counts_in_content_length(): void
    {
        $response = new Response('body', 200, ['Content-Length' => '4']);

        $this->client->respond(new RequestContext(), new OctaneResponse($response, 'dumped;'));

        $this->assertSame('dumped;body', $this->sapi->body());
        $this->assertContains('Content-Length: 11', $this->sapi->headerLines());
    }

    public function test_a_streamed_response_reaches_the_client_chunk_by_chunk_whatever_flushing_the_callback_does(): void
    {
        $response = new StreamedResponse(function () {
            echo "data: 1\n\n";
            ob_flush();
            flush();
            echo "data: 2\n\n";
            flush();
            echo "data: 3\n\n";
        }, 200, ['Content-Type' => 'text/event-stream']);

        $this->client->respond(new RequestContext(), new OctaneResponse($response, 'early;'));

        $this->assertSame(200, $this->sapi->status());
        $this->assertSame([
            ['write', 'early;'],
            ['write', "data: 1\n\n"], ['flush'],
            ['write', "data: 2\n\n"], ['flush'],
            ['write', "data: 3\n\n"], ['flush'],
        ], $this->sapi->bodyEvents());
    }

    public function test_a_streamed_callback_returning_a_generator_sends_each_yielded_chunk(): void
    {
        $response = new StreamedResponse(function () {
            foreach (['alpha', 'beta', 'gamma'] as $word) {
                yield $word;
            }
        });

        $this->client->respond(new RequestContext(), new OctaneResponse($response));

        $this->assertSame([
            ['write', 'alpha'], ['flush'],
            ['write', 'beta'], ['flush'],
            ['write', 'gamma'], ['flush'],
        ], $this->sapi->bodyEvents());
        $response->sendContent();
        $this->assertCount(6, $this->sapi->bodyEvents(), 'the callback must not run a second time');
    }

    public function test_a_range_request_for_a_file_is_handed_to_the_container_with_symfony_offsets(): void
    {
        $context = $this->contextFor(['HTTP_RANGE' => 'bytes=10-19']);

        $this->client->respond($context, new OctaneResponse(new BinaryFileResponse($this->file), 'ignored output'));

        $this->assertSame(206, $this->sapi->status());
        $this->assertContains('Content-Range: bytes 10-19/52', $this->sapi->headerLines());
        $this->assertContains('Content-Length: 10', $this->sapi->headerLines());
        $this->assertSame([['sendFile', $this->file, 10, 10]], $this->sapi->bodyEvents());
    }

    public function test_a_whole_file_is_handed_over_from_offset_zero_to_the_end(): void
    {
        $this->client->respond($this->contextFor(), new OctaneResponse(new BinaryFileResponse($this->file)));

        $this->assertSame(200, $this->sapi->status());
        $this->assertContains('Content-Length: 52', $this->sapi->headerLines());
        $this->assertContains('Accept-Ranges: bytes', $this->sapi->headerLines());
        $this->assertSame([['sendFile', $this->file, 0, -1]], $this->sapi->bodyEvents());
    }

    public function test_a_stale_if_range_gets_the_whole_file(): void
    {
        $context = $this->contextFor(['HTTP_RANGE' => 'bytes=10-19', 'HTTP_IF_RANGE' => '"some-other-etag"']);
        $response = (new BinaryFileResponse($this->file))->setEtag('current');

        $this->client->respond($context, new OctaneResponse($response));

        $this->assertSame(200, $this->sapi->status());
        $this->assertSame([['sendFile', $this->file, 0, -1]], $this->sapi->bodyEvents());
    }

    public function test_an_unsatisfiable_range_is_416_without_a_body(): void
    {
        $this->client->respond($this->contextFor(['HTTP_RANGE' => 'bytes=60-70']), new OctaneResponse(new BinaryFileResponse($this->file)));

        $this->assertSame(416, $this->sapi->status());
        $this->assertContains('Content-Range: bytes */52', $this->sapi->headerLines());
        $this->assertSame([], $this->sapi->bodyEvents());
    }

    public function test_without_send_file_the_range_is_streamed_by_php(): void
    {
        $this->sapi->acceptsFiles = false;

        $this->client->respond($this->contextFor(['HTTP_RANGE' => 'bytes=-5']), new OctaneResponse(new BinaryFileResponse($this->file)));

        $this->assertSame(206, $this->sapi->status());
        $this->assertSame('VWXYZ', $this->sapi->body());
    }

    public function test_a_file_deleted_after_send_is_streamed_by_php_then_deleted(): void
    {
        $response = (new BinaryFileResponse($this->file))->deleteFileAfterSend();

        $this->client->respond($this->contextFor(), new OctaneResponse($response));

        $this->assertSame(52, strlen($this->sapi->body()));
        $this->assertFileDoesNotExist($this->file);
    }

    public function test_head_requests_get_file_headers_only(): void
    {
        $this->client->respond($this->contextFor([], 'HEAD'), new OctaneResponse(new BinaryFileResponse($this->file)));

        $this->assertSame(200, $this->sapi->status());
        $this->assertSame([], $this->sapi->bodyEvents());
    }

    /**
     * @dataProvider everyKindOfResponse
     */
    public function test_the_response_is_completed_before_respond_returns_so_after_response_work_does_not_delay_it(callable $response): void
    {
        $this->client->respond($this->contextFor(), new OctaneResponse($response($this->file), 'echoed;'));

        $kinds = $this->sapi->eventKinds();
        $this->assertSame('finish', end($kinds), 'respond() must complete the response: '.json_encode($this->sapi->events));
        $this->assertSame(1, count(array_keys($kinds, 'finish')));
    }

    public function everyKindOfResponse(): array
    {
        return [
            'plain' => [fn () => new Response('body')],
            'streamed' => [fn () => new StreamedResponse(function () {
                echo 'chunk';
            })],
            'file' => [fn (string $file) => new BinaryFileResponse($file)],
            'file deleted after send' => [fn (string $file) => (new BinaryFileResponse($file))->deleteFileAfterSend()],
        ];
    }

    public function test_an_error_response_is_completed_too(): void
    {
        $app = new \Illuminate\Foundation\Application(sys_get_temp_dir());
        $app->instance('config', new \Illuminate\Config\Repository(['app' => ['debug' => false]]));

        $this->client->error(new \RuntimeException('boom'), $app, Request::create('/'), new RequestContext());

        $this->assertSame(['headers', 'write', 'finish'], $this->sapi->eventKinds());
        $this->assertSame('Internal server error.', $this->sapi->body());
    }

    public function test_stop_tells_the_worker_loop_to_end(): void
    {
        $this->assertFalse($this->client->isStopped());

        $this->client->stop();

        $this->assertTrue($this->client->isStopped());
    }

    private function contextFor(array $server = [], string $method = 'GET'): RequestContext
    {
        $request = Request::create('/download', $method, [], [], [], $server);

        return new RequestContext(['request' => $request]);
    }
}
