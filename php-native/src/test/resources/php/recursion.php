<?php
// Recursion that re-enters PHP code from C grows the C stack, not just PHP's: through an internal
// callback (array_map), a magic method (__get) or a string conversion (__toString), optionally
// inside a Fiber, which has a C stack of its own. No memory_limit: the C stack must run out first,
// and be refused instead of crashing the JVM.
ini_set('memory_limit', '-1');

function viaCallback(int $n): int
{
    return $n <= 0 ? 1 : array_map(fn ($x) => viaCallback($x - 1), [$n])[0];
}

final class ViaGetter
{
    public function __get(string $name): int
    {
        $n = (int) substr($name, 1);
        return $n <= 0 ? 1 : $this->{'d' . ($n - 1)};
    }
}

final class ViaToString
{
    public function __construct(private int $n)
    {
    }

    public function __toString(): string
    {
        return $this->n <= 0 ? '1' : (string) new self($this->n - 1);
    }
}

$depth = (int) ($_GET['depth'] ?? 1000000);
$recurse = match ($_GET['via'] ?? 'callback') {
    'callback' => fn () => viaCallback($depth),
    'getter' => fn () => (new ViaGetter())->{'d' . $depth},
    'tostring' => fn () => (int) (string) new ViaToString($depth),
};
try {
    if (!empty($_GET['fiber'])) {
        $fiber = new Fiber($recurse);
        $fiber->start();
        echo $fiber->getReturn();
    } else {
        echo $recurse();
    }
} catch (Error $e) {
    http_response_code(500);
    echo get_class($e), ': ', $e->getMessage();
}
