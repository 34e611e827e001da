package org.tessera.command;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.tessera.config.Config;
import org.tessera.gpu.DefaultGpuService;
import org.tessera.gpu.GpuRun;
import org.tessera.gpu.GpuService;

/** A Fiji command runs on its context's GPU service, the menu's GPU choice reaching it as use_gpu_phase5. */
class GpuServiceCommandTest {

    static final Path DSS = Paths.get("../shared/data/dss_pair");

    /** The default service, remembering the configs of the runs it opened. */
    static final class Recording extends DefaultGpuService {
        final List<Config> runs = new ArrayList<>();

        @Override
        public GpuRun openRun(Config config) {
            runs.add(config);
            return super.openRun(config);
        }
    }

    @Test
    void theContextsServiceMakesTheRun(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isDirectory(DSS), "real test data not found at " + DSS.toAbsolutePath());
        Context context = new Context(CommandService.class, org.scijava.app.StatusService.class, GpuService.class);
        try {
            assertInstanceOf(DefaultGpuService.class, context.service(GpuService.class));
            Recording gpu = new Recording();
            CommandModule m = context.service(CommandService.class).run(ReprojectCoaddCommand.class, true,
                    "input", DSS.toFile(), "output", dir.toFile(), "gpu", "on", "gpuService", gpu,
                    "settings", "gpu_simulate=vram_mb:2048").get();
            assertFalse(m.isCanceled(), m.getCancelReason());
            assertEquals(1, gpu.runs.size(), "one GPU run per job, from the context's service");
            assertTrue(gpu.runs.get(0).getBoolean("use_gpu_phase5"));
            String log = Files.readString(dir.resolve("tessera.log"));
            assertTrue(log.contains("[GPU] GPU healthy for this run: simulated (2048 MiB, gpu_simulate)"), log);
            assertTrue(log.contains("Phase5 GPU VRAM refresh free_vram_mb="), log);
        } finally {
            context.dispose();
        }
    }

    @Test
    void aboutTesseraSaysWhatTheGpuServiceFinds() throws Exception {
        Context context = new Context(CommandService.class, org.scijava.app.StatusService.class, GpuService.class);
        try {
            // a service whose runs find a simulated 2 GiB device: the report of `tessera gpu`, default settings
            DefaultGpuService simulated = new DefaultGpuService() {
                @Override
                public GpuRun openRun(Config config) {
                    return super.openRun(config.copy().put("gpu_simulate", "vram_mb:2048"));
                }
            };
            String about = (String) context.service(CommandService.class).run(AboutTesseraCommand.class, true,
                    "gpuService", simulated).get().getOutput("about");
            String gpu = about.substring(about.indexOf("\n\nGPU: ") + 2);
            assertTrue(about.startsWith("Tessera "), about);
            assertEquals(List.of("GPU: healthy", "device: simulated (2048 MiB, gpu_simulate)",
                    "runs: Phase 3, Grid mode and Phase 5 on the GPU"),
                    gpu.lines().filter(l -> !l.startsWith("VRAM: ")).toList(), about);
            assertTrue(gpu.lines().anyMatch(l -> l.matches("VRAM: free \\d+ MiB / total 2048 MiB")), about);

            // the context's own service on this machine: healthy or not, the paragraph says what runs do
            String here = (String) context.service(CommandService.class).run(AboutTesseraCommand.class, true).get().getOutput("about");
            assertTrue(here.contains("\n\nGPU: ") && here.contains("\nruns: "), here);
        } finally {
            context.dispose();
        }
    }
}
