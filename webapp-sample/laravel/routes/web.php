<?php

use App\Http\Controllers\DownloadController;
use App\Http\Controllers\EarlyHintsController;
use App\Http\Controllers\EventStreamController;
use App\Http\Controllers\HomeController;
use App\Http\Controllers\NoteController;
use App\Http\Controllers\SessionController;
use App\Http\Controllers\UploadController;
use App\Http\Controllers\VisitController;
use App\Http\Controllers\WorkerController;
use Illuminate\Support\Facades\Route;

Route::get('/', HomeController::class)->name('home');

Route::get('/notes', [NoteController::class, 'index'])->name('notes.index');
Route::post('/notes', [NoteController::class, 'store'])->name('notes.store');

Route::get('/upload', [UploadController::class, 'show'])->name('upload.show');
Route::post('/upload', [UploadController::class, 'store'])->name('upload.store');

Route::view('/events', 'events')->name('events');
Route::get('/events/stream', EventStreamController::class)->name('events.stream');

Route::view('/download', 'download')->name('download');
Route::get('/download/sample.bin', DownloadController::class)->name('download.file');

Route::get('/worker', [WorkerController::class, 'show'])->name('worker');

Route::get('/early-hints', EarlyHintsController::class)->name('early-hints');

Route::get('/visits', [VisitController::class, 'show'])->name('visits');

Route::post('/session/login', [SessionController::class, 'login'])->name('session.login');
Route::get('/session/me', [SessionController::class, 'me'])->name('session.me');
