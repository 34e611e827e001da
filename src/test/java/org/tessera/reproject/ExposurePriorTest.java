package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.io.FitsFrame;
import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.WcsGrid;

/**
 * Tiles of other sub-exposures (the two NGC 7023 sessions of ../shared/data: 10 s and 20 s) are
 * means in counts per their own exposure, so the 20 s tile's stars are twice as bright before any
 * change of sky. The match used to reach for that 2× with the reference's blend (70 %) and clamp
 * ([0.75, 1.25]): two tiles 2× apart kept a step of 1.27×, and the real mosaic's 20 s part stayed 1.63× brighter
 * than its 10 s part (docs/benchmarks.md, "Real data audit"). With the exposures known
 * ({@link CoaddInput#exposure}) the match starts from the gains that equalise them and blends
 * and clamps only what they leave.
 */
class ExposurePriorTest {

    /** Two rotated tiles of one sky (PreviewLatticeGainTest's), the second at {@code scale} × the first. */
    static List<CoaddInput> pair(double scale, double expA, double expB) {
        List<CoaddInput> raw = PreviewLatticeGainTest.tiles(5, new double[][] {
                {0, 0, 0, 1}, {PreviewLatticeGainTest.W - 100, 40, 9, scale}});
        List<CoaddInput> out = new ArrayList<>();
        double[] e = {expA, expB};
        for (int i = 0; i < 2; i++) {
            CoaddInput c = raw.get(i);
            out.add(new CoaddInput(c.name(), c.image(), c.alpha(), c.wcs(), 1, e[i]));
        }
        return out;
    }

    /** The second tile's stars over the first's in the mosaic: (gain_1 × scale) / gain_0. */
    static double step(List<CoaddInput> in, double scale) throws IOException {
        List<WcsGrid> fps = new ArrayList<>();
        for (CoaddInput c : in) fps.add(new WcsGrid(c.wcs(), c.image().width(), c.image().height()));
        CoaddPlan plan = ReprojectCoadd.plan(in, OptimalGrid.compute(fps), CoaddParams.defaults().withWorkers(2), null);
        double g0 = plan.reports().get(0).gain(), g1 = plan.reports().get(1).gain();
        System.out.printf(Locale.ROOT, "[exposure] gains %.4f %.4f, step %.4f%n", g0, g1, g1 * scale / g0);
        return g1 * scale / g0;
    }

    @Test
    void tilesOfTenAndTwentySecondsEndOnOneScale() throws IOException {
        // Without the exposures (or the prior): gains 1.25 (clamped) and 0.796, a step of 1.27.
        assertEquals(1, step(pair(2, 10, 20), 2), 0.01);
        // The exposures explain 2×, the sky another 1.1× (transparency): blended like any gain.
        double s = step(pair(2.2, 10, 20), 2.2);
        assertTrue(s > 1.01 && s < 1.04, "the 1.1× the exposures leave is blended to 70 %: " + s);
    }

    @Test
    void withoutBothExposuresTheGainsAreTheReferencesClampedOnes() throws IOException {
        // An image of unknown unit is never rescaled by a guess: the old answer, the solve's 1.414
        // and 0.707 blended to 1.290 (clamped to 1.25) and 0.795, a step of 1.27.
        assertEquals(1.273, step(pair(2, Double.NaN, 20), 2), 0.005);
        // Equal exposures: nothing to put on one scale, the same gains as without them.
        assertEquals(step(pair(1.1, Double.NaN, Double.NaN), 1.1), step(pair(1.1, 10, 10), 1.1), 0);
    }

