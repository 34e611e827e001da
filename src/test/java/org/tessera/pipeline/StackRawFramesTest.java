package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.solve.WcsCache;
import org.tessera.wcs.FitsWcs;

/**
 * {@code tessera stack} on raw subs without WCS (as the telescope wrote them) places them as a
 * mosaic does instead of skipping every one for "no usable WCS". No plate solver is needed here:
 * the WCS of each raw frame is its solved twin's, put in the output folder's solved_wcs/ cache, as
 * an earlier run would have left it.
 */
class StackRawFramesTest {

    static final Path RAW = Paths.get("../shared/data/seestar_m94_raw/night1"), SOLVED = Paths.get("../shared/data/seestar_m94_subset/night1");
    static final List<String> NAMES = List.of("Light_M_94_10.0s_IRCUT_20250326-212046.fit", "Light_M_94_10.0s_IRCUT_20250326-212057.fit");

    @Test
    void rawFramesArePlacedThenStacked(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isDirectory(RAW) && Files.isDirectory(SOLVED), "real test data not found at " + RAW.toAbsolutePath());
        Path out = tmp.resolve("out"), tile = out.resolve("night1.fits");
        WcsCache cache = new WcsCache(out);
        for (String n : NAMES) {
            assertFalse(FitsFrame.open(RAW.resolve(n)).hasWcs(), n + " is raw");
            cache.store(RAW.resolve(n), (FitsWcs) FitsFrame.open(SOLVED.resolve(n)).wcs(), "solve-field");
        }
        List<String> log = Logged.during("org.tessera", () -> {
            MosaicPipeline.Outcome o = MosaicPipeline.stack(tile, List.of(RAW.resolve(NAMES.get(0)), RAW.resolve(NAMES.get(1))),
                    new Config(), Progress.NONE);
            assertEquals(List.of(), o.skipped());
            assertEquals(List.of(tile), o.masterTiles());
        });
        assertTrue(log.stream().anyMatch(l -> l.startsWith("[SOLVE] 2 of 2 frame(s) placed: 0 plate solve(s), 0 registered, 2 from the cache")),
                log.toString());
        FitsFrame t = FitsFrame.open(tile);
        assertEquals("2", t.keys().get("MT_NFRAMES").trim());
        assertEquals(20.0, Double.parseDouble(t.keys().get("EXPTOTAL")), 1e-9);
        // the tile lies where the solved twins are: its centre within a pixel of the reference twin's
        double[] c = new double[2], want = new double[2];
        t.wcs().pixelToWorld((t.width() - 1) / 2.0, (t.height() - 1) / 2.0, c);
        FitsFrame ref = FitsFrame.open(SOLVED.resolve(NAMES.get(0)));
        ref.wcs().pixelToWorld((ref.width() - 1) / 2.0, (ref.height() - 1) / 2.0, want);
        double sep = Math.hypot((c[0] - want[0]) * Math.cos(Math.toRadians(want[1])), c[1] - want[1]) * 3600;
        assertTrue(sep < 10, "tile centre " + sep + "\" from the solved frame's");
    }
}
