package org.tessera.solve;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;

/** The cache entries in solved_wcs/: valid FITS (fitsverify-clean) and read back as written. */
class WcsCacheTest {

    /** The 80-character cards of a header-only FITS file, up to END. */
    private static List<String> cards(Path f) throws Exception {
        String s = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertEquals(0, s.length() % 2880, "whole FITS blocks");
        List<String> out = new ArrayList<>();
        for (int i = 0; i + 80 <= s.length(); i += 80) {
            String c = s.substring(i, i + 80);
            out.add(c);
            if (c.startsWith("END ")) break;
        }
        return out;
    }

    @Test
    void longPathsAndReasonsAreContinuedAndDeclaredByLongstrn(@TempDir Path dir) throws Exception {
        // a path and a "how" longer than one card, as every registered Seestar frame has
        Path input = Files.writeString(Files.createDirectories(dir.resolve("night1/a-rather-long-folder-name"))
                .resolve("Light_M_94_10.0s_IRCUT_20250326-212046.fit"), "pixels");
        FitsWcs wcs = new FitsWcs(Projection.forCode("TAN"), 537.5, 958.1, 192.78, 41.118,
                -6.5979e-4, -1.4565e-5, 1.4734e-5, -6.5951e-4);
        WcsCache cache = new WcsCache(dir.resolve("out"));
        String how = "registered on Light_M_94_10.0s_IRCUT_20250326-212108.fit: triangles, rms 0.27 px, 47 stars, rotation -0.00°";
        cache.store(input, wcs, how);

        Path[] files;
        try (var s = Files.list(cache.dir())) { files = s.toArray(Path[]::new); }
        assertEquals(1, files.length);
        List<String> cards = cards(files[0]);
        int continues = 0, longstrn = -1, srcpath = -1;
        for (int i = 0; i < cards.size(); i++) {
            String c = cards.get(i);
            if (c.startsWith("CONTINUE")) continues++;
            if (c.startsWith("LONGSTRN= 'OGIP 1.0'")) longstrn = i;
            if (c.startsWith("SRCPATH =")) srcpath = i;
        }
        assertTrue(continues >= 2, "SRCPATH and SOLVEDBY are continued: " + continues);
        // the OGIP convention: CONTINUE cards are announced by LONGSTRN (fitsverify warns without it)
        assertTrue(longstrn >= 3 && longstrn < srcpath, "LONGSTRN after SIMPLE/BITPIX/NAXIS, before the long strings: " + cards);

        WcsCache.Entry e = cache.lookup(input);
        assertNotNull(e);
        assertEquals(how.replace("°", " deg"), e.how());
        double[] sky = new double[2], want = new double[2];
        e.wcs().pixelToWorld(100, 200, sky);
        wcs.pixelToWorld(100, 200, want);
        assertEquals(want[0], sky[0], 1e-9);
        assertEquals(want[1], sky[1], 1e-9);
    }

    /**
     * Two stack runs writing into one folder share solved_wcs/ and may cache the same frame at
     * once: every store lands whole (no "cannot cache" warning, no temporary file left) and the
     * entry reads back. With one fixed temporary name per entry, one run renamed or truncated the
     * other's file.
     */
    @Test
    void twoRunsCachingTheSameFrameAtOnceBothSucceed(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("frame.fit"), "pixels");
        FitsWcs wcs = new FitsWcs(Projection.forCode("TAN"), 537.5, 958.1, 192.78, 41.118,
                -6.5979e-4, -1.4565e-5, 1.4734e-5, -6.5951e-4);
        List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("org.tessera.solve");
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) warnings.add(r.getMessage());
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
        log.addHandler(h);
        try {
            List<Thread> runs = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                WcsCache cache = new WcsCache(dir.resolve("out")); // each run its own cache object on one folder
                runs.add(new Thread(() -> {
                    for (int i = 0; i < 200; i++) cache.store(input, wcs, "solve-field");
                }));
            }
            runs.forEach(Thread::start);
            for (Thread t : runs) t.join(60_000);
        } finally {
            log.removeHandler(h);
        }
        assertEquals(List.of(), warnings);
        WcsCache cache = new WcsCache(dir.resolve("out"));
        try (var s = Files.list(cache.dir())) {
            assertEquals(1, s.count(), "one entry, no temporary file left");
        }
        assertEquals("solve-field", cache.lookup(input).how());
    }
}
