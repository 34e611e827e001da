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
        assertEquals("GPU: healthy\ndevice: simulated (4096 MiB, gpu_simulate)\nVRAM: free 1000 MiB / total 4096 MiB\n",
                run(Main.OK, "gpu", "--set", "gpu_simulate=vram_mb:4096,free_mb:1000")[0]);
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

    @Test
    void usage() {
        assertTrue(run(Main.OK, "gpu", "--help")[0].startsWith("Usage: tessera gpu"));
        assertTrue(run(Main.ERROR, "gpu", "extra")[1].contains("unexpected argument 'extra'"));
    }
}
