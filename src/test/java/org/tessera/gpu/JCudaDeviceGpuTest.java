package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tessera.Logged;
import org.tessera.config.Config;
import org.tessera.gpu.kernels.HealthKernel;
import org.tessera.reproject.BandContribution;
import org.tessera.reproject.CoaddBand;
import org.tessera.reproject.CpuBandCoadder;
import org.tessera.reproject.Kernel;
import org.tessera.stack.TileStackPolicy;
import org.tessera.wcs.FitsWcs;
import org.tessera.stack.BandChannel;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackParams;

/**
 * The real GPU beyond the contract: the health kernel, a forced out-of-memory (most of the VRAM
 * taken first) surfacing as {@link GpuOutOfMemoryException} and cleared by freeing the pool, the
 * same with all of the VRAM taken driving the Phase 5 OOM ladder and Phase 3 mode C on the real
 * device, and GPU vs CPU on the real Seestar frames of ../shared/data for every stack option
 * (whole, overlapped, frame blocks) and every coadd kernel (the frames' pixels as tiles).
 */
@Tag("gpu")
class JCudaDeviceGpuTest {

    @Test
    void healthKernelComputes2iPlus1() {
        GpuDevice d = GpuTestDevice.get();
        int n = 1000;
        DeviceBuffer b = d.allocate(n * 4L, GpuPhase.HEALTH);
        try {
            d.launch(KernelCall.linear(HealthKernel.NAME, n, 128, b, n), GpuPhase.HEALTH);
            int[] out = new int[n];
            d.download(b, 0, out, 0, n);
            for (int i = 0; i < n; i++) assertEquals(2 * i + 1, out[i]);
        } finally {
            d.release(b);
        }
    }

    @Test
    void forcedOutOfMemoryIsClassifiedAndRecoverable() {
        GpuDevice d = GpuTestDevice.get();
        d.freePool();
        long free = d.freeBytes();
        assertTrue(free > 0, "free VRAM probe");
        List<DeviceBuffer> hog = new ArrayList<>();
        try {
            // Take the VRAM down to under 400 MiB: 1 GiB blocks, then 64 MiB ones.
            while (d.freeBytes() > (3L << 29)) hog.add(d.allocate(1L << 30, GpuPhase.PHASE3));
            while (d.freeBytes() > (400L << 20)) hog.add(d.allocate(64L << 20, GpuPhase.PHASE3));
            // 64 frames × 2^20 pixels need 812 MiB on the device (samples, scratch, bounds, outputs).
            BandChannel b = StackBackendContract.band(64, 1 << 20, false, false, 1);
            GpuStackBackend g = new GpuStackBackend(d, GpuPhase.PHASE3, ChunkLimits.of(256, 4096));
            assertThrows(GpuOutOfMemoryException.class,
                    () -> g.stack(b, StackParams.defaults(), new float[1 << 20], new ChannelTally()));
        } finally {
            for (DeviceBuffer h : hog) d.release(h);
            d.freePool();
        }
        assertTrue(d.freeBytes() > free - (512L << 20), "pool freed: " + d.freeBytes() + " of " + free);
    }

    /** Takes the device's memory in ever smaller blocks until not even 64 KiB is left. */
    private static List<DeviceBuffer> takeAllVram(GpuDevice d) {
        List<DeviceBuffer> hog = new ArrayList<>();
        for (long size : new long[] {1L << 30, 64L << 20, 1L << 20, 64L << 10})
            while (true) {
                try {
                    hog.add(d.allocate(size, GpuPhase.HEALTH));
                } catch (GpuOutOfMemoryException full) {
                    break;
                }
            }
        return hog;
    }

