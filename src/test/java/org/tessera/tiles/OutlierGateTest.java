package org.tessera.tiles;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.cli.Main;
import org.tessera.command.Jobs;
import org.tessera.config.Config;
import org.tessera.image.RowSource;
import org.tessera.image.RowSourceView;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;
import org.tessera.io.MountMode;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.synth.SyntheticSky;

/**
 * Issue 14: a planted outlier master tile (median × 1e5) is left out before Phase 5 and reported
 * (exit status 1), and the mosaic equals, bit for bit, the mosaic made without it. Before, it was
 * coadded and turned the mosaic grey.
 */
class OutlierGateTest {

    @Test
    void judgeFlagsOnlyGrossOutliers() {
        OutlierGate g = new OutlierGate(false, 0.48);
        List<OutlierGate.Stats> s = new ArrayList<>(List.of(
                new OutlierGate.Stats(1000, 10, 50, 0.95), new OutlierGate.Stats(1100, 12, 80, 0.90),
                new OutlierGate.Stats(950, 9, 30, 0.60), new OutlierGate.Stats(1020, 11, 140, 0.97)));
        assertArrayEquals(new String[4], g.judge(s), "natural spread: a sky 15% off, 4x the stars, 60% valid");
        s.add(new OutlierGate.Stats(1000 * 1e5, 10 * 1e5, 50, 0.95)); // the planted tile
        String[] why = g.judge(s);
        for (int i = 0; i < 4; i++) assertNull(why[i], "tile " + i);
        assertTrue(why[4].contains("sky level 1.000e+08 is 9.80e+04 x the median"), why[4]);
        // the sky near zero (background subtracted): the ratio does not apply, the noise z-score does
        List<OutlierGate.Stats> flat = List.of(new OutlierGate.Stats(0.1, 10, 50, 1), new OutlierGate.Stats(-0.2, 11, 50, 1),
                new OutlierGate.Stats(0.05, 9, 50, 1), new OutlierGate.Stats(3, 9e4, 50, 1));
        why = g.judge(flat);
        assertNull(why[0]);
        assertTrue(why[3].startsWith("noise 9.000e+04 vs median"), why[3]);
        // the optional quality score: (0.3 + 10/40 + 12/50) / 3 = 0.263 < 0.48
        List<OutlierGate.Stats> q = List.of(new OutlierGate.Stats(1000, 10, 50, 0.95), new OutlierGate.Stats(1000, 10, 50, 0.95),
                new OutlierGate.Stats(1000, 40, 12, 0.3));
        assertNull(g.judge(q)[2]);
        assertEquals("quality score 0.263 < quality_gate_threshold 0.480", new OutlierGate(true, 0.48).judge(q)[2]);
    }

