package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.Frame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.wcs.Wcs;

/**
 * Master tiles of the real Seestar M 94 frames (three nights: night1 and night2 at field rotation
 * ≈ +178.5°, night3 at ≈ −111.8°), binned 2×2 and cropped to 320×480 superpixels around the
 * frame centre to keep the test fast.
 */
class M94MasterTilesTest {

    static List<InMemoryFrame> frames;
    static Grouping.Result grouping;
    static List<MasterTile> tiles;

    @BeforeAll
    static void build() throws Exception {
        Assumptions.assumeTrue(M94Frames.available(), "skipped: ../shared/data/seestar_m94_subset not found");
        frames = M94Frames.load(320, 480, null);
        Config c = new Config();
        grouping = Grouping.group(frames, Grouping.Params.fromConfig(c));
        tiles = MasterTileBuilder.fromConfig(c, 2).buildAll(grouping.groups(), Progress.NONE, null);
    }

    static List<String> nights(FrameGroup g) {
        return g.frames().stream().map(f -> f.name().substring(0, 6) + f.name().substring(f.name().length() - 10, f.name().length() - 4)).toList();
    }

    @Test
    void groupingJoinsNight1Night2AndTheNearNight3Frames() {
        // Night1 and night2 centres lie within 0.02 deg; two night3 frames come within 0.03 deg of
        // night2, the other two night3 frames are 0.035-0.045 deg away from everything.
        assertEquals(3, grouping.groups().size());
        assertEquals(List.of("night1212046", "night1212057", "night1212108", "night1212119", "night1212131", "night1212147",
                "night2014513", "night2014525", "night3225539", "night3225550"), nights(grouping.groups().get(0)));
        assertEquals(List.of("night3225435"), nights(grouping.groups().get(1)));
        assertEquals(List.of("night3225516"), nights(grouping.groups().get(2)));
        assertEquals(0.03, grouping.thresholdDeg(), 1e-12);
        assertEquals(12, grouping.unknownCount()); // no EQMODE in these headers
    }

    @Test
    void tilesAreNotEmpty() {
        assertEquals(3, tiles.size());
        for (MasterTile t : tiles) {
            assertFalse(t.empty());
            long finite = 0;
            for (float v : t.image().plane(0)) if (Float.isFinite(v)) finite++;
            assertTrue(finite > 0.8 * t.image().width() * t.image().height(), "tile " + t.id() + " finite " + finite);
            assertEquals(grouping.groups().get(t.id()).size(), t.header().get("MT_NFRAMES"));
        }
        // The group mixes rotations 70 deg apart: it is stacked on the padded canvas.
        assertEquals(true, tiles.get(0).header().get("MT_PAD"));
    }

    @Test
    void starsAreRoundAndSharpOnTheMixedRotationTile() {
        MasterTile t = tiles.get(0);
        StarMeasure.Stats tile = StarMeasure.stats(StarMeasure.detect(t.image().plane(0), t.image().width(), t.image().height(), 10, 30));
        double[] fwhm = new double[10], ell = new double[10];
        int k = 0;
        for (Frame f : grouping.groups().get(0).frames()) {
            InMemoryFrame m = (InMemoryFrame) f;
            StarMeasure.Stats s = StarMeasure.stats(StarMeasure.detect(m.image().plane(0), m.width(), m.height(), 10, 30));
            fwhm[k] = s.medianFwhm();
            ell[k++] = s.medianEllipticity();
        }
        Arrays.sort(fwhm);
        Arrays.sort(ell);
        double frameFwhm = fwhm[5], frameEll = ell[5];
        assertTrue(tile.count() >= 8, "stars on the tile: " + tile.count());
        // A misaligned night would double or smear stars: the tile would be wider and elongated.
        assertTrue(tile.medianFwhm() <= 1.15 * frameFwhm, "tile FWHM " + tile.medianFwhm() + " vs frames " + frameFwhm);
        assertTrue(tile.medianEllipticity() <= Math.min(0.25, frameEll), "tile ellipticity " + tile.medianEllipticity()
                + " vs frames " + frameEll);
    }

