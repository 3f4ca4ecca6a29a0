<?php
// Recursion through an internal callback (array_map) grows the C stack, not just PHP's.
// No memory_limit: the C stack must run out first, and be refused instead of crashing the JVM.
ini_set('memory_limit', '-1');
function deeper(int $n): int {
    return $n <= 0 ? 1 : array_map(fn ($x) => deeper($x - 1), [$n])[0];
}
try {
    echo deeper((int)($_GET['depth'] ?? 1000000));
} catch (Error $e) {
    http_response_code(500);
    echo get_class($e), ': ', $e->getMessage();
}
