package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.plan.ResourcePlan;
import org.tessera.stack.StackParams.Combine;
import org.tessera.stack.StackParams.Normalize;
import org.tessera.stack.StackParams.Rejection;
import org.tessera.stack.StackParams.Weighting;

/** Stacks with a known answer: planted outliers, known noise, known gains, known footprints. */
class StackKnownAnswerTest {

    static final int W = 96, H = 80, C = 3;
    static final ResourcePlan PLAN = new ResourcePlan(2, 256L << 20);

    static StackResult stack(List<FloatImage> frames, StackParams p, FloatImage out, FloatImage cov) throws Exception {
        return StackCore.stack(frames, p, out, cov, Progress.NONE, PLAN);
    }

    /** RMS of (stack − (gain·truth + offset)) over all channels and finite pixels. */
    static double rms(FloatImage img, TestSky sky, double gain, double offset) {
        double ss = 0;
        long n = 0;
        for (int c = 0; c < img.channels(); c++)
            for (int i = 0; i < img.width() * img.height(); i++) {
                float v = img.plane(c)[i];
                if (!Float.isFinite(v)) continue;
                double d = v - (gain * sky.truth[c][i] + offset);
                ss += d * d;
                n++;
            }
        return Math.sqrt(ss / n);
    }

    static double maxAbs(FloatImage img, TestSky sky, boolean[] mask) {
        double m = 0;
        for (int c = 0; c < img.channels(); c++)
            for (int i = 0; i < mask.length; i++)
                if (mask[i]) m = Math.max(m, Math.abs(img.plane(c)[i] - sky.truth[c][i]));
        return m;
    }

    @Test
    void outliersAreRemovedAndTheTrueSkyRemains() throws Exception {
        int n = 15;
        double sigma = 5, stackNoise = sigma / Math.sqrt(n);
        TestSky sky = TestSky.stars(W, H, C, 21, 40, 3.0, 200, 240, 160);
        List<FloatImage> frames = new ArrayList<>();
        boolean[] cosmic = new boolean[W * H];
        // One-pass kappa-sigma (as the reference's) cannot reject two large outliers among 15
        // samples: cosmics never fall on the trail or on each other here.
        boolean[] trail = TestSky.trail(new FloatImage(W, H, 1), 3, 70, 92, 6, 0);
        boolean[] taken = trail.clone();
        for (int f = 0; f < n; f++) {
            FloatImage img = sky.frame(1000 + f, sigma, 1, 0);
            TestSky.cosmics(img, 0.002, 3000, 500 + f, taken, 0, 1, 2);
            if (f == 4) TestSky.trail(img, 3, 70, 92, 6, 1500);
            frames.add(img);
        }
        double planted = 0.002 * 100; // percent of samples hit by cosmics
        for (Rejection rej : new Rejection[] {Rejection.KAPPA_SIGMA, Rejection.WINSORIZED_SIGMA_CLIP, Rejection.LINEAR_FIT_CLIP}) {
            FloatImage out = new FloatImage(W, H, C);
            StackResult r = stack(frames, StackParams.plainMean().with(rej, Combine.MEAN), out, null);
            double e = rms(out, sky, 1, 0);
            assertTrue(e < 1.25 * stackNoise, rej + ": rms error " + e + " vs noise of the mean " + stackNoise);
            assertTrue(maxAbs(out, sky, trail) < 6 * stackNoise, rej + ": trail residual " + maxAbs(out, sky, trail));
            for (int i = 0; i < W * H; i++) cosmic[i] = taken[i] && !trail[i];
            assertTrue(maxAbs(out, sky, cosmic) < 6 * stackNoise, rej + ": cosmic residual " + maxAbs(out, sky, cosmic));
            assertTrue(r.rejectedPct() > planted && r.rejectedPct() < 1.5, rej + " rejected " + r.rejectedPct() + "%");
        }
        // The median without rejection also resists, at the median's lower efficiency.
        FloatImage med = new FloatImage(W, H, C);
        stack(frames, StackParams.plainMean().with(Rejection.NONE, Combine.MEDIAN), med, null);
        assertTrue(rms(med, sky, 1, 0) < 1.45 * stackNoise, "median rms " + rms(med, sky, 1, 0));
        // The plain mean keeps the trail: the test would see a failing rejection.
        FloatImage mean = new FloatImage(W, H, C);
        StackResult none = stack(frames, StackParams.plainMean(), mean, null);
        assertTrue(maxAbs(mean, sky, trail) > 50, "plain mean keeps the trail");
        assertEquals(0, none.rejectedPct());
    }

