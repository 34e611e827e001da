package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.tessera.cli.Main;
import org.tessera.command.Jobs;

/** {@code tessera gpu}: the health report, its exit status, usage errors. */
class GpuCliTest {

    static String[] run(int expect, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = new Main(Jobs.PIPELINE).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(expect, rc, err.toString(StandardCharsets.UTF_8));
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void printsTheHealthOfTheSimulatedDevice() {
        assertEquals("GPU: healthy\ndevice: simulated (4096 MiB, gpu_simulate)\nVRAM: free 1000 MiB / total 4096 MiB\n"
                        + "runs: Phase 3, Grid mode and Phase 5 on the GPU\n",
                run(Main.OK, "gpu", "--set", "gpu_simulate=vram_mb:4096,free_mb:1000")[0]);
        // A healthy GPU that the settings leave unused: the report says what a run will do.
        assertTrue(run(Main.OK, "gpu", "--set", "gpu_simulate=vram_mb:4096", "--set", "use_gpu_phase5=false")[0]
                .endsWith("\nruns: every step runs on the CPU (use_gpu_phase5=false)\n"));
        assertTrue(run(Main.OK, "gpu", "--set", "gpu_simulate=vram_mb:4096", "--set", "use_gpu_phase5=false", "--set", "use_gpu_grid=true")[0]
                .endsWith("\nruns: Grid mode on the GPU; Phase 3 and Phase 5 on the CPU (use_gpu_phase5=false)\n"));
        assertTrue(run(Main.OK, "gpu", "--set", "gpu_simulate=vram_mb:4096", "--set", "use_gpu_grid=false")[0]
                .endsWith("\nruns: Phase 3 and Phase 5 on the GPU; Grid mode on the CPU (use_gpu_grid=false)\n"));
        String[] bad = run(Main.SKIPPED, "gpu", "--set=gpu_simulate=vram_mb:4096,health:fail");
        assertEquals("GPU: not usable\ndevice: simulated (4096 MiB, gpu_simulate)\nreason: health check failed: simulated failure"
                + " (gpu_simulate health:fail)\nVRAM: unavailable\nruns: every step runs on the CPU\n", bad[0]);
    }

    @Test
    void theRealDeviceIsReportedEitherWay() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = new Main(Jobs.PIPELINE).run(new String[] {"gpu"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        if (rc == Main.OK) { // a machine with a GPU
            assertTrue(text.startsWith("GPU: healthy\ndevice: "), text);
        } else { // CI: no driver or no device, and the reason
            assertEquals(Main.SKIPPED, rc);
            assertTrue(text.startsWith("GPU: not usable\n") && text.contains("reason: ") && text.endsWith("VRAM: unavailable\nruns: every step runs on the CPU\n"), text);
        }
    }

    /**
     * allow_cpu_fallback=false stopping a run is the user's choice, not a bug: the CLI says what
     * failed and what to do, never "internal error (please report it…)", and leaves no mosaic.
     */
    @Test
    void aRefusedCpuFallbackIsAUserErrorWithAdvice(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path dss = java.nio.file.Path.of("..", "shared", "data", "dss_pair");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(dss.resolve("dss_test1.fits")));
        String[] r = run(Main.ERROR, "reproject", "-q", "--set", "gpu_simulate=vram_mb:8192,oom:phase5:1,oom:phase5:2,oom:phase5:3,oom:phase5:4",
                "--set", "allow_cpu_fallback=false", dir.resolve("out").toString(), dss.resolve("dss_test1.fits").toString(),
                dss.resolve("dss_test2.fits").toString());
        assertFalse(r[1].contains("internal error"), r[1]);
        assertTrue(r[1].contains(" SEVERE [cli] failed: [P5] GPU coadd failed (out of memory after 3 retries: CUDA_ERROR_OUT_OF_MEMORY:"
                + " out of memory (simulated: allocation 4 of phase5, 28800 bytes)) and allow_cpu_fallback=false; set"
                + " allow_cpu_fallback=true to finish on the CPU, or lower phase5_chunk_mb\n"), r[1]);
        assertFalse(java.nio.file.Files.exists(dir.resolve("out").resolve("mosaic.fits")));
    }

    @Test
    void usage() {
        assertTrue(run(Main.OK, "gpu", "--help")[0].startsWith("Usage: tessera gpu"));
        assertTrue(run(Main.ERROR, "gpu", "extra")[1].contains("unexpected argument 'extra'"));
    }
}
