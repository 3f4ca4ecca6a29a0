<?php

namespace App\Http\Controllers;

use Illuminate\Http\RedirectResponse;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Storage;
use Illuminate\Support\Str;
use Illuminate\View\View;

class UploadController
{
    public function show(): View
    {
        return view('upload');
    }

    public function store(Request $request): RedirectResponse
    {
        $request->validate(['file' => ['required', 'file', 'max:51200']]);

        $file = $request->file('file');
        $safeName = preg_replace('/[^A-Za-z0-9._-]+/', '_', $file->getClientOriginalName());
        $stored = $file->storeAs('uploads', Str::random(8).'-'.$safeName);

        return redirect()->route('upload.show')->with('uploaded', [
            'name' => $file->getClientOriginalName(),
            'bytes' => Storage::size($stored),
            'sha256' => hash_file('sha256', Storage::path($stored)),
        ]);
    }
}