    @Test
    void noiseVarianceWeightsFavourTheQuietFrame() throws Exception {
        // The reference's noise is the std of the 3σ-clipped frame: a sky gradient would count as
        // noise, so this sky is flat.
        TestSky sky = TestSky.stars(W, H, C, 3, 30, 3.0, false, 200, 200, 200);
        FloatImage quiet = sky.frame(1, 2, 1, 0), noisy = sky.frame(2, 6, 1, 0);
        StackParams p = StackParams.plainMean().with(Normalize.NONE, Weighting.NOISE_VARIANCE);
        FloatImage out = new FloatImage(W, H, C);
        StackResult r = stack(List.of(quiet, noisy), p, out, null);
        double[] sq = new double[C], sn = new double[C];
        double minVar = Double.POSITIVE_INFINITY;
        for (int c = 0; c < C; c++) {
            sq[c] = ExactStats.sigmaClipped(quiet.plane(c), W * H, 3, 3, 5).std();
            sn[c] = ExactStats.sigmaClipped(noisy.plane(c), W * H, 3, 3, 5).std();
            minVar = Math.min(minVar, sq[c] * sq[c]);
        }
        for (int c = 0; c < C; c++) {
            assertEquals(minVar / (sq[c] * sq[c]), r.frameWeights()[0][c], 1e-9, "w = min variance / variance");
            assertEquals(minVar / (sn[c] * sn[c]), r.frameWeights()[1][c], 1e-9);
            assertEquals(1.0, r.frameWeights()[0][c], 0.03, "quiet frame: weight of the smallest variance");
            // (2/6)², slightly more: the clipped std of the quiet frame keeps some star wings.
            assertEquals(1.0 / 9, r.frameWeights()[1][c], 0.15 / 9, "noisy frame");
        }
        // Every pixel is exactly the weighted mean of the two samples.
        for (int c = 0; c < C; c++)
            for (int i = 0; i < W * H; i += 37) {
                double wq = r.frameWeights()[0][c], wn = r.frameWeights()[1][c];
                double expect = (wq * quiet.plane(c)[i] + wn * noisy.plane(c)[i]) / (wq + wn);
                assertEquals(expect, out.plane(c)[i], 1e-4 * Math.abs(expect));
            }

        // Five quiet and five noisy frames: weighting reaches the optimal noise 1/√Σσ⁻².
        List<FloatImage> frames = new ArrayList<>();
        for (int f = 0; f < 10; f++) frames.add(sky.frame(10 + f, f < 5 ? 2 : 8, 1, 0));
        FloatImage weighted = new FloatImage(W, H, C), equal = new FloatImage(W, H, C);
        stack(frames, p, weighted, null);
        stack(frames, StackParams.plainMean(), equal, null);
        double optimal = 1 / Math.sqrt(5 / 4.0 + 5 / 64.0), unweighted = Math.sqrt(5 * 4 + 5 * 64) / 10;
        assertEquals(optimal, rms(weighted, sky, 1, 0), 0.05 * optimal);
        assertEquals(unweighted, rms(equal, sky, 1, 0), 0.05 * unweighted);
    }

