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
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackCore;
import org.tessera.stack.StackParams;
import org.tessera.stack.TileStackPolicy;

/** Phase 3 mode C (seed phase3-gpu-mode-c.md) on the simulated device: every acceptance criterion. */
class Phase3ModeCTest {

    static final StackParams PARAMS = StackParams.fromConfig(new Config());
    static final ResourcePlan PLAN = new ResourcePlan(1, 64L << 20);
    final List<FloatImage> frames = GpuFixtures.frames(9, 40, 30, 1, 3);

    /** One tile's stack through the policy; the image is rewritten whole by every attempt. */
    static float[] stack(TileStackPolicy policy, int id, List<FloatImage> frames) throws IOException {
        FloatImage img = new FloatImage(40, 30, 1), cov = new FloatImage(40, 30, 1);
        policy.stack(id, b -> StackCore.stack(frames, PARAMS, img, cov, Progress.NONE, PLAN, b));
        return img.plane(0);
    }

    float[] cpu() throws IOException {
        return stack(TileStackPolicy.CPU, 0, frames);
    }

    @Test
    void aLargeGpuGetsThePlansChunk() {
        try (GpuRun run = GpuFixtures.run("vram_mb:81920,free_mb:81000/40000")) {
            run.health();
            assertEquals((long) (40000 * 0.98), Phase3GpuPolicy.stackLimits(run).maxChunkMb(), "min(0.72 x total, 0.98 x free)");
        }
    }

    @Test
    void healthyGpuStacksEveryTileAndSaysSoOnce() throws IOException {
        try (GpuRun run = GpuFixtures.run("vram_mb:8192"); Logged.Capture logs = Logged.fine()) {
            TileStackPolicy p = Phase3GpuPolicy.forRun(run);
            assertInstanceOf(Phase3GpuPolicy.class, p);
            float[] a = stack(p, 1, frames), b = stack(p, 2, frames);
            assertArrayEquals(cpu(), a, 1e-5f * 200);
            assertArrayEquals(a, b);
            assertEquals(List.of("[P3][GPU] Using GPU stacker for Phase 3 (mode=auto)"),
                    logs.starting("[P3][GPU] Using GPU stacker"));
            assertEquals(2, logs.starting("phase3_gpu_chunk_summary tile=").size());
            assertFalse(run.phase3HardDisabled());
            assertTrue(logs.messages().contains("[GPU] GPU healthy for this run: simulated (8192 MiB, gpu_simulate), VRAM free 8192 MiB / total 8192 MiB"),
                    logs.messages().toString());
        }
    }

    @Test
    void oneFailureIsRetriedOnceAfterFreeingThePoolWithSmallerChunks() throws IOException {
        try (GpuRun run = GpuFixtures.run("vram_mb:8192,oom:phase3:1"); Logged.Capture logs = Logged.fine()) {
            TestBackends backends = (TestBackends) run.backends();
            float[] a = stack(Phase3GpuPolicy.forRun(run), 4, frames);
            assertArrayEquals(cpu(), a, 1e-5f * 200);
            assertFalse(run.phase3HardDisabled(), "a retry that succeeds keeps the GPU");
            List<String> w = logs.starting("[P3][GPU] tile 4: GPU stack failed (OOM)");
            assertEquals(1, w.size(), logs.messages().toString());
            // 8 GiB is safe mode: min(128 MiB, 0.4 x free) for the first attempt, half for the retry.
            assertTrue(w.get(0).endsWith("-- retrying once on GPU after freeing the pool, max_chunk_mb=64"), w.get(0));
            assertEquals(2, backends.stackLimits.size());
            assertEquals(128, backends.stackLimits.get(0).maxChunkMb());
            assertEquals(64, backends.stackLimits.get(1).maxChunkMb());
            assertTrue(logs.at(Level.SEVERE).isEmpty());
            assertEquals(1, logs.starting("phase3_gpu_chunk_summary tile=4").size());
        }
    }

