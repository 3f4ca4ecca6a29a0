<?php
// Classic mode: FrankenPHP's loop is only for worker scripts.
try {
    frankenphp_handle_request(static function (): void {
    });
} catch (RuntimeException $e) {
    echo $e->getMessage();
}
