<?php

namespace App\Http\Controllers;

use App\Support\VisitBoard;
use Illuminate\Http\JsonResponse;
use Illuminate\Http\Request;
use Illuminate\View\View;

/** The hit counter and recent visitors every worker shares (VisitBoard), and which worker served this visit. */
class VisitController
{
    public function show(Request $request): View
    {
        if (! VisitBoard::available()) {
            return view('visits', ['available' => false]);
        }
        $number = VisitBoard::recordVisit($this->worker(), (string) $request->userAgent());

        return view('visits', [
            'available' => true,
            'number' => $number,
            'worker' => $this->worker(),
            'recent' => VisitBoard::recent(),
            'store' => VisitBoard::store(),
        ]);
    }

    /** Counts a visit; the JSON says which worker counted it and the number it got. */
    public function hit(Request $request): JsonResponse
    {
        abort_unless(VisitBoard::available(), 501, 'Shared tables need the ePHPm runtime');

        return response()->json(['number' => VisitBoard::recordVisit($this->worker(), (string) $request->userAgent()),
            'worker' => $this->worker()]);
    }

    /** The count and the shared note as this worker reads them; ?note=... first stores a new note. */
    public function board(Request $request): JsonResponse
    {
        abort_unless(VisitBoard::available(), 501, 'Shared tables need the ePHPm runtime');
        if ($request->has('note')) {
            VisitBoard::putNote((string) $request->query('note'));
        }

        return response()->json(['count' => VisitBoard::count(), 'note' => VisitBoard::note(), 'worker' => $this->worker(),
            'store' => VisitBoard::store()]);
    }

    /** A value that expires: ?put=...&ttl=seconds stores it first; the JSON has it as this worker reads it (null once expired). */
    public function expiring(Request $request): JsonResponse
    {
        abort_unless(VisitBoard::available(), 501, 'Shared tables need the ePHPm runtime');
        $key = (string) $request->query('key', 'expiring');
        if ($request->has('put')) {
            VisitBoard::putExpiring($key, (string) $request->query('put'), max(1, (int) $request->query('ttl', 60)));
        }

        return response()->json(['value' => VisitBoard::expiring($key), 'worker' => $this->worker()]);
    }

    /** A cache counter: ?add=1 counts one (atomically, across workers and nodes); the JSON has the count. */
    public function cacheCount(Request $request): JsonResponse
    {
        abort_unless(VisitBoard::available(), 501, 'Shared tables need the ePHPm runtime');
        $count = $request->has('add') ? VisitBoard::incrementCached('cache-count') : VisitBoard::cached('cache-count');

        return response()->json(['count' => $count, 'worker' => $this->worker()]);
    }

    private function worker(): int
    {
        return function_exists('Ephpm\Worker\worker_info') ? \Ephpm\Worker\worker_info()['worker'] : -1;
    }
}
