package io.ephpm.jetty.launcher;

import sun.misc.Signal;

/**
 * The signals the launcher answers, as the octane-bridge's artisan commands send them:
 * SIGTERM ({@code octane:stop}) and SIGINT (Ctrl+C) stop, SIGUSR1 ({@code octane:reload}) reloads.
 * Handling SIGTERM ourselves, rather than through shutdown hooks, lets a graceful stop exit with 0.
 */
final class ProcessSignals {
    private ProcessSignals() {
    }

    static void onStop(Runnable stop) {
        Signal.handle(new Signal("TERM"), signal -> stop.run());
        Signal.handle(new Signal("INT"), signal -> stop.run());
    }

    /** @return false where the platform has no SIGUSR1 */
    static boolean onReload(Runnable reload) {
        try {
            Signal.handle(new Signal("USR1"), signal -> reload.run());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