    /**
     * A small mono tile (blocks of one pixel) is measured by its own short loop: the same numbers
     * as the general loop gives its grey colour twin (three equal channels average to the value
     * exactly), NaN pixels left out of the valid fraction, the sky and noise those planted.
     */
    @Test
    void aSmallMonoTileMeasuresAsItsGreyColourTwin() throws IOException {
        int w = 400, h = 300;
        org.tessera.image.FloatImage mono = new org.tessera.image.FloatImage(w, h, 1), rgb = new org.tessera.image.FloatImage(w, h, 3);
        java.util.Random r = new java.util.Random(4);
        int nan = 0;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float v = (float) (500 + 7 * r.nextGaussian());
                if (x % 37 == 5 && y % 29 == 3) v += 4000; // stars: isolated peaks
                if (r.nextInt(50) == 0) { v = Float.NaN; nan++; }
                mono.set(0, x, y, v);
                for (int c = 0; c < 3; c++) rgb.set(c, x, y, v);
            }
        OutlierGate.Stats m = OutlierGate.measure(mono), c = OutlierGate.measure(rgb);
        assertEquals(c, m);
        assertEquals(1 - nan / (double) (w * h), m.validFraction(), 1e-12);
        // Sky and noise from an even subsample (120 000 pixels, at most 65 536 used): as planted.
        assertTrue(w * h > OutlierGate.STAT_SAMPLES, "test premise: the subsample is taken");
        assertEquals(500, m.sky(), 0.1);
        assertEquals(7, m.noise(), 0.1);
        assertTrue(m.starsPerMpx() > 0, "stars found: " + m);
    }

    /** Two tiles cannot tell which is the outlier: both kept without reading a pixel (the files are cut short). */
    @Test
    void fewerThanThreeTilesAreKeptUnread(@TempDir Path tmp) throws Exception {
        Path dss = Path.of("../shared/data/dss_pair");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dss), "needs ../shared/data");
        List<FitsFrame> frames = new ArrayList<>();
        try (Stream<Path> files = Files.list(dss)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".fits")).sorted().toList()) {
                Path copy = Files.copy(p, tmp.resolve(p.getFileName()));
                frames.add(FitsFrame.open(copy));
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(copy,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.truncate(2880 * 2); // the header stays, the pixels go
                }
            }
        }
        assertEquals(2, frames.size());
        assertThrows(IOException.class, () -> OutlierGate.measure(frames.get(0)), "the pixels are gone");
        OutlierGate.Result r = new OutlierGate(true, 0.48).apply(frames);
        assertEquals(frames, r.kept());
        assertTrue(r.rejected().isEmpty());
    }

    @Test
    void plantedOutlierIsLeftOutAndTheMosaicEqualsTheOneWithoutIt(@TempDir Path tmp) throws Exception {
        Path frames = tmp.resolve("frames");
        new SyntheticSky().seed(11).centre(150, 40).panels(2, 2).overlap(0.3).framesPerPanel(2).frameSize(160, 120)
                .pixelScale(2.4).mount(MountMode.EQ).writeFits(frames);
        Path run = tmp.resolve("run");
        MosaicPipeline.mosaic(List.of(frames), run, new Config(), Progress.NONE);
        List<Path> tiles;
        try (Stream<Path> s = Files.list(run.resolve(MosaicPipeline.TILES_DIR))) {
            tiles = s.filter(p -> p.toString().endsWith(".fits")).sorted().toList();
        }
        assertEquals(4, tiles.size());
        Path planted = tmp.resolve("planted").resolve("master_tile_003.fits");
        Files.createDirectories(planted.getParent());
        scaled(tiles.get(3), 1e5, planted);

        Path with = tmp.resolve("with"), without = tmp.resolve("without");
        String out = cli("reproject", with.toString(), tiles.get(0).toString(), tiles.get(1).toString(),
                tiles.get(2).toString(), planted.toString());
        assertTrue(out.startsWith("rc=1"), "a tile left out counts as skipped: exit 1\n" + out);
        assertTrue(out.contains("master_tile_003.fits") && out.contains("outlier master tile left out"), out);
        String ref = cli("reproject", without.toString(), tiles.get(0).toString(), tiles.get(1).toString(),
                tiles.get(2).toString());
        assertTrue(ref.startsWith("rc=0"), ref);
        float[][] a = pixels(with.resolve(MosaicPipeline.MOSAIC)), b = pixels(without.resolve(MosaicPipeline.MOSAIC));
        assertEquals(b.length, a.length);
        for (int c = 0; c < a.length; c++) assertArrayEquals(b[c], a[c], "channel " + c);
    }

    private static String cli(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(o, true, StandardCharsets.UTF_8);
        int rc = new Main(Jobs.PIPELINE).run(args, ps, ps);
        return "rc=" + rc + "\n" + o.toString(StandardCharsets.UTF_8);
    }

    static float[][] pixels(Path fits) throws IOException {
        FitsFrame f = FitsFrame.open(fits);
        float[][] band = f.newBand(f.height());
        f.readRows(0, f.height(), band);
        return band;
    }

    /** A copy of a master tile with every pixel × k (same WCS, header and ALPHA). */
    static void scaled(Path tile, double k, Path target) throws IOException {
        FitsFrame f = FitsFrame.open(tile);
        RowSource times = new RowSourceView(f) {
            @Override public void readRows(int y0, int rows, float[][] dst) throws IOException {
                f.readRows(y0, rows, dst);
                for (float[] p : dst) for (int i = 0; i < rows * f.width(); i++) p[i] *= (float) k;
            }
        };
        FitsImageWriter.write(target, times, f.alpha(), f.header());
    }
}
