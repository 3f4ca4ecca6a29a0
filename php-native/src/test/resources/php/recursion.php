<?php
// Recursion through an internal callback (array_map) grows the C stack, not just PHP's.
function deeper(int $n): int {
    return array_map(fn ($x) => $x + 1, [$n > 0 ? deeper($n - 1) : 0])[0];
}
try {
    echo deeper((int)($_GET['depth'] ?? 1000000));
} catch (Error $e) {
    http_response_code(500);
    echo get_class($e), ': ', $e->getMessage();
}
