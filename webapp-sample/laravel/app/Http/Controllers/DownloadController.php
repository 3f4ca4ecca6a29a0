<?php

namespace App\Http\Controllers;

use App\Support\LargeFile;
use Symfony\Component\HttpFoundation\BinaryFileResponse;

/** A large generated file; Symfony answers Range requests with 206 and the requested bytes. */
class DownloadController
{
    public function __invoke(LargeFile $file): BinaryFileResponse
    {
        return response()->download($file->path(), 'sample.bin', ['Content-Type' => 'application/octet-stream']);
    }
}