    @Test
    void noiseFwhmWeightsFavourTheSharperFrameAndFallBackWithoutStars() throws Exception {
        int w = 256, h = 200;
        TestSky sharp = TestSky.stars(w, h, 1, 7, 150, 3.0, 300), soft = TestSky.stars(w, h, 1, 7, 150, 4.5, 300);
        FloatImage a = sharp.frame(1, 3, 1, 0), b = soft.frame(2, 3, 1, 0);
        StarFwhm.Result fa = StarFwhm.measure(a.plane(0), w, h), fb = StarFwhm.measure(b.plane(0), w, h);
        assertEquals(3.0, fa.fwhm(), 0.15, "measured FWHM of 3 px stars");
        assertEquals(4.5, fb.fwhm(), 0.2, "measured FWHM of 4.5 px stars");
        assertTrue(fa.stars() >= 30, "stars measured: " + fa.stars());

        StackParams p = StackParams.plainMean().with(Normalize.NONE, Weighting.NOISE_FWHM);
        StackResult r = StackCore.stack(List.of(a, b), p, new FloatImage(w, h, 1), null, Progress.NONE, PLAN);
        assertEquals(1.0, r.frameWeights()[0][0], 1e-12);
        assertEquals(fa.fwhm() / fb.fwhm(), r.frameWeights()[1][0], 1e-9);
        assertEquals(3.0 / 4.5, r.frameWeights()[1][0], 0.05);

        // No stars: noise_fwhm falls back to noise_variance (and says so).
        TestSky blank = TestSky.stars(w, h, 1, 1, 0, 3.0, false, 300);
        List<FloatImage> starless = List.of(blank.frame(1, 2, 1, 0), blank.frame(2, 4, 1, 0));
        AtomicReference<String> warning = new AtomicReference<>();
        Handler capture = capture(warning, "falls back");
        Logger.getLogger("org.tessera.stack").addHandler(capture);
        StackResult fb2;
        try {
            fb2 = StackCore.stack(starless, p, new FloatImage(w, h, 1), null, Progress.NONE, PLAN);
        } finally {
            Logger.getLogger("org.tessera.stack").removeHandler(capture);
        }
        StackResult nv = StackCore.stack(starless, p.with(Normalize.NONE, Weighting.NOISE_VARIANCE),
                new FloatImage(w, h, 1), null, Progress.NONE, PLAN);
        assertArrayEquals(nv.frameWeights()[1], fb2.frameWeights()[1], 1e-12);
        assertEquals(0.25, fb2.frameWeights()[1][0], 0.02);
        assertNotNull(warning.get(), "the fallback is logged");
        assertTrue(warning.get().contains("falls back to noise_variance"), warning.get());
    }

    @Test
    void normalisationBringsFramesOntoTheFirstFrame() throws Exception {
        TestSky sky = TestSky.stars(W, H, C, 8, 40, 3.0, 150, 180, 120);
        double sigma = 2;
        double[] gains = {1.0, 0.6, 1.7, 1.2, 0.8}, offsets = {0, 80, -40, 15, 200};
        List<FloatImage> scaled = new ArrayList<>(), shifted = new ArrayList<>();
        for (int f = 0; f < gains.length; f++) {
            scaled.add(sky.frame(40 + f, sigma, gains[f], offsets[f]));
            shifted.add(sky.frame(60 + f, sigma, 1, offsets[f]));
        }
        StackParams lf = StackParams.plainMean().with(Normalize.LINEAR_FIT, Weighting.NONE);
        FloatImage out = new FloatImage(W, H, C);
        stack(scaled, lf, out, null);
        // Each frame's noise is rescaled by 1/gain: the mean's noise is √Σ(σ/g)² / N.
        double expected = 0;
        for (double g : gains) expected += (sigma / g) * (sigma / g);
        expected = Math.sqrt(expected) / gains.length;
        assertEquals(expected, rms(out, sky, 1, 0), 0.25 * expected, "linear_fit recovers the reference scale");
        FloatImage raw = new FloatImage(W, H, C);
        stack(scaled, StackParams.plainMean(), raw, null);
        assertTrue(rms(raw, sky, 1, 0) > 20, "without normalisation the scales mix");

        StackParams sm = StackParams.plainMean().with(Normalize.SKY_MEAN, Weighting.NONE);
        FloatImage out2 = new FloatImage(W, H, C);
        stack(shifted, sm, out2, null);
        assertEquals(sigma / Math.sqrt(gains.length), rms(out2, sky, 1, 0), 0.25 * sigma / Math.sqrt(gains.length),
                "sky_mean removes the offsets");
    }

