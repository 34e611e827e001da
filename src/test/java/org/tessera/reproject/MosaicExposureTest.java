package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.WcsGrid;

/**
 * A mosaic's {@code EXPTIME} is the unit of its pixel values. Where the photometric match put
 * tiles of other exposures on one (E_ref, {@link PhotometricMatch#exposurePriors}) the mosaic is in
 * counts per E_ref and says so, from the plan ({@link CoaddPlan#exposure}); where it did not, the
 * header is as it was: the common exposure, or none.
 */
class MosaicExposureTest {

    /**
     * {@link ExposurePriorTest#pair}'s two tiles (the second {@code scale} × the first) written as
     * stacks Tessera wrote: ORIGIN, {@code EXPTIME} (null: none), {@code MT_NFRAMES}, sums and dates.
     */
    static List<CoaddInput> tiles(Path dir, double scale, Double[] exptime, int[] frames) throws IOException {
        List<CoaddInput> raw = PreviewLatticeGainTest.tiles(5, new double[][] {
                {0, 0, 0, 1}, {PreviewLatticeGainTest.W - 100, 40, 9, scale}});
        Files.createDirectories(dir);
        List<CoaddInput> out = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            FloatImage img = (FloatImage) raw.get(i).image();
            int w = img.width(), h = img.height();
            float[][][] chw = new float[1][h][w];
            for (int y = 0; y < h; y++) System.arraycopy(img.plane(0), y * w, chw[0][y], 0, w);
            Map<String, Object> cards = new LinkedHashMap<>();
            cards.put("ORIGIN", "Tessera");
            if (exptime[i] != null) {
                cards.put("EXPTIME", exptime[i]);
                cards.put("EXPTOTAL", exptime[i] * frames[i]);
            }
            cards.put("NEXP_SUM", frames[i]);
            cards.put("DATE-AVG", "2026-03-0" + (1 + i) + "T22:00:00.000");
            Path f = ZeMosaicTileFixture.write(dir.resolve("tile" + i + ".fits"), raw.get(i).wcs(), chw, null, i + 1,
                    frames[i], frames[i], frames[i], cards);
            out.add(CoaddFiles.input(FitsFrame.open(f)));
        }
        return out;
    }

    static WcsGrid grid(List<CoaddInput> in) {
        List<WcsGrid> fps = new ArrayList<>();
        for (CoaddInput c : in) fps.add(new WcsGrid(c.wcs(), c.image().width(), c.image().height()));
        return OptimalGrid.compute(fps);
    }

    static final CoaddFiles.Names NAMES = new CoaddFiles.Names("mosaic.fits", "mosaic_coverage.fits", "mosaic_preview.png");

    /** Coadds {@code in} into {@code out} (DBE as {@code config} says); returns the mosaic's primary header. */
    static Header mosaic(List<CoaddInput> in, CoaddParams p, Config config, Path out, double[] exposure) throws IOException {
        Files.createDirectories(out);
        CoaddFiles.Written w = CoaddFiles.write(in, grid(in), p.withWorkers(2), out, NAMES, "mosaic", config,
                Progress.NONE, Progress.NONE);
        exposure[0] = w.result().exposure();
        try (Fits f = new Fits(w.mosaic().toFile())) {
            return f.readHDU().getHeader();
        } catch (FitsException e) {
            throw new IOException(e);
        }
    }

    private static List<String> keys(Header h) {
        List<String> k = new ArrayList<>();
        for (var it = h.iterator(); it.hasNext(); ) k.add(it.next().getKey());
        return k;
    }

    @Test
    void tilesOfTenAndTwentySecondsGiveTheMosaicTheReferenceExposure(@TempDir Path dir) throws IOException {
        double[] e = new double[1];
        // 4 frames of 10 s, 2 of 20 s: the tiles are put on 10 s (NGC 7023's sessions), DBE on: its
        // header rewrites keep the card.
        List<CoaddInput> in = tiles(dir.resolve("a"), 2, new Double[] {10.0, 20.0}, new int[] {4, 2});
        Header h = mosaic(in, CoaddParams.defaults(), new Config(), dir.resolve("a-out"), e);
        assertEquals(10, e[0], 0);
        assertEquals(10, h.getDoubleValue("EXPTIME", Double.NaN), 0);
        HeaderCard c = h.findCard("EXPTIME");
        assertEquals(MosaicProvenance.EXPTIME_SCALED_COMMENT, c.getComment());
        assertTrue(h.getBooleanValue("DBE", false), "the background extraction rewrote the header");
        // Where a mean's EXPTIME stands: after the sums, before the dates.
        List<String> k = keys(h);
        assertEquals(List.of("EXPTOTAL", "NEXP_SUM", "EXPTIME", "DATE-AVG"),
                k.stream().filter(List.of("EXPTOTAL", "NEXP_SUM", "EXPTIME", "DATE-AVG")::contains).toList());
        assertEquals(80, h.getDoubleValue("EXPTOTAL"), 0, "the sum stays the frames' exposure");

        // One frame each: a tie goes to the longer exposure; DBE off.
        List<CoaddInput> tie = tiles(dir.resolve("b"), 2, new Double[] {10.0, 20.0}, new int[] {1, 1});
        Header t = mosaic(tie, CoaddParams.defaults(), new Config().set("final_mosaic_dbe_enabled=false"),
                dir.resolve("b-out"), e);
        assertEquals(20, e[0], 0);
        assertEquals(20, t.getDoubleValue("EXPTIME", Double.NaN), 0);
        assertFalse(t.containsKey("DBE"));
    }

    @Test
    void tilesOfOneExposureKeepTheirCommonExposureAndTheirHeader(@TempDir Path dir) throws IOException {
        double[] e = new double[1];
        List<CoaddInput> in = tiles(dir.resolve("a"), 1.1, new Double[] {10.0, 10.0}, new int[] {4, 2});
        Header h = mosaic(in, CoaddParams.defaults(), new Config(), dir.resolve("a-out"), e);
        assertTrue(Double.isNaN(e[0]), "no exposure put on another: " + e[0]);
        assertEquals(10, h.getDoubleValue("EXPTIME", Double.NaN), 0);
        assertEquals(MosaicProvenance.EXPTIME_COMMENT, h.findCard("EXPTIME").getComment());
        // The cards are the inputs' own, as before the plan said any exposure.
        MosaicProvenance about = MosaicProvenance.of(in);
        assertSame(about, about.inUnitOf(e[0]));
    }

    @Test
    void withoutTheExposurePriorTheMosaicHasNoExptime(@TempDir Path dir) throws IOException {
        double[] e = new double[1];
        List<CoaddInput> in = tiles(dir.resolve("a"), 2, new Double[] {10.0, 20.0}, new int[] {4, 2});
        Config noDbe = new Config().set("final_mosaic_dbe_enabled=false");
        // intertile_photometric_match = false (the background match still runs): no gain, no prior.
        Header off = mosaic(in, CoaddParams.defaults().withSteps(true, false, true, false), noDbe, dir.resolve("off"), e);
        assertTrue(Double.isNaN(e[0]), "no prior without the gain match: " + e[0]);
        assertFalse(off.containsKey("EXPTIME"), "mixed exposures and no prior: no unit");
        // Matching off altogether.
        Header none = mosaic(in, CoaddParams.defaults().withSteps(true, false, false, false), noDbe, dir.resolve("none"), e);
        assertTrue(Double.isNaN(e[0]));
        assertFalse(none.containsKey("EXPTIME"));
        // A tile of unknown exposure: nothing is rescaled by a guess.
        List<CoaddInput> unknown = tiles(dir.resolve("b"), 2, new Double[] {null, 20.0}, new int[] {4, 2});
        Header u = mosaic(unknown, CoaddParams.defaults(), noDbe, dir.resolve("unknown"), e);
        assertTrue(Double.isNaN(e[0]));
        assertFalse(u.containsKey("EXPTIME"));
        // One tile: nothing to match.
        Header one = mosaic(in.subList(1, 2), CoaddParams.defaults(), noDbe, dir.resolve("one"), e);
        assertTrue(Double.isNaN(e[0]));
        assertEquals(20, one.getDoubleValue("EXPTIME", Double.NaN), 0, "its own exposure, as before");
        assertEquals(MosaicProvenance.EXPTIME_COMMENT, one.findCard("EXPTIME").getComment());
    }

    @Test
    void thePlanCarriesItsExposureToTheExecutors() throws Exception {
        List<CoaddInput> in = ExposurePriorTest.pair(2, 10, 20);
        CoaddPlan plan = ReprojectCoadd.plan(in, grid(in), CoaddParams.defaults().withWorkers(2), null);
        assertEquals(20, plan.exposure(), 0);
        assertEquals(20, CoaddPlanTest.roundTrip(plan).exposure(), 0);
        CoaddPlan same = ReprojectCoadd.plan(ExposurePriorTest.pair(2, 10, 10), grid(in), CoaddParams.defaults().withWorkers(2), null);
        assertTrue(Double.isNaN(same.exposure()));
        assertTrue(Double.isNaN(CoaddPlanTest.roundTrip(same).exposure()));
    }

    @Test
    void aTileTooSmallForAPreviewIsPutOnTheReferenceExposureToo() throws IOException {
        // 10 s and 20 s tiles, and a 3 × 3 px one of 5 s, too small to fill a preview cell (8 × 8 px,
        // at least 16 valid): one frame each, a tie, so E_ref is the longest, 20 s.
        List<CoaddInput> in = new ArrayList<>(ExposurePriorTest.pair(1, 10, 20));
        FloatImage tiny = new FloatImage(3, 3, 1);
        java.util.Arrays.fill(tiny.plane(0), 300f);
        in.add(new CoaddInput("tiny", tiny, null, TestSkies.tan(PreviewLatticeGainTest.RA, PreviewLatticeGainTest.DEC,
                PreviewLatticeGainTest.SCALE, 0, 3, 3), 1, 5));
        {
            List<Tile> ts = new ArrayList<>();
            for (int i = 0; i < 3; i++) ts.add(new Tile(i, in.get(i), 3, 0.02));
            int f = ReprojectCoadd.previewFactor(ts, CoaddParams.defaults().match().previewSize());
            System.out.println("DEBUG factor " + f + " ppc " + ts.get(2).pixelsPerCell(f, grid(in).wcs()) + " crop " + ts.get(2).cx0 + " " + ts.get(2).cx1);
        }
        CoaddPlan plan = ReprojectCoadd.plan(in, grid(in), CoaddParams.defaults().withWorkers(2), null);
        assertEquals(20, plan.exposure(), 0);
        ReprojectCoadd.TileReport t = plan.reports().get(2);
        assertTrue(t.used(), t.note());
        // Matched to nothing, but its counts per 5 s are put on 20 s like the others' (4×, not 1).
        assertEquals(4, t.gain(), 0);
    }
}