    @Test
    void onlyTesserasStacksGiveTheirExposure(@TempDir Path dir) throws IOException {
        var w = TestSkies.tan(150, 20, 2, 0, 40, 30);
        float[][][] img = ZeMosaicTileFixture.flat(1, 40, 30, 50f);
        Path ours = ZeMosaicTileFixture.write(dir.resolve("a.fits"), w, img, null, 1, 4, 4, 4,
                Map.of("ORIGIN", "Tessera", "EXPTIME", 20.0));
        Path other = ZeMosaicTileFixture.write(dir.resolve("b.fits"), w, img, null, 2, 4, 4, 4, Map.of("EXPTIME", 20.0));
        assertEquals(20, CoaddFiles.input(FitsFrame.open(ours)).exposure(), 0, "a Tessera stack: its EXPTIME");
        // Another program's EXPTIME may be a total, or its pixels already per second.
        assertTrue(Double.isNaN(CoaddFiles.input(FitsFrame.open(other)).exposure()), "another image: unknown");
    }

    /**
     * SDS coadds light frames straight onto its grid ({@link CoaddFiles#frameInput}): a frame's
     * pixels are counts of its own exposure, so its EXPTIME (or EXPOSURE) is its unit; a stack of
     * another program (a frame count above 1) stays unknown, as with {@link CoaddFiles#input}.
     */
    @Test
    void aLightFrameGivesItsExposureAsAnSdsInput(@TempDir Path dir) throws IOException {
        var w = TestSkies.tan(150, 20, 2, 0, 40, 30);
        float[][][] img = ZeMosaicTileFixture.flat(1, 40, 30, 50f);
        Path frame = ZeMosaicTileFixture.write(dir.resolve("f.fits"), w, img, null, 1, 1, 1, null, Map.of("EXPTIME", 20.0));
        Path minutes = ZeMosaicTileFixture.write(dir.resolve("m.fits"), w, img, null, 1, 1, 1, null, Map.of("EXPOSURE", 15.0));
        Path none = ZeMosaicTileFixture.write(dir.resolve("n.fits"), w, img, null, 1, 1, 1, null, Map.of("OBJECT", "x"));
        Path stacked = ZeMosaicTileFixture.write(dir.resolve("s.fits"), w, img, null, 1, 1, 1, null,
                Map.of("EXPTIME", 20.0, "STACKCNT", 5));
        Path tile = ZeMosaicTileFixture.write(dir.resolve("t.fits"), w, img, null, 2, 4, 4, 4, Map.of("EXPTIME", 20.0));
        Path ours = ZeMosaicTileFixture.write(dir.resolve("o.fits"), w, img, null, 1, 4, 4, 4,
                Map.of("ORIGIN", "Tessera", "EXPTIME", 10.0));
        assertEquals(20, CoaddFiles.frameInput(FitsFrame.open(frame)).exposure(), 0);
        assertTrue(Double.isNaN(CoaddFiles.input(FitsFrame.open(frame)).exposure()), "not as a tile");
        assertEquals(FitsFrame.open(minutes).exposureSeconds(), CoaddFiles.frameInput(FitsFrame.open(minutes)).exposure(), 0,
                "EXPOSURE, read as the frame reads it");
        assertTrue(Double.isNaN(CoaddFiles.frameInput(FitsFrame.open(none)).exposure()), "no exposure card: no 1 s guess");
        assertTrue(Double.isNaN(CoaddFiles.frameInput(FitsFrame.open(stacked)).exposure()), "STACKCNT 5: a stack");
        assertTrue(Double.isNaN(CoaddFiles.frameInput(FitsFrame.open(tile)).exposure()), "4 frames: a stack");
        assertEquals(10, CoaddFiles.frameInput(FitsFrame.open(ours)).exposure(), 0, "a Tessera stack: its unit");
    }

    @Test
    void theReferenceExposureIsTheOneOfMostFramesTheLongerOnATie() {
        assertEquals(10, CoaddInput.referenceExposure(new double[] {10, 20}, new double[] {4, 2}), 0);
        assertEquals(20, CoaddInput.referenceExposure(new double[] {10, 20, 10}, new double[] {2, 4, 2}), 0, "a tie");
        assertTrue(Double.isNaN(CoaddInput.referenceExposure(new double[] {10, 10}, new double[] {4, 2})), "one exposure");
        assertTrue(Double.isNaN(CoaddInput.referenceExposure(new double[] {10, Double.NaN}, new double[] {4, 2})), "one unknown");
    }
}
