@extends('layout')

@section('title', 'Upload')

@section('content')
    <h1>Upload a file</h1>
    <form method="post" action="{{ route('upload.store') }}" enctype="multipart/form-data">
        @csrf
        <input type="file" name="file" required>
        <button type="submit">Upload</button>
        @error('file')
            <p class="error">{{ $message }}</p>
        @enderror
    </form>
    @if ($uploaded = session('uploaded'))
        <dl class="uploaded">
            <dt>Name</dt><dd id="uploaded-name">{{ $uploaded['name'] }}</dd>
            <dt>Bytes</dt><dd id="uploaded-bytes">{{ $uploaded['bytes'] }}</dd>
            <dt>SHA-256</dt><dd id="uploaded-sha256">{{ $uploaded['sha256'] }}</dd>
        </dl>
    @endif
@endsection
