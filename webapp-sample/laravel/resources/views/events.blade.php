@extends('layout')

@section('title', 'Events')

@section('content')
    <h1>Server-sent events</h1>
    <p>{{ config('sample.sse_events') }} events, {{ config('sample.sse_interval_ms') }} ms apart, each flushed to you as it is written.</p>
    <ol id="events"></ol>
    <script>
        const list = document.getElementById('events');
        const source = new EventSource('{{ route('events.stream') }}');
        source.addEventListener('tick', e => {
            const item = document.createElement('li');
            item.textContent = new Date().toLocaleTimeString() + ' ' + e.data;
            list.appendChild(item);
        });
        source.addEventListener('done', () => source.close());
    </script>
@endsection
