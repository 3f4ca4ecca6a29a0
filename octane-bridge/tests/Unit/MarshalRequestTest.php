<?php

namespace Ephpm\Octane\Tests\Unit;

use Ephpm\Octane\EphpmClient;
use Ephpm\Octane\Tests\RecordingSapi;
use Illuminate\Http\Request;
use Laravel\Octane\RequestContext;
use PHPUnit\Framework\TestCase;

final class MarshalRequestTest extends TestCase
{
    private array $savedGlobals;

    protected function setUp(): void
    {
        $this->savedGlobals = [$_GET, $_POST, $_COOKIE, $_FILES, $_SERVER];
    }

    protected function tearDown(): void
    {
        [$_GET, $_POST, $_COOKIE, $_FILES, $_SERVER] = $this->savedGlobals;
    }

    public function test_query_cookies_and_headers_equal_what_laravel_captures_from_the_same_globals(): void
    {
        $this->givenRequest('GET', '/users/7?tab=posts&tags[]=a&tags[]=b', [
            'HTTP_ACCEPT' => 'application/json',
            'HTTP_X_FORWARDED_FOR' => '203.0.113.9',
            'HTTP_COOKIE' => 'theme=dark; session=abc',
        ]);
        $_GET = ['tab' => 'posts', 'tags' => ['a', 'b']];
        $_COOKIE = ['theme' => 'dark', 'session' => 'abc'];

        [$request] = $this->marshal();

        $this->assertSameAsCaptured($request);
        $this->assertSame('users/7', $request->path());
        $this->assertSame(['a', 'b'], $request->query('tags'));
        $this->assertSame('dark', $request->cookie('theme'));
        $this->assertTrue($request->expectsJson());
        $this->assertSame('127.0.0.1', $request->ip(), 'trusted proxies are left to Laravel\'s TrustProxies middleware');
    }

    public function test_form_post_fields_equal_what_laravel_captures(): void
    {
        $this->givenRequest('POST', '/contact', [
            'CONTENT_TYPE' => 'application/x-www-form-urlencoded',
            'CONTENT_LENGTH' => '27',
        ]);
        $_POST = ['name' => 'Ada', 'tags' => ['x', 'y']];

        [$request] = $this->marshal();

        $this->assertSameAsCaptured($request);
        $this->assertSame('Ada', $request->input('name'));
        $this->assertSame(['x', 'y'], $request->input('tags'));
        $this->assertSame('POST', $request->getMethod());
    }

    public function test_method_spoofing_with_underscore_method_works_as_under_request_capture(): void
    {
        $this->givenRequest('POST', '/posts/3', ['CONTENT_TYPE' => 'application/x-www-form-urlencoded']);
        $_POST = ['_method' => 'DELETE'];

        [$request] = $this->marshal();

        $this->assertSame('DELETE', $request->getMethod());
    }

    public function test_an_app_under_a_context_path_sees_paths_relative_to_it(): void
    {
        $this->givenRequest('GET', '/app/users/7?x=1', [], '/app');
        $_GET = ['x' => '1'];

        [$request] = $this->marshal();

        $this->assertSameAsCaptured($request);
        $this->assertSame('/app', $request->getBaseUrl());
        $this->assertSame('users/7', $request->path());
        $this->assertSame('http://example.test:8080/app/users/7', $request->url());
        $this->assertSame('http://example.test:8080/app', $request->root());
    }

    public function test_tls_requests_are_secure(): void
    {
        $this->givenRequest('GET', '/', ['HTTPS' => 'on', 'SERVER_PORT' => '8443']);

        [$request] = $this->marshal();

        $this->assertTrue($request->isSecure());
        $this->assertSame('https://example.test:8443', $request->root());
    }

    public function test_the_context_keeps_the_request_for_respond(): void
    {
        $this->givenRequest('GET', '/');

        [$request, $context] = $this->marshal(new RequestContext(['ephpm' => ['number' => 4]]));

        $this->assertSame($request, $context['request']);
        $this->assertSame(['number' => 4], $context['ephpm']);
    }

    private function marshal(?RequestContext $context = null): array
    {
        return (new EphpmClient(new RecordingSapi()))->marshalRequest($context ?? new RequestContext());
    }

    private function assertSameAsCaptured(Request $request): void
    {
        $captured = Request::capture();

        $this->assertSame($captured->query->all(), $request->query->all());
        $this->assertSame($captured->request->all(), $request->request->all());
        $this->assertSame($captured->cookies->all(), $request->cookies->all());
        $this->assertSame($captured->server->all(), $request->server->all());
        $this->assertSame($captured->headers->all(), $request->headers->all());
        $this->assertSame($captured->getMethod(), $request->getMethod());
        $this->assertSame($captured->fullUrl(), $request->fullUrl());
        $this->assertSame($captured->getBaseUrl(), $request->getBaseUrl());
    }

    /** The CGI/1.1 variables the ePHPm SAPI sets, as php-fpm would. */
    private function givenRequest(string $method, string $uri, array $server = [], string $contextPath = ''): void
    {
        $documentRoot = sys_get_temp_dir().'/ephpm-docroot';
        $_GET = $_POST = $_COOKIE = $_FILES = [];
        $_SERVER = $server + [
            'REQUEST_METHOD' => $method,
            'REQUEST_URI' => $uri,
            'QUERY_STRING' => (string) parse_url($uri, PHP_URL_QUERY),
            'SCRIPT_NAME' => $contextPath.'/index.php',
            'SCRIPT_FILENAME' => $documentRoot.'/index.php',
            'PHP_SELF' => $contextPath.'/index.php',
            'DOCUMENT_ROOT' => $documentRoot,
            'SERVER_NAME' => 'example.test',
            'SERVER_PORT' => '8080',
            'SERVER_PROTOCOL' => 'HTTP/1.1',
            'REMOTE_ADDR' => '127.0.0.1',
            'HTTP_HOST' => 'example.test:'.($server['SERVER_PORT'] ?? '8080'),
            'GATEWAY_INTERFACE' => 'CGI/1.1',
        ];
    }
}
