package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.wcs.Wcs;

/**
 * Issue 2's acceptance on real sky: the mosaic of a whole real frame set puts every star where
 * astropy says it is.
 * <p>
 * The fixtures ({@code fixtures/pipeline/<set>_stars.csv}, made by {@code make_star_fixtures.py})
 * hold bright, isolated, unsaturated stars centroided in one raw frame of each observing session
 * and converted to (RA, Dec) by astropy from that frame's plate solution. Here each (RA, Dec) goes
 * through the mosaic's own WCS to the pixel where the star should be, and the star is measured
 * there with the fixture's centroid method ({@link StarCentroid}). Reading the mosaic WCS with our
 * {@code Wcs} code is itself checked against astropy by {@code org.tessera.wcs.WcsFixtureTest}
 * (fixtures/wcs, including the real NGC 7023 and M 94 headers), so an offset here is the pipeline's
 * (debayer, stacking onto the tile grid, final grid, reprojection), not the WCS reader's.
 * <p>
 * Tolerances: for the same stars, the plate solutions of different sessions agree to 0.25–0.4″
 * median (0.8″ for M 94 night 3), i.e. 0.1–0.35 px at 2.37″/px, and the faintest fixture stars
 * (15σ in one raw frame) centroid to ~0.1–0.2 px. Measured here: median 0.07 px (NGC 7023) and
 * 0.16 px (M 94). A half-pixel convention error or a wrong rotation pushes the median past 0.3 px;
 * a star displaced by more than {@link #SEARCH_PX} is "not found".
 */
class RealSkyAcceptanceTest {

    static final Path DATA = Paths.get("../shared/data");
    static final Path FIXTURES = Paths.get("src/test/resources/fixtures/pipeline");

    static final double MIN_FOUND = 0.80, MAX_MEDIAN_PX = 0.3, MAX_OFFSET_PX = 1.0;
    /**
     * Per session: the M 94 night-3 plate solution (linear TAN, field rotated ~70° from nights 1–2)
     * puts the same stars 0.8″ (0.34 px) median from where the night-1/2 solutions put them, and the
     * mosaic blends all nights, so one session's stars may sit up to ~0.35 px off.
     */
    static final double MAX_SESSION_MEDIAN_PX = 0.45;
    /** A centroid that settles farther than this from the expected pixel is another object. */
    static final double SEARCH_PX = 3.0;

    /** One fixture row: a star in a raw frame (0-based pixel) and its sky position from astropy. */
    record FixtureStar(String frame, double x, double y, double ra, double dec, double flux) {}

    /** What the check found for one star on the mosaic. */
    record Measured(FixtureStar star, double ex, double ey, StarCentroid.Result result) {
        double offset() { return Math.hypot(result.x() - ex, result.y() - ey); }
        boolean found() { return result.found() && offset() <= SEARCH_PX; }
    }

    @Test
    void ngc7023MosaicPutsStarsWhereAstropySaysTheyAre(@TempDir Path out) throws Exception {
        check("ngc7023", DATA.resolve("seestar_ngc7023_solved"), 6, out);
    }

    /** 12 frames in night1/2/3 sub-folders: found recursively, three sessions, two pointings. */
    @Test
    void m94SubsetMosaicPutsStarsWhereAstropySaysTheyAre(@TempDir Path out) throws Exception {
        check("m94", DATA.resolve("seestar_m94_subset"), 12, out);
    }

    private static void check(String set, Path folder, int frames, Path out) throws Exception {
        assumeTrue(Files.isDirectory(folder), "real test data not found at " + folder.toAbsolutePath()
                + " (clone the shared data beside the repository as ../shared)");
        List<FixtureStar> stars = readFixture(FIXTURES.resolve(set + "_stars.csv"));
        assertTrue(stars.size() >= 30, set + ": fixture holds " + stars.size() + " stars");

        // The automatic frames-per-tile cap reads the heap free now, garbage included: collect it
        // so that earlier tests in this JVM do not change the grouping (see docs/acceptance.md).
        System.gc();
        long t0 = System.nanoTime();
        MosaicPipeline.Outcome o = MosaicPipeline.mosaic(List.of(folder), out, new Config(), Progress.NONE);
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertEquals(List.of(), o.skipped(), set + ": no input or tile set aside");
        assertOutputs(set, out, o, frames);

        FitsFrame mosaic = FitsFrame.open(out.resolve(MosaicPipeline.MOSAIC));
        assertTrue(mosaic.hasWcs(), set + ": mosaic WCS: " + mosaic.wcsProblem());
        assertEquals(3, mosaic.channels(), set + ": colour mosaic from Bayer frames");
        Wcs wcs = mosaic.wcs();

        List<Measured> all = new ArrayList<>();
        List<String> uncovered = new ArrayList<>();
        double[] px = new double[2];
        for (FixtureStar s : stars) {
            wcs.worldToPixel(s.ra(), s.dec(), px);
            if (!covered(mosaic, px[0], px[1])) uncovered.add(s.frame() + " (" + s.x() + ", " + s.y() + ") → mosaic " + fmt(px[0], px[1]));
            all.add(new Measured(s, px[0], px[1], StarCentroid.measure(mosaic, px[0], px[1])));
        }
        assertEquals(List.of(), uncovered, set + ": the mosaic holds data at every fixture star");

        List<Measured> found = all.stream().filter(Measured::found).toList();
        double[] offsets = found.stream().mapToDouble(Measured::offset).sorted().toArray();
        double median = offsets.length == 0 ? Double.NaN : offsets.length % 2 == 1 ? offsets[offsets.length / 2]
                : 0.5 * (offsets[offsets.length / 2 - 1] + offsets[offsets.length / 2]);
        double max = offsets.length == 0 ? Double.NaN : offsets[offsets.length - 1];
        String summary = String.format(Locale.ROOT,
                "[ACCEPT] %s: %d frames → %dx%d mosaic in %.1f s; %d/%d fixture stars found, offset median %.3f px, max %.3f px",
                set, frames, mosaic.width(), mosaic.height(), seconds, found.size(), all.size(), median, max);
        System.out.println(summary);
        String detail = summary + "\n" + table(all);

        assertTrue(found.size() >= MIN_FOUND * all.size(), "nearly all fixture stars are found\n" + detail);
        assertTrue(median < MAX_MEDIAN_PX, "median offset below " + MAX_MEDIAN_PX + " px\n" + detail);
        assertTrue(max < MAX_OFFSET_PX, "every found star within " + MAX_OFFSET_PX + " px\n" + detail);
        // Each session's plate solution is honoured, not only the one the final grid came from.
        for (String frame : stars.stream().map(FixtureStar::frame).distinct().toList()) {
            double[] f = found.stream().filter(m -> m.star().frame().equals(frame)).mapToDouble(Measured::offset).sorted().toArray();
            long n = stars.stream().filter(s -> s.frame().equals(frame)).count();
            assertTrue(f.length >= MIN_FOUND * n, frame + ": stars of this session found\n" + detail);
            System.out.println(String.format(Locale.ROOT, "[ACCEPT]   %s: %d/%d found, median %.3f px, max %.3f px",
                    frame, f.length, n, f[f.length / 2], f[f.length - 1]));
            assertTrue(f[f.length / 2] < MAX_SESSION_MEDIAN_PX, frame + ": median offset of this session's stars\n" + detail);
        }
    }

