<?php

namespace App\Http\Controllers;

use App\Models\User;
use Illuminate\Http\JsonResponse;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Auth;

/**
 * Per-user state a worker must never carry from one request to the next: the logged-in user, the
 * session, and configuration changed while serving a request.
 */
class SessionController
{
    public function login(Request $request): JsonResponse
    {
        $name = $request->validate(['name' => 'required|alpha_dash|max:80'])['name'];
        Auth::login(User::firstOrCreate(['name' => $name]));
        $request->session()->regenerate();
        $request->session()->put('visitor', $name);
        config(['sample.visitor' => $name]);

        return $this->state($request);
    }

    public function me(Request $request): JsonResponse
    {
        return $this->state($request);
    }

    private function state(Request $request): JsonResponse
    {
        return response()->json([
            'user' => Auth::user()?->name,
            'session' => $request->session()->get('visitor'),
            'config' => config('sample.visitor'),
            'nonce' => $request->query('nonce'),
        ]);
    }
}
