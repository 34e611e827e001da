package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;
import org.tessera.synth.SyntheticSky;

/**
 * An all-zero readout with a WCS among good frames. It was dropped by the stack only when the stack
 * measured the frames: with {@code stacking_normalize_method=none} and
 * {@code stacking_weighting_method=none} it was stacked (MT_NFRAMES 4, the tile pulled towards 0),
 * and with any setting it shaped the tile's grid before the drop (25 px right and down of the
 * others, in their group: a 165×121 tile instead of 160×120 with the defaults, 140×146 with both none). Every mode now screens its inputs before any grid is made.
 */
class ConstantFrameScreenTest {

    static final String ZERO = "every pixel holds the same value, 0 (an all-zero or blank readout): no data";

    private static float[][] pixels(Path fits) throws IOException {
        FitsFrame f = FitsFrame.open(fits);
        float[][] all = f.newBand(f.height());
        f.readRows(0, f.height(), all);
        return all;
    }

    /** An all-zero frame on {@code like}'s WCS moved {@code dx} px right and down, with the good frames' mount. */
    static Path zeroFrame(Path file, FitsFrame like, int dx) throws Exception {
        return frame(file, like, dx, 0f);
    }

    /** A frame of {@code value} everywhere (0: an all-zero readout; NaN: no finite pixel), placed as {@link #zeroFrame}. */
    static Path frame(Path file, FitsFrame like, int dx, float value) throws Exception {
        Header h = new Header();
        like.wcs().shifted(dx, dx).writeTo(h);
        h.addValue("EXPTIME", 10.0, null);
        h.addValue("EQMODE", 1, null); // the good frames' mount: one group
        h.addValue("DATE-OBS", "2025-03-14T21:00:00", null);
        FloatImage img = new FloatImage(like.width(), like.height(), like.channels());
        img.fill(value);
        FitsImageWriter.write(file, img, h, FitsImageWriter.AlphaMode.NONE);
        return file;
    }

    @Test
    void anAllZeroFrameIsNamedAndNeitherStackedNorShapesTheTile(@TempDir Path dir) throws Exception {
        screened(dir, 0f, ZERO);
    }

    /**
     * An all-NaN frame (no finite pixel) 25 px off the others was dropped by the stack in the
     * stack's words, but only after it had widened the tile's grid (a 165×121 tile instead of
     * 160×120 with the defaults). Screened with the constant frames, in the same words.
     */
    @Test
    void anAllNanFrameIsNamedInTheStacksWordsAndShapesNoTile(@TempDir Path dir) throws Exception {
        screened(dir, Float.NaN, "finite fraction 0.0000 < 0.02 in channel 0");
    }

    private static void screened(Path dir, float value, String reason) throws Exception {
        SyntheticSky sky = new SyntheticSky().object("Zero").frameSize(160, 120).pixelScale(2.4).starDensity(0.3).seed(7)
                .panels(1, 1).framesPerPanel(3).exposure(10);
        List<Path> good = sky.writeFits(dir.resolve("good"));
        List<Path> withZero = new ArrayList<>(sky.writeFits(dir.resolve("bad")));
        Path zero = frame(dir.resolve("bad/zzz_zero.fits"), FitsFrame.open(good.get(0)), 25, value);
        for (Config c : List.of(new Config(),
                new Config().set("stacking_normalize_method=none").set("stacking_weighting_method=none"))) {
            String tag = c.toJson();
            Path a = dir.resolve("a" + tag.hashCode()), b = dir.resolve("b" + tag.hashCode());
            MosaicPipeline.Outcome clean = MosaicPipeline.mosaic(List.of(dir.resolve("good")), a, c, Progress.NONE);
            MosaicPipeline.Outcome o = MosaicPipeline.mosaic(List.of(dir.resolve("bad")), b, c, Progress.NONE);
            Path tileA = a.resolve("master_tiles/master_tile_000.fits"), tileB = b.resolve("master_tiles/master_tile_000.fits");
            FitsFrame ta = FitsFrame.open(tileA), tb = FitsFrame.open(tileB);
            assertEquals(160, ta.width(), tag);
            assertEquals(List.of(ta.width(), ta.height()), List.of(tb.width(), tb.height()), tag);
            assertEquals("3", tb.keys().get("MT_NFRAMES").trim(), tag);
            float[][] pa = pixels(tileA), pb = pixels(tileB);
            for (int ch = 0; ch < pa.length; ch++) assertArrayEquals(pa[ch], pb[ch], tag);
            float[][] ma = pixels(clean.mosaic()), mb = pixels(o.mosaic());
            for (int ch = 0; ch < ma.length; ch++) assertArrayEquals(ma[ch], mb[ch], tag);
            assertEquals(List.of(), clean.skipped(), tag);
            assertEquals(List.of(new MosaicPipeline.Skipped(zero.toAbsolutePath().normalize(), reason)), o.skipped(), tag);
        }
        assertEquals(3, withZero.size());
    }

