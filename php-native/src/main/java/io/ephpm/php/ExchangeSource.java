package io.ephpm.php;

/** Feeds a {@link PhpThread}. Called on that thread; blocking is expected. */
@FunctionalInterface
public interface ExchangeSource {
    /** The next exchange, or null when the thread must stop (shutdown, rotation). */
    PhpExchange take() throws InterruptedException;
}
