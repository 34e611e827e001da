package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tessera.stack.BandChannel;
import org.tessera.stack.BlockAccumulator;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.SampleBounds;
import org.tessera.stack.StackBackend;
import org.tessera.stack.StackParams;
import org.tessera.stack.StackParams.Combine;
import org.tessera.stack.StackParams.Rejection;

/**
 * The contract every {@link StackBackend} honours, run against each backend by a subclass: known
 * answers on hand-made pixels, and agreement with {@link CpuStackBackend} (≤ 1e-5 relative, same
 * NaN pixels, same rejected counts) on synthetic bands for every rejection × combine, with and
 * without frame and pixel weights, whole-stack and frame-block paths.
 */
abstract class StackBackendContract {

    /** The backend under test. */
    abstract StackBackend backend();

    static final double TOL = 1e-5;

    /** A band of {@code frames} frames × {@code pixels} pixels: sky + noise, outliers, NaN holes. */
    static BandChannel band(int frames, int pixels, boolean frameWeights, boolean pixelWeights, long seed) {
        Random r = new Random(seed);
        int stride = pixels + 3;
        float[] v = new float[frames * stride];
        float[] pw = pixelWeights ? new float[frames * stride] : null;
        double[] w = new double[frames];
        for (int f = 0; f < frames; f++) {
            w[f] = frameWeights ? 0.3 + 1.7 * r.nextDouble() : 1.0;
            for (int i = 0; i < pixels; i++) {
                double x = 100 + 20 * Math.sin(i * 0.05) + 5 * r.nextGaussian();
                double u = r.nextDouble();
                if (u < 0.04) x += 200 + 300 * r.nextDouble();       // satellite / hot pixel
                else if (u < 0.06) x -= 80 * r.nextDouble();        // dark outlier
                v[f * stride + i] = u > 0.985 ? Float.NaN : (float) x;
                if (pw != null) pw[f * stride + i] = (float) (0.2 + 0.8 * r.nextDouble());
            }
            for (int i = pixels; i < stride; i++) v[f * stride + i] = 1e30f; // beyond the band: never read
        }
        // Pixel 0: no data in any frame; pixel 1: one sample; pixel 2: two samples.
        for (int f = 0; f < frames; f++) v[f * stride] = Float.NaN;
        for (int f = 1; f < frames; f++) v[f * stride + 1] = Float.NaN;
        for (int f = 2; f < frames; f++) v[f * stride + 2] = Float.NaN;
        return new BandChannel(v, stride, frames, pixels, w, pw);
    }

    static List<StackParams> allParams() {
        List<StackParams> out = new ArrayList<>();
        for (Rejection rej : Rejection.values())
            for (Combine c : Combine.values()) out.add(StackParams.defaults().with(rej, c).withKappa(2.5, 2.0));
        return out;
    }

