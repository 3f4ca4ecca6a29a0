<?php
// Registers its session handler once, at boot.
require __DIR__ . '/session-store.inc';
session_set_save_handler(new MemorySessionHandler(), true);
while (\Ephpm\Worker\take_request()) {
    serve_session();
    if (isset($_GET['throw'])) {
        throw new RuntimeException('the worker dies holding its session handler');
    }
}
