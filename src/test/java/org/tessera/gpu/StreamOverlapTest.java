package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.plan.ResourcePlan;
import org.tessera.reproject.BandContribution;
import org.tessera.reproject.CoaddBand;
import org.tessera.reproject.Kernel;
import org.tessera.stack.BandChannel;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.StackBackend;
import org.tessera.stack.StackCore;
import org.tessera.stack.StackParams;
import org.tessera.stack.TileStackPolicy;
import org.tessera.wcs.FitsWcs;

/**
 * The overlapped path (two streams, double-buffered chunks, strips uploaded on a copy stream)
 * against the unoverlapped one on the simulated device, whose vector clocks reject any order a
 * real device could race: bit-identical numbers for every stack option and coadd kernel, both
 * buffer sets within one chunk budget, and a fault in the middle of the pipeline handled by mode C
 * and the Phase 5 ladder as before, with every buffer back in the pool.
 */
class StreamOverlapTest {

    private static final long MIB = 1L << 20;

    private static GpuStackBackend stacker(SimulatedDevice d, long budget) {
        GpuStackBackend g = new GpuStackBackend(d, GpuPhase.PHASE3, new ChunkLimits(1 << 20, budget));
        g.pipelineMinBytes(0); // small test bands: cut them for overlap as a large band would be
        return g;
    }

    @Test
    void stackOverlapIsBitIdenticalOnEveryOption() {
        int pixels = 1500;
        long budget = 120_000; // 17 frames: one set holds ~400 pixels, two ~200: 4 and 8 chunks
        for (boolean fw : new boolean[] {false, true})
            for (boolean pw : new boolean[] {false, true}) {
                BandChannel b = StackBackendContract.band(17, pixels, fw, pw, 3 + (fw ? 1 : 0) + (pw ? 2 : 0));
                for (StackParams p : StackBackendContract.allParams()) {
                    String what = p.describe() + " fw=" + fw + " pw=" + pw;
                    SimulatedDevice one = new SimulatedDevice(64 * MIB, 1), two = new SimulatedDevice(64 * MIB, 2);
                    float[] seq = new float[pixels], ovl = new float[pixels];
                    ChannelTally ts = new ChannelTally(), to = new ChannelTally();
                    stacker(one, budget).stack(b, p, seq, ts);
                    GpuStackBackend g = stacker(two, budget);
                    g.stack(b, p, ovl, to);
                    assertArrayEquals(seq, ovl, what);
                    assertEquals(ts.samples(), to.samples(), what);
                    assertEquals(ts.rejected(), to.rejected(), what);
                    assertEquals(2, two.maxBusyStreams(), what + ": chunks overlapped");
                    assertEquals(1, one.maxBusyStreams());
                    assertTrue(g.timings().take().chunks() >= 4, what);
                    assertTrue(two.peakRequestedBytes() <= budget, what + ": peak " + two.peakRequestedBytes());
                    assertEquals(0, two.liveBytes(), what);
                    // Frame blocks: sample bounds, accumulate and finish overlap too.
                    SimulatedDevice one2 = new SimulatedDevice(64 * MIB, 1), two2 = new SimulatedDevice(64 * MIB, 2);
                    ChannelTally bs = new ChannelTally(), bo = new ChannelTally();
                    float[] bSeq = StackBackendContract.blocks(stacker(one2, budget), b, 7, 5, p, bs);
                    float[] bOvl = StackBackendContract.blocks(stacker(two2, budget), b, 7, 5, p, bo);
                    assertArrayEquals(bSeq, bOvl, "blocks " + what);
                    assertEquals(bs.rejected(), bo.rejected(), "blocks " + what);
                    assertEquals(2, two2.maxBusyStreams(), "blocks " + what);
                    assertTrue(two2.peakRequestedBytes() <= budget, "blocks " + what);
                }
            }
    }