    /**
     * An all-zero readout (or any frame of one value) is finite everywhere but holds no sky: it was
     * stacked, named only as "flat" for the normalisation reference, and pulled the tile towards 0.
     * It is dropped with its reason (the frame then counts among the skipped inputs, exit 1): the
     * stack is the good frames' bit for bit, with every setting that measures the frames.
     */
    @Test
    void aFrameOfOneValueIsDroppedWithItsReason() throws Exception {
        TestSky sky = TestSky.stars(W, H, C, 2, 10, 3.0, 100, 100, 100);
        List<FloatImage> good = List.of(sky.frame(1, 3, 1, 0), sky.frame(2, 3, 1, 0), sky.frame(4, 3, 1, 0),
                sky.frame(5, 3, 1, 0));
        FloatImage zero = new FloatImage(W, H, C), blank = new FloatImage(W, H, C);
        blank.fill(65535);
        TestSky.keepOnly(blank, 0, 0, 60, H); // NaN beside it: the finite pixels are what count
        for (StackParams p : List.of(StackParams.defaults(), StackParams.plainMean().with(Normalize.SKY_MEAN, Weighting.NONE),
                StackParams.plainMean().with(Normalize.NONE, Weighting.NOISE_VARIANCE))) {
            List<FloatImage> with = new ArrayList<>(List.of(zero, good.get(0), good.get(1), blank, good.get(2), good.get(3)));
            FloatImage a = new FloatImage(W, H, C), b = new FloatImage(W, H, C);
            StackResult r = stack(with, p, a, null);
            stack(good, p, b, null);
            assertEquals(4, r.framesUsed(), p.describe());
            assertEquals(List.of("frame #1: every pixel holds the same value, 0 (an all-zero or blank readout): no data",
                    "frame #4: every pixel holds the same value, 65535 (an all-zero or blank readout): no data"),
                    r.dropped(), p.describe());
            for (int c = 0; c < C; c++) assertArrayEquals(b.plane(c), a.plane(c), p.describe());
        }
        // without frame statistics (a plain mean) nothing is measured, nothing dropped
        assertEquals(List.of(), stack(List.of(zero, good.get(0)), StackParams.plainMean(), new FloatImage(W, H, C), null)
                .dropped());
    }

    @Test
    void framesWithTooLittleDataAreDroppedWithTheirReason() throws Exception {
        TestSky sky = TestSky.stars(W, H, C, 2, 10, 3.0, 100, 100, 100);
        FloatImage good1 = sky.frame(1, 3, 1, 0), good2 = sky.frame(2, 3, 1, 0), sliver = sky.frame(3, 3, 1, 0);
        TestSky.keepOnly(sliver, 0, 0, 1, 80); // 80 of 7680 pixels: 1 %
        List<String> warnings = new ArrayList<>();
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) { warnings.add(r.getMessage()); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        Logger.getLogger("org.tessera.stack").addHandler(h);
        StackResult r;
        FloatImage out = new FloatImage(W, H, C), cov = new FloatImage(W, H, 1);
        try {
            r = stack(List.of(good1, sliver, good2), StackParams.defaults(), out, cov);
        } finally {
            Logger.getLogger("org.tessera.stack").removeHandler(h);
        }
        assertEquals(2, r.framesUsed());
        assertEquals(1, r.dropped().size());
        assertTrue(r.dropped().get(0).startsWith("frame #2: finite fraction 0.0104"), r.dropped().get(0));
        assertTrue(warnings.stream().anyMatch(m -> m.contains("frame #2 dropped: finite fraction")), warnings.toString());
        assertEquals(2, cov.get(0, 0, 0), "the dropped frame does not count in the coverage");
        assertArrayEquals(new double[] {0, 0, 0}, r.frameWeights()[1]);

        // Without statistics to measure (plain mean), validity is counted during the band pass and
        // the stack is redone without the dropped frame: same image as stacking the good frames.
        FloatImage fused = new FloatImage(W, H, C), direct = new FloatImage(W, H, C), cov2 = new FloatImage(W, H, 1);
        StackResult rf = stack(List.of(good1, sliver, good2), StackParams.plainMean(), fused, cov2);
        stack(List.of(good1, good2), StackParams.plainMean(), direct, null);
        assertEquals(2, rf.framesUsed());
        assertEquals(List.of("frame #2: finite fraction 0.0104 < 0.02 in channel 0"), rf.dropped());
        StackEquivalenceTest.assertClose(direct, fused, 0, "fused validity check");
        assertEquals(2, cov2.get(0, 0, 0));

        // Everything dropped: an all-NaN stack with zero coverage, never a black image.
        FloatImage empty = new FloatImage(W, H, C), cov0 = new FloatImage(W, H, 1);
        StackResult none = stack(List.of(sliver), StackParams.defaults(), empty, cov0);
        assertEquals(0, none.framesUsed());
        assertTrue(Float.isNaN(empty.get(1, 50, 40)));
        assertEquals(0, cov0.get(0, 50, 40));
    }

    /** A view of {@code src} that covers only {@code footprint} pixels of its grid (as a frame on a master tile's canvas). */
    static org.tessera.image.RowSource covering(FloatImage src, long footprint) {
        return new org.tessera.image.RowSourceView(src) {
            @Override public void readRows(int y0, int rows, float[][] dst) throws java.io.IOException {
                source.readRows(y0, rows, dst);
            }

            @Override public long footprintPixels() { return footprint; }
        };
    }

