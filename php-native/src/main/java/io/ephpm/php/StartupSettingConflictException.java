package io.ephpm.php;

import java.util.Optional;

/**
 * A start of the PHP runtime asked for a setting that PHP reads only at startup, with another value
 * than the runtime of this JVM already runs with. Such a setting cannot change without a new JVM,
 * and running silently with the other value would be wrong (a function meant to be disabled would run).
 */
public final class StartupSettingConflictException extends IllegalStateException {
    private final String iniSetting;

    StartupSettingConflictException(String iniSetting, String running, String requested) {
        super((iniSetting == null ? "the php.ini file" : "php.ini setting " + iniSetting)
                + " is read by PHP only at startup, and the PHP runtime of this JVM already runs with "
                + describe(running) + " where this start asks for " + describe(requested)
                + "; every app in one JVM must give it the same value (or restart the JVM to change it)");
        this.iniSetting = iniSetting;
    }

    /** The php.ini setting, or empty when the php.ini file itself differs. */
    public Optional<String> iniSetting() {
        return Optional.ofNullable(iniSetting);
    }

    private static String describe(String value) {
        return value == null ? "none set" : "\"" + value + "\"";
    }
}
