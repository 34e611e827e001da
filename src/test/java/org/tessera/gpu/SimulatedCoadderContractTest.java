package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.reproject.BandCoadder;
import org.tessera.reproject.BandContribution;
import org.tessera.reproject.CoaddBand;
import org.tessera.reproject.Kernel;
import org.tessera.wcs.FitsWcs;

/**
 * The coadder contract on {@link GpuBandCoadder} over the {@link SimulatedDevice} (the Java port of
 * coadd.cu), plus row chunks within their byte budget, channel-at-a-time equal to all channels, and
 * an OOM that leaves the band untouched.
 */
class SimulatedCoadderContractTest extends CoadderContract {

    private final SimulatedDevice device = new SimulatedDevice(256L << 20);

    @Override
    BandCoadder coadder() {
        return new GpuBandCoadder(device, GpuPhase.PHASE5, ChunkLimits.of(4096, 64));
    }

    @Test
    void rowChunksAndChannelsChangeNothing() {
        FitsWcs target = tan(10, 20, 2, 0, W, H);
        List<BandContribution> cs = contributions(target, Kernel.BILINEAR, 10, 60);
        CoaddBand whole = run(coadder(), cs, 10, 60);
        // Tile strips are at most 120 × 90 floats (+ W): 86 400 bytes; the rest leaves room for 13 rows.
        long budget = 86_400 + 60_000 + 1025 * 6 * 8 + 20_000;
        GpuBandCoadder small = new GpuBandCoadder(device, GpuPhase.PHASE5, new ChunkLimits(13, budget));
        CoaddBand perChannel = new CoaddBand(W, NC, 60);
        perChannel.reset(10, 60);
        device.resetPeak();
        for (int c = NC - 1; c >= 0; c--) small.accumulate(perChannel, cs, c, c == NC - 1);
        assertTrue(device.peakRequestedBytes() <= budget, "peak " + device.peakRequestedBytes() + " > " + budget);
        ChunkTimings.Snapshot s = small.timings().take();
        assertEquals(NC * 5, s.chunks(), "60 rows in chunks of 13: 5 a channel");
        assertEquals(13, s.maxChunkRows());
        assertArrayEquals(whole.weight(), perChannel.weight());
        for (int c = 0; c < NC; c++) assertArrayEquals(whole.sum(c), perChannel.sum(c));
        assertEquals(0, device.liveBytes());
    }

    @Test
    void outOfMemoryLeavesTheBandUntouched() {
        FitsWcs target = tan(10, 20, 2, 0, W, H);
        List<BandContribution> cs = contributions(target, Kernel.LANCZOS3, 0, 30);
        GpuBandCoadder tiny = new GpuBandCoadder(new SimulatedDevice(100_000), GpuPhase.PHASE5, ChunkLimits.of(4096, 64));
        CoaddBand band = new CoaddBand(W, NC, 30);
        band.reset(0, 30);
        assertThrows(GpuOutOfMemoryException.class, () -> tiny.accumulate(band, cs));
        for (int c = 0; c < NC; c++) for (float v : band.sum(c)) assertEquals(0f, v);
        for (float v : band.weight()) assertEquals(0f, v);
    }
}
