package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.math.Percentiles;

/**
 * Photometric matching on many tiles must not drift: gains solved pair by pair and chained used
 * to accumulate their small errors (200 tiles of true gain 1 came out at 0.75–1.13, stars at
 * 0.80× their brightness). Whole coadds of a 20×10 grid and 20×2 strips (one whose tiles' noise
 * does not follow their gain) and a 10×4 block of small tiles that differ in sky offset, gradient
 * and noise, with and without planted gains (every tile within 1 %); and the solve itself on a
 * long chain of noisy ratios.
 */
class PhotometricDriftTest {

    static final double NOISE = 4;

    /** Tiles 96×72 px overlapping by 30%, each with its own offset and gradient, optionally a gain. */
    /** Tile size and the step between tile centres (a fraction of the tile): 0.7 overlaps 30 %. */
    record Layout(int tileW, int tileH, double step) {
        static final Layout WIDE = new Layout(96, 72, 0.7);
        /** 10 % overlap: after the 3 % crop per side ~4 %, under intertile_overlap_min (5 %). */
        static final Layout THIN = new Layout(240, 180, 0.9);
    }

    private static SyntheticMosaic mosaic(int cols, int rows, double gainSpread, long seed) {
        return mosaic(cols, rows, gainSpread, seed, false, Layout.WIDE);
    }

    /**
     * @param unequalNoise each tile's noise drawn from 0.5–1.5 × {@link #NOISE} whatever its gain
     *                     (tiles of more or fewer frames), instead of scaling with the gain
     */
    private static SyntheticMosaic mosaic(int cols, int rows, double gainSpread, long seed, boolean unequalNoise, Layout l) {
        SyntheticMosaic s = new SyntheticMosaic(cols, rows, l.tileW(), l.tileH(), l.step(), 300, NOISE, seed,
                (int) (20 * cols * rows * (l.tileW() * l.tileH()) / (96.0 * 72)));
        Random rnd = new Random(seed);
        for (int k = 0; k < cols * rows; k++) {
            double g = Math.exp(gainSpread * (2 * rnd.nextDouble() - 1));
            double[] go = {g, 30 * rnd.nextGaussian(), 0.1 * rnd.nextGaussian(), 0.1 * rnd.nextGaussian()};
            s.gainOffset.set(k, unequalNoise ? new double[] {go[0], go[1], go[2], go[3], (0.5 + rnd.nextDouble()) / g} : go);
        }
        return s;
    }

    private static ReprojectCoadd.Result coadd(SyntheticMosaic s, List<CoaddInput> in, CoaddParams p, MemorySinks m)
            throws IOException {
        return ReprojectCoadd.run(in, s.grid, p.withWorkers(2), m, Progress.NONE);
    }

    /** Gains each tile needs to undo its planted gain, relative to their median: {needed × found / median}. */
    private static double[] relativeRecovery(SyntheticMosaic s, ReprojectCoadd.Result r) {
        double[] prod = new double[r.tiles().size()];
        for (int k = 0; k < prod.length; k++) prod[k] = r.tiles().get(k).gain() * s.gainOffset.get(k)[0];
        double med = Percentiles.median(prod.clone());
        for (int k = 0; k < prod.length; k++) prod[k] /= med;
        return prod;
    }

