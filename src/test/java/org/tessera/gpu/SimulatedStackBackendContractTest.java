package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tessera.stack.BandChannel;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackBackend;
import org.tessera.stack.StackParams;

/**
 * The stack backend contract on {@link GpuStackBackend} over the {@link SimulatedDevice} (the Java
 * ports of stack.cu), plus chunking: small budgets cut the band into chunks that never exceed
 * them and give the same numbers; a device too small fails with OOM and leaves outputs untouched.
 */
class SimulatedStackBackendContractTest extends StackBackendContract {

    private final SimulatedDevice device = new SimulatedDevice(256L << 20);

    @Override
    StackBackend backend() {
        return new GpuStackBackend(device, GpuPhase.PHASE3, ChunkLimits.of(256, 64));
    }

    @Test
    void chunksStayWithinTheirBudgetAndChangeNothing() {
        BandChannel b = band(13, 2000, true, true, 3);
        StackParams p = StackParams.defaults().with(StackParams.Rejection.WINSORIZED_SIGMA_CLIP, StackParams.Combine.MEAN);
        float[] whole = new float[2000], chunked = new float[2000];
        ChannelTally t1 = new ChannelTally(), t2 = new ChannelTally();
        new GpuStackBackend(device, GpuPhase.PHASE3, ChunkLimits.of(256, 64)).stack(b, p, whole, t1);
        long budget = 100_000;
        SimulatedDevice oneStream = new SimulatedDevice(256L << 20, 1);
        GpuStackBackend small = new GpuStackBackend(oneStream, GpuPhase.PHASE3, new ChunkLimits(256, budget));
        small.stack(b, p, chunked, t2);
        ChunkTimings.Snapshot s = small.timings().take();
        assertTrue(oneStream.peakRequestedBytes() <= budget, "peak " + oneStream.peakRequestedBytes() + " > " + budget);
        // 13 frames: 13·4·2 + 13·8 + 44 = 252 bytes a pixel, + 104 for the frame weights → 396 pixels a chunk → 6 chunks.
        assertEquals(6, s.chunks());
        assertEquals(396, s.maxChunkPixels());
        assertArrayEquals(whole, chunked);
        assertEquals(t1.rejected(), t2.rejected());
        // Two streams: two buffer sets in flight share the budget: (50 000 - 104) / 252 = 198 pixels → 11 chunks.
        GpuStackBackend overlapped = new GpuStackBackend(device, GpuPhase.PHASE3, new ChunkLimits(256, budget));
        device.resetPeak();
        float[] twoSets = new float[2000];
        overlapped.stack(b, p, twoSets, new ChannelTally());
        s = overlapped.timings().take();
        assertTrue(device.peakRequestedBytes() <= budget, "peak " + device.peakRequestedBytes() + " > " + budget);
        assertTrue(device.peakRequestedBytes() > budget * 9 / 10, "both sets allocated: " + device.peakRequestedBytes());
        assertEquals(11, s.chunks());
        assertEquals(198, s.maxChunkPixels());
        assertEquals(2, device.maxBusyStreams(), "the chunks overlapped");
        assertArrayEquals(chunked, twoSets);
        float[] cpu = new float[2000];
        CpuStackBackend.INSTANCE.stack(b, p, cpu, new ChannelTally());
        assertClose(cpu, chunked, 2000, "chunked");
        assertEquals(0, device.liveBytes(), "every buffer back in the pool");
    }

    @Test
    void rowWidthCutsChunksInWholeRows() {
        BandChannel b = band(13, 2000, false, false, 8); // 20 rows of 100 pixels
        StackParams p = StackParams.defaults().with(StackParams.Rejection.KAPPA_SIGMA, StackParams.Combine.MEDIAN);
        GpuStackBackend g = new GpuStackBackend(device, GpuPhase.PHASE3, ChunkLimits.of(6, 64));
        g.rowWidth(100);
        float[] got = new float[2000], ref = new float[2000];
        g.stack(b, p, got, new ChannelTally());
        ChunkTimings.Snapshot s = g.timings().take();
        assertEquals(4, s.chunks(), "20 rows in chunks of 6 rows");
        assertEquals(6, s.maxChunkRows());
        assertEquals(600, s.maxChunkPixels());
        CpuStackBackend.INSTANCE.stack(b, p, ref, new ChannelTally());
        assertClose(ref, got, 2000, "rows");
        // A byte budget below 6 rows (13 frames: 200 bytes a pixel) rounds down to whole rows: 2 rows
        // with one buffer set, 1 row with two (each set gets half the budget).
        ChunkLimits tight = new ChunkLimits(6, 250 * 200 + 13 * 8);
        GpuStackBackend one = new GpuStackBackend(new SimulatedDevice(256L << 20, 1), GpuPhase.PHASE3, tight);
        one.rowWidth(100);
        one.stack(b, p, got, new ChannelTally());
        s = one.timings().take();
        assertEquals(200, s.maxChunkPixels());
        assertEquals(10, s.chunks());
        g.limits(tight);
        g.stack(b, p, got, new ChannelTally());
        s = g.timings().take();
        assertEquals(100, s.maxChunkPixels());
        assertEquals(20, s.chunks());
        assertClose(ref, got, 2000, "one row a chunk");
    }

    @Test
    void outOfMemoryLeavesOutputsUntouched() {
        BandChannel b = band(9, 5000, false, false, 4);
        SimulatedDevice tiny = new SimulatedDevice(64 << 10);
        float[] out = new float[5000];
        java.util.Arrays.fill(out, 7f);
        ChannelTally t = new ChannelTally();
        GpuStackBackend g = new GpuStackBackend(tiny, GpuPhase.PHASE3, ChunkLimits.of(256, 64));
        assertThrows(GpuOutOfMemoryException.class, () -> g.stack(b, StackParams.defaults(), out, t));
        for (float v : out) assertEquals(7f, v);
        assertEquals(0, t.samples());
        assertEquals(0, tiny.liveBytes(), "buffers of the failed call released");
        // A budget too small for one pixel is an OOM too (the control layer shrinks or falls back).
        GpuStackBackend starved = new GpuStackBackend(device, GpuPhase.PHASE3, new ChunkLimits(1, 100));
        assertThrows(GpuOutOfMemoryException.class, () -> starved.stack(b, StackParams.defaults(), out, t));
    }
}
