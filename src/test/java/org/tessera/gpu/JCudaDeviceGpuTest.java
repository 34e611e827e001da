package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tessera.gpu.kernels.HealthKernel;
import org.tessera.stack.BandChannel;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackParams;

/**
 * The real GPU beyond the contract: the health kernel, a forced out-of-memory (most of the VRAM
 * taken first) surfacing as {@link GpuOutOfMemoryException} and cleared by freeing the pool, and
 * GPU vs CPU on the real Seestar frames of ../shared/data for every stack option.
 */
@Tag("gpu")
class JCudaDeviceGpuTest {

    @Test
    void healthKernelComputes2iPlus1() {
        JCudaDevice d = GpuTestDevice.get();
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
        JCudaDevice d = GpuTestDevice.get();
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

    @Test
    void realSeestarFramesMatchCpu() throws IOException {
        JCudaDevice d = GpuTestDevice.get();
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
        }
    }
}
