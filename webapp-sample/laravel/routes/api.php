<?php

use App\Http\Controllers\BackgroundController;
use App\Http\Controllers\HomeController;
use App\Http\Controllers\NoteController;
use App\Http\Controllers\VisitController;
use App\Http\Controllers\WorkerController;
use Illuminate\Support\Facades\Route;

Route::get('/hello', [HomeController::class, 'json']);
Route::get('/notes', [NoteController::class, 'json']);
Route::get('/worker', [WorkerController::class, 'json']);
Route::get('/visits/hit', [VisitController::class, 'hit']);
Route::get('/visits/expiring', [VisitController::class, 'expiring']);
Route::get('/visits/cache-count', [VisitController::class, 'cacheCount']);
Route::get('/visits', [VisitController::class, 'board']);
Route::get('/concurrently', [BackgroundController::class, 'concurrently']);
Route::get('/dispatch', [BackgroundController::class, 'dispatch']);
Route::get('/ticks', [BackgroundController::class, 'ticks']);
