package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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

    /**
     * Uploads that cycle each stream's two pinned slots several times before the streams are
     * synchronised (a real band's chunk uploads tens of MiB at once; the contracts' chunks fit in
     * one slot), one call larger than two slots, odd counts and offsets, on both streams at once,
     * and the synchronous upload through its two pinned halves: every element arrives bit for bit.
     * A slot refilled before its queued copy ran, or a copy of the wrong size or offset, shows here.
     */
    @Test
    void uploadsThatCycleThePinnedSlotsArriveIntact() {
        GpuDevice d = GpuTestDevice.get();
        Random r = new Random(12);
        int slot = JCudaDevice.PINNED_HALF / 4; // floats a pinned slot holds
        int[] floatCounts = {slot * 5 / 2 + 3, 300_001, slot - 1, 7, slot + 1};
        List<DeviceBuffer> held = new ArrayList<>();
        List<Runnable> checks = new ArrayList<>();
        try {
            for (int s = 0; s < d.streams(); s++) {
                for (int n : floatCounts) {
                    float[] host = new float[n + 5];
                    for (int i = 0; i < host.length; i++) host[i] = r.nextFloat();
                    DeviceBuffer b = d.allocate((n + 2) * 4L, GpuPhase.PHASE3);
                    held.add(b);
                    d.uploadAsync(s, host, 5, b, 2, n);
                    checks.add(() -> {
                        float[] back = new float[n];
                        d.download(b, 2, back, 0, n);
                        assertArrayEquals(java.util.Arrays.copyOfRange(host, 5, 5 + n), back, n + " floats");
                    });
                }
                int ni = slot * 3 / 2 + 1;
                int[] ints = r.ints(ni).toArray();
                DeviceBuffer bi = d.allocate(ni * 4L, GpuPhase.PHASE3);
                held.add(bi);
                d.uploadAsync(s, ints, 0, bi, 0, ni);
                checks.add(() -> {
                    int[] back = new int[ni];
                    d.download(bi, 0, back, 0, ni);
                    assertArrayEquals(ints, back, ni + " ints");
                });
                int nd = slot * 3 / 4 + 3; // more bytes than a slot
                double[] doubles = r.doubles(nd + 1).toArray();
                DeviceBuffer bd = d.allocate(nd * 8L, GpuPhase.PHASE3);
                held.add(bd);
                d.uploadAsync(s, doubles, 1, bd, 0, nd);
                checks.add(() -> {
                    double[] back = new double[nd];
                    d.download(bd, 0, back, 0, nd);
                    assertArrayEquals(java.util.Arrays.copyOfRange(doubles, 1, nd + 1), back, nd + " doubles");
                });
            }
            d.synchronize();
            for (Runnable c : checks) c.run();
            // The synchronous float upload: above 1 MiB through two pinned halves of 4 MiB, refilled in turn.
            int n = slot * 7 / 2 + 11;
            float[] host = new float[n + 1];
            for (int i = 0; i < host.length; i++) host[i] = r.nextFloat();
            DeviceBuffer b = d.allocate((n + 3) * 4L, GpuPhase.PHASE3);
            held.add(b);
            d.upload(host, 1, b, 3, n);
            float[] back = new float[n];
            d.download(b, 3, back, 0, n);
            assertArrayEquals(java.util.Arrays.copyOfRange(host, 1, n + 1), back, "synchronous upload of " + n + " floats");
        } finally {
            d.synchronize();
            for (DeviceBuffer b : held) d.release(b);
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
