package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.io.Frame;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.stack.StackParams;
import org.tessera.wcs.Wcs;

class MasterTileBuilderTest {

    static final double SCALE = 0.0005; // deg/px (1.8")
    static final int W = 160, H = 120;
    static final SyntheticSky SKY_EQ = new SyntheticSky(150, 20, 0.06, 0.011, 1, 1.3, 100, 2);
    static final SyntheticSky SKY_AZ = new SyntheticSky(150.4, 20, 0.06, 0.011, 2, 1.3, 100, 2);

    /** Three EQ frames dithered by a few pixels, same rotation. */
    static List<Frame> eqFrames(String prefix) {
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Wcs w = SyntheticSky.wcs(150 + 0.0015 * i, 20 - 0.001 * i, SCALE, 0, W, H);
            f.add(SKY_EQ.frame(prefix + i, w, W, H, 1, MountMode.UNKNOWN,
                    SyntheticSky.keys("EQMODE", "1", "OBJECT", "Field A", "FILTER", "L", "INSTRUME", "Cam",
                            "DATE-OBS", "2025-01-01T00:00:0" + (2 * i), "NEXP", "2", "EXPTIME", "10"), 10 + i));
        }
        return f;
    }

    /** Four ALT_AZ frames of another field with growing field rotation. */
    static List<Frame> azFrames() {
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Wcs w = SyntheticSky.wcs(150.4, 20 + 0.0005 * i, SCALE, 15 * i, W, H);
            f.add(SKY_AZ.frame("az" + i, w, W, H, 1, MountMode.UNKNOWN,
                    SyntheticSky.keys("EQMODE", "0", "OBJECT", "Field B"), 20 + i));
        }
        return f;
    }

    static MasterTileBuilder builder(boolean requested, boolean auto, int workers) {
        return new MasterTileBuilder(StackParams.plainMean(), new AltAzGating(requested, auto, AltAzGating.UnknownPolicy.AUTO),
                new AltAzCleanup.Params(5, 0.15, true), workers);
    }

    static List<FrameGroup> groups(List<Frame> frames) {
        return Grouping.group(frames, new Grouping.Params(0.03, 0, 0, false)).groups();
    }

    @Test
    void eqOnlyRunWithCleanupRequestedTurnsItOffAndWarns() {
        List<FrameGroup> g = groups(eqFrames("eq"));
        assertEquals(1, g.size());
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            List<MasterTile> tiles = new ArrayList<>();
            Phase3Result r = builder(true, true, 1).build(g, tiles::add, Progress.NONE);
            assertFalse(r.cleanupRunFlag());
            assertTrue(log.has(Level.WARNING, AltAzGating.EQ_ONLY_WARNING));
            assertTrue(log.has(Level.FINE, "P3_ALTaz_GATING: tile_id=0 eqmode=EQ global_enabled=False => tile_enabled=False"));
            MasterTile t = tiles.get(0);
            assertNull(t.alpha());
            assertEquals(false, t.header().get("MT_ALTEN"));
            assertFalse(t.empty());
        }
    }

    @Test
    void mixedRunCleansOnlyAltAzTilesAndLeavesEqTilesBitIdentical() {
        List<Frame> all = new ArrayList<>(eqFrames("eq"));
        all.addAll(azFrames());
        List<FrameGroup> g = groups(all);
        assertEquals(List.of(MountMode.EQ, MountMode.ALT_AZ), g.stream().map(FrameGroup::mount).toList());
        List<MasterTile> on, off;
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            on = builder(true, true, 2).buildAll(g, Progress.NONE, null);
            assertTrue(log.has(Level.FINE, "P3_ALTaz_GATING: tile_id=0 eqmode=EQ global_enabled=True => tile_enabled=False"));
            assertTrue(log.has(Level.FINE, "P3_ALTaz_GATING: tile_id=1 eqmode=ALT_AZ global_enabled=True => tile_enabled=True"));
        }
        off = builder(false, false, 2).buildAll(g, Progress.NONE, null);

        MasterTile eqOn = on.get(0), eqOff = off.get(0);
        assertNull(eqOn.alpha());
        assertArrayEquals(eqOff.image().plane(0), eqOn.image().plane(0)); // bit-identical, NaN included
        assertEquals(eqOff.header(), eqOn.header());
        assertEquals(eqOff.grid().width(), eqOn.grid().width());

        MasterTile azOn = on.get(1), azOff = off.get(1);
        assertNotNull(azOn.alpha());
        assertNull(azOff.alpha());
        assertEquals(true, azOn.header().get("MT_ALTAZ"));
        assertEquals(true, azOn.header().get("MT_PAD"));
        assertEquals(false, azOff.header().get("MT_ALTAZ"));
        // Where the cleaned tile has data it equals the uncleaned one: alpha never multiplies.
        int dx = (int) azOn.header().get("MT_TRIMX") - (int) azOff.header().get("MT_TRIMX");
        int dy = (int) azOn.header().get("MT_TRIMY") - (int) azOff.header().get("MT_TRIMY");
        int compared = 0, nanOnly = 0;
        for (int y = 0; y < azOn.image().height(); y++)
            for (int x = 0; x < azOn.image().width(); x++) {
                int ox = x + dx, oy = y + dy;
                if (ox < 0 || oy < 0 || ox >= azOff.image().width() || oy >= azOff.image().height()) continue;
                float a = azOn.image().get(0, x, y), b = azOff.image().get(0, ox, oy);
                if (Float.isNaN(a)) { if (!Float.isNaN(b)) nanOnly++; continue; }
                assertEquals(b, a);
                compared++;
            }
        assertTrue(compared > 10000, "compared " + compared);
        assertTrue(nanOnly > 0, "the rim with low coverage was set to NaN");
        // Every remaining pixel has alpha > 1e-3; the thinly covered ones are gone.
        float[] alpha = azOn.alpha().plane(0);
        for (int i = 0; i < alpha.length; i++)
            if (!Float.isNaN(azOn.image().plane(0)[i])) assertTrue(alpha[i] > 1e-3);
    }

    @Test
    void logLinesReachTheRunLogFile(@TempDir Path out) throws IOException {
        // What the pipeline does for the run's log: a file handler recording FINE on "org.tessera".
        Logger root = Logger.getLogger("org.tessera");
        Level before = root.getLevel();
        Path logFile = out.resolve("tessera.log");
        FileHandler fh = new FileHandler(logFile.toString());
        fh.setLevel(Level.FINE);
        fh.setFormatter(new SimpleFormatter());
        root.setLevel(Level.FINE);
        root.addHandler(fh);
        try {
            builder(true, true, 1).build(groups(eqFrames("eq")), t -> { }, Progress.NONE);
            List<Frame> mixed = new ArrayList<>(eqFrames("m"));
            mixed.addAll(azFrames());
            builder(true, true, 1).build(groups(mixed), t -> { }, Progress.NONE);
        } finally {
            root.removeHandler(fh);
            fh.close();
            root.setLevel(before);
        }
        String text = Files.readString(logFile, StandardCharsets.UTF_8);
        assertTrue(text.contains("ALT-AZ cleanup requested but no ALT_AZ frames detected -> disabled (EQ-only run)"));
        assertTrue(text.contains("P3_ALTaz_GATING: tile_id=0 eqmode=EQ global_enabled=False => tile_enabled=False"));
        assertTrue(text.contains("P3_ALTaz_GATING: tile_id=1 eqmode=ALT_AZ global_enabled=True => tile_enabled=True"));
    }

    @Test
    void headersDescribeTheStack() {
        MasterTile t = builder(false, true, 1).buildAll(groups(eqFrames("h")), Progress.NONE, null).get(0);
        Map<String, Object> h = t.header();
        assertEquals(List.of("MT_NFRAMES", "MT_NORM", "MT_WGHT", "MT_REJ", "MT_KLOW", "MT_KHIGH", "MT_COMB", "MT_REJPC",
                "EXPTOTAL", "NEXP_SUM", "EXPTIME", "OBJECT", "DATE-AVG", "DATE-OBS", "DATE-END", "FILTER", "INSTRUME", "MT_MOUNT", "MT_MNTEF", "MT_ALTEN",
                "MT_ALTAZ", "MT_REF", "MT_PAD", "MT_TRIMX", "MT_TRIMY", "ZMT_EMPT"), new ArrayList<>(h.keySet()));
        assertEquals(3, h.get("MT_NFRAMES"));
        assertEquals("none", h.get("MT_NORM"));
        assertEquals("mean", h.get("MT_COMB"));
        assertEquals(30.0, h.get("EXPTOTAL"));
        assertEquals(6L, h.get("NEXP_SUM"));
        assertEquals(10.0, h.get("EXPTIME"), "a mean of 10 s frames: counts per 10 s");
        assertEquals("Field A", h.get("OBJECT"));
        // DATE-OBS 00:00:00, :02, :04 plus half of the 10 s exposures.
        assertEquals("2025-01-01T00:00:07.000", h.get("DATE-AVG"));
        // the first start and the last end: 00:00:04 + 10 s
        assertEquals("2025-01-01T00:00:00.000", h.get("DATE-OBS"));
        assertEquals("2025-01-01T00:00:14.000", h.get("DATE-END"));
        assertEquals("EQ", h.get("MT_MOUNT"));
        assertEquals("h1", h.get("MT_REF")); // the middle of the dither is closest to the centroid
        assertEquals(0, h.get("ZMT_EMPT"));
        assertEquals("master_tile_000.fits", t.fileName());
        assertEquals(List.of("h0", "h1", "h2"), t.frameNames());
        assertTrue(TileHeaders.COMMENTS.keySet().containsAll(h.keySet()));
    }

    /**
     * Frames of two telescopes and two filters in one tile (two nights of one target, as M 94's
     * night 3 joined nights 1-2): the tile names neither, as SDS and Grid mode's mosaic of the same
     * frames do, instead of the reference frame's; exposures that differ give no EXPTIME (no single
     * unit); frames that are themselves stacks count their EXPTOTAL and NEXP_SUM.
     */
    @Test
    void headersClaimOnlyWhatTheFramesStackedShare() {
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Wcs w = SyntheticSky.wcs(150 + 0.0015 * i, 20 - 0.001 * i, SCALE, 0, W, H);
            f.add(SKY_EQ.frame("m" + i, w, W, H, 1, MountMode.UNKNOWN,
                    SyntheticSky.keys("EQMODE", "1", "OBJECT", "Field A", "FILTER", i == 2 ? "LP" : "IRCUT",
                            "TELESCOP", i == 2 ? "S50_b" : "S50_a", "INSTRUME", "Seestar S50",
                            "EXPTIME", i == 2 ? "20" : "10", "EXPTOTAL", String.valueOf(40 * (i + 1)),
                            "NEXP_SUM", String.valueOf(4 * (i + 1))), 10 + i));
        }
        InMemoryFrame m2 = (InMemoryFrame) f.get(2); // the helper makes 10 s frames: this one is 20 s
        f.set(2, new InMemoryFrame(m2.name(), m2.image(), m2.wcs(), m2.mountMode(), 20.0, m2.keys()));
        Map<String, Object> h = builder(false, true, 1).buildAll(groups(f), Progress.NONE, null).get(0).header();
        assertEquals("m1", h.get("MT_REF"), "the reference has FILTER IRCUT and TELESCOP S50_a");
        assertNull(h.get("FILTER"), "IRCUT and LP frames stacked: no filter claimed");
        assertNull(h.get("TELESCOP"), "two telescopes: none claimed");
        assertEquals("FILTER,TELESCOP", h.get("MT_MIXED"), "named, so that a mosaic of this tile claims neither");
        assertEquals("Seestar S50", h.get("INSTRUME"));
        assertEquals("Field A", h.get("OBJECT"));
        assertNull(h.get("EXPTIME"), "10 s and 20 s frames: no one exposure is the mean's unit");
        assertEquals(240.0, h.get("EXPTOTAL"), "the inputs' own EXPTOTAL (40 + 80 + 120 s), not their EXPTIME");
        assertEquals(24L, h.get("NEXP_SUM"), "the inputs' own NEXP_SUM (4 + 8 + 12)");
    }

    @Test
    void starsLandWhereTheSkySaysOnARotatedGroup() {
        MasterTile t = builder(false, true, 1).buildAll(groups(azFrames()), Progress.NONE, null).get(0);
        List<StarMeasure.Star> found = StarMeasure.detect(t.image().plane(0), t.image().width(), t.image().height(), 30, 40);
        assertTrue(found.size() >= 10, "stars found: " + found.size());
        double[] w = new double[2], p = new double[2];
        List<Double> err = new ArrayList<>();
        for (StarMeasure.Star s : found) {
            t.grid().wcs().pixelToWorld(s.x(), s.y(), w);
            double best = Double.POSITIVE_INFINITY;
            for (SyntheticSky.Star c : SKY_AZ.stars) {
                t.grid().wcs().worldToPixel(c.ra(), c.dec(), p);
                best = Math.min(best, Math.hypot(p[0] - s.x(), p[1] - s.y()));
            }
            err.add(best);
        }
        err.sort(null);
        assertTrue(err.get(err.size() / 2) < 0.15, "median position error " + err.get(err.size() / 2) + " px");
        StarMeasure.Stats st = StarMeasure.stats(found);
        double truth = 2.3548 * SKY_AZ.sigmaPx;
        assertTrue(st.medianFwhm() < 1.25 * truth, "FWHM " + st.medianFwhm() + " vs " + truth);
        assertTrue(st.medianEllipticity() < 0.15, "ellipticity " + st.medianEllipticity());
    }

    /**
     * stacking_resample_kernel reaches the stack: the rotated group's stars of 3 px keep their
     * drawn width with Lanczos-3 and come out 3 % wider with the default bilinear resampling (3 of
     * the 4 frames are resampled; narrower stars lose more: ShiftedSourceTest), and
     * the config key picks the kernel (default bilinear, the tiles of a run without it unchanged).
     */
    @Test
    void theResampleKernelKeyReachesTheStack() {
        assertEquals(org.tessera.reproject.Kernel.BILINEAR, MasterTileBuilder.fromConfig(new org.tessera.config.Config(), 1).resampleKernel());
        assertEquals(org.tessera.reproject.Kernel.LANCZOS3, MasterTileBuilder.fromConfig(
                new org.tessera.config.Config().set("stacking_resample_kernel=lanczos3"), 1).resampleKernel());
        double[] fwhm = new double[2];
        int k = 0;
        for (org.tessera.reproject.Kernel kernel : new org.tessera.reproject.Kernel[] {
                org.tessera.reproject.Kernel.BILINEAR, org.tessera.reproject.Kernel.LANCZOS3}) {
            MasterTile t = builder(false, true, 1).withResampleKernel(kernel).buildAll(groups(azFrames()), Progress.NONE, null).get(0);
            List<StarMeasure.Star> found = StarMeasure.detect(t.image().plane(0), t.image().width(), t.image().height(), 30, 40);
            fwhm[k++] = StarMeasure.stats(found).medianFwhm();
        }
        double truth = 2.3548 * SKY_AZ.sigmaPx;
        // measured: bilinear 3.160, lanczos3 3.036, drawn 3.061 (StarMeasure's FWHM, 3 px stars)
        String got = "lanczos3 " + fwhm[1] + ", bilinear " + fwhm[0] + ", truth " + truth;
        assertEquals(1.0, fwhm[1] / truth, 0.02, got);
        assertEquals(1.032, fwhm[0] / truth, 0.015, got);
    }

    /**
     * Strips of 3x200 px, every pixel finite, 3 deg apart in field rotation: the group is stacked on
     * the 201x201 square canvas, where each covers 1.5 % of the pixels. The validity rule takes the
     * finite share over each frame's footprint there (about 600 px), not over the canvas: every
     * strip is stacked, with and without a statistics pass.
     */
    @Test
    void thinFramesOnALargerCanvasAreJudgedByTheirFootprint() throws IOException {
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < 3; i++)
            f.add(SKY_EQ.frame("strip" + i, SyntheticSky.wcs(150, 20, SCALE, 3 * i, 3, 200), 3, 200, 1, MountMode.EQ,
                    SyntheticSky.keys(), 40 + i));
        TileGeometry.Plan plan = TileGeometry.plan(f, MountMode.EQ);
        assertEquals(201, plan.grid().width());
        assertEquals(201, plan.grid().height());
        // The footprints the rule divides by: the reference placed exactly, the others drawn on the canvas.
        assertEquals(600, new PaddedSource(f.get(plan.referenceIndex()), 201, 201, plan.padX(), plan.padY(), "r")
                .footprintPixels());
        for (Frame s : f)
            assertEquals(600, org.tessera.reproject.ShiftedSource.onGrid(s, s.wcs(), plan.grid()).footprintPixels(), 3,
                    s.name());
        for (StackParams p : List.of(StackParams.defaults(), StackParams.plainMean())) {
            MasterTileBuilder b = new MasterTileBuilder(p, new AltAzGating(false, false, AltAzGating.UnknownPolicy.AUTO),
                    new AltAzCleanup.Params(5, 0.15, true), 1);
            MasterTile t = b.buildTile(groups(f).get(0), false, Progress.NONE);
            assertEquals(List.of(), t.stack().dropped(), p.describe());
            assertEquals(3, t.stack().framesUsed(), p.describe());
            assertFalse(t.empty());
        }
    }

    @Test
    void emptyTileIsFlaggedNotSilentlyBlack() {
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            FloatImage img = new FloatImage(W, H, 1);
            img.fill(Float.NaN);
            f.add(new InMemoryFrame("blank" + i, img, SyntheticSky.wcs(151, 20, SCALE, 0, W, H), MountMode.EQ, 5, SyntheticSky.keys()));
        }
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            List<MasterTile> got = new ArrayList<>();
            Phase3Result r = builder(false, true, 1).build(groups(f), got::add, Progress.NONE);
            MasterTile t = got.get(0);
            assertTrue(t.empty());
            assertEquals(1, t.header().get("ZMT_EMPT"));
            assertEquals(W, t.image().width()); // not trimmed away
            assertTrue(r.tiles().get(0).empty());
            assertTrue(log.has(Level.WARNING, "[P3] tile 0 is empty"));
            byte[] a = new byte[W];
            t.alphaRows(0, 1, a);
            for (byte b : a) assertEquals(0, b);
        }
    }

    @Test
    void oneFailingTileIsReportedAndTheOthersFinish() {
        Frame broken = new Frame() {
            final Frame inner = eqFrames("x").get(0);
            @Override public String name() { return "broken.fits"; }
            @Override public Wcs wcs() { return SyntheticSky.wcs(152, 20, SCALE, 0, W, H); }
            @Override public MountMode mountMode() { return MountMode.EQ; }
            @Override public double exposureSeconds() { return 1; }
            @Override public Map<String, String> keys() { return Map.of(); }
            @Override public int width() { return W; }
            @Override public int height() { return H; }
            @Override public int channels() { return 1; }
            @Override public void readRows(int y0, int rows, float[][] dst) throws IOException {
                throw new IOException("broken.fits: truncated file at row " + y0);
            }
        };
        List<Frame> all = new ArrayList<>(eqFrames("ok"));
        all.add(broken);
        all.addAll(azFrames());
        List<FrameGroup> g = groups(all);
        assertEquals(3, g.size());
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            List<MasterTile> got = new ArrayList<>();
            Phase3Result r = builder(false, true, 2).build(g, t -> { synchronized (got) { got.add(t); } }, Progress.NONE);
            assertEquals(List.of(0, 2), r.tiles().stream().map(Phase3Result.Summary::id).toList());
            assertEquals(1, r.failures().size());
            assertEquals(1, r.failures().get(0).id());
            assertTrue(r.failures().get(0).message().contains("broken.fits: truncated file"));
            assertTrue(log.has(Level.WARNING, "[P3] tile 1 failed: broken.fits: broken.fits: truncated file"));
            assertEquals(2, got.size());
        }
    }

    @Test
    void aSinkFailureFailsOnlyThatTile() {
        List<Frame> all = new ArrayList<>(eqFrames("s"));
        all.addAll(azFrames());
        Phase3Result r = builder(false, true, 2).build(groups(all), t -> {
            if (t.id() == 0) throw new IOException(t.fileName() + ": cannot write: input/output error");
        }, Progress.NONE);
        assertEquals(List.of(new Phase3Result.Failure(0, "master_tile_000.fits: cannot write: input/output error")), r.failures());
        assertEquals(1, r.tiles().size());
    }

    /**
     * A full disk is the run's failure, not the tile's: the other tiles went on stacking, each to
     * fail at its write, and a mosaic made after space came back lacked them with exit 1. The run
     * stops with the message naming the file; the tile written before stays.
     */
    @Test
    void aFullDiskEndsPhase3WithTheFileNamed() {
        List<Frame> all = new ArrayList<>(eqFrames("d"));
        all.addAll(azFrames());
        List<Integer> written = new ArrayList<>();
        try (Logged.Capture log = Logged.capture("org.tessera.tiles", Level.FINE)) {
            java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                    () -> builder(false, true, 1).build(groups(all), t -> {
                        if (t.id() == 1) throw new java.nio.file.FileSystemException("/out/master_tiles/" + t.fileName() + ".part",
                                null, "No space left on device");
                        written.add(t.id());
                    }, Progress.NONE));
            String full = "/out/master_tiles/master_tile_001.fits.part: the disk is full (No space left on device): "
                    + "free some space or choose another output folder";
            assertEquals(full, org.tessera.UserMessages.describe(e));
            // the run's failure line says it: the tile's own line stays in the log file, not a second
            // console line of the same words
            assertTrue(log.has(Level.FINE, "[P3] tile 1 failed: " + full + " (the run stops)"), log.toString());
            assertTrue(!log.has(Level.WARNING, "[P3] tile 1 failed: " + full), log.toString());
        }
        assertEquals(List.of(0), written);
    }

    @Test
    void parallelAndSerialRunsAgree() {
        List<Frame> all = new ArrayList<>(eqFrames("p"));
        all.addAll(azFrames());
        List<FrameGroup> g = groups(all);
        List<MasterTile> one = builder(false, true, 1).buildAll(g, Progress.NONE, null);
        List<MasterTile> three = builder(false, true, 3).buildAll(g, Progress.NONE, null);
        assertEquals(2, one.size());
        assertTrue(one.get(1).cleaned());
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i).image().plane(0), three.get(i).image().plane(0));
            assertEquals(one.get(i).cleaned(), three.get(i).cleaned());
            if (one.get(i).cleaned()) assertArrayEquals(one.get(i).alpha().plane(0), three.get(i).alpha().plane(0));
        }
    }

    @Test
    void cancelledRunStartsNoMoreTiles() {
        Progress cancelled = new Progress() {
            @Override public void update(double f, String m) { }
            @Override public boolean cancelled() { return true; }
        };
        List<Frame> all = new ArrayList<>(eqFrames("c"));
        all.addAll(azFrames());
        Phase3Result r = builder(false, true, 1).build(groups(all), t -> { }, cancelled);
        assertTrue(r.cancelled());
        assertTrue(r.tiles().isEmpty());
    }

    @Test
    void alphaRowsForTheAlphaExtension() {
        FloatImage img = new FloatImage(4, 1, new float[][] {{1, Float.NaN, 3, 4}});
        FloatImage a = new FloatImage(4, 1, new float[][] {{1f, 1f, 0.5f, 0f}});
        MasterTile t = new MasterTile(3, img, a, new org.tessera.wcs.WcsGrid(SyntheticSky.wcs(1, 1, 0.001, 0, 4, 1), 4, 1),
                Map.of("ZMT_EMPT", 0, "MT_MOUNT", "ALT_AZ"), List.of(), null);
        byte[] row = new byte[4];
        t.alphaRows(0, 1, row);
        assertArrayEquals(new byte[] {(byte) 255, 0, (byte) 128, 0}, row);
        MasterTile plain = new MasterTile(3, img, null, t.grid(), Map.of("ZMT_EMPT", 0, "MT_MOUNT", "EQ"), List.of(), null);
        plain.alphaRows(0, 1, row);
        assertArrayEquals(new byte[] {(byte) 255, 0, (byte) 255, (byte) 255}, row);
        assertEquals(MountMode.EQ, plain.mount());
        assertFalse(plain.cleaned());
    }

    @Test
    void workersFitTheMemoryBudget() {
        List<FrameGroup> g = groups(new ArrayList<>(eqFrames("w")) {{ addAll(azFrames()); }});
        long per = MasterTileBuilder.bytesPerTile(g.get(0));
        // 160x120 frames: canvas side 200, 1 channel -> 200^2 * 4 * (1 + 5) + 2 * 4 * 160 * 120
        assertEquals(200L * 200 * 4 * 6 + 2L * 4 * 160 * 120, per);
        assertEquals(2, MasterTileBuilder.workersFor(g, 0, 16));           // no budget: cores, capped by groups
        assertEquals(1, MasterTileBuilder.workersFor(g, per + 1, 16));     // room for one tile
        assertEquals(1, MasterTileBuilder.workersFor(g, 10, 16));          // never below one
        assertEquals(1, MasterTileBuilder.workersFor(g, Long.MAX_VALUE, 1));
    }
}