    /** Aperture fluxes (radius 5 px, sky from the 8–12 px annulus's median) of the stars well inside the coverage. */
    private static double[] starFluxes(SyntheticMosaic s, MemorySinks m) {
        List<Double> out = new ArrayList<>();
        double[] t = new double[2];
        float[] img = m.mosaic.plane(0), cov = m.coverage.plane(0);
        int w = m.grid.width(), h = m.grid.height();
        for (TestSkies.Star st : s.stars) {
            m.grid.wcs().worldToPixel(st.ra(), st.dec(), t);
            int cx = (int) Math.round(t[0]), cy = (int) Math.round(t[1]);
            if (cx < 14 || cy < 14 || cx >= w - 14 || cy >= h - 14) continue;
            double sum = 0;
            int n = 0;
            double[] ring = new double[25 * 25];
            int q = 0;
            boolean covered = true;
            for (int y = cy - 12; y <= cy + 12; y++)
                for (int x = cx - 12; x <= cx + 12; x++) {
                    double d = Math.hypot(x - t[0], y - t[1]);
                    if (!(cov[y * w + x] > 0)) covered = false;
                    if (d <= 5) { sum += img[y * w + x]; n++; }
                    else if (d >= 8 && d <= 12) ring[q++] = img[y * w + x];
                }
            if (!covered) continue;
            out.add(sum - n * Percentiles.median(Arrays.copyOf(ring, q)));
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void assertUnitGainsAndFluxes(int cols, int rows, long seed) throws IOException {
        assertUnitGainsAndFluxes(cols, rows, seed, Layout.WIDE);
    }

    private static void assertUnitGainsAndFluxes(int cols, int rows, long seed, Layout l) throws IOException {
        SyntheticMosaic s = mosaic(cols, rows, 0, seed, false, l);
        List<CoaddInput> in = s.inputs(seed * 1000);
        // The plain mean of the same tiles (same noise) without their offsets and gradients:
        // the star fluxes a perfect match gives, with no seam in any aperture.
        SyntheticMosaic clean = mosaic(cols, rows, 0, seed, false, l);
        for (int k = 0; k < cols * rows; k++) clean.gainOffset.set(k, new double[] {1, 0});
        MemorySinks plain = new MemorySinks(), matched = new MemorySinks();
        coadd(clean, clean.inputs(seed * 1000), CoaddParams.defaults().withSteps(true, false, false, false), plain);
        ReprojectCoadd.Result r = coadd(s, in, CoaddParams.defaults(), matched);
        double lo = 9, hi = 0;
        for (ReprojectCoadd.TileReport t : r.tiles()) {
            lo = Math.min(lo, t.gain());
            hi = Math.max(hi, t.gain());
        }
        assertTrue(lo >= 0.99 && hi <= 1.01, cols + "x" + rows + " tiles of gain 1: gains " + lo + ".." + hi);
        double[] fp = starFluxes(s, plain), fm = starFluxes(s, matched);
        assertEquals(fp.length, fm.length);
        assertTrue(fp.length > 3 * cols * rows, "stars measured: " + fp.length);
        double[] ratio = new double[fp.length];
        List<Double> bright = new ArrayList<>();
        for (int k = 0; k < fp.length; k++) {
            ratio[k] = fm[k] / fp[k];
            if (fp[k] > 5000) bright.add(Math.abs(ratio[k] - 1));
        }
        double[] err = bright.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double p95 = err[(int) (0.95 * err.length)], worst = err[err.length - 1];
        System.out.printf("[drift] %dx%d unit gains: median star flux ratio %.5f, bright stars' error 95%% %.4f, worst %.4f%n",
                cols, rows, Percentiles.median(ratio), p95, worst);
        assertEquals(1, Percentiles.median(ratio), 0.002, "median star flux, matched / plain mean");
        // A bright star's aperture sum is still sensitive to a residual background step of a
        // fraction of the noise (the gains are exactly 1 here): 95% within 1%, none beyond 2%.
        assertTrue(p95 < 0.01, "95th percentile of the bright stars' flux error " + p95);
        assertTrue(worst < 0.02, "worst bright star flux error " + worst);
    }

    private static void assertPlantedGainsRecovered(int cols, int rows, long seed, double maxMedian, double maxP90,
                                                    double maxWorst) throws IOException {
        assertPlantedGainsRecovered(cols, rows, seed, false, maxMedian, maxP90, maxWorst);
    }

    private static void assertPlantedGainsRecovered(int cols, int rows, long seed, boolean unequalNoise, double maxMedian,
                                                    double maxP90, double maxWorst) throws IOException {
        assertPlantedGainsRecovered(cols, rows, seed, unequalNoise, Layout.WIDE, maxMedian, maxP90, maxWorst);
    }

    private static void assertPlantedGainsRecovered(int cols, int rows, long seed, boolean unequalNoise, Layout l,
                                                    double maxMedian, double maxP90, double maxWorst) throws IOException {
        SyntheticMosaic s = mosaic(cols, rows, 0.18, seed, unequalNoise, l);
        CoaddParams full = CoaddParams.fromConfig(new Config().put("intertile_affine_blend", 1.0));
        ReprojectCoadd.Result r = coadd(s, s.inputs(seed * 1000), full, new MemorySinks());
        double[] rel = relativeRecovery(s, r);
        double[] err = Arrays.stream(rel).map(v -> Math.abs(v - 1)).sorted().toArray();
        double median = err[err.length / 2], p90 = err[(int) (0.9 * err.length)], worst = err[err.length - 1];
        System.out.printf("[drift] %dx%d seed %d%s planted gains: recovery error median %.4f, 90%% %.4f, worst %.4f%n",
                cols, rows, seed, unequalNoise ? " unequal noise" : "", median, p90, worst);
        // Each tile's gain rests on its few overlaps (a handful of stars each in these 96×72
        // tiles): the per-tile error is that of its pairs, not a drift; it does not grow with
        // the tile's distance from the median tile. The worst tile is the tail of that noise:
        // 0.59–0.79 % measured over these layouts and draws (1.04–1.41 % before the previews'
        // resampling blur was equalised and resolved stars measured in tight apertures).
        assertTrue(median < maxMedian, "median recovery error " + median);
        assertTrue(p90 < maxP90, "90th percentile of the recovery error " + p90);
        assertTrue(worst < maxWorst, "worst recovery error " + worst + " " + Arrays.toString(rel));
    }

    @Test // about 7 s on 2 busy cores: the regression of issue 15 (invented gains), kept in the suite
    void twoHundredTilesOfUnitGainKeepUnitGainsAndStarFluxes() throws IOException {
        assertUnitGainsAndFluxes(20, 10, 7);
    }

    @Test
    @Tag("heavy") // about 6–20 s on 2 busy cores (the strips cover planted gains in the suite); -Pheavy
    void twoHundredTilesWithPlantedGainsAreRecoveredWithinOnePercent() throws IOException {
        assertPlantedGainsRecovered(20, 10, 8, 0.0035, 0.008, 0.01);
    }

    @Test
    void aTwentyByTwoStripNeitherInventsNorLosesGains() throws IOException {
        assertUnitGainsAndFluxes(20, 2, 9);
        assertPlantedGainsRecovered(20, 2, 10, 0.0035, 0.008, 0.01);
    }

    /**
     * Other draws and layouts, so that the 1 % is not one lucky draw: a strip whose tiles' noise
     * does not follow their gain (a tile of more frames is less noisy), and a 10×4 block.
     */
    @Test
    void plantedGainsOfAnotherStripWithUnequalNoiseAreRecoveredWithinOnePercent() throws IOException {
        assertPlantedGainsRecovered(20, 2, 12, true, 0.0035, 0.008, 0.01);
    }

    /**
     * Every overlap under intertile_overlap_min (~4 % after the crop): the tiles are linked by those
     * alone (before, none was used and no tile was matched). Unit gains stay at 1 and star fluxes
     * as the plain mean's; planted gains (±18 %) come back within 1 % (median 0.34 %, 90th
     * percentile 0.89 %, worst 0.92 %: each thin overlap holds fewer stars than the wide layout's).
     */
    @Test
    void thinOverlapsNeitherInventNorLoseGains() throws IOException {
        assertUnitGainsAndFluxes(6, 4, 31, Layout.THIN);
        assertPlantedGainsRecovered(6, 4, 32, false, Layout.THIN, 0.005, 0.01, 0.01);
    }

    @Test
    void plantedGainsOfATenByFourBlockAreRecoveredWithinOnePercent() throws IOException {
        assertPlantedGainsRecovered(10, 4, 21, false, 0.0035, 0.008, 0.01);
    }

    /**
     * A chain of 400 tiles, each with its two next neighbours on either side, every ratio measured
     * with 0.05% noise (a chain's own random walk, √200 steps of about 0.02%, stays well within 1%).
     * Equal true gains stay exactly 1 (nothing is proven); a planted 10% step halfway is found
     * to 1% everywhere, about the median (halfway between the two levels); one wild pair (ratio
     * off by 40%) is outvoted by the parallel measurements around it.
     */
    @Test
    void theSolveDoesNotDriftAlongAChain() {
        int n = 400;
        Random rnd = new Random(3);
        double step = Math.log(1.1);
        double[] truth = new double[n];
        for (int i = 0; i < n; i++) truth[i] = i < n / 2 ? -step / 2 : step / 2;
        for (double[] gains : new double[][] {new double[n], truth}) {
            List<GainSolve.Ratio> ratios = new ArrayList<>();
            for (int i = 0; i + 1 < n; i++)
                for (int d = 1; d <= 2 && i + d < n; d++)
                    ratios.add(new GainSolve.Ratio(i, i + d, gains[i] - gains[i + d] + 0.0005 * rnd.nextGaussian(), 0.0005));
            ratios.set(100, new GainSolve.Ratio(ratios.get(100).i(), ratios.get(100).j(), Math.log(1.4), 0.0005));
            GainSolve.Result r = GainSolve.solve(n, ratios, PhotometricMatch.GAIN_SIGNIFICANCE);
            for (int i = 0; i < n; i++)
                assertEquals(Math.exp(gains[i]), r.gains()[i], 0.01, "tile " + i + (gains == truth ? " (planted step)" : ""));
            if (gains != truth) assertEquals(0, r.keptTiles(), "equal gains: nothing proven");
            else assertEquals(n, r.keptTiles(), "every tile of the step is proven");
        }
    }
}
