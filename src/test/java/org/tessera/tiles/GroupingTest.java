package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.tessera.Logged;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.Frame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.wcs.Wcs;

class GroupingTest {

    /**
     * A frame of 0.4 x 0.2 deg centred at (150, 10 + decOffset), mount from EQMODE when given; large
     * enough that no group below spreads over more than TileGeometry.MAX_SPREAD_AREAS frame areas.
     */
    static Frame at(String name, double decOffset, String eqmode) {
        int w = 400, h = 200;
        Wcs wcs = SyntheticSky.wcs(150, 10 + decOffset, 0.001, 0, w, h);
        return new InMemoryFrame(name, new FloatImage(w, h, 1), wcs, MountMode.UNKNOWN, 1.0,
                eqmode == null ? SyntheticSky.keys() : SyntheticSky.keys("EQMODE", eqmode));
    }

    static Grouping.Params params(double thr, int target, int manualCap) {
        return new Grouping.Params(thr, target, manualCap, false);
    }

    static List<List<String>> names(Grouping.Result r) {
        List<List<String>> out = new ArrayList<>();
        for (FrameGroup g : r.groups()) out.add(g.frames().stream().map(Frame::name).toList());
        return out;
    }

    @Test
    void linksAreTransitiveAndGroupsKeepInputOrder() {
        List<Frame> f = List.of(at("a", 0, null), at("far", 1.0, null), at("b", 0.02, null), at("c", 0.04, null));
        Grouping.Result r = Grouping.group(f, params(0.03, 0, 0));
        assertEquals(List.of(List.of("a", "b", "c"), List.of("far")), names(r));
        assertEquals(0.03, r.thresholdDeg(), 1e-12);
    }

