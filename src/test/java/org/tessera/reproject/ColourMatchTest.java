package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.WcsGrid;

/**
 * The colour match ({@link PhotometricMatch#solveColour}): two RGB tiles of StarRatioTest's
 * geometry (1800 × 1200 px, preview factor 14, an overlap strip of 450 px, the second rotated by
 * 4°, PSF σ 1.6 px, sky noise 17.5 ADU a pixel in every channel), stars of their own colours, skies
 * of their own per channel. Tile B's channels carry a luminance gain and, on top, a colour
 * response of their own (a Seestar of another year: NGC 7023's 2025 tile reads R 2.70, G 2.13,
 * B 3.41 where its luminance says 2.44).
 */
class ColourMatchTest {

    static final int W = StarRatioTest.W, H = StarRatioTest.H;
    /**
     * Sky noise (ADU a pixel, every channel): a quarter of StarRatioTest's. One channel's ratio
     * holds a third of the photons the luminance's does: at 70 ADU it erred by up to 1 % on seeds
     * 61–66, at 35 ADU by up to 0.92 % (seed 65, 0.43 % at 17.5 ADU), too loose for a test of
     * the seam to 1 %.
     */
    static final double NOISE = StarRatioTest.NOISE / 4, FLUX = StarRatioTest.FLUX;
    /** Tile B's planted colour response on top of its luminance gain. */
    static final double[] RESPONSE = {1.0, 1.15, 1.35};
    static final double LUM_GAIN = 1.2;

    /** A sky: the two tiles, and the stars (ra, dec, flux per channel) they show. */
    record Sky(List<CoaddInput> tiles, double[][] stars) {}

