package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.grid.GridMode;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.stack.StackCore;
import org.tessera.stack.TileStackPolicy;
import org.tessera.synth.SyntheticSky;

/** Grid mode's GPU (seed grid-mode-parallel-gpu.md, step 2) on the simulated device. */
class GridGpuTest {

    final List<FloatImage> frames = GpuFixtures.frames(7, 40, 30, 1, 11);

    float[] stack(TileStackPolicy p, int id) throws IOException {
        FloatImage img = new FloatImage(40, 30, 1);
        double[] exposure = {10, 10, 20, 10, 30, 10, 10};
        p.stack(id, b -> StackCore.stackWeighted(frames, exposure, Phase3ModeCTest.PARAMS, img, null, Progress.NONE,
                Phase3ModeCTest.PLAN, b));
        return img.plane(0);
    }

    @Test
    void unsetGridFlagFollowsTheGlobalFlag() {
        try (Logged.Capture logs = Logged.fine()) {
            try (GpuRun run = GpuFixtures.run("vram_mb:8192")) {
                assertInstanceOf(GridGpuPolicy.class, GridGpuPolicy.forRun(run));
            }
            try (GpuRun run = GpuFixtures.run("vram_mb:8192", "use_gpu_phase5=false")) {
                assertSame(TileStackPolicy.CPU, GridGpuPolicy.forRun(run));
            }
            try (GpuRun run = GpuFixtures.run("vram_mb:8192", "use_gpu_phase5=false", "use_gpu_grid=true")) {
                assertInstanceOf(GridGpuPolicy.class, GridGpuPolicy.forRun(run));
            }
            try (GpuRun run = GpuFixtures.run("vram_mb:8192", "use_gpu_grid=false")) {
                assertSame(TileStackPolicy.CPU, GridGpuPolicy.forRun(run));
            }
            assertEquals(List.of(
                    "[GRID] GPU requested = True (use_gpu_grid=unset, follows use_gpu_phase5=true)",
                    "[GRID] GPU requested = False (use_gpu_grid=unset, follows use_gpu_phase5=false)",
                    "[GRID] GPU requested = True (use_gpu_grid=true)",
                    "[GRID] GPU requested = False (use_gpu_grid=false)"), logs.starting("[GRID] GPU requested"));
        }
    }

    @Test
    void aFailingTileFallsBackToTheCpuAndTheNextTileTriesTheGpuAgain() throws IOException {
        float[] cpu = stack(TileStackPolicy.CPU, 0);
        try (GpuRun run = GpuFixtures.run("vram_mb:8192,oom:grid:1,fail:grid:3"); Logged.Capture logs = Logged.fine()) {
            TileStackPolicy p = GridGpuPolicy.forRun(run);
            assertArrayEquals(cpu, stack(p, 1), "the failed tile is the CPU's");
            float[] second = stack(p, 2);
            assertArrayEquals(cpu, second, 1e-5f * 300);
            List<String> w = logs.starting("[GRID] GPU stack failed, falling back to CPU");
            assertEquals(1, w.size(), logs.messages().toString());
            assertTrue(w.get(0).startsWith("[GRID] GPU stack failed, falling back to CPU: tile 1 (OOM): "), w.get(0));
            assertTrue(logs.messages().stream().noneMatch(m -> m.contains("OOM retry")), "Grid never retries");
            assertEquals(2, ((TestBackends) run.backends()).stackLimits.size(), "one GPU attempt per tile");
            assertFalse(run.phase3HardDisabled());
        }
    }

