@extends('layout')

@section('title', 'Worker')

@section('content')
    <h1>Your PHP worker</h1>
    @if ($worker['ephpm'])
        <p>Worker <strong id="worker-id">{{ $worker['worker'] }}</strong> served this request; it has served
            <strong id="worker-requests">{{ $worker['requests'] }}</strong> requests, this one included.</p>
        <p>The app is in {{ $worker['mode'] }} mode; the PHP thread runs in {{ $worker['thread_mode'] }} mode. Each request goes to a free worker, the one that finished last first, so reloading one page at a time usually finds the same worker.</p>
    @else
        <p>This PHP does not run under ePHPm, so there is no worker to show.</p>
    @endif
@endsection
