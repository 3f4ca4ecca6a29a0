@extends('layout')

@section('title', 'Notes')

@section('content')
    <h1>Notes</h1>
    <form method="post" action="{{ route('notes.store') }}">
        @csrf
        <label for="title">Title</label>
        <input id="title" name="title" value="{{ old('title') }}" maxlength="80" required>
        <button type="submit">Add</button>
        @error('title')
            <p class="error">{{ $message }}</p>
        @enderror
    </form>
    <ol class="notes">
        @forelse ($notes as $note)
            <li><span class="note-title">{{ $note->title }}</span> <time>{{ $note->created_at }}</time></li>
        @empty
            <li class="empty">No notes yet.</li>
        @endforelse
    </ol>
@endsection
