package io.ephpm.jetty;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A comma-separated list of {@code name=value} pairs, as Jetty start properties carry lists
 * ({@code ephpm.php=memory_limit=256M,display_errors=Off}, appended to with {@code +=,}).
 */
final class NameValueList {
    private NameValueList() {
    }

    static Map<String, String> parse(String property, String list) {
        Map<String, String> result = new LinkedHashMap<>();
        if (list == null) {
            return result;
        }
        for (String item : list.split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(property + ": '" + entry + "' is not name=value");
            }
            result.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return result;
    }
}
