<?php

namespace Ephpm\Octane\Tests\Unit;

use Ephpm\Octane\EphpmClient;
use Ephpm\Octane\Tests\RecordingSapi;
use Illuminate\Config\Repository;
use Illuminate\Foundation\Application;
use Illuminate\Http\Request;
use Laravel\Octane\RequestContext;
use PHPUnit\Framework\TestCase;
use RuntimeException;

final class ErrorTest extends TestCase
{
    public function test_in_debug_mode_the_client_gets_a_500_with_the_exception_details(): void
    {
        $sapi = $this->renderError(debug: true);

        $this->assertSame(500, $sapi->status());
        $this->assertContains('Content-Type: text/plain; charset=UTF-8', $sapi->headerLines());
        $this->assertStringContainsString('RuntimeException: database password is hunter2', $sapi->body());
        $this->assertStringContainsString(__FILE__, $sapi->body());
    }

    public function test_in_production_the_client_gets_a_500_without_any_details(): void
    {
        $sapi = $this->renderError(debug: false);

        $this->assertSame(500, $sapi->status());
        $this->assertSame('Internal server error.', $sapi->body());
    }

    public function test_after_the_headers_went_out_the_message_is_appended_without_new_headers(): void
    {
        $sapi = new RecordingSapi();
        $sapi->sendHeaders('1.1', 200, 'OK', []);

        (new EphpmClient($sapi))->error(new RuntimeException('boom'), $this->app(false), Request::create('/'), new RequestContext());

        $this->assertSame(200, $sapi->status());
        $this->assertCount(1, array_filter($sapi->events, fn ($event) => $event[0] === 'headers'));
        $this->assertSame('Internal server error.', $sapi->body());
    }

    private function renderError(bool $debug): RecordingSapi
    {
        $sapi = new RecordingSapi();

        (new EphpmClient($sapi))->error(
            new RuntimeException('database password is hunter2'),
            $this->app($debug),
            Request::create('/'),
            new RequestContext(),
        );

        return $sapi;
    }

    private function app(bool $debug): Application
    {
        $app = new Application(sys_get_temp_dir());
        $app->instance('config', new Repository(['app' => ['debug' => $debug]]));

        return $app;
    }
}
