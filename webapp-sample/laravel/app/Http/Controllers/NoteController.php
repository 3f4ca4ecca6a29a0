<?php

namespace App\Http\Controllers;

use App\Models\Note;
use Illuminate\Http\JsonResponse;
use Illuminate\Http\RedirectResponse;
use Illuminate\Http\Request;
use Illuminate\View\View;

class NoteController
{
    public function index(): View
    {
        return view('notes', ['notes' => Note::query()->latest('id')->limit(50)->get()]);
    }

    public function store(Request $request): RedirectResponse
    {
        $note = Note::create($request->validate([
            'title' => ['required', 'string', 'min:3', 'max:80'],
        ]));

        return redirect()->route('notes.index')->with('status', "Saved note #{$note->id}: {$note->title}");
    }

    public function json(): JsonResponse
    {
        return response()->json(Note::query()->latest('id')->limit(50)->get(['id', 'title', 'created_at']));
    }
}
