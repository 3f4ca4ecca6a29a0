package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VersionedAssetsTest {
    @Test
    void theDefaultCoversVitesHashedOutputOnly() {
        VersionedAssets.Matcher matcher = VersionedAssets.DEFAULT.matcher();
        assertEquals("public, max-age=31536000, immutable", matcher.cacheControl("/build/assets/app-3f2a1b.js"));
        assertEquals("public, max-age=31536000, immutable", matcher.cacheControl("/build/assets/fonts/inter-9c1d.woff2"));
        assertNull(matcher.cacheControl("/build/manifest.json"), "the manifest keeps its name from build to build");
        assertNull(matcher.cacheControl("/js/app.js"), "Mix versions by query string, so the path says nothing");
        assertNull(matcher.cacheControl("/favicon.ico"));
    }

    @Test
    void starStaysInsideASegmentAndDoubleStarCrossesThem() {
        VersionedAssets.Matcher matcher = VersionedAssets.parse("/fonts/*.woff2, /img/**/logo-?.png", "max-age=60").matcher();
        assertEquals("max-age=60", matcher.cacheControl("/fonts/inter.woff2"));
        assertNull(matcher.cacheControl("/fonts/latin/inter.woff2"));
        assertEquals("max-age=60", matcher.cacheControl("/img/a/b/logo-1.png"));
        assertNull(matcher.cacheControl("/img/a/logo-12.png"));
        assertNull(matcher.cacheControl("/fonts/inter.woff2x"), "a glob matches the whole path");
        assertNull(matcher.cacheControl("/img.x/logo-1.png"), "a dot is a dot, not any character");
    }

    @Test
    void noneTurnsItOff() {
        VersionedAssets off = VersionedAssets.parse("none", VersionedAssets.DEFAULT_CACHE_CONTROL);
        assertEquals(List.of(), off.globs());
        assertNull(off.matcher().cacheControl("/build/assets/app.js"));
    }

    @Test
    void badValuesAreRefusedWithTheReason() {
        IllegalArgumentException relative = assertThrows(IllegalArgumentException.class,
                () -> VersionedAssets.parse("build/**", VersionedAssets.DEFAULT_CACHE_CONTROL));
        assertTrue(relative.getMessage().contains("starting with '/'"), relative.getMessage());
        IllegalArgumentException newline = assertThrows(IllegalArgumentException.class,
                () -> VersionedAssets.parse("/build/**", "max-age=60\r\nSet-Cookie: x=1"));
        assertTrue(newline.getMessage().contains("Cache-Control value"), newline.getMessage());
    }
}