    @Test
    void twoFailuresDisableTheGpuAndTheTileIsRecomputedOnTheCpu() throws IOException {
        try (GpuRun run = GpuFixtures.run("vram_mb:8192,oom:phase3:1,oom:phase3:2");
             Logged.Capture logs = Logged.fine()) {
            TestBackends backends = (TestBackends) run.backends();
            TileStackPolicy p = Phase3GpuPolicy.forRun(run);
            float[] first = stack(p, 7, frames);
            assertTrue(run.phase3HardDisabled());
            assertArrayEquals(cpu(), first, "the failing tile is the CPU's, bit for bit");
            List<String> severe = logs.at(Level.SEVERE).stream().map(r -> r.getMessage()).toList();
            assertEquals(1, severe.size());
            assertTrue(severe.get(0).startsWith("[P3][GPU] Second GPU attempt failed; disabling Phase 3 GPU for this run (OOM): "),
                    severe.get(0));
            // Later tiles: CPU only, the GPU is not touched again.
            int attempts = backends.stackLimits.size();
            float[] later = stack(p, 8, frames);
            assertEquals(attempts, backends.stackLimits.size());
            assertArrayEquals(cpu(), later);
            assertEquals(2, logs.starting("[P3] tile ").stream().filter(m -> m.endsWith("stacked on the CPU (Phase 3 GPU disabled for this run)")).count());
            assertTrue(logs.starting("[P3][GPU] Using GPU stacker").isEmpty(), "no GPU tile was made");
        }
    }

    /**
     * Tiles run in parallel: a tile whose stack is already under way when another tile disables
     * the GPU makes no GPU call after that, and says nothing of a retry it will not make (seen
     * through the CLI: "retrying once on GPU" was logged, then the tile went to the CPU).
     */
    @Test
    void aTileUnderWayWhenAnotherDisablesTheGpuGoesToTheCpuWithoutTouchingIt() throws IOException {
        // Tile 11 fails twice (allocations 1 and 2) and disables the GPU while tile 10 is under way;
        // with a third OOM, tile 10's GPU call would fail too (the CLI showed "retrying once" then
        // the CPU); without it, the GPU call would succeed on a GPU the run has given up.
        for (String spec : List.of("vram_mb:8192,oom:phase3:1,oom:phase3:2,oom:phase3:3", "vram_mb:8192,oom:phase3:1,oom:phase3:2")) {
            try (GpuRun run = GpuFixtures.run(spec); Logged.Capture logs = Logged.fine()) {
                TileStackPolicy p = Phase3GpuPolicy.forRun(run);
                FloatImage img = new FloatImage(40, 30, 1), cov = new FloatImage(40, 30, 1);
                p.stack(10, b -> {
                    stack(p, 11, frames);
                    assertTrue(run.phase3HardDisabled());
                    return StackCore.stack(frames, PARAMS, img, cov, Progress.NONE, PLAN, b);
                });
                assertArrayEquals(cpu(), img.plane(0), spec + ": tile 10 is the CPU's, bit for bit");
                assertEquals(List.of(), logs.starting("[P3][GPU] tile 10"), spec + ": no GPU failure, no retry for tile 10");
                assertEquals(List.of(), logs.starting("phase3_gpu_chunk_summary tile=10"), spec + ": tile 10 not made on the GPU");
                assertEquals(List.of(), logs.starting("[P3][GPU] Using GPU stacker"), spec);
                assertEquals(1, logs.starting("[P3] tile 10 stacked on the CPU (Phase 3 GPU disabled for this run)").size(),
                        logs.messages().toString());
            }
        }
    }

    @Test
    void anInvalidResultIsAGpuStackingError() throws IOException {
        try (GpuRun run = GpuFixtures.run("vram_mb:8192,invalid:phase3:1"); Logged.Capture logs = Logged.fine()) {
            float[] a = stack(Phase3GpuPolicy.forRun(run), 2, frames);
            assertArrayEquals(cpu(), a, 1e-5f * 200);
            List<String> w = logs.starting("[P3][GPU] tile 2: GPU stack failed (GPUStackingError)");
            assertEquals(1, w.size(), logs.messages().toString());
            assertFalse(run.phase3HardDisabled());
        }
    }

    @Test
    void aNonOomGpuErrorTwiceAlsoDisables() throws IOException {
        try (GpuRun run = GpuFixtures.run("vram_mb:8192,fail:phase3:1,invalid:phase3:2"); Logged.Capture logs = Logged.fine()) {
            float[] a = stack(Phase3GpuPolicy.forRun(run), 3, frames);
            assertArrayEquals(cpu(), a);
            assertTrue(run.phase3HardDisabled());
            // The kind in parentheses, then the device's message once (no class name repeated).
            assertEquals(List.of("[P3][GPU] tile 3: GPU stack failed (GpuException): CUDA_ERROR_LAUNCH_FAILED: unspecified launch"
                    + " failure (simulated: launch 1 of phase3, kernel tessera_reject) -- retrying once on GPU after freeing the pool,"
                    + " max_chunk_mb=64"), logs.starting("[P3][GPU] tile 3: GPU stack failed"));
            assertEquals(1, logs.starting("[P3][GPU] Second GPU attempt failed; disabling Phase 3 GPU for this run (GPUStackingError)").size());
        }
    }

