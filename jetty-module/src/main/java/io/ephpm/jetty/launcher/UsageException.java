package io.ephpm.jetty.launcher;

/** A command line the launcher cannot run; the launcher prints the message and the usage, and exits with 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