    @Test
    void smallBandsAreNotCutForOverlap() {
        SimulatedDevice d = new SimulatedDevice(64 * MIB);
        GpuStackBackend g = new GpuStackBackend(d, GpuPhase.PHASE3, ChunkLimits.of(4096, 64));
        BandChannel b = StackBackendContract.band(9, 1000, true, false, 1);
        g.stack(b, StackParams.defaults(), new float[1000], new ChannelTally());
        assertEquals(1, g.timings().take().chunks(), "36 KB of samples: below the pipeline size, one chunk");
        assertEquals(1, d.maxBusyStreams());
        // The same band above the pipeline size: at least four chunks over two streams.
        g.pipelineMinBytes(1000 * 9 * 4);
        g.stack(b, StackParams.defaults(), new float[1000], new ChannelTally());
        assertEquals(4, g.timings().take().chunks());
        assertEquals(2, d.maxBusyStreams());
    }

    @Test
    void coaddOverlapIsBitIdenticalForEveryKernel() {
        FitsWcs target = CoadderContract.tan(10, 20, 2, 0, CoadderContract.W, CoadderContract.H);
        for (Kernel k : Kernel.values()) {
            List<BandContribution> cs = CoadderContract.contributions(target, k, 10, 60);
            for (long budget : new long[] {64 * MIB, 86_400 * 2 + 1025 * 6 * 8 + 2 * 20_000 + 60_000}) {
                String what = k.configName() + " budget " + budget;
                SimulatedDevice one = new SimulatedDevice(256 * MIB, 1), two = new SimulatedDevice(256 * MIB, 2);
                GpuBandCoadder a = new GpuBandCoadder(one, GpuPhase.PHASE5, new ChunkLimits(4096, budget));
                GpuBandCoadder b = new GpuBandCoadder(two, GpuPhase.PHASE5, new ChunkLimits(4096, budget));
                CoaddBand seq = CoadderContract.run(a, cs, 10, 60), ovl = CoadderContract.run(b, cs, 10, 60);
                assertArrayEquals(seq.weight(), ovl.weight(), what);
                for (int c = 0; c < CoadderContract.NC; c++) assertArrayEquals(seq.sum(c), ovl.sum(c), what + " channel " + c);
                assertEquals(a.timings().take().chunks(), b.timings().take().chunks(), what + ": no extra row chunk for overlap");
                if (k != Kernel.EXACT) assertEquals(2, two.maxBusyStreams(), what + ": strip upload beside the kernel");
                assertTrue(two.peakRequestedBytes() <= budget, what + ": peak " + two.peakRequestedBytes());
                assertEquals(0, two.liveBytes(), what);
            }
        }
    }

    // ---- The simulated device's ordering checks ----------------------------------------------

    @Test
    void aBufferInFlightOnOneStreamCannotBeUsedElsewhereUntilItIsKnownDone() {
        SimulatedDevice d = new SimulatedDevice(MIB);
        DeviceBuffer buf = d.allocate(400, GpuPhase.PHASE3);
        float[] host = new float[100];
        java.util.Arrays.fill(host, 2f);
        d.uploadAsync(0, host, 0, buf, 0, 100);
        GpuException other = assertThrows(GpuException.class, () -> d.uploadAsync(1, host, 0, buf, 0, 100));
        assertTrue(other.getMessage().contains("still in flight on stream 0"), other.getMessage());
        GpuException read = assertThrows(GpuException.class, () -> d.download(buf, 0, new float[100], 0, 100));
        assertTrue(read.getMessage().contains("while in flight on stream 0"), read.getMessage());
        GpuException release = assertThrows(GpuException.class, () -> d.release(buf));
        assertTrue(release.getMessage().startsWith("buffer released while in flight"), release.getMessage());
        // An event orders stream 1 after stream 0's upload; the host still has to synchronise.
        d.await(1, d.record(0));
        d.uploadAsync(1, host, 0, buf, 0, 50);
        assertThrows(GpuException.class, () -> d.release(buf));
        d.synchronize(0);
        assertThrows(GpuException.class, () -> d.release(buf), "stream 1 still holds it");
        d.synchronize(1);
        float[] back = new float[100];
        d.download(buf, 0, back, 0, 100);
        assertEquals(2f, back[99]);
        d.release(buf);
        assertEquals(2, d.maxBusyStreams());
    }