    @Test
    void aFailedHealthCheckMeansCpuFromTheStart() throws IOException {
        try (GpuRun run = GpuFixtures.run("vram_mb:8192,health:fail"); Logged.Capture logs = Logged.fine()) {
            assertSame(TileStackPolicy.CPU, Phase3GpuPolicy.forRun(run));
            assertFalse(run.phase3Allowed());
            assertEquals(List.of("[GPU] GPU off for this run: health check failed: simulated failure"
                    + " (gpu_simulate health:fail); every step runs on the CPU"), logs.starting("[GPU]"));
            assertTrue(((TestBackends) run.backends()).stackLimits.isEmpty());
        }
    }

    @Test
    void gpuFlagOffMeansCpuWithoutAnyCheck() {
        try (GpuRun run = GpuFixtures.run("vram_mb:8192", "use_gpu_phase5=false"); Logged.Capture logs = Logged.fine()) {
            assertSame(TileStackPolicy.CPU, Phase3GpuPolicy.forRun(run));
            assertEquals(List.of("[GPU] GPU off for this run: not requested (use_gpu_phase5=false); every step runs on the CPU"),
                    logs.starting("[GPU]"));
        }
    }

    @Test
    void readFailuresAreNotGpuFailures() {
        try (GpuRun run = GpuFixtures.run("vram_mb:8192")) {
            TileStackPolicy p = Phase3GpuPolicy.forRun(run);
            IOException e = assertThrows(IOException.class, () -> p.stack(1, b -> {
                throw new IOException("frame 3: truncated");
            }));
            assertEquals("frame 3: truncated", e.getMessage());
            assertFalse(run.phase3HardDisabled());
        }
    }

    /** Parity through the policy on every rejection and combine, with normalisation, weights and the radial weight. */
    @Test
    void gpuStacksAsTheCpuOnEveryOption() throws IOException {
        for (String row : List.of("none,mean,none,none,false", "kappa_sigma,mean,linear_fit,noise_variance,false",
                "winsorized_sigma_clip,median,sky_mean,noise_fwhm,false", "linear_fit_clip,mean,linear_fit,noise_variance,true",
                "kappa_sigma,median,none,none,true")) {
            String[] f = row.split(",");
            parity(f[0], f[1], f[2], f[3], Boolean.parseBoolean(f[4]));
        }
    }

    private void parity(String rejection, String combine, String norm, String weighting, boolean radial) throws IOException {
        Config c = new Config().set("stacking_rejection_algorithm=" + rejection).set("stacking_final_combine_method=" + combine)
                .set("stacking_normalize_method=" + norm).set("stacking_weighting_method=" + weighting)
                .set("apply_radial_weight=" + radial);
        StackParams p = StackParams.fromConfig(c);
        List<FloatImage> rgb = GpuFixtures.frames(8, 40, 30, 3, 17);
        FloatImage a = new FloatImage(40, 30, 3), b = new FloatImage(40, 30, 3), ca = new FloatImage(40, 30, 1),
                cb = new FloatImage(40, 30, 1);
        StackCore.stack(rgb, p, a, ca, Progress.NONE, PLAN, CpuStackBackend.INSTANCE);
        try (GpuRun run = GpuFixtures.run("vram_mb:8192"); Logged.Capture logs = Logged.fine()) {
            Phase3GpuPolicy.forRun(run).stack(1, be -> StackCore.stack(rgb, p, b, cb, Progress.NONE, PLAN, be));
            assertEquals(1, logs.starting("phase3_gpu_chunk_summary tile=1 backend=gpu").size(), "made on the GPU");
        }
        for (int ch = 0; ch < 3; ch++)
            for (int i = 0; i < 40 * 30; i++) {
                float x = a.plane(ch)[i], y = b.plane(ch)[i];
                if (Float.isNaN(x)) assertTrue(Float.isNaN(y));
                else assertEquals(x, y, 1e-5 * Math.max(1, Math.abs(x)), rejection + "/" + combine + " channel " + ch + " pixel " + i);
            }
        assertArrayEquals(ca.plane(0), cb.plane(0), "coverage");
    }

    @Test
    void cpuPolicyIsTheCpuBackend() throws IOException {
        FloatImage img = new FloatImage(40, 30, 1), cov = new FloatImage(40, 30, 1);
        StackCore.stack(frames, PARAMS, img, cov, Progress.NONE, PLAN, CpuStackBackend.INSTANCE);
        assertArrayEquals(img.plane(0), cpu());
    }
}
