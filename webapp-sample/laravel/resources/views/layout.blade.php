<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="csrf-token" content="{{ csrf_token() }}">
    <title>@yield('title') · {{ config('app.name') }}</title>
    <link rel="stylesheet" href="{{ asset('css/app.css') }}">
</head>
<body>
<header>
    <a href="{{ route('home') }}" class="brand">{{ config('app.name') }}</a>
    <span class="mode mode-{{ config('sample.mode') }}">{{ config('sample.mode') }} mode</span>
    <nav>
        <a href="{{ route('notes.index') }}">Notes</a>
        <a href="{{ route('upload.show') }}">Upload</a>
        <a href="{{ route('events') }}">Events</a>
        <a href="{{ route('download') }}">Download</a>
        <a href="{{ route('worker') }}">Worker</a>
        <a href="{{ route('visits') }}">Visits</a>
    </nav>
</header>
<main>
    @if (session('status'))
        <p class="flash">{{ session('status') }}</p>
    @endif
    @yield('content')
</main>
</body>
</html>
