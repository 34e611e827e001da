package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tessera.stack.BandChannel;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackBackend;
import org.tessera.stack.StackParams;

/**
 * The CPU's rejection rules ({@code stack.PixelRules}, sample-major, behind {@link CpuStackBackend})
 * and the Java port of stack.cu ({@code gpu.kernels.StackKernels}, frame-major with a strided
 * scratch column, behind the simulated device) are two writings of one algorithm (docs/gpu.md says
 * why they stay two). They must agree bit for bit, tallies included, on every rejection × combine,
 * with and without frame and pixel weights, whole stack and frame blocks, on bands built to hit the
 * corners: no sample, one, two, an even count, all samples equal (σ = 0), ties at the median, huge
 * outliers, negative values, NaN holes.
 */
class PixelRulesPortAgreementTest {

    private static final StackBackend PORT = new GpuStackBackend(new SimulatedDevice(256L << 20), GpuPhase.PHASE3,
            ChunkLimits.of(1 << 20, 128));

    /** 600 pixels of {@code frames} frames, each pixel one of ten kinds of corner case, the rest noise. */
    static BandChannel corners(int frames, boolean fw, boolean pw, long seed) {
        Random r = new Random(seed);
        int pixels = 600;
        float[] v = new float[frames * pixels];
        float[] pws = pw ? new float[frames * pixels] : null;
        double[] w = new double[frames];
        for (int f = 0; f < frames; f++) w[f] = fw ? 0.25 + 2 * r.nextDouble() : 1;
        for (int i = 0; i < pixels; i++)
            for (int f = 0; f < frames; f++) {
                double x = switch (i % 10) {
                    case 0 -> Float.NaN;                                       // no sample
                    case 1 -> f == 0 ? 42.5 : Float.NaN;                        // one
                    case 2 -> f < 2 ? 10 + 7 * f : Float.NaN;                   // two
                    case 3 -> 123.25;                                          // all equal: σ = 0
                    case 4 -> f % 3 == 0 ? 50 : 50 + (f % 2);                  // ties at the median
                    case 5 -> f == frames / 2 ? 1e7 : 200 + r.nextGaussian();  // one huge outlier
                    case 6 -> -300 + 40 * r.nextGaussian();                    // negative sky
                    case 7 -> f % 4 == 1 ? Float.NaN : 80 + 3 * r.nextGaussian(); // holes, even/odd counts
                    case 8 -> r.nextDouble() < 0.3 ? 1000 * r.nextDouble() : 5 + r.nextGaussian(); // many outliers
                    default -> 100 + 10 * r.nextGaussian();
                };
                v[f * pixels + i] = (float) x;
                if (pws != null) pws[f * pixels + i] = (float) (0.1 + r.nextDouble());
            }
        return new BandChannel(v, pixels, frames, pixels, w, pws);
    }

    @Test
    void cpuRulesAndKernelPortAgreeBitForBitOnEveryOption() {
        int cases = 0;
        for (int frames : new int[] {2, 3, 8, 13})
            for (boolean fw : new boolean[] {false, true})
                for (boolean pw : new boolean[] {false, true}) {
                    BandChannel b = corners(frames, fw, pw, frames * 4L + (fw ? 2 : 0) + (pw ? 1 : 0));
                    for (StackParams p : StackBackendContract.allParams()) {
                        String what = p.describe() + " frames=" + frames + " fw=" + fw + " pw=" + pw;
                        float[] cpu = new float[b.pixels()], port = new float[b.pixels()];
                        ChannelTally tc = new ChannelTally(), tp = new ChannelTally();
                        CpuStackBackend.INSTANCE.stack(b, p, cpu, tc);
                        PORT.stack(b, p, port, tp);
                        assertArrayEquals(cpu, port, what);
                        assertEquals(tc.samples(), tp.samples(), what);
                        assertEquals(tc.rejected(), tp.rejected(), what);
                        if (frames >= 8) {
                            ChannelTally bc = new ChannelTally(), bp = new ChannelTally();
                            float[] c = StackBackendContract.blocks(CpuStackBackend.INSTANCE, b, 5, 3, p, bc);
                            float[] q = StackBackendContract.blocks(PORT, b, 5, 3, p, bp);
                            assertArrayEquals(c, q, "blocks " + what);
                            assertEquals(bc.rejected(), bp.rejected(), "blocks " + what);
                        }
                        cases++;
                    }
                }
        assertEquals(4 * 2 * 2 * 8, cases);
    }
}
