package io.ephpm.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Static files whose name changes with their content (Vite's {@code build/assets/app-3f2a1b.js}),
 * which browsers may therefore cache for good: URL-path globs under the document root, and the
 * {@code Cache-Control} they are sent with.
 *
 * <p>In a glob, {@code *} matches within one path segment, {@code **} across segments and
 * {@code ?} one character: {@code /build/assets/**}, {@code /fonts/*.woff2}.
 */
public record VersionedAssets(List<String> globs, String cacheControl) {
    /** Laravel's Vite plugin writes hashed files to public/build/assets (its manifest lies outside, unhashed). */
    public static final String DEFAULT_GLOBS = "/build/assets/**";
    public static final String DEFAULT_CACHE_CONTROL = "public, max-age=31536000, immutable";
    /** The value of the globs setting that turns the header off. */
    public static final String NONE = "none";

    private static final Pattern GLOB_SEPARATOR = Pattern.compile("[,\\s]+");

    public static final VersionedAssets DEFAULT = parse(DEFAULT_GLOBS, DEFAULT_CACHE_CONTROL);

    public VersionedAssets {
        globs = List.copyOf(globs);
    }

    /**
     * @param globs        comma- or space-separated globs, each starting with '/', or "none"
     * @param cacheControl the header's value for a matching file
     * @throws IllegalArgumentException saying what is wrong with either
     */
    public static VersionedAssets parse(String globs, String cacheControl) {
        String value = cacheControl.trim();
        if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("must be a Cache-Control value such as '" + DEFAULT_CACHE_CONTROL
                    + "' (was '" + cacheControl + "')");
        }
        List<String> list = new ArrayList<>();
        String trimmed = globs.trim();
        if (!trimmed.equalsIgnoreCase(NONE)) {
            for (String glob : GLOB_SEPARATOR.split(trimmed)) {
                if (!glob.startsWith("/")) {
                    throw new IllegalArgumentException("takes URL-path globs starting with '/', like " + DEFAULT_GLOBS
                            + ", or " + NONE + " (was '" + glob + "')");
                }
                list.add(glob);
            }
        }
        return new VersionedAssets(list, value);
    }

    /** A matcher over URL paths (relative to the document root); compile once, use from any thread. */
    public Matcher matcher() {
        return new Matcher(globs.stream().map(VersionedAssets::toRegex).map(Pattern::compile).toList(), cacheControl);
    }

    /** Answers the Cache-Control header for a static file's URL path. */
    public static final class Matcher {
        private final List<Pattern> patterns;
        private final String cacheControl;

        private Matcher(List<Pattern> patterns, String cacheControl) {
            this.patterns = patterns;
            this.cacheControl = cacheControl;
        }

        /** The header's value for this path, or null when the file is not a versioned asset. */
        public String cacheControl(String path) {
            for (Pattern pattern : patterns) {
                if (pattern.matcher(path).matches()) {
                    return cacheControl;
                }
            }
            return null;
        }
    }

    private static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
