package io.ephpm.servlet;

import java.util.Locale;

/** How the app runs in PHP. */
public enum Mode {
    /** One fresh PHP request per HTTP request, like php-fpm. */
    CLASSIC,
    /** A worker script boots once per thread and loops over take_request(). */
    WORKER,
    /** Laravel boots once per thread and serves requests through Laravel Octane's Worker. */
    OCTANE,
    /** Octane when laravel/octane and the ephpm driver are installed for the app, classic otherwise. */
    AUTO;

    static Mode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be one of octane, worker, classic, auto (was '" + value + "')");
        }
    }

    public String lowerCase() {
        return name().toLowerCase(Locale.ROOT);
    }
}
