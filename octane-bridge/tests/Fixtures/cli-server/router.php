<?php

/*
 * Router for PHP's built-in server: runs the real EphpmClient with the real EphpmSapi (header(),
 * echo, the output layer, php://input, rfc1867 uploads), the way the ePHPm SAPI runs it, minus
 * \Ephpm\Worker\send_file(), which the built-in server lacks.
 */

use Ephpm\Octane\EphpmClient;
use Ephpm\Octane\EphpmSapi;
use Illuminate\Config\Repository;
use Illuminate\Container\Container;
use Illuminate\Contracts\Filesystem\Factory;
use Illuminate\Filesystem\FilesystemManager;
use Illuminate\Http\Request;
use Illuminate\Http\Response;
use Laravel\Octane\OctaneResponse;
use Laravel\Octane\RequestContext;
use Symfony\Component\HttpFoundation\BinaryFileResponse;
use Symfony\Component\HttpFoundation\StreamedResponse;

require dirname(__DIR__, 2).'/autoload.php';

set_error_handler(static function (int $level, string $message, string $file, int $line): bool {
    error_log("router: PHP error $level: $message at $file:$line");
    file_put_contents(getenv('EPHPM_ROUTER_ERRORS'), "$message\n", FILE_APPEND);

    return true;
});

$client = new EphpmClient(new EphpmSapi());
[$request, $context] = $client->marshalRequest(new RequestContext());

$json = static fn (array $data) => new Response(json_encode($data), 200, ['Content-Type' => 'application/json']);
$pause = static fn () => usleep((int) getenv('EPHPM_STREAM_PAUSE_US'));

$response = match ($request->path()) {
    'marshal' => (static function () use ($request, $json) {
        $captured = Request::capture();

        return $json([
            'method' => $request->getMethod(),
            'query' => $request->query(),
            'input' => $request->all(),
            'json' => $request->isJson() ? $request->json()->all() : null,
            'content' => $request->getContent(),
            'cookies' => $request->cookies->all(),
            'sameAsCapture' => [
                'query' => $captured->query->all() === $request->query->all(),
                'request' => $captured->request->all() === $request->request->all(),
                'server' => $captured->server->all() === $request->server->all(),
                'headers' => $captured->headers->all() === $request->headers->all(),
                'content' => $captured->getContent() === $request->getContent(),
                'all' => $captured->all() === $request->all(),
            ],
        ]);
    })(),
    'upload' => (static function () use ($request, $json) {
        $storage = getenv('EPHPM_UPLOAD_STORAGE');
        $container = new Container();
        Container::setInstance($container);
        $container->instance('config', new Repository([
            'filesystems' => ['default' => 'local', 'disks' => ['local' => ['driver' => 'local', 'root' => $storage]]],
        ]));
        $container->singleton('filesystem', fn ($app) => new FilesystemManager($app));
        $container->alias('filesystem', Factory::class);

        $file = $request->file('document');
        $stored = $file->store('uploads');

        return $json([
            'title' => $request->input('title'),
            'isValid' => $file->isValid(),
            'originalName' => $file->getClientOriginalName(),
            'stored' => $stored,
            'storedContent' => file_get_contents($storage.'/'.$stored),
        ]);
    })(),
    'stream' => new StreamedResponse(static function () use ($pause) {
        foreach ([1, 2, 3] as $event) {
            echo "data: $event\n\n";
            if ($event === 1) {
                ob_flush();
            }
            flush();
            $event < 3 && $pause();
        }
    }, 200, ['Content-Type' => 'text/event-stream']),
    'generator' => new StreamedResponse(static function () use ($pause) {
        foreach (['alpha', 'beta', 'gamma'] as $i => $word) {
            $i > 0 && $pause();
            yield $word;
        }
    }),
    'download' => (new BinaryFileResponse(getenv('EPHPM_DOWNLOAD_FILE'))),
    default => new Response('not found', 404),
};

$response->prepare($request);
$client->respond($context, new OctaneResponse($response));
