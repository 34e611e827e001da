package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.synth.SyntheticSky;

/**
 * The whole pipeline with the GPU settings: a run where the GPU is off (no GPU here, or
 * {@code use_gpu_phase5=false}) is bit-for-bit today's CPU run and says once why; a run on the
 * simulated device whose Phase 3 GPU fails twice makes exactly the CPU's master tiles.
 */
class PipelineGpuTest {

    @TempDir
    static Path dir;
    static Path frames;
    static MosaicPipeline.Outcome cpu;

    @BeforeAll
    static void cpuRun() throws IOException {
        SyntheticSky sky = new SyntheticSky().seed(3).panels(2, 1).overlap(0.3).framesPerPanel(3).frameSize(96, 72)
                .pixelScale(2.4).output(SyntheticSky.Output.RGB_FLOAT).perfectCamera().nebula(0).sky(30).gradient(0.15)
                .starDensity(1.2).starFlux(500, 40000, 0.75).psfFwhm(3.0).gaussianPsf();
        sky.writeFits(frames = dir.resolve("frames"));
        cpu = MosaicPipeline.mosaic(List.of(frames), dir.resolve("cpu"), new Config().set("use_gpu_phase5=false"), Progress.NONE);
    }

    @Test
    void theDefaultRunWithoutAGpuIsTheCpuRunBitForBitAndSaysWhyOnce() throws IOException {
        MosaicPipeline.Outcome o;
        try (Logged.Capture logs = Logged.fine()) {
            o = MosaicPipeline.mosaic(List.of(frames), dir.resolve("default"), new Config(), Progress.NONE);
            List<String> gpu = logs.starting("[GPU]");
            assertEquals(1, gpu.size(), gpu.toString());
            assertTrue(gpu.get(0).startsWith("[GPU] GPU off for this run: "), gpu.get(0));
            assertTrue(gpu.get(0).endsWith("; every step runs on the CPU"), gpu.get(0));
        }
        assertEquals(cpu.masterTiles().size(), o.masterTiles().size());
        for (int i = 0; i < o.masterTiles().size(); i++)
            assertArrayEquals(Files.readAllBytes(cpu.masterTiles().get(i)), Files.readAllBytes(o.masterTiles().get(i)));
        assertArrayEquals(Files.readAllBytes(cpu.mosaic()), Files.readAllBytes(o.mosaic()));
        assertArrayEquals(Files.readAllBytes(cpu.coverage()), Files.readAllBytes(o.coverage()));
    }

