<?php

namespace Ephpm\Octane;

use Closure;
use Ephpm\Octane\Contracts\Sapi;
use Illuminate\Foundation\Application;
use Illuminate\Http\Request;
use Laravel\Octane\Contracts\StoppableClient;
use Laravel\Octane\OctaneResponse;
use Laravel\Octane\RequestContext;
use ReflectionMethod;
use Symfony\Component\HttpFoundation\BinaryFileResponse;
use Symfony\Component\HttpFoundation\Request as SymfonyRequest;
use Symfony\Component\HttpFoundation\Response;
use Symfony\Component\HttpFoundation\StreamedResponse;
use Throwable;
use Traversable;

class EphpmClient implements StoppableClient
{
    private const FILE_CHUNK_BYTES = 65536;

    private bool $stopped = false;

    public function __construct(private readonly Sapi $sapi = new EphpmSapi())
    {
    }

    /**
     * The SAPI already built the superglobals exactly as php-fpm would, so the request is what
     * Laravel's own Request::capture() makes of them.
     */
    public function marshalRequest(RequestContext $context): array
    {
        Request::enableHttpMethodParameterOverride();

        $request = Request::createFromBase(SymfonyRequest::createFromGlobals());

        $context['request'] = $request;

        return [$request, $context];
    }

    /**
     * Sends the response and completes it, as Swoole's end() and FrankenPHP's handler return do:
     * Octane runs terminating middleware, defer callbacks and garbage collection after respond(),
     * and the client must not wait for them.
     */
    public function respond(RequestContext $context, OctaneResponse $octaneResponse): void
    {
        $this->send($context, $octaneResponse);

        $this->sapi->finishRequest();
    }

    private function send(RequestContext $context, OctaneResponse $octaneResponse): void
    {
        $response = $octaneResponse->response;
        $capturedOutput = (string) $octaneResponse->outputBuffer;

        if ($response instanceof BinaryFileResponse) {
            // Echoed output cannot precede a file whose Content-Length and ranges are fixed.
            $this->sendFile($response, $context['request'] ?? null);

            return;
        }

        if ($response instanceof StreamedResponse) {
            $this->sendHeaders($response);
            $this->sapi->write($capturedOutput);
            $this->sapi->stream(fn () => $this->runStreamedContent($response));

            return;
        }

        $content = (string) $response->getContent();

        if ($capturedOutput !== '' && $response->headers->has('Content-Length')) {
            $response->headers->set('Content-Length', (string) (strlen($capturedOutput) + strlen($content)));
        }

        $this->sendHeaders($response);
        $this->sapi->write($capturedOutput.$content);
    }

    public function error(Throwable $e, Application $app, Request $request, RequestContext $context): void
    {
        $body = $app->make('config')->get('app.debug') ? (string) $e : 'Internal server error.';

        if (! $this->sapi->headersSent()) {
            $this->sapi->sendHeaders('1.1', 500, 'Internal Server Error', ['Content-Type: text/plain; charset=UTF-8']);
        }

        $this->sapi->write($body);
        $this->sapi->finishRequest();
    }

    public function stop(): void
    {
        $this->stopped = true;
    }

    public function isStopped(): bool
    {
        return $this->stopped;
    }

    private function sendHeaders(Response $response): void
    {
        $lines = [];

        foreach ($response->headers->allPreserveCaseWithoutCookies() as $name => $values) {
            foreach ($values as $value) {
                $lines[] = $name.': '.$value;
            }
        }

        foreach ($response->headers->getCookies() as $cookie) {
            $lines[] = 'Set-Cookie: '.$cookie;
        }

        $this->sapi->sendHeaders($response->getProtocolVersion(), $response->getStatusCode(), $this->statusText($response), $lines);
    }

    private function statusText(Response $response): string
    {
        return Closure::bind(fn (): string => (string) $this->statusText, $response, Response::class)();
    }

    /**
     * Runs the callback itself rather than through sendContent() so that a callback returning a
     * generator streams its chunks instead of silently sending nothing.
     */
    private function runStreamedContent(StreamedResponse $response): void
    {
        if ((new ReflectionMethod($response, 'sendContent'))->getDeclaringClass()->getName() !== StreamedResponse::class) {
            $response->sendContent();

            return;
        }

        $callback = Closure::bind(fn () => $this->callback, $response, StreamedResponse::class)();

        if ($callback === null) {
            return;
        }

        $result = $callback();

        if (is_iterable($result)) {
            foreach ($result as $chunk) {
                echo $chunk;
            }
        }

        // Keeps a later sendContent() (e.g. by middleware in terminate) from running it twice.
        Closure::bind(fn () => $this->streamed = true, $response, StreamedResponse::class)();
    }

    private function sendFile(BinaryFileResponse $response, ?Request $request): void
    {
        if ($request !== null) {
            $response->prepare($request);
        }

        $segment = FileSegment::of($response);

        $this->sendHeaders($response);

        if (! $response->isSuccessful() || $segment->isEmpty() || ($request && $request->isMethod('HEAD'))) {
            return;
        }

        if ($segment->deleteAfterSend || ! $this->sapi->sendFile($segment->path, $segment->offset, $segment->length)) {
            $this->sapi->stream(fn () => $this->copyFileSegment($segment));
        }

        if ($segment->deleteAfterSend && is_file($segment->path)) {
            unlink($segment->path);
        }
    }

    private function copyFileSegment(FileSegment $segment): void
    {
        $file = fopen($segment->path, 'rb');

        try {
            if ($segment->offset > 0) {
                fseek($file, $segment->offset);
            }

            $remaining = $segment->length;

            while ($remaining !== 0 && ! feof($file) && ! connection_aborted()) {
                $chunk = fread($file, $remaining < 0 ? self::FILE_CHUNK_BYTES : min($remaining, self::FILE_CHUNK_BYTES));

                if ($chunk === false || $chunk === '') {
                    break;
                }

                echo $chunk;

                if ($remaining > 0) {
                    $remaining -= strlen($chunk);
                }
            }
        } finally {
            fclose($file);
        }
    }
}