    @Test
    void forcedOutOfMemoryDrivesThePhase5LadderAndPhase3ModeC() throws Exception {
        GpuDevice d = GpuTestDevice.get();
        d.freePool();
        long free = d.freeBytes();
        Config c = GpuFixtures.config(null, "use_gpu_phase5=true");
        Phase5VramTest.Out cpu = Phase5VramTest.cpu();
        java.util.List<org.tessera.image.FloatImage> frames = GpuFixtures.frames(9, 40, 30, 1, 3);
        float[] cpuTile = Phase3ModeCTest.stack(TileStackPolicy.CPU, 1, frames);
        try (GpuRun run = new GpuRun(GpuSettings.fromConfig(c), () -> ForwardingDevice.borrowed(d), GpuKernels.BACKENDS);
             Logged.Capture logs = Logged.fine()) {
            assertTrue(run.health().healthy(), "healthy before the VRAM is taken");
            Phase5VramTest.coadd(new GpuBandCoadder(d, GpuPhase.PHASE5, ChunkLimits.of(64, 64))); // kernels loaded
            List<DeviceBuffer> hog = takeAllVram(d);
            try {
                Phase5GpuCoadder gpu = (Phase5GpuCoadder) Phase5GpuCoadder.forRun(run);
                Phase5VramTest.Out o = Phase5VramTest.coadd(gpu);
                List<String> w = logs.starting("[GPU Reproject]");
                assertEquals(4, w.size(), w.toString());
                for (int k = 1; k <= 3; k++) assertTrue(w.get(k - 1).startsWith("[GPU Reproject] OOM retry " + k + "/3: "), w.get(k - 1));
                assertTrue(w.get(3).startsWith("[GPU Reproject] out of memory after 3 retries: "), w.get(3));
                assertTrue(w.get(3).endsWith("fallback CPU for this band and the rest of Phase 5"), w.get(3));
                assertEquals(0, gpu.gpuBands());
                for (int ch = 0; ch < 3; ch++) assertArrayEquals(cpu.mosaic.plane(ch), o.mosaic.plane(ch), "the CPU's mosaic");
                // Phase 3 mode C on the same full device: two GPU attempts, then the tile on the CPU.
                float[] tile = Phase3ModeCTest.stack(Phase3GpuPolicy.forRun(run), 1, frames);
                assertTrue(run.phase3HardDisabled(), logs.messages().toString());
                assertEquals(1, logs.starting("[P3][GPU] tile 1: GPU stack failed (OOM)").size(), logs.messages().toString());
                assertArrayEquals(cpuTile, tile, "the CPU's tile, bit for bit");
            } finally {
                for (DeviceBuffer h : hog) d.release(h);
                d.freePool();
            }
        }
        assertTrue(d.freeBytes() > free - (512L << 20), "pool freed: " + d.freeBytes() + " of " + free);
    }

    @Test
    void realSeestarPixelsThroughEveryCoaddKernelMatchCpu() throws IOException {
        GpuDevice d = GpuTestDevice.get();
        BandChannel band = SeestarCrop.load();
        assumeTrue(band != null, "no Seestar frames (../shared/data or -Dtessera.gpu.seestarCrop)");
        int width = band.pixels() / SeestarCrop.ROWS, frames = band.frames();
        // Tiles cut from the real frames (tile t, channel c: frame (3t + c) mod n, columns from 100 + 300t), on
        // the contract's rotated geometry: real sky statistics, hot pixels and all, through each kernel.
        CoadderContract.TilePixels real = (t, c, x, y, tw, th) ->
                band.values()[((3 * t + c) % frames) * band.stride() + y * width + Math.min(width - tw, 100 + 300 * t) + x];
        FitsWcs target = CoadderContract.tan(10, 20, 2, 0, CoadderContract.W, CoadderContract.H);
        for (Kernel k : Kernel.values()) {
            List<BandContribution> cs = CoadderContract.contributions(target, k, 10, 60, real);
            CoaddBand ref = CoadderContract.run(CpuBandCoadder.INSTANCE, cs, 10, 60);
            CoaddBand gpu = CoadderContract.run(new GpuBandCoadder(d, GpuPhase.PHASE5, ChunkLimits.of(16, 64)), cs, 10, 60);
            CoadderContract.assertSameBand(ref, gpu, "seestar " + k.configName());
        }
    }

    @Test
    void realSeestarFramesMatchCpu() throws IOException {
        GpuDevice d = GpuTestDevice.get();
        BandChannel band = SeestarCrop.load();
        assumeTrue(band != null, "no Seestar frames (../shared/data or -Dtessera.gpu.seestarCrop)");
        int pixels = band.pixels();
        GpuStackBackend g = new GpuStackBackend(d, GpuPhase.PHASE3, ChunkLimits.of(256, 512));
        for (StackParams p : StackBackendContract.allParams()) {
            float[] ref = new float[pixels], got = new float[pixels];
            ChannelTally tr = new ChannelTally(), tg = new ChannelTally();
            CpuStackBackend.INSTANCE.stack(band, p, ref, tr);
            g.stack(band, p, got, tg);
            StackBackendContract.assertClose(ref, got, pixels, "seestar " + p.describe());
            assertEquals(tr.rejected(), tg.rejected(), p.describe());
            // Overlapped (two streams, at least four chunks) and frame blocks: the same numbers.
            GpuStackBackend o = new GpuStackBackend(d, GpuPhase.PHASE3, ChunkLimits.of(256, 512));
            o.pipelineMinBytes(0);
            float[] ovl = new float[pixels];
            o.stack(band, p, ovl, new ChannelTally());
            assertArrayEquals(got, ovl, "seestar overlapped " + p.describe());
            ChannelTally br = new ChannelTally(), bg = new ChannelTally();
            float[] bRef = StackBackendContract.blocks(CpuStackBackend.INSTANCE, band, 4, 2, p, br);
            float[] bGpu = StackBackendContract.blocks(o, band, 4, 2, p, bg);
            StackBackendContract.assertClose(bRef, bGpu, pixels, "seestar blocks " + p.describe());
            assertEquals(br.rejected(), bg.rejected(), "seestar blocks " + p.describe());
        }
    }
}