    /**
     * The validity rule on a frame's footprint: 80 finite pixels of 7680 are 1 % of the grid (dropped
     * above) but all of an 80-pixel footprint (kept); within a footprint of 4800 pixels they are
     * 1.67 % (dropped), and within one of 200 they are fewer than half of it (dropped by the count,
     * whose cap of 4096 is half the footprint for small ones). With and without a statistics pass.
     */
    @Test
    void framesAreJudgedOnTheirFootprint() throws Exception {
        TestSky sky = TestSky.stars(W, H, C, 2, 10, 3.0, 100, 100, 100);
        FloatImage good1 = sky.frame(1, 3, 1, 0), good2 = sky.frame(2, 3, 1, 0), sliver = sky.frame(3, 3, 1, 0);
        TestSky.keepOnly(sliver, 0, 0, 1, 80);
        for (StackParams p : List.of(StackParams.defaults(), StackParams.plainMean())) {
            FloatImage out = new FloatImage(W, H, C), cov = new FloatImage(W, H, 1);
            StackResult kept = StackCore.stack(List.of(good1, covering(sliver, 80), good2), p, out, cov, Progress.NONE, PLAN);
            assertEquals(3, kept.framesUsed(), p.describe());
            assertEquals(List.of(), kept.dropped());
            assertEquals(3, cov.get(0, 0, 40), "the strip counts where it has data");
            assertEquals(2, cov.get(0, 1, 40));

            StackResult thin = StackCore.stack(List.of(good1, covering(sliver, 4800), good2), p, new FloatImage(W, H, C),
                    null, Progress.NONE, PLAN);
            assertEquals(List.of("frame #2: finite fraction 0.0167 < 0.02 in channel 0"), thin.dropped(), p.describe());

            StackResult few = StackCore.stack(List.of(good1, covering(sliver, 200), good2), p, new FloatImage(W, H, C),
                    null, Progress.NONE, PLAN);
            assertEquals(List.of("frame #2: only 80 finite pixels (< 100) in channel 0"), few.dropped(), p.describe());
        }
    }

    @Test
    void coverageCountsFramesWithDataAndRejectionIsReportedPerChannel() throws Exception {
        TestSky sky = TestSky.stars(W, H, C, 4, 20, 3.0, 100, 100, 100);
        List<FloatImage> frames = new ArrayList<>();
        for (int f = 0; f < 9; f++) {
            FloatImage img = sky.frame(70 + f, 3, 1, 0);
            TestSky.keepOnly(img, 0, 0, W - 6 * f, H); // frame f misses the last 6·f columns
            TestSky.cosmics(img, 0.02, 5000, 90 + f, 2); // outliers in blue only
            frames.add(img);
        }
        FloatImage out = new FloatImage(W, H, C), cov = new FloatImage(W, H, 1);
        StackResult r = stack(frames, StackParams.defaults(), out, cov);
        for (int x = 0; x < W; x += 5) {
            int expect = 0;
            for (int f = 0; f < 9; f++) if (x < W - 6 * f) expect++;
            assertEquals(expect, cov.get(0, x, 33), "coverage at x=" + x);
        }
        double[] pct = r.rejectedPctPerChannel();
        assertTrue(pct[2] > pct[0] + 1 && pct[2] > pct[1] + 1, "blue has the outliers: " + java.util.Arrays.toString(pct));
        assertEquals((pct[0] + pct[1] + pct[2]) / 3, r.rejectedPct(), 1e-12);
    }

