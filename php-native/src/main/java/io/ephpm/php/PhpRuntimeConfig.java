package io.ephpm.php;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the process-wide PHP runtime. They apply once: the first webapp to start the runtime
 * decides them (see {@link PhpRuntime#start}).
 */
public final class PhpRuntimeConfig {
    private final PhpHome home;
    private final Path iniFile;
    private final Map<String, String> ini;
    private final Map<String, String> environment;

    private PhpRuntimeConfig(Builder b) {
        this.home = b.home != null ? b.home : PhpHome.locate();
        this.iniFile = b.iniFile;
        this.ini = Map.copyOf(b.ini);
        this.environment = Map.copyOf(b.environment);
    }

    public static Builder builder() {
        return new Builder();
    }

    public PhpHome home() {
        return home;
    }

    public Optional<Path> iniFile() {
        return Optional.ofNullable(iniFile);
    }

    /**
     * Whether PHP reads this php.ini setting only in php_module_startup, before the per-thread
     * function and class tables are copied: loading extensions, disabling functions and classes,
     * OPcache's shared memory. Such a setting is process-wide and cannot be given per thread.
     */
    public static boolean isStartupOnly(String name) {
        return name.startsWith("opcache.") || STARTUP_ONLY.contains(name);
    }

    private static final java.util.Set<String> STARTUP_ONLY = java.util.Set.of(
            "extension", "zend_extension", "extension_dir", "disable_functions", "disable_classes", "ffi.preload",
            "zend.reserved_stack_size", "zend.max_allowed_stack_size");

    /** php.ini overrides, applied after the ini file. */
    public Map<String, String> ini() {
        return ini;
    }

    /** The only environment PHP sees ($_ENV, getenv()); the JVM's own is never exposed. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The ini entries handed to PHP: OPcache and sane defaults first, then the overrides. */
    String iniEntries() {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("extension_dir", home.extensionDir().toString());
        entries.put("zend_extension", "opcache");
        entries.put("opcache.enable", "1");
        entries.put("opcache.validate_timestamps", "1");
        // PHP 8.4 reserves a 64 MiB JIT buffer by default with the JIT itself off; as PHP 8.2 did,
        // no buffer unless the JIT is asked for (opcache.jit_buffer_size with opcache.jit)
        entries.put("opcache.jit_buffer_size", "0");
        entries.put("max_execution_time", "30");
        // PHP 8.3+ ends recursion with an Error this far above the end of the thread's C stack: room
        // for the JVM's guard pages and for a call into Java from the deepest PHP frame (PHP 8.2
        // keeps the same reserve through native/call-stack-guard.patch.sh)
        entries.put("zend.reserved_stack_size", "256K");
        // php.ini-production's choices, which php-fpm users run with: no $_ENV, cookies kept out
        // of $_REQUEST, a 4 KiB output buffer (a fatal error before 4 KiB of output is a 500), and
        // errors logged, never shown to clients
        entries.put("variables_order", "GPCS");
        entries.put("request_order", "GP");
        entries.put("output_buffering", "4096");
        entries.put("display_errors", "0");
        entries.put("display_startup_errors", "0");
        entries.put("log_errors", "1");
        entries.put("html_errors", "0");
        // Debian's: its php-* library packages live in /usr/share/php
        entries.put("include_path", ".:/usr/share/php");
        entries.putAll(ini);
        StringBuilder sb = new StringBuilder();
        entries.forEach((k, v) -> sb.append(k).append('=').append(quote(v)).append('\n'));
        return sb.toString();
    }

    /** The entries of {@link #iniEntries()}, by name, as PHP reads them (the last one of a name wins). */
    static Map<String, String> parseIniEntries(String entries) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : entries.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                String value = line.substring(equals + 1);
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1).replace("\\\"", "\"");
                }
                result.put(line.substring(0, equals), value);
            }
        }
        return result;
    }

    private static String quote(String value) {
        if (value.isEmpty() || value.chars().allMatch(c -> Character.isLetterOrDigit(c) || "._-/:,".indexOf(c) >= 0)) {
            return value;
        }
        return '"' + value.replace("\"", "\\\"") + '"';
    }

    public static final class Builder {
        private PhpHome home;
        private Path iniFile;
        private final Map<String, String> ini = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();

        public Builder home(PhpHome home) {
            this.home = home;
            return this;
        }

        public Builder iniFile(Path iniFile) {
            this.iniFile = iniFile;
            return this;
        }

        public Builder ini(String name, String value) {
            ini.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        public Builder ini(Map<String, String> values) {
            values.forEach(this::ini);
            return this;
        }

        public Builder environment(String name, String value) {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("Invalid environment variable for PHP: " + name);
            }
            environment.put(name, value);
            return this;
        }

        public Builder environment(Map<String, String> values) {
            values.forEach(this::environment);
            return this;
        }

        public PhpRuntimeConfig build() {
            return new PhpRuntimeConfig(this);
        }
    }
}