    /**
     * tessera reproject screened nothing: beside one image, an all-NaN image 25 px off it changed
     * the coadd (871.7528 for 871.7527 in its first pixel) and was not named; among several, the
     * outlier-tile check left it out as an "outlier master tile" (0.0 stars/Mpx), not for what it
     * is. Its inputs get the same screen as every mode's frames, for no finite pixel only (a constant
     * image may be data there: ZeMosaicTilesTest's flat tiles): the run is the run without it.
     */
    @Test
    void reprojectLeavesOutImagesOfNoDataBeforeTheGrid(@TempDir Path dir) throws Exception {
        SyntheticSky sky = new SyntheticSky().object("Reproject").frameSize(160, 120).pixelScale(2.4).starDensity(0.3).seed(7)
                .panels(1, 1).framesPerPanel(1).exposure(10);
        List<Path> good = sky.writeFits(dir.resolve("good"));
        MosaicPipeline.Outcome clean = MosaicPipeline.reproject(dir.resolve("clean"), good, new Config(), Progress.NONE);
        FitsFrame mc = FitsFrame.open(clean.mosaic());
        float[][] pc = pixels(clean.mosaic());
        for (float value : new float[] {Float.NaN}) { // not 0: a constant image may be data here (a flat tile), kept
            String tag = "value " + value;
            Path bad = frame(dir.resolve("bad" + value + ".fits"), FitsFrame.open(good.get(0)), 25, value);
            List<Path> in = new ArrayList<>(good);
            in.add(bad);
            MosaicPipeline.Outcome o = MosaicPipeline.reproject(dir.resolve("out" + value), in, new Config(), Progress.NONE);
            FitsFrame mo = FitsFrame.open(o.mosaic());
            assertEquals(List.of(mc.width(), mc.height()), List.of(mo.width(), mo.height()), tag);
            float[][] po = pixels(o.mosaic());
            for (int ch = 0; ch < pc.length; ch++) assertArrayEquals(pc[ch], po[ch], tag);
            assertEquals(List.of(new MosaicPipeline.Skipped(bad.toAbsolutePath().normalize(),
                    "finite fraction 0.0000 < 0.02 in channel 0")), o.skipped(), tag);
        }
    }

    /** The scan's "[READ] N frames usable" counted the screened frames: the screen says how many go on. */
    @Test
    void theScreenSaysHowManyFramesGoOn(@TempDir Path dir) throws Exception {
        SyntheticSky sky = new SyntheticSky().object("Zero").frameSize(160, 120).pixelScale(2.4).starDensity(0.3).seed(7)
                .panels(1, 1).framesPerPanel(3).exposure(10);
        List<FitsFrame> frames = new ArrayList<>();
        for (Path p : sky.writeFits(dir.resolve("good"))) frames.add(FitsFrame.open(p));
        frames.add(FitsFrame.open(frame(dir.resolve("zero.fits"), frames.get(0), 0, 0f)));
        frames.add(FitsFrame.open(frame(dir.resolve("nan.fits"), frames.get(0), 0, Float.NaN)));
        List<String> lines = new ArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("org.tessera.io");
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) { lines.add(r.getMessage()); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        log.addHandler(h);
        List<org.tessera.io.FrameScanner.Problem> skipped = new ArrayList<>();
        try {
            assertEquals(3, org.tessera.io.ConstantFrames.screen(frames, skipped).size());
        } finally {
            log.removeHandler(h);
        }
        assertEquals(2, skipped.size());
        assertEquals(List.of("[READ] 3 of 5 frame(s) go on: 2 hold no data"),
                lines.stream().filter(l -> l.contains("go on")).toList());
    }

    /**
     * Phase 1 from paths screens the frames; Phase 1 from a scan made where the frames lie (a
     * cluster's executors, which screened them there) takes the scan's screen as it is: the driver
     * read every local frame's pixels a second time. An all-zero frame in a scan nobody screened
     * shows which of the two ran.
     */
    @Test
    void phase1FromAScreenedScanDoesNotScreenAgain(@TempDir Path dir) throws Exception {
        SyntheticSky sky = new SyntheticSky().object("Zero").frameSize(160, 120).pixelScale(2.4).starDensity(0.3).seed(7)
                .panels(1, 1).framesPerPanel(3).exposure(10);
        Path in = dir.resolve("in");
        List<Path> good = sky.writeFits(in);
        Path zero = frame(in.resolve("zzz_zero.fits"), FitsFrame.open(good.get(0)), 0, 0f);
        Config c = new Config();
        List<MosaicPipeline.Skipped> fromPaths = new ArrayList<>();
        List<FitsFrame> a = MosaicPipeline.phase1(List.of(in), dir.resolve("a"), c,
                org.tessera.solve.RawFrameAstrometry.Work.LOCAL, fromPaths, Progress.NONE);
        assertEquals(3, a.size());
        assertEquals(List.of(new MosaicPipeline.Skipped(zero.toAbsolutePath().normalize(), ZERO)), fromPaths);

        org.tessera.io.FrameScanner.Scan scan = org.tessera.io.FrameScanner.scanFrames(List.of(in), dir.resolve("b"),
                org.tessera.io.FrameReading.of(c), false);
        assertEquals(4, scan.frames().size());
        List<MosaicPipeline.Skipped> fromScan = new ArrayList<>();
        List<FitsFrame> b = MosaicPipeline.phase1(scan, dir.resolve("b"), c,
                org.tessera.solve.RawFrameAstrometry.Work.LOCAL, fromScan, Progress.NONE);
        assertEquals(4, b.size());
        assertEquals(List.of(), fromScan);
    }
}
