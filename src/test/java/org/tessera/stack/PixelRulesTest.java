package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tessera.stack.StackParams.Combine;
import org.tessera.stack.StackParams.Rejection;

/** The per-pixel rules against values computed independently with numpy (fixtures/stack/). */
class PixelRulesTest {

    static float stackOnePixel(double[] x, double[] w, StackParams p, ChannelTally t) {
        float[] v = new float[x.length];
        for (int i = 0; i < x.length; i++) v[i] = (float) x[i];
        float[] out = new float[1];
        CpuStackBackend.INSTANCE.stack(new BandChannel(v, 1, x.length, 1, w, null), p, out, t);
        return out[0];
    }

    @Test
    void rejectionsMatchTheNumpyReference() throws Exception {
        int cases = 0;
        for (String line : Fixtures.lines("pixel_cases.txt")) {
            String[] t = line.split(" ");
            Rejection rej = Rejection.valueOf(t[0]);
            double kl = Double.parseDouble(t[1]), kh = Double.parseDouble(t[2]);
            int n = Integer.parseInt(t[3]);
            double[] x = new double[n], w = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = Double.parseDouble(t[4 + i]);
                w[i] = Double.parseDouble(t[4 + n + i]);
            }
            double expected = Double.parseDouble(t[4 + 2 * n]);
            int expectedRejected = Integer.parseInt(t[5 + 2 * n]);
            StackParams p = StackParams.plainMean().with(rej, Combine.MEAN).withKappa(kl, kh);
            ChannelTally tally = new ChannelTally();
            float got = stackOnePixel(x, w, p, tally);
            assertEquals(expected, got, 1e-6 * Math.max(1, Math.abs(expected)), line);
            assertEquals(expectedRejected, tally.rejected(), line);
            assertEquals(n, tally.samples());
            cases++;
        }
        assertEquals(180, cases);
    }

    @Test
    void combineAndFallbacks() {
        StackParams mean = StackParams.plainMean();
        ChannelTally t = new ChannelTally();
        // Weighted mean.
        assertEquals((1 * 10 + 3 * 20) / 4.0, stackOnePixel(new double[] {10, 20}, new double[] {1, 3}, mean, t), 1e-6);
        // Median ignores weights; even count averages the middle pair.
        StackParams med = mean.with(Rejection.NONE, Combine.MEDIAN);
        assertEquals(15, stackOnePixel(new double[] {10, 20, 12, 18}, new double[] {9, 1, 1, 1}, med, t), 1e-6);
        // NaN samples are ignored; no sample at all gives NaN.
        float[] v = {Float.NaN, 7, Float.NaN};
        float[] out = new float[1];
        CpuStackBackend.INSTANCE.stack(new BandChannel(v, 1, 3, 1, new double[] {1, 1, 1}, null), mean, out, t);
        assertEquals(7, out[0]);
        CpuStackBackend.INSTANCE.stack(new BandChannel(new float[] {Float.NaN, Float.NaN}, 1, 2, 1,
                new double[] {1, 1}, null), mean, out, t);
        assertTrue(Float.isNaN(out[0]));
        // kappa = 0 on an even count keeps nothing: the reference falls back to all samples.
        StackParams k0 = mean.with(Rejection.KAPPA_SIGMA, Combine.MEAN).withKappa(0, 0);
        ChannelTally t0 = new ChannelTally();
        assertEquals(12.5, stackOnePixel(new double[] {10, 15}, new double[] {1, 1}, k0, t0), 1e-6);
        assertEquals(0, t0.rejected(), "the fallback uses every sample");
        // Winsorized with one sample: the sample itself.
        StackParams ws = mean.with(Rejection.WINSORIZED_SIGMA_CLIP, Combine.MEAN);
        assertEquals(42, stackOnePixel(new double[] {42}, new double[] {1}, ws, t), 0);
    }

    @Test
    void medianCombineUsesTheAdmittedSamples() {
        // Kappa-sigma (κ = 1) drops 1000: the median of the kept samples (11.5) is not the median
        // of all five (12).
        double[] x = {10, 11, 12, 13, 1000};
        double[] w = {1, 1, 1, 1, 1};
        StackParams p = StackParams.plainMean().with(Rejection.KAPPA_SIGMA, Combine.MEDIAN).withKappa(1, 1);
        ChannelTally t = new ChannelTally();
        assertEquals(11.5, stackOnePixel(x, w, p, t), 0);
        assertEquals(1, t.rejected());
        assertEquals(12, stackOnePixel(x, w, p.with(Rejection.NONE, Combine.MEDIAN), new ChannelTally()), 0);
    }
}