    @Test
    void mountModesAreNeverMixed() {
        List<Frame> f = List.of(at("eq1", 0, "1"), at("az1", 0.001, "0"), at("eq2", 0.002, "1"), at("unk", 0.001, null),
                at("az2", 0.003, "0"));
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            Grouping.Result r = Grouping.group(f, params(0.03, 0, 0));
            assertEquals(List.of(List.of("eq1", "eq2"), List.of("az1", "az2"), List.of("unk")), names(r));
            assertEquals(List.of(MountMode.EQ, MountMode.ALT_AZ, MountMode.UNKNOWN),
                    r.groups().stream().map(FrameGroup::mount).toList());
            assertEquals(2, r.eqCount());
            assertEquals(2, r.altazCount());
            assertEquals(1, r.unknownCount());
            assertTrue(log.has(Level.INFO, "eqmode_summary: eq_count=2 altaz_count=2 unknown_count=1"));
        }
    }

    @Test
    void nonPositiveThresholdMeans005() {
        List<Frame> f = List.of(at("a", 0, null), at("b", 0.045, null), at("c", 0.2, null));
        Grouping.Result r = Grouping.group(f, params(0, 0, 0));
        assertEquals(0.05, r.thresholdDeg(), 1e-12);
        assertEquals(List.of(List.of("a", "b"), List.of("c")), names(r));
        assertEquals(2, Grouping.group(f, params(-1, 0, 0)).groups().size());
    }

    @Test
    void autoRelaxWhenNearlyEveryFrameIsAlone() {
        // 10 frames 0.04 deg apart, threshold 0.03: 10 groups >= max(3, 9) -> relax to 1.2 x P90(NN) = 0.048.
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < 10; i++) f.add(at("f" + i, 0.04 * i, null));
        Grouping.Result r = Grouping.group(f, params(0.03, 0, 0));
        assertEquals(1, r.groups().size());
        assertEquals(0.048, r.thresholdDeg(), 1e-6);
    }

    @Test
    void autoRelaxIsClampedAndOnlyRaises() {
        // NN 2 deg: 1.2 x P90 = 2.4 -> clamped to 1.0, frames stay alone.
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < 4; i++) f.add(at("f" + i, 2.0 * i, null));
        Grouping.Result r = Grouping.group(f, params(0.03, 0, 0));
        assertEquals(1.0, r.thresholdDeg(), 1e-12);
        assertEquals(4, r.groups().size());
    }

    /** 12 frames in a line with gaps 0.002, 0.004, ... 0.022 deg: groups(thr) = 1 + #gaps > thr. */
    static List<Frame> ladder() {
        List<Frame> f = new ArrayList<>();
        double d = 0;
        for (int i = 0; i < 12; i++) {
            f.add(at("f" + i, d, null));
            d += 0.002 * (i + 1);
        }
        return f;
    }

    @Test
    void targetGroupsRaisesTheThreshold() {
        Grouping.Result r = Grouping.group(ladder(), params(0.001, 4, 0));
        assertEquals(4, r.groups().size());
        assertTrue(r.thresholdDeg() >= 0.016 - 1e-9 && r.thresholdDeg() < 0.018, "threshold " + r.thresholdDeg());
    }

    @Test
    void targetGroupsLowersTheThreshold() {
        Grouping.Result r = Grouping.group(ladder(), params(0.1, 6, 0));
        assertEquals(6, r.groups().size());
        assertTrue(r.thresholdDeg() >= 0.012 - 1e-9 && r.thresholdDeg() < 0.014, "threshold " + r.thresholdDeg());
    }

    @Test
    void aGroupSpreadWiderThanFourFrameAreasIsSplit() {
        // Frames of 0.02 x 0.01 deg, 0.04 deg apart in Dec: auto-relax (threshold 0.048) joins all ten,
        // which would span about 40 frame areas; they are clustered again until each part fits.
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Wcs wcs = SyntheticSky.wcs(150, 10 + 0.04 * i, 0.001, 0, 20, 10);
            f.add(new InMemoryFrame("s" + i, new FloatImage(20, 10, 1), wcs, MountMode.UNKNOWN, 1.0, SyntheticSky.keys()));
        }
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            Grouping.Result r = Grouping.group(f, params(0.03, 0, 0));
            assertEquals(10, r.groups().size());
            for (int i = 0; i < 10; i++) assertEquals(List.of("s" + i), names(r).get(i));
            assertTrue(log.has(Level.INFO, "[P2] group of 10 frame(s) spans 40.9 frame areas (> 4): split at threshold 0.0240 deg into 10"));
        }
        for (FrameGroup g : Grouping.group(f, params(0.03, 0, 0)).groups())
            assertTrue(TileGeometry.spreadAreas(g.frames()) <= TileGeometry.MAX_SPREAD_AREAS);
    }

    @Test
    void manualCapSplitsInOrder() {
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < 10; i++) f.add(at("f" + i, 0.001 * i, "0"));
        Grouping.Result r = Grouping.group(f, params(0.03, 0, 4));
        assertEquals(List.of(List.of("f0", "f1", "f2", "f3"), List.of("f4", "f5", "f6", "f7"), List.of("f8", "f9")), names(r));
        assertEquals(4, r.cap());
        // Sub-groups keep their mount keys, hence their mode.
        for (FrameGroup g : r.groups()) assertEquals(MountMode.ALT_AZ, g.mount());
        assertEquals(List.of(0, 1, 2), r.groups().stream().map(FrameGroup::id).toList());
    }

    @Test
    void capNeverComesFromTheHeap() {
        // automatic: the original's fixed 100, whatever the heap (issue 14 item 3)
        assertEquals(100, Grouping.cap(new Grouping.Params(0.03, 0, 0, true)));
        // the manual cap wins, above or below 100
        assertEquals(7, Grouping.cap(new Grouping.Params(0.03, 0, 7, true)));
        assertEquals(150, Grouping.cap(new Grouping.Params(0.03, 0, 150, true)));
        assertEquals(7, Grouping.cap(new Grouping.Params(0.03, 0, 7, false)));
        // off and no manual cap: none
        assertEquals(0, Grouping.cap(new Grouping.Params(0.03, 0, 0, false)));
    }

    @Test
    void configKeysAreRead() {
        Config c = new Config().set("cluster_panel_threshold=0.2").set("cluster_target_groups=3")
                .set("max_raw_per_master_tile=50").set("auto_limit_frames_per_master_tile=false");
        assertEquals(new Grouping.Params(0.2, 3, 50, false), Grouping.Params.fromConfig(c));
    }

    @Test
    void framesWithoutWcsAreSetAsideAndNamed() {
        Frame noWcs = new InMemoryFrame("broken.fits", new FloatImage(4, 4, 1), null, MountMode.EQ, 1, SyntheticSky.keys());
        Grouping.Result r = Grouping.group(List.of(at("a", 0, null), noWcs), params(0.03, 0, 0));
        assertEquals(1, r.groups().size());
        assertEquals(1, r.skipped().size());
        assertTrue(r.skipped().get(0).startsWith("broken.fits: no celestial WCS"));
    }
}
