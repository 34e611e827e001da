package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.Test;
import org.tessera.gpu.kernels.HealthKernel;
import org.tessera.stack.BandChannel;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.StackParams;

/** The simulated device: VRAM accounting, the caching pool, launches independent of thread count. */
class SimulatedDeviceTest {

    @Test
    void memoryIsAccountedAndThePoolCachesUntilFreed() {
        SimulatedDevice d = new SimulatedDevice(1 << 20);
        assertEquals(1 << 20, d.freeBytes());
        DeviceBuffer a = d.allocate(600_000, GpuPhase.PHASE5);
        assertEquals((1 << 20) - 600_064, d.freeBytes(), "rounded up to 512 bytes");
        assertThrows(GpuOutOfMemoryException.class, () -> d.allocate(500_000, GpuPhase.PHASE5));
        d.release(a);
        assertEquals((1 << 20) - 600_064, d.freeBytes(), "a released block stays cached");
        assertSame(a, d.allocate(600_000, GpuPhase.PHASE5), "same size: the cached block comes back");
        d.release(a);
        // Does not fit beside the cached block: the pool is emptied first, as CuPy does.
        DeviceBuffer b = d.allocate(700_000, GpuPhase.PHASE5);
        assertEquals(700_416, d.liveBytes());
        assertEquals(0, d.cachedBytes());
        d.release(b);
        d.freePool();
        assertEquals(1 << 20, d.freeBytes());
        d.close();
        assertThrows(GpuException.class, () -> d.allocate(8, GpuPhase.PHASE3));
    }

    @Test
    void launchesRunEveryThreadAndCheckTheirArguments() {
        SimulatedDevice d = new SimulatedDevice(1 << 20);
        int n = 1000;
        DeviceBuffer b = d.allocate(n * 4L, GpuPhase.HEALTH);
        d.launch(KernelCall.linear(HealthKernel.NAME, n, 64, b, n), GpuPhase.HEALTH);
        int[] out = new int[n];
        d.download(b, 0, out, 0, n);
        for (int i = 0; i < n; i++) assertEquals(2 * i + 1, out[i]);
        assertThrows(GpuException.class, () -> d.launch(KernelCall.linear("no_such_kernel", 1, 1), GpuPhase.HEALTH));
        assertThrows(GpuException.class, () -> d.download(b, n - 1, out, 0, 2), "copy past the buffer's end");
        d.release(b);
        assertThrows(GpuException.class, () -> d.launch(KernelCall.linear(HealthKernel.NAME, n, 64, b, n), GpuPhase.HEALTH));
    }

    @Test
    void resultsDoNotDependOnThreadCount() throws Exception {
        BandChannel band = StackBackendContract.band(15, 3000, true, true, 9);
        StackParams p = StackParams.defaults().with(StackParams.Rejection.WINSORIZED_SIGMA_CLIP, StackParams.Combine.MEDIAN);
        float[] many = new float[3000], one = new float[3000];
        new GpuStackBackend(new SimulatedDevice(64 << 20), GpuPhase.PHASE3, ChunkLimits.of(64, 16))
                .stack(band, p, many, new ChannelTally());
        ForkJoinPool single = new ForkJoinPool(1);
        try {
            single.submit(() -> new GpuStackBackend(new SimulatedDevice(64 << 20), GpuPhase.PHASE3, ChunkLimits.of(64, 16))
                    .stack(band, p, one, new ChannelTally())).get();
        } finally {
            single.shutdown();
        }
        assertArrayEquals(many, one);
        assertTrue(Float.isFinite(one[100]));
    }
}
