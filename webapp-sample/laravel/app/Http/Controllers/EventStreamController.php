<?php

namespace App\Http\Controllers;

use Symfony\Component\HttpFoundation\StreamedResponse;

/** Server-sent events: each event is flushed to the client as soon as it is written. */
class EventStreamController
{
    public function __invoke(): StreamedResponse
    {
        $count = max(1, (int) config('sample.sse_events'));
        $intervalMs = max(0, (int) config('sample.sse_interval_ms'));

        return response()->stream(function () use ($count, $intervalMs): void {
            for ($n = 1; $n <= $count; $n++) {
                $this->send($n, 'tick', ['n' => $n, 'of' => $count, 'at' => microtime(true)]);

                if (connection_aborted()) {
                    return;
                }

                if ($n < $count) {
                    usleep($intervalMs * 1000);
                }
            }

            $this->send($count + 1, 'done', ['n' => $count]);
        }, 200, [
            'Content-Type' => 'text/event-stream',
            'Cache-Control' => 'no-cache',
            'X-Accel-Buffering' => 'no',
        ]);
    }

    private function send(int $id, string $event, array $data): void
    {
        echo "id: {$id}\nevent: {$event}\ndata: ".json_encode($data)."\n\n";

        if (ob_get_level() > 0) {
            ob_flush();
        }

        flush();
    }
}
