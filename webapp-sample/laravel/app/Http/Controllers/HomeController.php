<?php

namespace App\Http\Controllers;

use Illuminate\Http\JsonResponse;
use Illuminate\Http\Request;
use Illuminate\View\View;

class HomeController
{
    public function __invoke(Request $request): View
    {
        return view('home', $this->about($request));
    }

    public function json(Request $request): JsonResponse
    {
        return response()->json($this->about($request));
    }

    private function about(Request $request): array
    {
        return [
            'message' => config('sample.greeting'),
            'mode' => config('sample.mode'),
            'php' => PHP_VERSION,
            'laravel' => app()->version(),
            'server' => $request->server('SERVER_SOFTWARE'),
        ];
    }
}