    @Test
    void syncingAStreamAlsoTeachesTheHostWhatThatStreamAwaited() {
        SimulatedDevice d = new SimulatedDevice(MIB);
        DeviceBuffer buf = d.allocate(400, GpuPhase.PHASE3);
        d.uploadAsync(1, new float[100], 0, buf, 0, 100);
        d.await(0, d.record(1));
        d.synchronize(0); // stream 0 waited for stream 1's upload: done
        d.release(buf);
        assertEquals(0, d.liveBytes());
    }

    // ---- Faults in the middle of the pipeline ------------------------------------------------

    /**
     * Fails the {@code at}-th async upload issued while a kernel launched earlier may still be in
     * flight (the next chunk's or strip's upload beside the current kernel), on every attempt when
     * {@code every} is set; OOM or a plain GPU error. Counts the uploads that overlapped a kernel.
     */
    static final class MidPipelineFault extends ForwardingDevice {
        final SimulatedDevice sim;
        final boolean oom, every;
        final int at;
        int afterLaunch = -1, faults, busyAtFault;

        MidPipelineFault(SimulatedDevice inner, int at, boolean oom, boolean every) {
            super(inner);
            this.sim = inner;
            this.at = at;
            this.oom = oom;
            this.every = every;
        }

        private void maybeFail() {
            if (afterLaunch < 0) return;
            if (++afterLaunch != at || (faults > 0 && !every)) return;
            faults++;
            afterLaunch = -1;
            busyAtFault = sim.maxBusyStreams();
            if (oom) throw new GpuOutOfMemoryException("CUDA_ERROR_OUT_OF_MEMORY: out of memory (test: upload beside a kernel)");
            throw new GpuException("CUDA_ERROR_LAUNCH_FAILED: unspecified launch failure (test: upload beside a kernel)");
        }

        @Override public void uploadAsync(int s, float[] h, int o, DeviceBuffer b, long d, int n) { maybeFail(); super.uploadAsync(s, h, o, b, d, n); }
        @Override public void uploadAsync(int s, int[] h, int o, DeviceBuffer b, long d, int n) { maybeFail(); super.uploadAsync(s, h, o, b, d, n); }
        @Override public void uploadAsync(int s, double[] h, int o, DeviceBuffer b, long d, int n) { maybeFail(); super.uploadAsync(s, h, o, b, d, n); }
        @Override public void launchAsync(int s, KernelCall c, GpuPhase p) { super.launchAsync(s, c, p); if (afterLaunch < 0) afterLaunch = 0; }
    }

    /** The real backends, cutting every stack band for overlap as a large band would be. */
    private static final class Overlapping extends TestBackends {
        @Override
        public StackBackend stack(GpuDevice device, GpuPhase phase, ChunkLimits limits) {
            StackBackend b = super.stack(device, phase, limits);
            ((GpuStackBackend) b).pipelineMinBytes(0);
            return b;
        }
    }

    private static GpuRun run(GpuDevice device, String... sets) {
        Config c = GpuFixtures.config(null, sets);
        return new GpuRun(GpuSettings.fromConfig(c), () -> device, new Overlapping());
    }

    private static final StackParams PARAMS = StackParams.fromConfig(new Config());
    private final List<FloatImage> frames = GpuFixtures.frames(9, 40, 30, 1, 3);

    private static float[] tile(TileStackPolicy policy, int id, List<FloatImage> frames) throws IOException {
        FloatImage img = new FloatImage(40, 30, 1), cov = new FloatImage(40, 30, 1);
        policy.stack(id, b -> StackCore.stack(frames, PARAMS, img, cov, Progress.NONE, new ResourcePlan(1, 64L << 20), b));
        return img.plane(0);
    }