    @Test
    void radialWeightFollowsTheReferenceFormula() throws Exception {
        // Full-grid frame: the centre weighs 1, the corners weigh the floor, in between cos^p.
        RadialWeight rw = new RadialWeight((W - 1) / 2.0, (H - 1) / 2.0, 0.5 * Math.hypot(W, H), 0.8, 2, 0.05);
        assertEquals(1.0, rw.at((W - 1) / 2.0, (H - 1) / 2.0), 1e-12);
        assertEquals(0.05, rw.at(0, 0), 1e-12);
        double d = 20, reach = 0.8 * 0.5 * Math.hypot(W, H);
        assertEquals(Math.pow(Math.cos(Math.PI / 2 * d / reach), 2), rw.at((W - 1) / 2.0 + d, (H - 1) / 2.0), 1e-12);

        // Two frames overlapping in the middle: there the stack leans to the frame whose centre is nearer.
        FloatImage left = new FloatImage(W, H, 1), right = new FloatImage(W, H, 1);
        left.fill(100);
        right.fill(200);
        TestSky.keepOnly(left, 0, 0, 60, H);
        TestSky.keepOnly(right, 36, 0, W, H);
        StackParams p = StackParams.plainMean().withRadial(true, 0.8, 2, 0.05);
        FloatImage out = new FloatImage(W, H, 1);
        StackCore.stack(List.of(left, right), p, out, null, Progress.NONE, PLAN);
        assertEquals(100, out.get(0, 10, 40), 1e-4, "only the left frame");
        assertTrue(out.get(0, 40, 40) < 150 && out.get(0, 55, 40) > 150, "nearer centre weighs more: "
                + out.get(0, 40, 40) + " / " + out.get(0, 55, 40));
        // Exact value at one pixel from each frame's footprint geometry.
        RadialWeight wl = new RadialWeight(29.5, 39.5, Math.hypot(29.5, 39.5) + 0.5, 0.8, 2, 0.05);
        RadialWeight wr = new RadialWeight(65.5, 39.5, Math.hypot(29.5, 39.5) + 0.5, 0.8, 2, 0.05);
        double a = wl.at(45, 40), b = wr.at(45, 40);
        assertEquals((100 * a + 200 * b) / (a + b), out.get(0, 45, 40), 1e-3);
        assertEquals(2, StackCore.stack(List.of(left, right), StackParams.plainMean(), out, null, Progress.NONE, PLAN)
                .framesUsed());
        assertEquals(150, out.get(0, 45, 40), 1e-4, "without radial weight: the plain mean");
    }

    @Test
    void progressReachesTheEndAndCancellationStops() throws Exception {
        TestSky sky = TestSky.stars(W, H, C, 4, 20, 3.0, 100, 100, 100);
        List<FloatImage> frames = List.of(sky.frame(1, 3, 1, 0), sky.frame(2, 3, 1, 0), sky.frame(3, 3, 1, 0));
        double[] last = {-1};
        boolean[] monotone = {true};
        Progress pr = (f, m) -> {
            synchronized (last) {
                if (f < last[0] - 1e-12) monotone[0] = false;
                last[0] = Math.max(last[0], f);
            }
        };
        stack(frames, StackParams.defaults(), new FloatImage(W, H, C), null);
        StackCore.stack(frames, StackParams.defaults(), new FloatImage(W, H, C), null, pr,
                new ResourcePlan(1, 1 << 20).withWholeFrameThreshold(0));
        assertEquals(1.0, last[0], 1e-9);
        Progress cancelled = new Progress() {
            @Override public void update(double fraction, String message) { }
            @Override public boolean cancelled() { return true; }
        };
        assertThrows(CancellationException.class, () -> StackCore.stack(frames, StackParams.defaults(),
                new FloatImage(W, H, C), null, cancelled, PLAN));
    }

    @Test
    void readErrorsNameTheFrame() {
        FloatImage ok = new FloatImage(W, H, 1);
        ok.fill(1);
        org.tessera.image.RowSource broken = new org.tessera.image.RowSource() {
            @Override public int width() { return W; }
            @Override public int height() { return H; }
            @Override public int channels() { return 1; }
            @Override public void readRows(int y0, int rows, float[][] dst) throws java.io.IOException {
                throw new java.io.IOException("disk on fire");
            }
        };
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> StackCore.stack(List.of(ok, broken),
                StackParams.plainMean(), new FloatImage(W, H, 1), null, Progress.NONE, PLAN));
        assertTrue(e.getMessage().contains("frame #2") && e.getMessage().contains("disk on fire"), e.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> StackCore.stack(
                List.of(ok, new FloatImage(W + 1, H, 1)), StackParams.plainMean(), new FloatImage(W, H, 1), null,
                Progress.NONE, PLAN));
        assertTrue(shape.getMessage().contains("differ in shape"));
    }

    static Handler capture(AtomicReference<String> into, String contains) {
        return new Handler() {
            @Override public void publish(LogRecord r) {
                if (r.getMessage() != null && r.getMessage().contains(contains)) into.set(r.getMessage());
            }
            @Override public void flush() { }
            @Override public void close() { }
        };
    }
}
