package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.cli.Main;
import org.tessera.command.Job;
import org.tessera.command.JobRequest;
import org.tessera.command.Jobs;
import org.tessera.config.Config;
import org.tessera.pipeline.MosaicPipeline.Outcome;

/**
 * Two runs into one output folder: the second stops at once, naming the folder and the first run,
 * and touches nothing; the lock goes with the first run, even when it is killed.
 */
class OutputLockTest {

    /** Holds the lock of args[0] until killed (the other process of {@link #aRunInAnotherProcessBlocksTheCliUntilItDies}). */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            OutputLock lock = OutputLock.acquire(Path.of(args[0]));
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(60_000);
            lock.close();
        }
    }

    /** A job that records that it ran. */
    private static final class Counting implements Jobs {
        int runs;

        @Override
        public Outcome mosaic(List<Path> inputs, Path outputDir, Config config, org.tessera.Progress progress) {
            runs++;
            return new Outcome(outputDir, null, null, null, List.of(), List.of(), null);
        }

        @Override
        public Outcome stack(Path output, List<Path> frames, Config config, org.tessera.Progress progress) {
            runs++;
            return new Outcome(output.getParent(), null, null, null, List.of(output), List.of(), null);
        }

        @Override
        public Outcome reproject(Path outputDir, List<Path> images, Config config, org.tessera.Progress progress) {
            return mosaic(images, outputDir, config, progress);
        }
    }

    @Test
    void aSecondRunInThisJvmIsRefusedAndTheFolderIsFreeAfterwards(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Counting jobs = new Counting();
        JobRequest mosaic = JobRequest.of(Job.MOSAIC, List.of(), out, new Config(), List.of());
        try (OutputLock first = OutputLock.acquire(out)) {
            String held = Files.readString(out.resolve(OutputLock.FILE));
            assertTrue(held.startsWith("pid " + ProcessHandle.current().pid() + ", started "), held);
            // another thread of this JVM (a second Fiji command) is another run
            Exception e = assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> mosaic.run(jobs, org.tessera.Progress.NONE)));
            assertEquals("another Tessera run is writing into " + out + " (" + held
                    + "): wait for it to end, or choose another output folder", e.getMessage());
            assertEquals(0, jobs.runs, "the refused run must not start");
            // a stack job writes one named file: it may share a folder with a running job
            JobRequest stack = JobRequest.of(Job.STACK, List.of(Files.writeString(dir.resolve("a.fits"), "x")), out.resolve("t.fits"),
                    new Config(), List.of());
            inAnotherThread(() -> stack.run(jobs, org.tessera.Progress.NONE));
            assertEquals(1, jobs.runs);
        }
        mosaic.run(jobs, org.tessera.Progress.NONE);
        inAnotherThread(() -> mosaic.run(jobs, org.tessera.Progress.NONE)); // released by each run: the next one goes on
        assertEquals(3, jobs.runs);
    }

    @Test
    void aRunReEntersItsOwnHoldAndTheFolderIsFreeWhenTheOutermostCloses(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        try (OutputLock outer = OutputLock.acquire(out)) {
            try (OutputLock inner = OutputLock.acquire(out.resolve(".").normalize())) { // a front's hold, then the pipeline's
                assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> { OutputLock.acquire(out).close(); return null; }));
            }
            // the inner close did not free the folder
            Exception e = assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> { OutputLock.acquire(out).close(); return null; }));
            assertTrue(e.getMessage().startsWith("another Tessera run is writing into " + out), e.getMessage());
            outer.close();
            outer.close(); // idempotent: it does not release another hold
            inAnotherThread(() -> { OutputLock.acquire(out).close(); return null; });
        }
    }

    @Test
    void aScriptCallingThePipelineDirectlyIsRefusedToo(@TempDir Path dir) throws Exception {
        // Build_Mosaic.groovy and Reproject_Coadd.py call MosaicPipeline without a front: the pipeline takes the lock.
        Path out = dir.resolve("out");
        try (OutputLock first = OutputLock.acquire(out)) {
            for (java.util.concurrent.Callable<Object> script : List.<java.util.concurrent.Callable<Object>>of(
                    () -> MosaicPipeline.reproject(out, List.of(dir.resolve("none.fits")), new Config(), org.tessera.Progress.NONE),
                    () -> MosaicPipeline.mosaic(List.of(dir.resolve("none")), out, new Config(), org.tessera.Progress.NONE))) {
                Exception e = assertThrows(java.io.IOException.class, () -> inAnotherThread(script));
                assertTrue(e.getMessage().startsWith("another Tessera run is writing into " + out), e.getMessage());
            }
        }
        assertEquals(List.of(OutputLock.FILE), list(out), "the refused runs wrote nothing");
    }

    private static List<String> list(Path d) throws java.io.IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs {@code c} in a thread of its own and rethrows what it threw. */
    private static <T> T inAnotherThread(java.util.concurrent.Callable<T> c) throws Exception {
        java.util.concurrent.ExecutorService x = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            return x.submit(c).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) throw ex;
            throw e;
        } finally {
            x.shutdownNow();
        }
    }

    @Test
    void aRunInAnotherProcessBlocksTheCliUntilItDies(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                out.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", r.readLine());
            ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
            int rc = new Main(new Counting()).run(new String[] {"-q", "mosaic", "-o", out.toString()},
                    new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
            String err = e.toString(StandardCharsets.UTF_8);
            assertEquals(Main.ERROR, rc, err);
            assertTrue(err.contains("another Tessera run is writing into " + out + " (pid " + holder.pid() + ", started "), err);
            assertTrue(err.contains("wait for it to end, or choose another output folder"), err);
        } finally {
            holder.destroyForcibly();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        // killed, not closed: the system released its lock
        Counting jobs = new Counting();
        assertEquals(Main.OK, new Main(jobs).run(new String[] {"-q", "mosaic", "-o", out.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
        assertEquals(1, jobs.runs);
    }
}
