@extends('layout')

@section('title', 'Hello')

@section('content')
    <h1>{{ $message }}</h1>
    <p>This Laravel {{ $laravel }} app runs on PHP {{ $php }} inside the servlet container
        (<code>{{ $server }}</code>), in <strong id="mode">{{ $mode }}</strong> mode:
        @if ($mode === 'octane')
            it booted once in each PHP worker thread, which now serves request after request through Laravel Octane.
        @else
            each request boots the app in a fresh PHP request, as under php-fpm.
        @endif
    </p>
    <ul>
        <li><a href="{{ url('/api/hello') }}">/api/hello</a>: this page as JSON</li>
        <li><a href="{{ route('notes.index') }}">/notes</a>: a SQLite-backed list with a form (validation, CSRF, session flash)</li>
        <li><a href="{{ route('upload.show') }}">/upload</a>: a file upload</li>
        <li><a href="{{ route('events') }}">/events</a>: server-sent events, flushed one by one</li>
        <li><a href="{{ route('download') }}">/download</a>: a {{ config('sample.download_megabytes') }} MB download with Range</li>
        <li><a href="{{ route('worker') }}">/worker</a>: which PHP worker served you, and how many requests it has served</li>
        <li><a href="{{ route('visits') }}">/visits</a>: a hit counter and the last visitors, in tables every worker shares</li>
    </ul>
@endsection