    /**
     * A machine without a GPU, default settings: the fallback line is INFO (as Classic's "[GPU] GPU
     * off for this run"), so `tessera mosaic -q` of a stack plan prints no warning for a GPU nobody
     * asked for; with use_gpu_grid=true (asked for) it stays a WARNING.
     */
    @Test
    void noGpuWithDefaultSettingsIsNotAWarning() {
        try (GpuRun run = GpuFixtures.run("vram_mb:8192,health:fail"); Logged.Capture logs = Logged.fine()) {
            assertSame(TileStackPolicy.CPU, GridGpuPolicy.forRun(run));
            assertEquals(List.of("[GRID] GPU stack failed, falling back to CPU: health check failed: simulated failure"
                    + " (gpu_simulate health:fail)"), logs.starting("[GRID] GPU stack failed"));
            assertEquals(List.of(), logs.messages(java.util.logging.Level.WARNING));
        }
        try (GpuRun run = GpuFixtures.run("vram_mb:8192,health:fail", "use_gpu_grid=true"); Logged.Capture logs = Logged.fine()) {
            GridGpuPolicy.forRun(run);
            assertEquals(1, logs.messages(java.util.logging.Level.WARNING).size());
        }
    }

    @Test
    void noUsableGpuLogsTheFallbackOnce() {
        try (GpuRun run = GpuFixtures.run("vram_mb:8192,health:fail", "use_gpu_grid=true");
             Logged.Capture logs = Logged.fine()) {
            assertSame(TileStackPolicy.CPU, GridGpuPolicy.forRun(run));
            assertEquals(List.of("[GRID] GPU stack failed, falling back to CPU: health check failed: simulated failure"
                    + " (gpu_simulate health:fail)"), logs.starting("[GRID] GPU stack failed"));
        }
    }

    @Test
    void gridModeRunsItsTilesThroughThePolicy(@TempDir Path dir) throws IOException {
        SyntheticSky sky = new SyntheticSky().seed(7).panels(4, 2).overlap(0.35).framesPerPanel(2).frameSize(96, 72)
                .pixelScale(2.4).output(SyntheticSky.Output.RGB_FLOAT).perfectCamera().nebula(0).sky(30).gradient(0.15)
                .starDensity(1.2).starFlux(500, 40000, 0.75).psfFwhm(3.0).gaussianPsf();
        List<Path> files = sky.writeFits(dir.resolve("frames"));
        StringBuilder csv = new StringBuilder("file_path,exptime\n");
        for (Path f : files) csv.append(dir.relativize(f)).append(",10\n");
        Path plan = Files.writeString(dir.resolve("stack_plan.csv"), csv);
        Config c = new Config();
        c.put("grid_workers", 2);
        c.put("grid_size_factor", 1.7);
        c.put("batch_overlap_pct", 60);
        GridMode.Outcome cpu = GridMode.run(plan, dir.resolve("cpu"), c, Progress.NONE);
        try (GpuRun run = GpuFixtures.run("vram_mb:8192,fail:grid:1"); Logged.Capture logs = Logged.fine()) {
            GridMode.Outcome gpu = GridMode.run(plan, dir.resolve("gpu"), c, Progress.NONE, GridGpuPolicy.forRun(run));
            assertEquals(List.of("[GRID] GPU=ON: tiles stack on the GPU, a tile whose GPU stack fails on the CPU"),
                    logs.starting("[GRID] GPU="));
            assertEquals(1, logs.starting("[GRID] GPU stack failed, falling back to CPU").size());
            List<Path> a = cpu.parts().get(0).tiles(), b = gpu.parts().get(0).tiles();
            assertEquals(a.size(), b.size());
            assertTrue(a.size() >= 2);
            for (int i = 0; i < a.size(); i++) {
                FloatImage x = read(a.get(i)), y = read(b.get(i));
                for (int ch = 0; ch < x.channels(); ch++)
                    for (int k = 0; k < x.plane(ch).length; k++) {
                        float u = x.plane(ch)[k], v = y.plane(ch)[k];
                        if (Float.isNaN(u)) assertTrue(Float.isNaN(v));
                        else assertEquals(u, v, 1e-5 * Math.max(1, Math.abs(u)));
                    }
            }
        }
    }

    static FloatImage read(Path p) throws IOException {
        FitsFrame f = FitsFrame.open(p);
        FloatImage img = new FloatImage(f.width(), f.height(), f.channels());
        float[][] planes = new float[f.channels()][];
        for (int c = 0; c < f.channels(); c++) planes[c] = img.plane(c);
        f.readRows(0, f.height(), planes);
        return img;
    }
}
