package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.cli.Main;
import org.tessera.command.Job;
import org.tessera.command.JobRequest;
import org.tessera.command.Jobs;
import org.tessera.config.Config;
import org.tessera.io.MountMode;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.synth.SyntheticSky;

/**
 * A mistyped {@code gpu_simulate} is refused with the other settings, before any work, through the
 * one grammar ({@link SimulateSpec#parse}): the key, the bad item and the accepted items named. It
 * was read only when the run opened the GPU, after Phase 1 (and the frames' headers), and then only
 * turned the GPU off: the run went on to the end on the CPU, exit 0, without the simulation asked for.
 */
class GpuSimulateCheckTest {

    private static final String ITEMS = "(items: vram_mb:N, free_mb:N[/M/...], oom:P:K, invalid:P:K, fail:P:K, health:fail;"
            + " P = phase3, phase5 or grid)";
    private static final String NOTHING_RUN = " (nothing was run; see the key table in docs/user-guide.md)";

    /** Bad values and the one line each gives. */
    private static final Map<String, String> BAD = Map.of(
            "vram_mb:8192,oom:phase9:1", "gpu_simulate: bad item 'oom:phase9:1': unknown GPU phase 'phase9' (phase3, phase5, grid) " + ITEMS,
            "vram:8192", "gpu_simulate: bad item 'vram:8192': unknown item " + ITEMS,
            "oom:phase5:1", "gpu_simulate: vram_mb:N is required, got 'oom:phase5:1' " + ITEMS);

    @Test
    void theCliStopsBeforeAnyFrameIsRead(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("frames");
        new SyntheticSky().seed(3).centre(150, 40).panels(1, 1).framesPerPanel(3).frameSize(120, 90)
                .pixelScale(2.4).mount(MountMode.EQ).writeFits(in);
        for (Map.Entry<String, String> bad : BAD.entrySet()) {
            Path out = tmp.resolve("out");
            ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
            long t0 = System.nanoTime();
            int rc = new Main(Jobs.PIPELINE).run(new String[] {"mosaic", in.toString(), out.toString(), "--set",
                    "gpu_simulate=" + bad.getKey()}, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
            double s = (System.nanoTime() - t0) / 1e9;
            String err = e.toString(StandardCharsets.UTF_8);
            assertEquals(Main.ERROR, rc, bad.getKey() + ": " + o.toString(StandardCharsets.UTF_8) + err);
            assertEquals("tessera mosaic: error: invalid setting: " + bad.getValue() + NOTHING_RUN + "\n", err);
            assertFalse(Files.exists(out), bad.getKey() + ": no output folder, no run log: nothing was read or written");
            assertTrue(s < 5, bad.getKey() + ": refused at once, took " + s + " s");
        }
        // the documented forms stay accepted (blank: no simulation)
        for (String good : List.of("vram_mb:8192", "VRAM_MB:4096, free_mb:2000/6000 ,oom:phase5:1,oom:phase5:2,invalid:grid:3,"
                + "fail:phase3:1,health:fail", " "))
            assertNull(GpuSettings.SIMULATE.problem(new Config().set("gpu_simulate=" + good)), good);
        assertNull(GpuSettings.SIMULATE.problem(new Config()), "unset");
    }

    /** Scripts call the pipeline directly: each entry point refuses before it creates anything. */
    @Test
    void thePipelineAndTheFijiFrontRefuseItToo(@TempDir Path tmp) throws Exception {
        Path frame = new SyntheticSky().seed(3).centre(150, 40).panels(1, 1).framesPerPanel(1).frameSize(120, 90)
                .pixelScale(2.4).mount(MountMode.EQ).writeFits(tmp.resolve("frames")).get(0);
        Config c = new Config().set("gpu_simulate=vram:8192");
        String message = "invalid setting: " + BAD.get("vram:8192") + NOTHING_RUN;
        Path out = tmp.resolve("out");
        List<org.junit.jupiter.api.function.Executable> calls = List.of(
                () -> MosaicPipeline.mosaic(List.of(frame.getParent()), out, c, Progress.NONE),
                () -> MosaicPipeline.stack(out.resolve("t.fits"), List.of(frame), c, Progress.NONE),
                () -> MosaicPipeline.reproject(out, List.of(frame), c, Progress.NONE),
                () -> JobRequest.fromForm(Job.MOSAIC, frame.getParent(), out, null, Map.of(), "gpu_simulate=vram:8192"));
        for (org.junit.jupiter.api.function.Executable call : calls)
            assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
        assertFalse(Files.exists(out), "nothing created");
        // tessera gpu reads the settings as a run does: a typo is refused there too, not reported as "GPU off"
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        assertEquals(Main.ERROR, new Main(Jobs.PIPELINE).run(new String[] {"gpu", "--set", "gpu_simulate=vram:8192"},
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8)));
        assertEquals("tessera gpu: error: " + message + "\n", e.toString(StandardCharsets.UTF_8));
    }
}
