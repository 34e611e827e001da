package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.WcsGrid;

/**
 * Pair ratios from the overlap's stars at full resolution ({@link StarRatio}) where the previews
 * are too coarse: two tiles of 1800 × 1200 px (preview factor 14, as a Seestar master tile's)
 * overlapping by a strip of 450 px, the second rotated by 4°, a sparse field (about 65 stars in
 * the overlap, 10 000–100 000 ADU·px², PSF σ 1.6 px) under heavy sky noise (70 ADU a pixel) and
 * skies of their own. On the previews a star's cell and
 * its rings hold hundreds of pixels of sky noise, and a planted 10 % gain is not significant
 * there (as M 94's night-3 tiles: 1.078 ± 0.056 on the previews, 1.12 in their stars); 5–10 px
 * apertures on the tiles' own pixels pin it.
 */
class StarRatioTest {

    static final double RA = 150, DEC = 30, SCALE = 2.0;
    static final int W = 1800, H = 1200;
    /** Sky noise (ADU a pixel) and the faintest star's flux (ADU·px²; the brightest 10×). */
    static final double NOISE = 70, FLUX = 10000;
    /** Width of the overlap strip (px), and the sky area per star (px²): about 65 stars in the overlap. */
    static final int OV = 450;
    static final int DENSITY = 7800;

    /** Tile A, and tile B east of it by W − 320 px, rotated 4°, its pixels times {@code gainB}; PSF σ of each. */
    static List<CoaddInput> pair(long seed, double gainB, double sigmaA, double sigmaB) {
        return pair(seed, gainB, sigmaA, sigmaB, DENSITY);
    }

    /** As {@link #pair(long, double, double, double)} with one star per {@code density} px² of sky. */
    static List<CoaddInput> pair(long seed, double gainB, double sigmaA, double sigmaB, int density) {
        return pair(seed, gainB, sigmaA, sigmaB, density, OV, 4);
    }