    static void assertClose(float[] expected, float[] actual, int n, String what) {
        for (int i = 0; i < n; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e)) {
                assertTrue(Float.isNaN(a), what + ": pixel " + i + " expected NaN, got " + a);
                continue;
            }
            assertTrue(Math.abs(a - e) <= TOL * Math.max(1, Math.abs(e)),
                    what + ": pixel " + i + " expected " + e + ", got " + a);
        }
    }

    @Test
    void knownAnswers() {
        // One pixel, five frames: 1, 2, 3, 4, 100.
        float[] v = {1, 2, 3, 4, 100};
        BandChannel b = new BandChannel(v, 1, 5, 1, new double[] {1, 1, 1, 1, 1}, null);
        float[] out = new float[1];
        ChannelTally t = new ChannelTally();
        backend().stack(b, StackParams.defaults().with(Rejection.NONE, Combine.MEAN), out, t);
        assertEquals(22f, out[0], 1e-5);
        assertEquals(0, t.rejected());
        backend().stack(b, StackParams.defaults().with(Rejection.NONE, Combine.MEDIAN), out, t);
        assertEquals(3f, out[0], 1e-6);
        // median 3, population std 39.01: keep [3 - 2·39.01, 3 + 2·39.01]: 100 goes.
        t = new ChannelTally();
        backend().stack(b, StackParams.defaults().with(Rejection.KAPPA_SIGMA, Combine.MEAN).withKappa(2, 2), out, t);
        assertEquals(2.5f, out[0], 1e-6);
        assertEquals(1, t.rejected());
        assertEquals(5, t.samples());
        // Frame weights: (1·1 + 2·2 + 3·1 + 4·1) / 5 once 100 is gone.
        BandChannel bw = new BandChannel(v, 1, 5, 1, new double[] {1, 2, 1, 1, 1}, null);
        backend().stack(bw, StackParams.defaults().with(Rejection.KAPPA_SIGMA, Combine.MEAN).withKappa(2, 2), out, new ChannelTally());
        assertEquals(12f / 5f, out[0], 1e-6);
        // No finite sample: NaN.
        BandChannel nan = new BandChannel(new float[] {Float.NaN, Float.NaN}, 1, 2, 1, new double[] {1, 1}, null);
        backend().stack(nan, StackParams.defaults(), out, new ChannelTally());
        assertTrue(Float.isNaN(out[0]));
    }

    @Test
    void wholeStackMatchesCpuOnEveryOption() {
        int pixels = 1500;
        for (boolean fwOn : new boolean[] {false, true})
            for (boolean pwOn : new boolean[] {false, true}) {
                BandChannel b = band(17, pixels, fwOn, pwOn, 11 + (fwOn ? 1 : 0) + (pwOn ? 2 : 0));
                for (StackParams p : allParams()) {
                    String what = p.describe() + " fw=" + fwOn + " pw=" + pwOn;
                    float[] ref = new float[pixels], got = new float[pixels];
                    ChannelTally tr = new ChannelTally(), tg = new ChannelTally();
                    CpuStackBackend.INSTANCE.stack(b, p, ref, tr);
                    backend().stack(b, p, got, tg);
                    assertClose(ref, got, pixels, what);
                    assertEquals(tr.samples(), tg.samples(), what + " samples");
                    assertEquals(tr.rejected(), tg.rejected(), what + " rejected");
                    if (p.rejection() != Rejection.NONE) assertTrue(tr.rejected() > 0, what + ": the data must trigger rejection");
                }
            }
    }

    /** Frame-block mode: bounds from a sample of frames, blocks accumulated, finished. */
    static float[] blocks(StackBackend be, BandChannel all, int sampleFrames, int block, StackParams p,
                                  ChannelTally tally) {
        int pixels = all.pixels(), stride = all.stride();
        BandChannel sample = sub(all, 0, sampleFrames);
        SampleBounds bounds = new SampleBounds(pixels);
        be.sampleBounds(sample, p, bounds);
        BlockAccumulator acc = new BlockAccumulator(pixels);
        acc.reset(pixels);
        for (int f0 = 0; f0 < all.frames(); f0 += block)
            be.accumulate(sub(all, f0, Math.min(block, all.frames() - f0)), bounds, acc);
        float[] out = new float[pixels];
        be.finish(bounds, acc, pixels, p, out, tally);
        assertEquals(stride, all.stride());
        return out;
    }

    private static BandChannel sub(BandChannel b, int f0, int n) {
        int s = b.stride();
        float[] v = java.util.Arrays.copyOfRange(b.values(), f0 * s, (f0 + n) * s);
        float[] pw = b.pixelWeights() == null ? null : java.util.Arrays.copyOfRange(b.pixelWeights(), f0 * s, (f0 + n) * s);
        return new BandChannel(v, s, n, b.pixels(), java.util.Arrays.copyOfRange(b.weights(), f0, f0 + n), pw);
    }

    @Test
    void frameBlockPathMatchesCpuOnEveryOption() {
        int pixels = 900;
        for (boolean pwOn : new boolean[] {false, true}) {
            BandChannel b = band(23, pixels, true, pwOn, 5 + (pwOn ? 1 : 0));
            for (StackParams p : allParams()) {
                String what = "blocks " + p.describe() + " pw=" + pwOn;
                ChannelTally tr = new ChannelTally(), tg = new ChannelTally();
                float[] ref = blocks(CpuStackBackend.INSTANCE, b, 9, 6, p, tr);
                float[] got = blocks(backend(), b, 9, 6, p, tg);
                assertClose(ref, got, pixels, what);
                assertEquals(tr.samples(), tg.samples(), what + " samples");
                assertEquals(tr.rejected(), tg.rejected(), what + " rejected");
            }
        }
    }
}
