@extends('layout')

@section('title', 'Download')

@section('content')
    <h1>Large download</h1>
    <p><a href="{{ route('download.file') }}">sample.bin</a>: {{ config('sample.download_megabytes') }} MB, generated on first use.
        Byte <var>n</var> of the file is <var>n</var> mod 256. Resumable: the server answers <code>Range</code> requests with 206.</p>
    <pre>curl -r 1000-1999 -o part.bin {{ route('download.file') }}</pre>
@endsection
