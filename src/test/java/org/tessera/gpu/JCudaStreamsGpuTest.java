package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tessera.reproject.BandContribution;
import org.tessera.reproject.CoaddBand;
import org.tessera.reproject.CpuBandCoadder;
import org.tessera.reproject.Kernel;
import org.tessera.stack.BandChannel;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackParams;
import org.tessera.wcs.FitsWcs;

/**
 * The overlapped path on the real GPU (two non-blocking streams, pinned staging, events): every
 * stack option (whole stack and frame blocks) and every coadd kernel ≤ 1e-5 of the CPU, and
 * bit-identical to the same device driven through one stream, so no race changed a number.
 */
@Tag("gpu")
class JCudaStreamsGpuTest {

    private static GpuStackBackend stacker(GpuDevice d, long budget) {
        GpuStackBackend g = new GpuStackBackend(d, GpuPhase.PHASE3, new ChunkLimits(1 << 20, budget));
        g.pipelineMinBytes(0);
        return g;
    }

    @Test
    void overlappedStackMatchesCpuAndOneStreamOnEveryOption() {
        GpuDevice d = GpuTestDevice.get();
        assertEquals(2, d.streams());
        int pixels = 40_000;
        long budget = 4L << 20; // 17 frames, 248 B a pixel: ~8 000 pixels a set, 5+ chunks
        for (boolean pw : new boolean[] {false, true}) {
            BandChannel b = StackBackendContract.band(17, pixels, true, pw, 21 + (pw ? 1 : 0));
            for (StackParams p : StackBackendContract.allParams()) {
                String what = "overlapped " + p.describe() + " pw=" + pw;
                float[] ref = new float[pixels], two = new float[pixels], one = new float[pixels];
                ChannelTally tr = new ChannelTally(), t2 = new ChannelTally(), t1 = new ChannelTally();
                CpuStackBackend.INSTANCE.stack(b, p, ref, tr);
                GpuStackBackend g = stacker(d, budget);
                g.stack(b, p, two, t2);
                stacker(ForwardingDevice.oneStream(d), budget).stack(b, p, one, t1);
                assertTrue(g.timings().take().chunks() >= 4, what);
                StackBackendContract.assertClose(ref, two, pixels, what);
                assertEquals(tr.rejected(), t2.rejected(), what);
                assertArrayEquals(one, two, what + ": one stream vs two");
                ChannelTally br = new ChannelTally(), bg = new ChannelTally();
                float[] bRef = StackBackendContract.blocks(CpuStackBackend.INSTANCE, b, 7, 5, p, br);
                float[] bGpu = StackBackendContract.blocks(stacker(d, budget), b, 7, 5, p, bg);
                StackBackendContract.assertClose(bRef, bGpu, pixels, "blocks " + what);
                assertEquals(br.rejected(), bg.rejected(), "blocks " + what);
            }
        }
    }

    @Test
    void overlappedCoaddMatchesCpuAndOneStreamForEveryKernel() {
        GpuDevice d = GpuTestDevice.get();
        FitsWcs target = CoadderContract.tan(10, 20, 2, 0, CoadderContract.W, CoadderContract.H);
        for (Kernel k : Kernel.values()) {
            List<BandContribution> cs = CoadderContract.contributions(target, k, 10, 60);
            CoaddBand ref = CoadderContract.run(CpuBandCoadder.INSTANCE, cs, 10, 60);
            CoaddBand two = CoadderContract.run(new GpuBandCoadder(d, GpuPhase.PHASE5, ChunkLimits.of(16, 64)), cs, 10, 60);
            CoaddBand one = CoadderContract.run(new GpuBandCoadder(ForwardingDevice.oneStream(d), GpuPhase.PHASE5,
                    ChunkLimits.of(16, 64)), cs, 10, 60);
            CoadderContract.assertSameBand(ref, two, "overlapped " + k.configName());
            assertArrayEquals(one.weight(), two.weight(), k.configName());
            for (int c = 0; c < CoadderContract.NC; c++) assertArrayEquals(one.sum(c), two.sum(c), k.configName() + " channel " + c);
        }
    }
}