    /** Median offset (px) between tile stars and the same stars in a frame, or NaN under 3 matches. */
    static double medianOffset(MasterTile t, List<StarMeasure.Star> tileStars, InMemoryFrame f, Wcs frameWcs) {
        List<StarMeasure.Star> fs = StarMeasure.detect(f.image().plane(0), f.width(), f.height(), 10, 30);
        double[] w = new double[2], p = new double[2];
        List<Double> off = new ArrayList<>();
        for (StarMeasure.Star s : tileStars) {
            t.grid().wcs().pixelToWorld(s.x(), s.y(), w);
            frameWcs.worldToPixel(w[0], w[1], p);
            double best = Double.POSITIVE_INFINITY;
            for (StarMeasure.Star q : fs) best = Math.min(best, Math.hypot(q.x() - p[0], q.y() - p[1]));
            if (best < 3) off.add(best);
        }
        if (off.size() < 3) return Double.NaN;
        off.sort(null);
        return off.get(off.size() / 2);
    }

    @Test
    void tileStarsSitWhereEveryFramePutsThem() {
        MasterTile t = tiles.get(0);
        List<StarMeasure.Star> ts = StarMeasure.detect(t.image().plane(0), t.image().width(), t.image().height(), 10, 30);
        int checked = 0;
        for (Frame f : grouping.groups().get(0).frames()) {
            double off = medianOffset(t, ts, (InMemoryFrame) f, f.wcs());
            if (Double.isNaN(off)) continue;
            assertTrue(off < 0.5, f.name() + ": median offset " + off + " px");
            checked++;
        }
        assertTrue(checked >= 8, "frames with matched stars: " + checked);
        // The check sees a 3-px misregistration.
        InMemoryFrame f = (InMemoryFrame) grouping.groups().get(0).frames().get(0);
        double wrong = medianOffset(t, ts, f, f.wcs().shifted(3, 0));
        assertTrue(Double.isNaN(wrong) || wrong > 1.5, "shifted WCS offset " + wrong);
    }

    @Test
    void seestarFramesOfUnknownMountAreCleanedUnderTheAutoPolicy() {
        for (MasterTile t : tiles) {
            assertEquals("UNKNOWN", t.header().get("MT_MOUNT"));
            assertEquals("ALT_AZ", t.header().get("MT_MNTEF"));
            assertNotNull(t.alpha(), "tile " + t.id());
            float[] a = t.alpha().plane(0), img = t.image().plane(0);
            for (int i = 0; i < a.length; i++) if (!Float.isNaN(img[i])) assertTrue(a[i] > 1e-3);
        }
    }

    /** night1, night2 tagged ALT_AZ (EQMODE 0), night3 tagged EQ (EQMODE 1). */
    static Map<String, String> tag(String name) {
        return Map.of("EQMODE", name.startsWith("night3") ? "1" : "0");
    }

    @Test
    void coverageEdgesAreCleanedOnAltAzGroupsOnly() throws Exception {
        List<InMemoryFrame> tagged = M94Frames.load(256, 256, M94MasterTilesTest::tag);
        List<FrameGroup> groups = Grouping.group(tagged, Grouping.Params.fromConfig(new Config())).groups();
        assertEquals(List.of(MountMode.ALT_AZ, MountMode.EQ, MountMode.EQ, MountMode.EQ),
                groups.stream().map(FrameGroup::mount).toList());
        assertEquals(8, groups.get(0).size());
        List<MasterTile> on, off;
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            on = MasterTileBuilder.fromConfig(new Config().set("altaz_cleanup_enabled=true"), 2).buildAll(groups, Progress.NONE, null);
            assertTrue(log.has(Level.FINE, "P3_ALTaz_GATING: tile_id=0 eqmode=ALT_AZ global_enabled=True => tile_enabled=True"));
            assertTrue(log.has(Level.FINE, "P3_ALTaz_GATING: tile_id=3 eqmode=EQ global_enabled=True => tile_enabled=False"));
        }
        Config noCleanup = new Config();
        noCleanup.put("altaz_cleanup_auto", false);
        off = MasterTileBuilder.fromConfig(noCleanup, 2).buildAll(groups, Progress.NONE, null);

        MasterTile az = on.get(0);
        assertNotNull(az.alpha());
        assertNull(off.get(0).alpha());
        long rim = 0;
        float[] a = az.alpha().plane(0);
        for (int i = 0; i < a.length; i++) if (a[i] < 1) rim++;
        assertTrue(rim > 0, "the ALT_AZ tile has a faded rim");
        for (int i = 1; i < 4; i++) {
            assertNull(on.get(i).alpha(), "EQ tile " + i + " is never cleaned");
            assertArrayEquals(off.get(i).image().plane(0), on.get(i).image().plane(0), "EQ tile " + i + " bit-identical");
            assertEquals(off.get(i).header(), on.get(i).header());
        }
    }
}
