package io.ephpm.servlet;

import io.ephpm.php.PhpRuntimeConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated configuration of one {@link OctaneServlet}.
 *
 * <p>Each setting is read from the servlet's init-param of that name, then from the context-param
 * (or Tomcat {@code <Parameter>}) of that name prefixed with {@code ephpm.}. Relative paths are
 * resolved against the webapp's root directory, except the worker script's, which is resolved
 * against the app root.
 */
public record Settings(
        Mode mode,
        Path appRoot,
        Path documentRoot,
        Optional<Path> workerScript,
        String frontController,
        int workers,
        long maxRequests,
        long maxMemoryBytes,
        Duration requestTimeout,
        Duration queueTimeout,
        Duration drainTimeout,
        Duration idleSpin,
        Optional<Path> iniFile,
        Map<String, String> ini,
        Map<String, String> environment,
        Map<String, String> workerEnvironment,
        Optional<String> statusPath,
        Optional<String> metricsPath,
        long bodyBufferBytes,
        Duration bodyTimeout,
        long bodyMinRate,
        long tableMemoryBytes,
        int taskWorkers,
        VersionedAssets versionedAssets,
        Map<String, String> cluster) {

    public static final String CONTEXT_PREFIX = "ephpm.";

    /**
     * The most native memory an app's shared tables may hold: PHP's memory_limit does not cover
     * them, so this does (a script's own create() tables count too).
     */
    static final long DEFAULT_TABLE_MEMORY_BYTES = 1L << 30;

    /**
     * Microseconds an idle PHP thread spins for the next request before it sleeps: about the gap
     * between two requests on one connection, so that the thread takes the next one without a
     * wake-up. Spinning stops while the CPUs are busy.
     */
    public static final long DEFAULT_IDLE_SPIN_MICROS = 100;

    /** Bytes of a request body held in memory; a longer body goes to a temp file (nginx's client_body_buffer_size). */
    public static final long DEFAULT_BODY_BUFFER_BYTES = 64 * 1024;

    /** Seconds a request body may pause between two reads (nginx's client_body_timeout). */
    public static final long DEFAULT_BODY_TIMEOUT_SECONDS = 60;

    /** Bytes a second a request body must average once it has had body-timeout's grace. */
    public static final long DEFAULT_BODY_MIN_RATE = 500;

    private static final Pattern POST_MAX_SIZE_LINE = Pattern.compile("^\\s*post_max_size\\s*=\\s*\"?([^\";\\s]*)\"?\\s*(;.*)?$");

    /** A source of raw parameter values: init-params first, then prefixed context-params. */
    public interface Parameters {
        String get(String name);

        Iterable<String> names();

        static Parameters of(Map<String, String> values) {
            return new Parameters() {
                @Override
                public String get(String name) {
                    return values.get(name);
                }

                @Override
                public Iterable<String> names() {
                    return values.keySet();
                }
            };
        }
    }

    /** Tells whether Laravel Octane can run an app: (app root, PHP environment) -> installed. */
    public interface OctaneDetector {
        boolean installed(Path appRoot, Map<String, String> environment);
    }

    public static final String OCTANE_PATH_VARIABLE = "EPHPM_OCTANE_PATH";

    public static Settings read(Parameters params, Path webappRoot, Function<String, String> jvmEnvironment) {
        return read(params, webappRoot, jvmEnvironment, (app, env) -> false);
    }

    public static Settings read(Parameters params, Path webappRoot, Function<String, String> jvmEnvironment,
                                OctaneDetector octane) {
        Mode requested = Optional.ofNullable(params.get("mode")).map(v -> parse("mode", v, Mode::parse)).orElse(Mode.CLASSIC);
        Path appRoot = path(params, "app-root", webappRoot).orElse(webappRoot);
        requireDirectory("app-root", appRoot);
        Map<String, String> environment = new LinkedHashMap<>();
        String octanePath = jvmEnvironment.apply(OCTANE_PATH_VARIABLE);
        if (octanePath != null) {
            environment.put(OCTANE_PATH_VARIABLE, octanePath);
        }
        Path documentRoot = path(params, "document-root", webappRoot).orElseGet(() -> {
            Path publicDir = appRoot.resolve("public");
            return Files.isDirectory(publicDir) ? publicDir : webappRoot;
        });
        requireDirectory("document-root", documentRoot);
        String frontController = Optional.ofNullable(params.get("front-controller")).orElse("index.php");
        if (frontController.contains("..") || frontController.startsWith("/")) {
            throw new InvalidSettingException("front-controller", "must be a file name inside the document root (was '" + frontController + "')");
        }
        Optional<Path> workerScript = path(params, "worker-script", appRoot);
        if (requested == Mode.WORKER) {
            Path script = workerScript.orElseThrow(() -> new InvalidSettingException("worker-script", "is required in worker mode"));
            if (!Files.isRegularFile(script)) {
                throw new InvalidSettingException("worker-script", "names no file: " + script);
            }
        }
        workerScript.ifPresent(script -> {
            if (!Files.isRegularFile(script)) {
                throw new InvalidSettingException("worker-script", "names no file: " + script);
            }
        });
        int workers = (int) number(params, "workers", Runtime.getRuntime().availableProcessors(), 1, 1024);
        long maxRequests = number(params, "max-requests", 0, 0, Long.MAX_VALUE);
        long maxMemory = Optional.ofNullable(params.get("max-memory")).map(v -> parse("max-memory", v, Settings::bytes)).orElse(0L);
        Duration requestTimeout = seconds(params, "request-timeout", 30);
        Duration queueTimeout = seconds(params, "queue-timeout", 30);
        Duration drainTimeout = seconds(params, "drain-timeout", 30);
        Duration idleSpin = Duration.ofNanos(1000 * number(params, "idle-spin", DEFAULT_IDLE_SPIN_MICROS, 0, 10_000));
        Optional<Path> iniFile = path(params, "ini-file", webappRoot);
        iniFile.ifPresent(f -> {
            if (!Files.isRegularFile(f)) {
                throw new InvalidSettingException("ini-file", "names no file: " + f);
            }
        });
        Map<String, String> ini = new LinkedHashMap<>();
        Map<String, String> workerEnvironment = new LinkedHashMap<>();
        for (String name : params.names()) {
            if (name.startsWith("php.") && name.length() > 4) {
                ini.put(name.substring(4), params.get(name));
            } else if (name.startsWith("env.") && name.length() > 4) {
                environment.put(name.substring(4), params.get(name));
            } else if (name.startsWith("worker-env.") && name.length() > 11) {
                workerEnvironment.put(name.substring(11), params.get(name));
            }
        }
        String passEnv = params.get("pass-env");
        if (passEnv != null) {
            for (String name : passEnv.split("[,\\s]+")) {
                String value = name.isEmpty() ? null : jvmEnvironment.apply(name);
                if (value != null) {
                    environment.putIfAbsent(name, value);
                }
            }
        }
        environment.forEach((k, v) -> {
            if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                throw new InvalidSettingException("env." + k, "is not a valid environment variable");
            }
        });
        workerEnvironment.forEach((k, v) -> {
            if (k.indexOf('\0') >= 0 || v.indexOf('\0') >= 0) {
                throw new InvalidSettingException("worker-env." + k, "is not a valid server variable");
            }
        });
        Mode mode = requested != Mode.AUTO ? requested : octane.installed(appRoot, environment) ? Mode.OCTANE : Mode.CLASSIC;
        if (mode == Mode.OCTANE && params.get("max-requests") == null) {
            maxRequests = 500;
        }
        Optional<String> statusPath = endpointPath(params, "status-path");
        Optional<String> metricsPath = endpointPath(params, "metrics-path");
        if (statusPath.isPresent() && statusPath.equals(metricsPath)) {
            throw new InvalidSettingException("metrics-path", "must differ from status-path (both are '" + statusPath.get() + "')");
        }
        long bodyBuffer = Optional.ofNullable(params.get("body-buffer-size"))
                .map(v -> parse("body-buffer-size", v, Settings::bytes)).orElse(DEFAULT_BODY_BUFFER_BYTES);
        if (bodyBuffer > Integer.MAX_VALUE - 8) {
            throw new InvalidSettingException("body-buffer-size", "must be less than 2G (was " + bodyBuffer + " bytes)");
        }
        Duration bodyTimeout = seconds(params, "body-timeout", DEFAULT_BODY_TIMEOUT_SECONDS);
        long bodyMinRate = Optional.ofNullable(params.get("body-min-rate"))
                .map(v -> parse("body-min-rate", v, Settings::bytes)).orElse(DEFAULT_BODY_MIN_RATE);
        long tableMemory = Optional.ofNullable(params.get("table-memory"))
                .map(v -> parse("table-memory", v, Settings::bytes)).orElse(DEFAULT_TABLE_MEMORY_BYTES);
        int taskWorkers = (int) number(params, "task-workers", Runtime.getRuntime().availableProcessors(), 0, 1024);
        VersionedAssets versionedAssets = versionedAssets(params);
        Map<String, String> cluster = cluster(params);
        Settings settings = new Settings(mode, appRoot, documentRoot, workerScript, frontController, workers, maxRequests,
                maxMemory, requestTimeout, queueTimeout, drainTimeout, idleSpin, iniFile, Collections.unmodifiableMap(ini),
                Collections.unmodifiableMap(environment), Collections.unmodifiableMap(workerEnvironment), statusPath, metricsPath,
                bodyBuffer, bodyTimeout, bodyMinRate, tableMemory, taskWorkers, versionedAssets, cluster);
        settings.postMaxSizeBytes();
        return settings;
    }

    /** cluster and the cluster-* settings, checked in full by the cluster engine when it starts. */
    private static Map<String, String> cluster(Parameters params) {
        Map<String, String> cluster = new LinkedHashMap<>();
        for (String name : params.names()) {
            String value = params.get(name);
            if ((name.equals("cluster") || name.startsWith("cluster-")) && value != null && !value.isBlank()) {
                cluster.put(name, value.trim());
            }
        }
        String engine = cluster.getOrDefault("cluster", "off").toLowerCase(Locale.ROOT);
        if (!engine.matches("[a-z0-9-]+")) {
            throw new InvalidSettingException("cluster", "must be off or the name of a cluster engine such as hazelcast (was '" + engine + "')");
        }
        cluster.put("cluster", engine);
        if (engine.equals("off")) {
            cluster.keySet().stream().filter(name -> !name.equals("cluster")).findFirst().ifPresent(name -> {
                throw new InvalidSettingException(name, "is set, but cluster is off: set cluster=hazelcast to use it");
            });
        }
        return Collections.unmodifiableMap(cluster);
    }

    private static VersionedAssets versionedAssets(Parameters params) {
        String globs = Optional.ofNullable(params.get("versioned-assets")).filter(v -> !v.isBlank())
                .orElse(VersionedAssets.DEFAULT_GLOBS);
        String cacheControl = Optional.ofNullable(params.get("versioned-assets-cache-control")).filter(v -> !v.isBlank())
                .orElse(VersionedAssets.DEFAULT_CACHE_CONTROL);
        // each value is checked on its own, so that the error names the setting at fault
        parse("versioned-assets", globs, g -> VersionedAssets.parse(g, VersionedAssets.DEFAULT_CACHE_CONTROL));
        return parse("versioned-assets-cache-control", cacheControl, c -> VersionedAssets.parse(globs, c));
    }

    private static Optional<String> endpointPath(Parameters params, String name) {
        Optional<String> path = Optional.ofNullable(params.get(name)).filter(s -> !s.isBlank()).map(String::trim);
        path.ifPresent(p -> {
            if (!p.startsWith("/")) {
                throw new InvalidSettingException(name, "must start with '/' (was '" + p + "')");
            }
        });
        return path;
    }

    private static <T> T parse(String name, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(name, e.getMessage());
        }
    }

    private static Optional<Path> path(Parameters params, String name, Path base) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(base.resolve(value.trim()).toAbsolutePath().normalize());
    }

    private static void requireDirectory(String name, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidSettingException(name, "names no directory: " + dir);
        }
    }

    private static long number(Parameters params, String name, long defaultValue, long min, long max) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n < min || n > max) {
                throw new InvalidSettingException(name, "must be between " + min + " and " + max + " (was " + n + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(name, "must be a whole number (was '" + value + "')");
        }
    }

    private static Duration seconds(Parameters params, String name, long defaultSeconds) {
        return Duration.ofSeconds(number(params, name, defaultSeconds, 1, 86_400));
    }

    /** "512M", "2G", "1048576" (bytes); "0" turns the limit off. */
    static long bytes(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        long multiplier = 1;
        if (v.endsWith("K") || v.endsWith("M") || v.endsWith("G")) {
            multiplier = switch (v.charAt(v.length() - 1)) {
                case 'K' -> 1024L;
                case 'M' -> 1024L * 1024;
                default -> 1024L * 1024 * 1024;
            };
            v = v.substring(0, v.length() - 1);
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n * multiplier;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a size such as 256M or 1G (was '" + value + "')");
        }
    }

    public Settings withWorkerScript(Path script) {
        return new Settings(mode, appRoot, documentRoot, Optional.of(script), frontController, workers, maxRequests,
                maxMemoryBytes, requestTimeout, queueTimeout, drainTimeout, idleSpin, iniFile, ini, environment, workerEnvironment, statusPath,
                metricsPath, bodyBufferBytes, bodyTimeout, bodyMinRate, tableMemoryBytes, taskWorkers, versionedAssets, cluster);
    }

    /** The cluster engine that replicates the app's shared tables ("hazelcast"), or empty: off. */
    public Optional<String> clusterEngine() {
        return Optional.ofNullable(cluster.get("cluster")).filter(engine -> !engine.equals("off"));
    }

    /**
     * php.ini settings PHP reads only at startup (extensions, disable_functions, disable_classes,
     * opcache.*): the first webapp to start PHP decides them, and a later one asking for other values
     * fails to start.
     */
    public Map<String, String> processIni() {
        Map<String, String> result = new LinkedHashMap<>();
        ini.forEach((k, v) -> {
            if (isProcessWide(k)) {
                result.put(k, v);
            }
        });
        return result;
    }

    /** php.ini settings applied to every request of this app's PHP threads. */
    public Map<String, String> threadIni() {
        Map<String, String> result = new LinkedHashMap<>();
        result.put("max_execution_time", Long.toString(requestTimeout.toSeconds()));
        ini.forEach((k, v) -> {
            if (!isProcessWide(k)) {
                result.put(k, v);
            }
        });
        return result;
    }

    private static boolean isProcessWide(String name) {
        return PhpRuntimeConfig.isStartupOnly(name);
    }

    /**
     * PHP's post_max_size for this app, as PHP sees it: {@code php.post_max_size}, else the last
     * {@code post_max_size} of the ini-file, else PHP's default 8M; 0 is no limit.
     */
    public long postMaxSizeBytes() {
        String value = ini.get("post_max_size");
        if (value != null) {
            return parse("php.post_max_size", value, Settings::bytes);
        }
        Optional<String> fromFile = iniFile.flatMap(Settings::postMaxSizeIn);
        if (fromFile.isEmpty()) {
            return bytes("8M");
        }
        try {
            return bytes(fromFile.get());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("ini-file", "post_max_size " + e.getMessage());
        }
    }

    /** The value of the last post_max_size line outside a [PATH=] or [HOST=] section, which PHP applies per request. */
    private static Optional<String> postMaxSizeIn(Path file) {
        String found = null;
        boolean conditional = false;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                String trimmed = line.trim();
                if (trimmed.startsWith("[")) {
                    String section = trimmed.toUpperCase(Locale.ROOT);
                    conditional = section.startsWith("[PATH=") || section.startsWith("[HOST=");
                    continue;
                }
                Matcher m = POST_MAX_SIZE_LINE.matcher(line);
                if (!conditional && m.matches()) {
                    found = m.group(1);
                }
            }
        } catch (IOException e) {
            throw new InvalidSettingException("ini-file", "cannot be read: " + e.getMessage());
        }
        return Optional.ofNullable(found).filter(v -> !v.isEmpty());
    }

    public Path frontControllerFile() {
        return documentRoot.resolve(frontController);
    }
}
