<?php

namespace Ephpm\Octane;

use Closure;
use Ephpm\Octane\Tables\SwooleTableAlias;
use Laravel\Octane\Contracts\Worker as WorkerContract;
use Laravel\Octane\RequestContext;
use Laravel\Octane\Worker;
use Throwable;

/**
 * Drives Octane's Worker from the ePHPm request loop: one take_request() per request, Octane's
 * handle() for each, terminate() once when the loop ends.
 */
final class WorkerLoop
{
    /**
     * @param  Closure(): ?array  $takeRequest  ends the previous request and returns the next one's summary, null to stop
     * @param  int  $maxRequests  requests to serve before the loop ends so the worker is replaced; 0 for no limit
     */
    public function __construct(
        private readonly WorkerContract $worker,
        private readonly EphpmClient $client,
        private readonly Closure $takeRequest,
        private readonly int $maxRequests = 0,
        private readonly ?Closure $finishRequest = null,
    ) {
    }

    /**
     * Boots the Laravel application once for this worker thread. A boot failure is logged once
     * with the real exception and rethrown, so the servlet sees the worker fail to start.
     *
     * @param  Closure|null  $finishRequest  completes the open request (\Ephpm\Worker\finish_request()), so that
     *                                       nothing the worker does while it stops ends up in that response
     */
    public static function boot(string $basePath, EphpmClient $client, Closure $takeRequest, int $maxRequests = 0,
                                ?Closure $finishRequest = null): self
    {
        SwooleTableAlias::install();

        $worker = new Worker(new EphpmApplicationFactory($basePath), $client);

        try {
            $worker->boot();
        } catch (Throwable $e) {
            error_log(sprintf('ePHPm: the Laravel application at %s failed to boot: %s', $basePath, $e));

            // Laravel's handler, installed while booting, would render a page and end the script
            // normally, hiding the failure from the servlet.
            set_exception_handler(null);

            throw $e;
        }

        return new self($worker, $client, $takeRequest, $maxRequests, $finishRequest);
    }

    public function worker(): WorkerContract
    {
        return $this->worker;
    }

    /**
     * @return int the number of requests served
     */
    public function run(): int
    {
        $served = 0;

        try {
            while (! $this->client->isStopped() && ($this->maxRequests <= 0 || $served < $this->maxRequests)) {
                $summary = ($this->takeRequest)();

                if ($summary === null) {
                    break;
                }

                [$request, $context] = $this->client->marshalRequest(new RequestContext(['ephpm' => $summary]));

                $this->worker->handle($request, $context);

                $served++;
            }
        } finally {
            if ($this->finishRequest !== null) {
                ($this->finishRequest)();
            }

            $this->worker->terminate();
        }

        return $served;
    }
}