    @Test
    void aFaultOnTheUploadBesideAKernelIsRetriedOnceInModeC() throws IOException {
        for (boolean oom : new boolean[] {true, false}) {
            SimulatedDevice sim = new SimulatedDevice(8192 * MIB);
            MidPipelineFault dev = new MidPipelineFault(sim, 1, oom, false);
            try (GpuRun r = run(dev); Logged.Capture logs = Logged.fine()) {
                float[] got = tile(Phase3GpuPolicy.forRun(r), 4, frames);
                float[] cpu = tile(TileStackPolicy.CPU, 4, frames);
                assertEquals(1, dev.faults);
                assertEquals(2, dev.busyAtFault, "the fault hit while the first chunk was in flight");
                List<String> w = logs.starting("[P3][GPU] tile 4: GPU stack failed (" + (oom ? "OOM" : "GpuException") + ")");
                assertEquals(1, w.size(), logs.messages().toString());
                assertTrue(w.get(0).endsWith("-- retrying once on GPU after freeing the pool, max_chunk_mb=64"), w.get(0));
                assertFalse(r.phase3HardDisabled());
                assertArrayEquals(cpu, got, 1e-5f * 200);
                assertEquals(0, sim.liveBytes(), "every buffer of the failed attempt released after its streams");
            }
        }
    }

    @Test
    void aFaultOnEveryAttemptDisablesPhase3GpuAndTheTileIsTheCpus() throws IOException {
        SimulatedDevice sim = new SimulatedDevice(8192 * MIB);
        MidPipelineFault dev = new MidPipelineFault(sim, 1, true, true);
        try (GpuRun r = run(dev); Logged.Capture logs = Logged.fine()) {
            float[] got = tile(Phase3GpuPolicy.forRun(r), 7, frames);
            assertEquals(2, dev.faults);
            assertTrue(r.phase3HardDisabled());
            assertArrayEquals(tile(TileStackPolicy.CPU, 7, frames), got, "bit for bit the CPU's tile");
            assertEquals(1, logs.at(Level.SEVERE).size());
            assertEquals(0, sim.liveBytes());
        }
    }

    @Test
    void phase5OomBesideAKernelClimbsTheLadderAndAnErrorFallsBackToTheCpu() throws Exception {
        Phase5VramTest.Out cpu = Phase5VramTest.cpu();
        SimulatedDevice sim = new SimulatedDevice(24576 * MIB);
        MidPipelineFault dev = new MidPipelineFault(sim, 1, true, false);
        try (GpuRun r = run(dev); Logged.Capture logs = Logged.fine()) {
            Phase5GpuCoadder gpu = (Phase5GpuCoadder) Phase5GpuCoadder.forRun(r);
            Phase5VramTest.Out o = Phase5VramTest.coadd(gpu);
            assertEquals(2, dev.busyAtFault, "the strip upload ran beside the first kernel");
            List<String> w = logs.starting("[GPU Reproject]");
            assertEquals(1, w.size(), w.toString());
            assertTrue(w.get(0).startsWith("[GPU Reproject] OOM retry 1/3: "), w.get(0));
            assertEquals(5, gpu.gpuBands());
            Phase5VramTest.assertClose(cpu.mosaic, o.mosaic, 1e-5);
            assertEquals(0, sim.liveBytes());
        }
        SimulatedDevice sim2 = new SimulatedDevice(24576 * MIB);
        MidPipelineFault err = new MidPipelineFault(sim2, 1, false, false);
        try (GpuRun r = run(err); Logged.Capture logs = Logged.fine()) {
            Phase5GpuCoadder gpu = (Phase5GpuCoadder) Phase5GpuCoadder.forRun(r);
            Phase5VramTest.Out o = Phase5VramTest.coadd(gpu);
            List<String> w = logs.starting("[GPU Reproject]");
            assertEquals(1, w.size(), w.toString());
            assertTrue(w.get(0).startsWith("[GPU Reproject] GPU error, not retried (GpuException): "), w.get(0));
            assertEquals(5, gpu.cpuBands());
            for (int ch = 0; ch < 3; ch++) assertArrayEquals(cpu.mosaic.plane(ch), o.mosaic.plane(ch), "the CPU's mosaic, bit for bit");
            assertEquals(0, sim2.liveBytes());
        }
    }
}
