@extends('layout')

@section('title', 'Visits')

@section('content')
    <h1>Visits, shared by every worker</h1>
    @if ($available)
        <p>You are visitor <strong id="visit-number">{{ $number }}</strong>; worker <strong id="worker-id">{{ $worker }}</strong>
            counted you. Every PHP worker of the app reads and writes the same rows ({{ $store }}), held in the JVM's memory:
            the count is atomic across workers and survives worker rotation and reloads.</p>
        <table>
            <thead><tr><th>visitor</th><th>worker</th><th>when</th><th>browser</th></tr></thead>
            <tbody>
            @foreach ($recent as $visit)
                <tr><td>{{ $visit['number'] }}</td><td>{{ $visit['worker'] }}</td>
                    <td>{{ date('H:i:s', $visit['at']) }}</td><td>{{ $visit['agent'] }}</td></tr>
            @endforeach
            </tbody>
        </table>
    @else
        <p>This PHP does not run under ePHPm, so there are no shared tables to show.</p>
    @endif
@endsection