    /** mosaic.fits with ALPHA, the coverage map, the preview PNG and the kept master tiles. */
    private static void assertOutputs(String set, Path out, MosaicPipeline.Outcome o, int frames) throws IOException {
        Path mosaic = out.resolve(MosaicPipeline.MOSAIC);
        assertEquals(mosaic.toAbsolutePath(), o.mosaic().toAbsolutePath());
        FitsFrame m = FitsFrame.open(mosaic);
        assertTrue(m.hasAlpha(), set + ": mosaic.fits carries an ALPHA extension");
        FitsFrame c = FitsFrame.open(out.resolve(MosaicPipeline.COVERAGE));
        assertEquals(List.of(m.width(), m.height(), 1), List.of(c.width(), c.height(), c.channels()),
                set + ": coverage map on the mosaic grid");
        byte[] png = Files.readAllBytes(out.resolve(MosaicPipeline.PREVIEW));
        assertTrue(png.length > 1000 && png[0] == (byte) 0x89 && "PNG".equals(new String(png, 1, 3, StandardCharsets.US_ASCII)),
                set + ": mosaic_preview.png is a PNG");
        List<Path> tiles;
        try (Stream<Path> s = Files.list(out.resolve(MosaicPipeline.TILES_DIR))) {
            tiles = s.filter(p -> p.getFileName().toString().endsWith(".fits")).sorted().toList();
        }
        assertFalse(tiles.isEmpty(), set + ": master tiles are kept in master_tiles/");
        assertEquals(tiles.size(), o.masterTiles().size(), set + ": every tile written is used");
        int stacked = 0;
        for (Path t : tiles) {
            FitsFrame f = FitsFrame.open(t);
            assertTrue(f.hasWcs(), t + " carries a WCS");
            stacked += Integer.parseInt(f.keys().get("MT_NFRAMES").trim());
        }
        assertEquals(frames, stacked, set + ": every frame of the set (sub-folders included) went into a master tile");
    }

    /** True when (x, y) lies inside the mosaic and its pixel holds data (ALPHA > 0, finite). */
    private static boolean covered(FitsFrame mosaic, double x, double y) throws IOException {
        int ix = (int) Math.round(x), iy = (int) Math.round(y);
        if (!(ix >= 0 && iy >= 0 && ix < mosaic.width() && iy < mosaic.height())) return false;
        float[][] row = mosaic.newBand(1);
        mosaic.readRows(iy, 1, row);
        for (float[] ch : row) if (!Float.isFinite(ch[ix])) return false;
        return true;
    }

    static List<FixtureStar> readFixture(Path csv) throws IOException {
        List<FixtureStar> stars = new ArrayList<>();
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("frame,")) continue;
            String[] f = line.split(",");
            assertEquals(6, f.length, csv + ": " + line);
            stars.add(new FixtureStar(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])));
        }
        return stars;
    }

    private static String table(List<Measured> all) {
        StringBuilder b = new StringBuilder("frame, raw x, raw y → expected mosaic x, y: status, dx, dy\n");
        for (Measured m : all)
            b.append(String.format(Locale.ROOT, "%s %8.2f %8.2f → %8.2f %8.2f: %s %+.3f %+.3f%n", m.star().frame(),
                    m.star().x(), m.star().y(), m.ex(), m.ey(), m.result().status(),
                    m.result().x() - m.ex(), m.result().y() - m.ey()));
        return b.toString();
    }

    private static String fmt(double x, double y) {
        return String.format(Locale.ROOT, "(%.2f, %.2f)", x, y);
    }
}
