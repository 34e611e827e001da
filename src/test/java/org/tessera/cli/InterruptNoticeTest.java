package org.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.command.Job;
import org.tessera.command.JobRequest;
import org.tessera.command.Jobs;
import org.tessera.config.Config;
import org.tessera.pipeline.MosaicPipeline.Outcome;

/**
 * Ctrl-C (or a kill signal) during a run: the console and tessera.log end with one line saying the
 * run was interrupted, what is left and what to do; a run that ends on its own has no such line.
 */
class InterruptNoticeTest {

    /** A job that logs a phase line, says "started" and then works until the JVM is stopped. */
    static final class Endless implements Jobs {
        @Override
        public Outcome mosaic(List<Path> inputs, Path outputDir, Config config, Progress progress) {
            java.util.logging.Logger.getLogger("org.tessera.pipeline").info("[P3] 1 master tile(s) on 1 worker(s)");
            System.out.println("started");
            System.out.flush();
            while (true) Thread.onSpinWait();
        }

        @Override
        public Outcome stack(Path output, List<Path> frames, Config config, Progress progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress) {
            throw new UnsupportedOperationException();
        }
    }

    /** The CLI on {@link Endless}, in its own JVM so that it can be stopped as a user stops it. */
    public static final class Child {
        public static void main(String[] args) {
            System.exit(new Main(new Endless()).run(args, System.out, System.err));
        }
    }

    @Test
    void aStoppedRunSaysSoOnTheConsoleAndInTheLog(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path consoleFile = dir.resolve("console.txt");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                "mosaic", "-o", out.toString()).redirectErrorStream(true).redirectOutput(consoleFile.toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(consoleFile) && Files.readString(consoleFile).contains("started\n")) && System.nanoTime() < until)
            Thread.sleep(20);
        assertTrue(Files.readString(consoleFile).contains("started\n"), Files.readString(consoleFile));
        p.destroy(); // SIGTERM: what kill sends; Ctrl-C's SIGINT runs the same shutdown hooks
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String console = Files.readString(consoleFile);
        assertEquals(143, p.exitValue());
        assertTrue(console.contains("tessera mosaic: " + InterruptNotice.MESSAGE + "\n"), console);

        List<String> log = Files.readAllLines(out.resolve("tessera.log"));
        String last = log.get(log.size() - 1);
        assertTrue(last.matches("\\d\\d:\\d\\d:\\d\\d SEVERE \\[cli\\] interrupted before the run finished: .*"), last);
        assertTrue(last.endsWith("rerun the same command to go on (a mosaic run reuses its finished master tiles and plate solutions)"), last);
        assertTrue(log.get(log.size() - 2).endsWith("[P3] 1 master tile(s) on 1 worker(s)"), log.toString());
    }

    @Test
    void aRunThatEndsOnItsOwnLeavesNoNotice(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(), e = new java.io.ByteArrayOutputStream();
        int rc = new Main(new org.tessera.command.FakeJobs()).run(new String[] {"mosaic", "-o", out.toString()},
                new java.io.PrintStream(o, true, StandardCharsets.UTF_8), new java.io.PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, rc, e.toString(StandardCharsets.UTF_8));
        // the hook was removed with the run: shutting down now would add nothing
        Thread probe = new Thread(() -> { });
        Runtime.getRuntime().addShutdownHook(probe);
        assertTrue(Runtime.getRuntime().removeShutdownHook(probe));
        assertFalse(Files.readString(out.resolve("tessera.log")).contains("interrupted"));
        assertFalse(e.toString(StandardCharsets.UTF_8).contains("interrupted"));
    }

    /**
     * The notice says what a rerun reuses as that run will: Classic its master tiles, SDS its
     * mega-tiles, Grid mode its tiles, resume=off no tile (and no plate solution in Grid mode, whose
     * frames carry their WCS), a stack its plate solutions, a coadd nothing.
     */
    @Test
    void theNoticeSaysWhatTheRerunReusesForEachJobAndMode(@TempDir Path dir) throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames")), plan = Files.createDirectories(dir.resolve("plan"));
        Files.writeString(plan.resolve("stack_plan.csv"), "file_path\n");
        Path out = dir.resolve("out");
        java.util.function.BiFunction<Job, Path, JobRequest> req = (job, in) ->
                new JobRequest(job, List.of(in), job == Job.STACK ? dir.resolve("t.fits") : out,
                        new Config(), List.of());
        String head = "interrupted before the run finished: files being written were left as .part files (removed by the next run), "
                + "never under their final names; ";
        JobRequest classic = req.apply(Job.MOSAIC, frames);
        assertEquals(InterruptNotice.MESSAGE, InterruptNotice.message(classic));
        assertEquals(head + "rerun the same command to go on (a Grid run reuses its finished tiles)",
                InterruptNotice.message(req.apply(Job.MOSAIC, plan)));
        assertEquals(head + "rerun the same command to start again (resume=off: every tile is made again)",
                InterruptNotice.message(new JobRequest(Job.MOSAIC, List.of(plan), out, new Config().put("resume", "off"), List.of())));
        assertEquals(head + "rerun the same command to go on (an SDS run reuses its finished mega-tiles, or master tiles when it fell back to Classic, and plate solutions)",
                InterruptNotice.message(new JobRequest(Job.MOSAIC, List.of(frames), out,
                        new Config().put("sds_mode_default", true), List.of())));
        assertEquals(head + "rerun the same command to start again (resume=off: every tile is made again; the plate solutions "
                + "(solved_wcs/) are reused)", InterruptNotice.message(new JobRequest(Job.MOSAIC,
                        List.of(frames), out, new Config().put("resume", "off"), List.of())));
        assertEquals(head + "rerun the same command to go on (it reuses the plate solutions (solved_wcs/))",
                InterruptNotice.message(req.apply(Job.STACK, frames)));
        assertEquals(head + "rerun the same command to make it again",
                InterruptNotice.message(req.apply(Job.REPROJECT, frames)));
    }
}