    /** As {@link #pair(long, double, double, double, int)}, B overlapping A by {@code ov} px, rotated by {@code rotDeg}. */
    static List<CoaddInput> pair(long seed, double gainB, double sigmaA, double sigmaB, int density, int ov, double rotDeg) {
        FitsWcs a = TestSkies.tan(RA, DEC, SCALE, 0, W, H);
        FitsWcs all = TestSkies.tan(RA, DEC, SCALE, 0, 3 * W, 2 * H);
        // About 30 stars in the overlap (320 × 735 px): 1 per 7 800 px² over the whole field.
        TestSkies.Star[] stars = TestSkies.stars(all, 3 * W, 2 * H, 3 * W * 2 * H / density, 0, seed);
        java.util.Random rnd = new java.util.Random(seed);
        for (int k = 0; k < stars.length; k++)
            stars[k] = new TestSkies.Star(stars[k].ra(), stars[k].dec(), FLUX * Math.exp(Math.log(10) * rnd.nextDouble()));
        double[][] layout = {{0, 0, 0, 1, sigmaA}, {W - ov, 25, rotDeg, gainB, sigmaB}};
        List<CoaddInput> out = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            double[] c = new double[2];
            a.pixelToWorld((W - 1) / 2.0 + layout[i][0], (H - 1) / 2.0 + layout[i][1], c);
            FitsWcs wcs = TestSkies.tan(c[0], c[1], SCALE, layout[i][2], W, H);
            FloatImage img = TestSkies.render(wcs, W, H, stars, layout[i][4], 0, NOISE, seed + 1 + i);
            float[] p = img.plane(0);
            double sky = 800 + 200 * rnd.nextDouble(), sx = 0.05 * (rnd.nextDouble() - 0.5), sy = 0.05 * (rnd.nextDouble() - 0.5);
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                    p[y * W + x] = (float) (layout[i][3] * (p[y * W + x] + sky + sx * (x - W / 2.0) + sy * (y - H / 2.0)));
            out.add(CoaddInput.of("t" + i, img, wcs));
        }
        return out;
    }

    static CoaddPlan plan(List<CoaddInput> in, Config c) throws IOException {
        List<WcsGrid> fps = new ArrayList<>();
        for (CoaddInput t : in) fps.add(new WcsGrid(t.wcs(), W, H));
        return ReprojectCoadd.plan(in, OptimalGrid.compute(fps), CoaddParams.fromConfig(c).withWorkers(2), null);
    }

    @Test
    void aPlantedTenPercentGainThePreviewsCannotProveIsPinnedByTheStars() throws IOException {
        // The draws of seeds 21–32 whose previews do not prove the gain (on the other eight the
        // previews alone give gains of 0.94–0.96 and 1.04–1.06).
        long[] seeds = {22, 26, 29, 31};
        for (long seed : seeds) {
            List<CoaddInput> in = pair(seed, 1.10, 1.6, 1.6);
            // The premise: the previews alone do not prove it, the gains stay 1.
            CoaddPlan previews = plan(in, new Config().put("intertile_affine_blend", 1.0).put("intertile_star_ratio", false));
            assertEquals(1.0, previews.reports().get(0).gain(), 0, "previews alone, seed " + seed);
            assertEquals(1.0, previews.reports().get(1).gain(), 0, "previews alone, seed " + seed);
            // With the stars at full resolution: B's gain over A's undoes the planted 1.10 (the whole
            // gain kept, as PhotometricDriftTest's planted gains).
            CoaddPlan stars = plan(in, new Config().put("intertile_affine_blend", 1.0));
            double ga = stars.reports().get(0).gain(), gb = stars.reports().get(1).gain();
            double err = gb * 1.10 / ga - 1;
            System.out.printf(Locale.ROOT, "[stars] seed %d: gains %.4f %.4f, error %+.2f %%%n", seed, ga, gb, 100 * err);
            assertEquals(0, err, 0.01, "planted 1.10 undone, seed " + seed); // +0.82, −0.06, +0.24, +0.61 %
        }
    }

    @Test
    void gainsStayExactlyOneWhenTheTruthIsOne() throws IOException {
        // Same seeing, and seeing of their own (σ 1.4 against 2.2 px: FWHM 3.3 against 5.2 px).
        double[][] seeing = {{1.6, 1.6}, {1.4, 2.2}, {2.2, 1.4}};
        long seed = 31;
        for (double[] s : seeing) {
            List<CoaddInput> in = pair(seed++, 1.0, s[0], s[1]);
            // The stars do measure the pair (an error the previews' 4 % could not give), and say 1.
            PhotometricMatch.Pair st = fitted(in, true);
            CoaddPlan p = plan(in, new Config());
            System.out.printf(Locale.ROOT, "[stars] truth 1, PSF σ %.1f / %.1f: stars %.4f ± %.4f, gains %.4f %.4f%n", s[0], s[1],
                    st.a(), st.sigmaA(), p.reports().get(0).gain(), p.reports().get(1).gain());
            assertTrue(st.sigmaA() < 0.015, "measured by the stars: " + st.sigmaA());
            assertEquals(1, st.a(), 0.02, "the stars' ratio");
            assertEquals(1.0, p.reports().get(0).gain(), 0, "tile A, seeing " + s[0] + " / " + s[1]);
            assertEquals(1.0, p.reports().get(1).gain(), 0, "tile B, seeing " + s[0] + " / " + s[1]);
        }
    }

    /**
     * Phase 5's survey and match as {@link ReprojectCoadd#plan} runs them (no crop), with or
     * without the stars: the fitted pair (its ratio a and error σ of tile B over tile A).
     */
    static PhotometricMatch.Pair fitted(List<CoaddInput> inputs, boolean stars) throws IOException {
        return MatchHarness.pair(inputs, CoaddParams.defaults(), 14, stars);
    }

    /**
     * A dense field (about 650 stars in the overlap, ten times the others'): the search of tile
     * A's bands stops once {@link StarRatio#MAX_FOUND} stars are found, and the ratio still pins
     * the planted gain.
     */
    @Test
    void aDenseOverlapIsSearchedOnlyUntilEnoughStarsAreFound() throws IOException {
        List<CoaddInput> in = pair(47, 1.10, 1.6, 1.6, 780);
        PhotometricMatch.Pair[] st = new PhotometricMatch.Pair[1];
        List<String> log;
        try (org.tessera.Logged.Capture c = org.tessera.Logged.fine()) {
            st[0] = fitted(in, true);
            log = c.messages();
        }
        String line = log.stream().filter(l -> l.contains("stars at full resolution")).findFirst().orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d+) stars").matcher(line);
        assertTrue(m.find(), line);
        int n = Integer.parseInt(m.group(1));
        assertTrue(n >= StarRatio.MAX_FOUND / 2 && n < StarRatio.MAX_FOUND + StarRatio.MAX_STARS_PER_BAND, line);
        assertEquals(1.10, st[0].a(), 0.01, line);
    }

    @Test
    void theStarsRatioIsWithinItsErrorOfTheTruthWhereThePreviewsAreFarLessPrecise() throws IOException {
        for (long seed = 41; seed < 46; seed++) {
            List<CoaddInput> in = pair(seed, 1.10, 1.6, 1.6);
            PhotometricMatch.Pair pv = fitted(in, false), st = fitted(in, true);
            System.out.printf(Locale.ROOT, "[stars] seed %d: previews %.4f ± %.4f, stars %.4f ± %.4f%n", seed, pv.a(),
                    pv.sigmaA(), st.a(), st.sigmaA());
            assertTrue(st.sigmaA() < 0.02, "the stars' error: " + st.sigmaA());
            assertTrue(st.sigmaA() < pv.sigmaA() / 2, "the stars' error against the previews': " + st.sigmaA() + ", " + pv.sigmaA());
            assertEquals(1.10, st.a(), 3 * st.sigmaA(), "within 3 σ of the truth, seed " + seed);
        }
    }
}
