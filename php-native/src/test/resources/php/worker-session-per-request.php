<?php
// Registers its session handler in every request.
require __DIR__ . '/session-store.inc';
$handler = new MemorySessionHandler();
while (\Ephpm\Worker\take_request()) {
    session_set_save_handler($handler, true);
    serve_session();
}
