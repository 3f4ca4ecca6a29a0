<?php
// Ends by itself after three requests, as a worker with its own request limit does.
$bootId = bin2hex(random_bytes(6));
for ($served = 1; $served <= 3 && \Ephpm\Worker\take_request(); $served++) {
    echo "$bootId $served";
}