    @Test
    void phase3GpuFailingTwiceGivesTheCpuTilesAndTheRunGoesOn() throws IOException {
        MosaicPipeline.Outcome o;
        try (Logged.Capture logs = Logged.fine()) {
            o = MosaicPipeline.mosaic(List.of(frames), dir.resolve("sim"),
                    new Config().set("gpu_simulate=vram_mb:8192,oom:phase3:1,oom:phase3:2,oom:phase3:3,oom:phase3:4"), Progress.NONE);
            assertEquals(1, logs.starting("[GPU] GPU healthy for this run: simulated (8192 MiB, gpu_simulate)").size());
            assertEquals(1, logs.starting("[P3][GPU] Second GPU attempt failed; disabling Phase 3 GPU for this run").size(),
                    logs.messages().toString());
            // Two tiles run in parallel: each GPU attempt's first allocation fails (at most 4 attempts).
            assertTrue(logs.starting("[P3][GPU] Using GPU stacker").isEmpty());
            assertEquals(2, logs.starting("[P3] tile ").stream()
                    .filter(m -> m.endsWith("stacked on the CPU (Phase 3 GPU disabled for this run)")).count());
        }
        for (int i = 0; i < o.masterTiles().size(); i++)
            assertArrayEquals(pixels(cpu.masterTiles().get(i)), pixels(o.masterTiles().get(i)), "tile " + i);
        float[] a = pixels(cpu.mosaic()), b = pixels(o.mosaic());
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++)
            if (Float.isNaN(a[i])) assertTrue(Float.isNaN(b[i]));
            else assertEquals(a[i], b[i], 1e-5 * Math.max(1, Math.abs(a[i])), "mosaic pixel " + i);
    }

    @Test
    void aHealthySimulatedGpuMakesTheCpuMosaicWithin1e5() throws IOException {
        MosaicPipeline.Outcome o;
        try (Logged.Capture logs = Logged.fine()) {
            o = MosaicPipeline.mosaic(List.of(frames), dir.resolve("gpu"), new Config().set("gpu_simulate=vram_mb:16384"),
                    Progress.NONE);
            assertEquals(List.of("[P3][GPU] Using GPU stacker for Phase 3 (mode=auto)"), logs.starting("[P3][GPU]"));
            assertEquals(2, logs.starting("phase3_gpu_chunk_summary tile=").size());
            assertFalse(logs.starting("Phase5 GPU VRAM refresh free_vram_mb=").isEmpty());
            assertTrue(logs.starting("[P5] coadd ").stream().anyMatch(m -> m.contains(" gpu backend,")), "Phase 5 bands on the GPU");
        }
        for (int i = 0; i < o.masterTiles().size(); i++) close(pixels(cpu.masterTiles().get(i)), pixels(o.masterTiles().get(i)));
        close(pixels(cpu.mosaic()), pixels(o.mosaic()));
    }

    static final Path DSS = Path.of("../shared/data/dss_pair");

    /** Phase 5 alone (the reproject job) on the DSS pair: the OOM ladder end to end. */
    @Test
    void phase5OomLadderEndToEnd() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(DSS), "no " + DSS.toAbsolutePath());
        List<Path> in = List.of(DSS);
        MosaicPipeline.Outcome ref = MosaicPipeline.reproject(dir.resolve("p5cpu"), in,
                new Config().set("use_gpu_phase5=false"), Progress.NONE);
        try (Logged.Capture logs = Logged.fine()) {
            MosaicPipeline.Outcome once = MosaicPipeline.reproject(dir.resolve("p5once"), in,
                    new Config().set("gpu_simulate=vram_mb:16384,oom:phase5:1").set("num_processing_workers=1"), Progress.NONE);
            assertEquals(1, logs.starting("[GPU Reproject] OOM retry 1/3: ").size(), logs.messages().toString());
            assertTrue(logs.starting("[GPU Reproject] OOM retry 2/3").isEmpty());
            assertTrue(logs.starting("[P5] coadd ").stream().anyMatch(m -> m.contains(", gpu backend,")));
            close(pixels(ref.mosaic()), pixels(once.mosaic()));
        }
        try (Logged.Capture logs = Logged.fine()) {
            MosaicPipeline.Outcome down = MosaicPipeline.reproject(dir.resolve("p5down"), in,
                    new Config().set("gpu_simulate=vram_mb:16384,oom:phase5:1,oom:phase5:2,oom:phase5:3,oom:phase5:4")
                            .set("num_processing_workers=1"), Progress.NONE); // one band at a time: one ladder
            assertEquals(3, logs.starting("[GPU Reproject] OOM retry ").size());
            assertEquals(1, logs.starting("[GPU Reproject] out of memory after 3 retries: ").size());
            assertArrayEquals(Files.readAllBytes(ref.mosaic()), Files.readAllBytes(down.mosaic()),
                    "after the fallback every band is the CPU's");
        }
        Config strict = new Config().set("gpu_simulate=vram_mb:16384,oom:phase5:1,oom:phase5:2,oom:phase5:3,oom:phase5:4")
                .set("allow_cpu_fallback=false").set("num_processing_workers=1");
        GpuException e = assertThrows(GpuException.class, () -> MosaicPipeline.reproject(dir.resolve("p5strict"), in, strict,
                Progress.NONE));
        assertTrue(e.getMessage().endsWith("and allow_cpu_fallback=false; set allow_cpu_fallback=true to finish on the CPU, or lower phase5_chunk_mb"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("p5strict/mosaic.fits")), "no partial mosaic");
    }

    static void close(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++)
            if (Float.isNaN(a[i])) assertTrue(Float.isNaN(b[i]), "NaN at " + i);
            else assertEquals(a[i], b[i], 1e-5 * Math.max(1, Math.abs(a[i])), "pixel " + i);
    }

    static float[] pixels(Path p) throws IOException {
        FloatImage img = GridGpuTest.read(p);
        float[] all = new float[img.plane(0).length * img.channels()];
        for (int c = 0; c < img.channels(); c++) System.arraycopy(img.plane(c), 0, all, c * img.plane(0).length, img.plane(0).length);
        return all;
    }
}
