package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.reproject.BandCoadder;
import org.tessera.reproject.CoaddInput;
import org.tessera.reproject.CoaddParams;
import org.tessera.reproject.CoaddPlan;
import org.tessera.reproject.CpuBandCoadder;
import org.tessera.reproject.Kernel;
import org.tessera.reproject.ReprojectCoadd;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;
import org.tessera.wcs.WcsGrid;

/**
 * Phase 5 dynamic VRAM (seeds phase5-dynamic-vram.md and its follow-up) on the simulated device:
 * every acceptance criterion, the log lines verbatim, and the mosaic against the CPU's.
 */
class Phase5VramTest {

    static final int W = 70, H = 60, TILES = 3, ROWS = 16; // 16-row bands: 5 GPU calls per coadd

    static FitsWcs tan(double ra, double dec, int w, int h) throws Exception {
        double s = 2.0 / 3600;
        return new FitsWcs(Projection.forCode("TAN"), (w + 1) / 2.0, (h + 1) / 2.0, ra, dec, -s, 0, 0, s);
    }

    /** Three overlapping RGB tiles of a gradient sky with noise. */
    static List<CoaddInput> tiles() throws Exception {
        List<CoaddInput> in = new ArrayList<>();
        Random r = new Random(5);
        for (int t = 0; t < TILES; t++) {
            FloatImage img = new FloatImage(W, H, 3);
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < W * H; i++)
                    img.plane(c)[i] = (float) (50 + 20 * c + 0.1 * (i % W) + 0.05 * (i / W) + t + r.nextGaussian());
            in.add(new CoaddInput("tile" + t, img, null, tan(150 + t * 0.008, 20 + t * 0.004, W, H), 5 + t));
        }
        return in;
    }

    static final class Out implements ReprojectCoadd.SinkFactory {
        FloatImage mosaic, coverage;

        @Override
        public ReprojectCoadd.Sinks open(CoaddPlan plan) {
            WcsGrid g = plan.grid();
            int channels = plan.channels();
            mosaic = new FloatImage(g.width(), g.height(), channels);
            coverage = new FloatImage(g.width(), g.height(), 1);
            return new ReprojectCoadd.Sinks(mosaic, coverage);
        }
    }

    static Out coadd(BandCoadder backend) throws Exception {
        Out o = new Out();
        WcsGrid grid = new WcsGrid(tan(150.008, 20.004, 110, 80), 110, 80);
        ReprojectCoadd.run(tiles(), grid, CoaddParams.plain(Kernel.BILINEAR).withWorkers(1).withRowsPerBand(ROWS), o,
                Progress.NONE, backend);
        return o;
    }

    static void assertClose(FloatImage a, FloatImage b, double rel) {
        assertEquals(a.channels(), b.channels());
        for (int c = 0; c < a.channels(); c++) {
            float[] x = a.plane(c), y = b.plane(c);
            for (int i = 0; i < x.length; i++) {
                if (Float.isNaN(x[i])) {
                    assertTrue(Float.isNaN(y[i]), "NaN at " + i);
                    continue;
                }
                assertEquals(x[i], y[i], rel * Math.max(1, Math.abs(x[i])), "channel " + c + " pixel " + i);
            }
        }
    }

    static Out cpu() throws Exception {
        return coadd(CpuBandCoadder.INSTANCE);
    }

    @Test
    void budgetRisesBetweenCallsWhenVramIsFreedButNeverAboveTheCap() throws Exception {
        // Probes: the health check, the cap snapshot (20000 MiB free), then one per band.
        try (GpuRun run = GpuFixtures.run("vram_mb:24576,free_mb:24000/20000/1000/2000/6000/30000/4000");
             Logged.Capture logs = Logged.fine()) {
            Phase5GpuCoadder gpu = (Phase5GpuCoadder) Phase5GpuCoadder.forRun(run);
            assertEquals(15180, gpu.budget().capBytes() >> 20, "(20000 - 1024) x 0.80");
            Out o = coadd(gpu);
            // One refresh per channel of each band (3 channels × 5 bands): the budget follows free VRAM
            // from channel to channel, up to the cap.
            List<String> lines = logs.starting("Phase5 GPU VRAM refresh");
            assertEquals(15, lines.size());
            assertEquals(List.of(
                    "Phase5 GPU VRAM refresh free_vram_mb=1000 budget_mb=450 rows_hint=16 cap_mb=15180 safe_mode=False",
                    "Phase5 GPU VRAM refresh free_vram_mb=2000 budget_mb=900 rows_hint=16 cap_mb=15180 safe_mode=False",
                    "Phase5 GPU VRAM refresh free_vram_mb=6000 budget_mb=2700 rows_hint=16 cap_mb=15180 safe_mode=False",
                    "Phase5 GPU VRAM refresh free_vram_mb=30000 budget_mb=13500 rows_hint=16 cap_mb=15180 safe_mode=False",
                    "Phase5 GPU VRAM refresh free_vram_mb=4000 budget_mb=1800 rows_hint=16 cap_mb=15180 safe_mode=False"),
                    lines.subList(0, 5));
            assertEquals("Phase5 GPU VRAM refresh free_vram_mb=4000 budget_mb=1800 rows_hint=10 cap_mb=15180 safe_mode=False",
                    lines.get(14), "the last band has 10 rows");
            List<ChunkLimits> used = ((TestBackends) run.backends()).coaddLimits;
            assertEquals(List.of(450L, 900L, 2700L, 13500L, 1800L), used.subList(0, 5).stream().map(ChunkLimits::maxChunkMb).toList());
            ((TestBackends) run.backends()).coaddLimits.forEach(l -> assertTrue(l.maxChunkMb() <= 15180));
            assertEquals(5, gpu.gpuBands());
            assertEquals("gpu", gpu.name());
            assertClose(cpu().mosaic, o.mosaic, 1e-5);
        }
    }

    @Test
    void userCapIsNeverExceededEvenWhenFreeVramGrows() throws Exception {
        try (GpuRun run = GpuFixtures.run("vram_mb:24576,free_mb:1000/1000/200/20000", "phase5_chunk_auto=false",
                "phase5_chunk_mb=128"); Logged.Capture logs = Logged.fine()) {
            Phase5GpuCoadder gpu = (Phase5GpuCoadder) Phase5GpuCoadder.forRun(run);
            assertEquals("USER", gpu.budget().source());
            coadd(gpu);
            List<String> lines = logs.starting("Phase5 GPU VRAM refresh");
            assertEquals(15, lines.size());
            assertEquals("Phase5 GPU VRAM refresh free_vram_mb=200 budget_mb=90 rows_hint=16 cap_mb=128 safe_mode=False", lines.get(0));
            for (String l : lines.subList(1, 15)) // the last band has 10 rows
                assertEquals("Phase5 GPU VRAM refresh free_vram_mb=20000 budget_mb=128 rows_hint=R cap_mb=128 safe_mode=False",
                        l.replaceAll("rows_hint=1[06]", "rows_hint=R"));
            for (ChunkLimits l : ((TestBackends) run.backends()).coaddLimits) assertTrue(l.maxChunkBytes() <= 128L << 20);
        }
    }

    @Test
    void hardCapAndSafeModeClampTheCap() {
        GpuSettings s = GpuSettings.fromConfig(GpuFixtures.config(null, "phase5_vram_hard_cap_mb=300"));
        assertEquals(300, Phase5Budget.snapshot(s, 24L << 30, 20L << 30).capBytes() >> 20);
        Phase5Budget safe = Phase5Budget.snapshot(GpuSettings.fromConfig(GpuFixtures.config(null, "phase5_chunk_auto=false",
                "phase5_chunk_mb=512")), 8L << 30, 250L << 20);
        assertTrue(safe.safeMode());
        assertEquals(100, safe.capBytes() >> 20, "min(512, 128 MiB, 0.4 x free)");
        assertEquals(128, Phase5Budget.snapshot(GpuSettings.fromConfig(GpuFixtures.config(null)), 8L << 30, 2000L << 20)
                .capBytes() >> 20, "AUTO in safe mode: min((2000 - 1024) x 0.25, 128 MiB)");
        ChunkLimits l = safe.refresh(100L << 20, 1000);
        assertEquals(256, l.rowsPerChunk(), "safe mode caps the rows hint");
        assertEquals(28, l.maxChunkMb(), "safe fraction 0.28");
    }

    @Test
    void badHintsAreNormalisedNotACrash() {
        try (Logged.Capture logs = Logged.fine()) {
            GpuSettings s = GpuSettings.fromConfig(GpuFixtures.config(null, "phase5_chunk_auto=false")
                    .put("phase5_chunk_mb", List.of("lots")));
            assertEquals(List.of("phase5_chunk_mb='[lots]' is not a number: 128"), s.notes());
            assertEquals(128, Phase5Budget.snapshot(s, 24L << 30, 20L << 30).capBytes() >> 20);
            GpuSettings none = GpuSettings.fromConfig(GpuFixtures.config(null, "phase5_chunk_auto=false")
                    .put("phase5_chunk_mb", null));
            assertEquals(List.of("phase5_chunk_mb=null: 128"), none.notes());
            assertEquals(128, Phase5Budget.snapshot(none, 24L << 30, 20L << 30).capBytes() >> 20);
            GpuSettings zero = GpuSettings.fromConfig(GpuFixtures.config(null, "phase5_chunk_auto=false", "phase5_chunk_mb=0"));
            assertEquals(64, Phase5Budget.snapshot(zero, 24L << 30, 20L << 30).capBytes() >> 20);
            assertTrue(logs.messages().contains("[P5] phase5_chunk_mb=0 normalised to 64 MiB (range 64..16384)"));
        }
    }

    @Test
    void unavailableProbeKeepsThePlanHints() {
        try (Logged.Capture logs = Logged.fine()) {
            Phase5Budget b = Phase5Budget.snapshot(GpuSettings.fromConfig(GpuFixtures.config(null, "phase5_chunk_auto=false")),
                    24L << 30, -1);
            ChunkLimits l = b.refresh(-1, 48);
            assertEquals(new ChunkLimits(48, 128L << 20), l);
            assertEquals(List.of("VRAM probe unavailable, keeping plan hints"), logs.starting("VRAM probe"));
            assertTrue(logs.starting("Phase5 GPU VRAM refresh").isEmpty());
        }
    }

    @Test
    void oomOnTheFirstTryIsRetriedAndSucceedsOnTheGpu() throws Exception {
        try (GpuRun run = GpuFixtures.run("vram_mb:24576,free_mb:24000/20000/6000/5000,oom:phase5:1");
             Logged.Capture logs = Logged.fine()) {
            Phase5GpuCoadder gpu = (Phase5GpuCoadder) Phase5GpuCoadder.forRun(run);
            Out o = coadd(gpu);
            // 6000 × 0.45 = 2700 MiB, × 0.7 = 1890; rows 16 × 0.7 → floor 32.
            assertEquals(List.of("[GPU Reproject] OOM retry 1/3: max_chunk_mb=1889 rows=32 free_vram_mb=5000"),
                    logs.starting("[GPU Reproject]"));
            assertEquals(5, gpu.gpuBands());
            assertEquals(0, gpu.cpuBands());
            assertClose(cpu().mosaic, o.mosaic, 1e-5);
        }
    }

    @Test
    void shrinkFloors() {
        ChunkLimits l = Phase5Budget.shrink(new ChunkLimits(40, 20L << 20));
        assertEquals(new ChunkLimits(32, 16L << 20), l);
        assertEquals(new ChunkLimits(70, 70L << 20), Phase5Budget.shrink(new ChunkLimits(100, 100L << 20)));
    }

    @Test
    void threeRetriesThenTheCpuWithTheCpuMosaic() throws Exception {
        try (GpuRun run = GpuFixtures.run("vram_mb:24576,free_mb:24000/20000/6000,oom:phase5:1,oom:phase5:2,oom:phase5:3,oom:phase5:4");
             Logged.Capture logs = Logged.fine()) {
            Phase5GpuCoadder gpu = (Phase5GpuCoadder) Phase5GpuCoadder.forRun(run);
            Out o = coadd(gpu);
            assertEquals(List.of(
                    "[GPU Reproject] OOM retry 1/3: max_chunk_mb=1889 rows=32 free_vram_mb=6000",
                    "[GPU Reproject] OOM retry 2/3: max_chunk_mb=1322 rows=32 free_vram_mb=6000",
                    "[GPU Reproject] OOM retry 3/3: max_chunk_mb=926 rows=32 free_vram_mb=6000",
                    "[GPU Reproject] out of memory after 3 retries: CUDA_ERROR_OUT_OF_MEMORY: out of memory"
                            + " (simulated: allocation 4 of phase5, 6272 bytes); fallback CPU for this band and the rest of Phase 5"),
                    logs.starting("[GPU Reproject]"));
            assertEquals(0, gpu.gpuBands());
            assertEquals(5, gpu.cpuBands());
            Out c = cpu();
            for (int ch = 0; ch < 3; ch++) assertArrayEquals(c.mosaic.plane(ch), o.mosaic.plane(ch), "the CPU's mosaic, bit for bit");
            assertArrayEquals(c.coverage.plane(0), o.coverage.plane(0));
        }
    }

    /**
     * Bands run in parallel: a band already under way on the GPU when another band falls back to
     * the CPU is made whole on the CPU too, as the fallback line says ("the rest of Phase 5"). The
     * CLI showed a band made on the GPU after that line (two workers, OOM ×4).
     */
    @Test
    void aBandUnderWayWhenAnotherFallsBackIsMadeWholeOnTheCpu() {
        FitsWcs target = CoadderContract.tan(10, 20, 2, 0, CoadderContract.W, CoadderContract.H);
        List<org.tessera.reproject.BandContribution> cs = CoadderContract.contributions(target, Kernel.BILINEAR, 30, 50);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Phase5GpuCoadder[] gpu = new Phase5GpuCoadder[1];
        boolean[] inB = {false};
        TestBackends backends = new TestBackends() {
            @Override
            public GpuBandCoadder coadder(GpuDevice device, ChunkLimits limits) {
                int n = calls.incrementAndGet();
                if (inB[0]) throw new GpuException("test: band B's GPU call fails");
                if (n == 2) { // band A's channel 1 is under way: band B fails meanwhile
                    inB[0] = true;
                    CoadderContract.run(gpu[0], cs, 30, 50);
                    inB[0] = false;
                }
                return super.coadder(device, limits);
            }
        };
        GpuSettings s = GpuSettings.fromConfig(GpuFixtures.config("vram_mb:24576"));
        try (GpuRun run = new GpuRun(s, () -> new FaultInjectingDevice(new SimulatedDevice(24576L << 20),
                SimulateSpec.parse(s.simulate())), backends); Logged.Capture logs = Logged.fine()) {
            gpu[0] = (Phase5GpuCoadder) Phase5GpuCoadder.forRun(run);
            org.tessera.reproject.CoaddBand a = CoadderContract.run(gpu[0], cs, 30, 50);
            org.tessera.reproject.CoaddBand ref = CoadderContract.run(CpuBandCoadder.INSTANCE, cs, 30, 50);
            for (int c = 0; c < 3; c++) assertArrayEquals(ref.sum(c), a.sum(c), "band A is the CPU's, bit for bit");
            assertArrayEquals(ref.weight(), a.weight());
            assertEquals(3, calls.get(), "A's channels 0 and 1, B's channel 0; not A's channel 2");
            assertEquals(0, gpu[0].gpuBands());
            assertEquals(2, gpu[0].cpuBands());
            assertEquals(List.of("[GPU Reproject] GPU error, not retried (GpuException): test: band B's GPU call fails;"
                    + " fallback CPU for this band and the rest of Phase 5"), logs.starting("[GPU Reproject]"));
        }
    }

    /**
     * Two workers: a band's OOM ladder is not interleaved with another band's GPU calls, so its
     * lines read 1/3, 2/3, 3/3 and then the fallback (through the CLI, with OOM ×4 and two workers,
     * two bands each logged "retry 1/3", "retry 2/3" and both ended on the GPU).
     */
    @Test
    void aBandsOomLadderIsNotInterleavedWithAnotherBand() throws Exception {
        FitsWcs target = CoadderContract.tan(10, 20, 2, 0, CoadderContract.W, CoadderContract.H);
        List<org.tessera.reproject.BandContribution> cs = CoadderContract.contributions(target, Kernel.BILINEAR, 30, 50);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Phase5GpuCoadder[] gpu = new Phase5GpuCoadder[1];
        Thread[] other = new Thread[1];
        org.tessera.reproject.CoaddBand[] bandB = new org.tessera.reproject.CoaddBand[1];
        TestBackends backends = new TestBackends() {
            @Override
            public GpuBandCoadder coadder(GpuDevice device, ChunkLimits limits) {
                if (calls.incrementAndGet() == 1) { // band A's first try: band B starts and waits for the device
                    other[0] = new Thread(() -> bandB[0] = CoadderContract.run(gpu[0], cs, 30, 50));
                    other[0].start();
                    long end = System.nanoTime() + 10_000_000_000L;
                    while (other[0].getState() != Thread.State.WAITING && System.nanoTime() < end) Thread.onSpinWait();
                    assertEquals(Thread.State.WAITING, other[0].getState(), "band B waits for the device");
                }
                return super.coadder(device, limits);
            }
        };
        String spec = "vram_mb:24576,oom:phase5:1,oom:phase5:2,oom:phase5:3,oom:phase5:4";
        GpuSettings s = GpuSettings.fromConfig(GpuFixtures.config(spec));
        try (GpuRun run = new GpuRun(s, () -> new FaultInjectingDevice(new SimulatedDevice(24576L << 20),
                SimulateSpec.parse(s.simulate())), backends); Logged.Capture logs = Logged.fine()) {
            gpu[0] = (Phase5GpuCoadder) Phase5GpuCoadder.forRun(run);
            org.tessera.reproject.CoaddBand a = CoadderContract.run(gpu[0], cs, 30, 50);
            other[0].join(30_000);
            List<String> lines = logs.starting("[GPU Reproject]");
            assertEquals(4, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("[GPU Reproject] OOM retry 1/3: "), lines.toString());
            assertTrue(lines.get(1).startsWith("[GPU Reproject] OOM retry 2/3: "), lines.toString());
            assertTrue(lines.get(2).startsWith("[GPU Reproject] OOM retry 3/3: "), lines.toString());
            assertTrue(lines.get(3).startsWith("[GPU Reproject] out of memory after 3 retries: "), lines.toString());
            assertEquals(0, gpu[0].gpuBands());
            assertEquals(2, gpu[0].cpuBands(), "band A fell back, band B followed it");
            assertEquals(4, calls.get(), "band A's four tries; band B, which waited for the device, made no GPU call");
            org.tessera.reproject.CoaddBand ref = CoadderContract.run(CpuBandCoadder.INSTANCE, cs, 30, 50);
            for (org.tessera.reproject.CoaddBand b : List.of(a, bandB[0])) {
                for (int c = 0; c < 3; c++) assertArrayEquals(ref.sum(c), b.sum(c));
                assertArrayEquals(ref.weight(), b.weight());
            }
        }
    }

    @Test
    void withoutCpuFallbackTheOomIsTheError() {
        try (GpuRun run = GpuFixtures.run("vram_mb:24576,oom:phase5:1,oom:phase5:2,oom:phase5:3,oom:phase5:4",
                "allow_cpu_fallback=false"); Logged.Capture logs = Logged.fine()) {
            BandCoadder gpu = Phase5GpuCoadder.forRun(run);
            GpuException e = assertThrows(GpuException.class, () -> coadd(gpu));
            assertTrue(e.getMessage().startsWith("[P5] GPU coadd failed (out of memory after 3 retries"), e.getMessage());
            assertTrue(e.getMessage().endsWith("and allow_cpu_fallback=false; set allow_cpu_fallback=true to finish on the CPU, or lower phase5_chunk_mb"), e.getMessage());
            assertTrue(GpuRun.isOom(e));
            assertEquals(3, logs.starting("[GPU Reproject] OOM retry").size());
        }
    }

    @Test
    void aNonOomErrorIsNotRetried() throws Exception {
        try (GpuRun run = GpuFixtures.run("vram_mb:24576,fail:phase5:1"); Logged.Capture logs = Logged.fine()) {
            Phase5GpuCoadder gpu = (Phase5GpuCoadder) Phase5GpuCoadder.forRun(run);
            Out o = coadd(gpu);
            assertTrue(logs.starting("[GPU Reproject] OOM retry").isEmpty());
            List<String> w = logs.starting("[GPU Reproject]");
            assertEquals(1, w.size());
            assertTrue(w.get(0).startsWith("[GPU Reproject] GPU error, not retried (GpuException): "), w.get(0));
            assertEquals(1, ((TestBackends) run.backends()).coaddLimits.size(), "one GPU attempt");
            assertEquals(5, gpu.cpuBands());
            assertArrayEquals(cpu().mosaic.plane(0), o.mosaic.plane(0));
        }
    }

    @Test
    void anInvalidBandGoesToTheCpuAndIsNotRetried() throws Exception {
        // Launch 12 falls after the first band (one coadd launch per tile and channel of a band).
        try (GpuRun run = GpuFixtures.run("vram_mb:24576,invalid:phase5:12"); Logged.Capture logs = Logged.fine()) {
            Phase5GpuCoadder gpu = (Phase5GpuCoadder) Phase5GpuCoadder.forRun(run);
            Out o = coadd(gpu);
            List<String> w = logs.starting("[GPU Reproject]");
            assertEquals(1, w.size());
            assertTrue(w.get(0).startsWith("[GPU Reproject] GPU error, not retried (GPUStackingError)"), w.get(0));
            assertTrue(gpu.gpuBands() >= 1 && gpu.cpuBands() >= 1, gpu.name());
            assertEquals(5, gpu.gpuBands() + gpu.cpuBands());
            assertEquals("gpu (" + gpu.gpuBands() + " band(s)) then cpu fallback (" + gpu.cpuBands() + " band(s))", gpu.name());
            assertClose(cpu().mosaic, o.mosaic, 1e-5);
        }
    }

    @Test
    void gpuOffMeansTheCpuCoadder() {
        try (GpuRun run = GpuFixtures.run("vram_mb:8192,health:fail")) {
            assertSame(CpuBandCoadder.INSTANCE, Phase5GpuCoadder.forRun(run));
        }
        try (GpuRun run = GpuFixtures.run("vram_mb:8192", "use_gpu_phase5=false")) {
            assertSame(CpuBandCoadder.INSTANCE, Phase5GpuCoadder.forRun(run));
        }
    }

    @Test
    void onlyCudaOutOfMemoryCountsAsOom() {
        assertTrue(GpuRun.isOom(new GpuOutOfMemoryException("x")));
        assertTrue(GpuRun.isOom(new GpuException("wrapped", new jcuda.CudaException("CUDA_ERROR_OUT_OF_MEMORY"))));
        assertFalse(GpuRun.isOom(new GpuException("CUDA_ERROR_LAUNCH_FAILED")));
        assertFalse(GpuRun.isOom(new RuntimeException(new OutOfMemoryError("Java heap space"))));
        assertEquals(Level.WARNING, Level.WARNING);
    }
}