    /**
     * Tile A, and tile B east of it by W − 450 px, rotated 4°, its channel c times
     * {@code gainB}·{@code responseB[c]}; every star of a colour of its own (each channel's flux
     * 0.7–1.3 of its mean), every tile's channels a sky level and gradient of their own.
     */
    static Sky sky(long seed, double gainB, double[] responseB) {
        FitsWcs a = TestSkies.tan(StarRatioTest.RA, StarRatioTest.DEC, StarRatioTest.SCALE, 0, W, H);
        FitsWcs all = TestSkies.tan(StarRatioTest.RA, StarRatioTest.DEC, StarRatioTest.SCALE, 0, 3 * W, 2 * H);
        TestSkies.Star[] pos = TestSkies.stars(all, 3 * W, 2 * H, 3 * W * 2 * H / StarRatioTest.DENSITY, 0, seed);
        Random rnd = new Random(seed);
        double[][] stars = new double[pos.length][];
        TestSkies.Star[][] chan = new TestSkies.Star[3][pos.length];
        for (int k = 0; k < pos.length; k++) {
            double f = FLUX * Math.exp(Math.log(10) * rnd.nextDouble());
            stars[k] = new double[] {pos[k].ra(), pos[k].dec(), 0, 0, 0};
            for (int c = 0; c < 3; c++) {
                stars[k][2 + c] = f * (0.7 + 0.6 * rnd.nextDouble());
                chan[c][k] = new TestSkies.Star(pos[k].ra(), pos[k].dec(), stars[k][2 + c]);
            }
        }
        double[][] layout = {{0, 0, 0}, {W - StarRatioTest.OV, 25, 4}};
        List<CoaddInput> out = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            double[] centre = new double[2];
            a.pixelToWorld((W - 1) / 2.0 + layout[i][0], (H - 1) / 2.0 + layout[i][1], centre);
            FitsWcs wcs = TestSkies.tan(centre[0], centre[1], StarRatioTest.SCALE, layout[i][2], W, H);
            FloatImage img = new FloatImage(W, H, 3);
            for (int c = 0; c < 3; c++) {
                float[] src = TestSkies.render(wcs, W, H, chan[c], 1.6, 0, NOISE, seed + 10 * i + c + 1).plane(0);
                float[] p = img.plane(c);
                double g = i == 0 ? 1 : gainB * responseB[c];
                double level = 600 + 400 * rnd.nextDouble(), sx = 0.05 * (rnd.nextDouble() - 0.5), sy = 0.05 * (rnd.nextDouble() - 0.5);
                for (int y = 0; y < H; y++)
                    for (int x = 0; x < W; x++)
                        p[y * W + x] = (float) (g * (src[y * W + x] + level + sx * (x - W / 2.0) + sy * (y - H / 2.0)));
            }
            out.add(CoaddInput.of("t" + i, img, wcs));
        }
        return new Sky(out, stars);
    }

    static WcsGrid grid(List<CoaddInput> in) {
        List<WcsGrid> fps = new ArrayList<>();
        for (CoaddInput t : in) fps.add(new WcsGrid(t.wcs(), W, H));
        return OptimalGrid.compute(fps);
    }

    static CoaddParams params(Config c, int workers) {
        return CoaddParams.fromConfig(c).withWorkers(workers);
    }

    /** Per tile, per channel: gain × colour factor, the scale the coadd gives the channel. */
    static double[][] scales(CoaddPlan p) {
        double[][] s = new double[2][3];
        for (CoaddPlan.TilePlan t : p.tiles())
            for (int c = 0; c < 3; c++) s[t.index()][c] = t.gain() * (t.colour() == null ? 1 : t.colour()[c]);
        return s;
    }

    /** The colour factors of each tile (1 where the plan holds none). */
    static double[][] factors(CoaddPlan p) {
        double[][] f = new double[2][];
        for (CoaddPlan.TilePlan t : p.tiles()) f[t.index()] = t.colour() == null ? new double[] {1, 1, 1} : t.colour().clone();
        return f;
    }

    /**
     * Per channel, the median over bright stars (flux above 3·FLUX in the channel) of the mosaic's
     * aperture sum over the star's true flux, for the stars that only tile {@code only} covers.
     */
    static double[] mosaicOverTruth(Sky sky, MemorySinks m, int only) {
        double[] px = new double[2];
        List<double[]> v = new ArrayList<>();
        for (double[] s : sky.stars()) {
            boolean[] in = new boolean[2];
            for (int t = 0; t < 2; t++) {
                sky.tiles().get(t).wcs().worldToPixel(s[0], s[1], px);
                in[t] = px[0] > 25 && px[1] > 25 && px[0] < W - 26 && px[1] < H - 26;
            }
            if (!in[only] || in[1 - only]) continue;
            m.grid.wcs().worldToPixel(s[0], s[1], px);
            double[] r = new double[3];
            boolean ok = true;
            for (int c = 0; c < 3; c++) {
                double sum = aperture(m.mosaic.plane(c), m.mosaic.width(), m.mosaic.height(), px[0], px[1]);
                ok &= s[2 + c] > 3 * FLUX && Double.isFinite(sum);
                r[c] = sum / s[2 + c];
            }
            if (ok) v.add(r);
        }
        assertTrue(v.size() > 40, "bright stars only in tile " + only + ": " + v.size());
        double[] med = new double[3];
        for (int c = 0; c < 3; c++) {
            int cc = c;
            med[c] = org.tessera.math.Percentiles.median(v.stream().mapToDouble(r -> r[cc]).toArray());
        }
        return med;
    }

    /** Sum within 8 px less the median of the annulus 12–18 px; NaN near an edge or where a pixel is not finite. */
    static double aperture(float[] p, int w, int h, double x, double y) {
        int xi = (int) Math.round(x), yi = (int) Math.round(y);
        if (xi < 19 || yi < 19 || xi >= w - 19 || yi >= h - 19) return Double.NaN;
        double sum = 0;
        int n = 0;
        double[] ann = new double[37 * 37];
        int na = 0;
        for (int yy = yi - 18; yy <= yi + 18; yy++)
            for (int xx = xi - 18; xx <= xi + 18; xx++) {
                double d = Math.hypot(xx - x, yy - y), v = p[yy * w + xx];
                if (!Double.isFinite(v)) return Double.NaN;
                if (d <= 8) {
                    sum += v;
                    n++;
                } else if (d >= 12 && d <= 18) ann[na++] = v;
            }
        return sum - n * org.tessera.math.Percentiles.median(Arrays.copyOf(ann, na));
    }

    @Test
    void aPlantedColourResponseIsUndoneInEveryChannel() throws IOException {
        Sky sky = sky(61, LUM_GAIN, RESPONSE);
        WcsGrid grid = grid(sky.tiles());
        // The defaults keep the whole proven factor (all measured on full-resolution stars: no
        // blend toward neutral unless intertile_affine_blend is set): every channel's scales undo
        // the planted gains.
        Config whole = new Config();
        MemorySinks m = new MemorySinks();
        ReprojectCoadd.run(sky.tiles(), grid, params(whole, 2), m, Progress.NONE);
        CoaddPlan p = ReprojectCoadd.plan(sky.tiles(), grid, params(whole, 2), null);
        double[][] s = scales(p), f = factors(p);
        for (int c = 0; c < 3; c++) {
            double err = s[1][c] * LUM_GAIN * RESPONSE[c] / s[0][c] - 1;
            System.out.printf(Locale.ROOT, "[colour] channel %d: factors %.4f %.4f, B's scale over A's x planted - 1 = %+.2f %%%n", c,
                    f[0][c], f[1][c], 100 * err);
            assertEquals(0, err, 0.01, "channel " + c + " undone");
        }
        // In the mosaic: the stars that only tile A covers and those that only B covers read the
        // same share of their true flux in every channel.
        double[] a = mosaicOverTruth(sky, m, 0), b = mosaicOverTruth(sky, m, 1);
        for (int c = 0; c < 3; c++) {
            System.out.printf(Locale.ROOT, "[colour] channel %d: mosaic / truth, A only %.4f, B only %.4f: step %+.2f %%%n", c, a[c], b[c],
                    100 * (b[c] / a[c] - 1));
            assertEquals(1, b[c] / a[c], 0.01, "channel " + c + " across the seam");
        }
        // The original's blend (intertile_affine_blend 0.7) keeps 70 % of each factor's departure
        // from 1, as it does of the gains'.
        double keep = 0.7;
        CoaddPlan d = ReprojectCoadd.plan(sky.tiles(), grid, params(new Config().put("intertile_affine_blend", keep), 2), null);
        double[][] fd = factors(d);
        for (int t = 0; t < 2; t++)
            for (int c = 0; c < 3; c++) {
                assertNotEquals(1.0, f[t][c], "tile " + t + " channel " + c + " has a factor to blend");
                assertEquals(1 + keep * (f[t][c] - 1), fd[t][c], 1e-12, "tile " + t + " channel " + c + " blended");
            }
    }

    @Test
    void tilesOfOneColourKeepEveryFactorAtExactlyOne() throws IOException {
        // A luminance gain and skies of their own per channel, no colour response.
        Sky sky = sky(62, 1.1, new double[] {1, 1, 1});
        WcsGrid grid = grid(sky.tiles());
        MemorySinks on = new MemorySinks(), off = new MemorySinks();
        List<String> log;
        try (Logged.Capture cap = Logged.fine()) {
            ReprojectCoadd.run(sky.tiles(), grid, params(new Config(), 2), on, Progress.NONE);
            log = cap.messages();
        }
        // The channels were measured (a test that could pass by measuring nothing would not count).
        assertTrue(log.stream().anyMatch(l -> l.contains("channel ratios at full resolution")), String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l.contains("[P5] colour: 0 of 2 tiles' channel gains differ significantly")),
                String.join("\n", log));
        CoaddPlan p = ReprojectCoadd.plan(sky.tiles(), grid, params(new Config(), 2), null);
        assertNotEquals(1.0, p.tiles().get(1).gain() / p.tiles().get(0).gain(), "the luminance gain is matched");
        for (CoaddPlan.TilePlan t : p.tiles()) assertNull(t.colour(), "tile " + t.index() + ": every factor exactly 1");
        ReprojectCoadd.run(sky.tiles(), grid, params(new Config().put("intertile_color_match", false), 2), off, Progress.NONE);
        for (int c = 0; c < 3; c++)
            assertArrayEquals(off.mosaic.plane(c), on.mosaic.plane(c), "channel " + c + " byte-identical with the key off");
        assertArrayEquals(off.coverage.plane(0), on.coverage.plane(0));
    }

    @Test
    void theFactorsDoNotDependOnThreads() throws IOException {
        Sky sky = sky(63, LUM_GAIN, RESPONSE);
        WcsGrid grid = grid(sky.tiles());
        double[][] one = factors(ReprojectCoadd.plan(sky.tiles(), grid, params(new Config(), 1), null));
        double[][] three = factors(ReprojectCoadd.plan(sky.tiles(), grid, params(new Config(), 3), null));
        assertNotEquals(1.0, one[1][2], "the factors were solved");
        for (int t = 0; t < 2; t++) assertArrayEquals(one[t], three[t], 0.0, "tile " + t);
    }
}
