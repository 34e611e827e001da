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
 * and touches nothing; the lock goes with the first run, even when it is killed. Stack runs: two
 * of different files share a folder, two onto one file do not, nor a stack and a mosaic owning its
 * folder or a folder above it, at any depth (in this JVM and across processes); a refused stack
 * makes no folder or lock file.
 */
class OutputLockTest {

    /**
     * Holds the lock of args[0] until killed (the other process of {@link #aRunInAnotherProcessBlocksTheCliUntilItDies}):
     * a folder as a mosaic run holds it, or with a second argument {@code stack} a file as a stack run does,
     * or {@code mark} the byte of a folder's lock file that a refused run probes to name the run owning it.
     */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            Path p = Path.of(args[0]);
            if (args.length > 1 && args[1].equals("mark")) {
                Files.createDirectories(p);
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p.resolve(OutputLock.FILE),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                    if (ch.tryLock(OutputLock.MARK, 1, false) == null) throw new IllegalStateException("mark held");
                    System.out.println("locked");
                    System.out.flush();
                    Thread.sleep(60_000);
                }
                return;
            }
            OutputLock lock = args.length > 1 && args[1].equals("stack") ? OutputLock.acquireFile(p) : OutputLock.acquire(p);
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(60_000);
            lock.close();
        }
    }

    /** Tries the lock of folder args[0] once and says "locked" or "refused" (the other process of {@link #aRefusedRunOfThisJvmLeavesTheHoldersLock}). */
    public static final class Prober {
        public static void main(String[] args) throws Exception {
            try (OutputLock lock = OutputLock.acquire(Path.of(args[0]))) {
                System.out.println("locked");
            } catch (java.io.IOException e) {
                System.out.println("refused");
            }
        }
    }

    /** A job that records that it ran. */
    private static class Counting implements Jobs {
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

    /**
     * A folder in which this process may not make a file: {@code dir} made read-only (a user's run), or,
     * for root, whom no mode stops, sysfs's /sys (Linux), where no file can be made; none: skipped.
     */
    static Path unwritableFolder(Path dir) throws Exception {
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        for (Path p : List.of(ro, Path.of("/sys"))) {
            if (!Files.isDirectory(p)) continue;
            try {
                Files.delete(Files.createFile(p.resolve(".probe")));
            } catch (java.io.IOException e) {
                return p;
            }
        }
        org.junit.jupiter.api.Assumptions.abort("no folder this process cannot write into");
        return null;
    }

    /**
     * An output folder that may not be written is named as such, never by the lock file Tessera makes
     * there first ("/out/.tessera.lock: permission denied"): a mosaic's folder, a stack's folder, and a
     * folder to be made inside it; CLI the same.
     */
    @Test
    void anUnwritableOutputFolderIsNamed(@TempDir Path dir) throws Exception {
        Path ro = unwritableFolder(dir);
        try {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> OutputLock.acquire(ro));
            assertEquals("the output folder " + ro + " is not writable (permission denied): choose another output folder, "
                    + "or make it writable", e.getMessage());
            e = assertThrows(java.io.IOException.class, () -> OutputLock.acquireFile(ro.resolve("t.fits")));
            assertEquals("the folder " + ro + " of the output file is not writable (permission denied): choose another "
                    + "output file, or make the folder writable", e.getMessage());
            e = assertThrows(java.io.IOException.class, () -> OutputLock.acquire(ro.resolve("out")));
            assertEquals("cannot make the output folder " + ro.resolve("out") + ": " + ro + " is not writable (" + (ro.startsWith(dir)
                    ? "permission denied" : "operation not permitted") + "): choose another output folder, or make " + ro
                    + " writable", e.getMessage());
            assertFalse(Files.exists(ro.resolve(OutputLock.FILE)));
            // And after it, the folder is free: the same call fails the same way, not as "another run".
            e = assertThrows(java.io.IOException.class, () -> OutputLock.acquire(ro));
            assertTrue(e.getMessage().startsWith("the output folder " + ro + " is not writable"), e.getMessage());

            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Path frame = Files.writeString(dir.resolve("f.fits"), "x");
            int rc = new Main(new Counting()).run(new String[] {"stack", ro.resolve("t.fits").toString(), frame.toString()},
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(Main.ERROR, rc);
            assertEquals("tessera stack: error: the folder " + ro + " of the output file is not writable (permission denied): "
                    + "choose another output file, or make the folder writable", err.toString(StandardCharsets.UTF_8).strip());
        } finally {
            if (ro.startsWith(dir)) Files.setPosixFilePermissions(ro, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /**
     * A file (or a link to nothing) where a folder of the output path belongs is named as what is in
     * the way, not with the system's "FILE: already exists" or "FILE/sub: Not a directory"; nothing
     * is made and no run starts; CLI the same.
     */
    @Test
    void aFileInThePlaceOfAnOutputFolderIsNamed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> OutputLock.acquire(file.resolve("out")));
        assertEquals("cannot make the output folder " + file.resolve("out") + ": " + file + " is a file, not a folder: "
                + "choose another output folder", e.getMessage());
        e = assertThrows(java.io.IOException.class, () -> OutputLock.acquire(file.resolve("a/b")));
        assertEquals("cannot make the output folder " + file.resolve("a/b") + ": " + file + " is a file, not a folder: "
                + "choose another output folder", e.getMessage());
        e = assertThrows(java.io.IOException.class, () -> OutputLock.acquireFile(file.resolve("t.fits")));
        assertEquals("cannot make the folder " + file + " of the output file: " + file + " is a file, not a folder: "
                + "choose another output file", e.getMessage());
        Path link = Files.createSymbolicLink(dir.resolve("gone"), dir.resolve("moved-away"));
        e = assertThrows(java.io.IOException.class, () -> OutputLock.acquire(link.resolve("out")));
        assertEquals("cannot make the output folder " + link.resolve("out") + ": " + link + " is a link to "
                + dir.resolve("moved-away") + ", which does not exist: choose another output folder", e.getMessage());
        assertEquals("x", Files.readString(file));
        assertFalse(Files.exists(dir.resolve("moved-away")));

        Counting jobs = new Counting();
        for (String[] args : List.of(new String[] {"mosaic", dir.toString(), file.resolve("out").toString()},
                new String[] {"stack", file.resolve("t.fits").toString(), file.toString()})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc = new Main(jobs).run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(Main.ERROR, rc);
            boolean stack = args[0].equals("stack");
            assertEquals("tessera " + args[0] + ": error: cannot make " + (stack ? "the folder " + file + " of the output file"
                    : "the output folder " + file.resolve("out")) + ": " + file + " is a file, not a folder: choose another "
                    + "output " + (stack ? "file" : "folder"), err.toString(StandardCharsets.UTF_8).strip());
        }
        assertEquals(0, jobs.runs);
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
            // a stack writing into the folder, or a folder below it (master_tiles/), would share its
            // log, plate solutions and tiles: refused too
            Path frame = Files.writeString(dir.resolve("a.fits"), "x");
            for (Path target : List.of(out.resolve("t.fits"), out.resolve("master_tiles").resolve("master_tile_001.fits"))) {
                JobRequest stack = JobRequest.of(Job.STACK, List.of(frame), target, new Config(), List.of());
                e = assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> stack.run(jobs, org.tessera.Progress.NONE)));
                assertEquals("another Tessera run is writing into " + (target.getParent().equals(out) ? target.getParent() : out)
                        + " (" + held + "): wait for it to end, or choose another output folder", e.getMessage());
            }
            assertEquals(0, jobs.runs, "the refused stacks must not start");
            // one beside it, elsewhere, goes on
            JobRequest beside = JobRequest.of(Job.STACK, List.of(frame), dir.resolve("stacks").resolve("t.fits"), new Config(), List.of());
            inAnotherThread(() -> beside.run(jobs, org.tessera.Progress.NONE));
            assertEquals(1, jobs.runs);
        }
        mosaic.run(jobs, org.tessera.Progress.NONE);
        inAnotherThread(() -> mosaic.run(jobs, org.tessera.Progress.NONE)); // released by each run: the next one goes on
        assertEquals(3, jobs.runs);
    }

    /** A stack job that waits in its run until released (a long stack of this JVM, e.g. another Fiji command). */
    private static final class Waiting extends Counting {
        final java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1),
                release = new java.util.concurrent.CountDownLatch(1);

        @Override
        public Outcome stack(Path output, List<Path> frames, Config config, org.tessera.Progress progress) {
            started.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.stack(output, frames, config, progress);
        }
    }

    @Test
    void stacksOfOtherFilesShareAFolderButNotAFileNorAMosaicsFolder(@TempDir Path dir) throws Exception {
        Path frame = Files.writeString(dir.resolve("a.fits"), "x");
        Path stacks = dir.resolve("stacks"), a = stacks.resolve("a.fits");
        Files.createDirectories(stacks);
        Files.writeString(dir.resolve(OutputLock.FILE), ""); // a mosaic ran into dir once: a run may own it again
        Waiting first = new Waiting();
        java.util.concurrent.ExecutorService x = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var running = x.submit(() -> JobRequest.of(Job.STACK, List.of(frame), a, new Config(), List.of()).run(first, org.tessera.Progress.NONE));
            assertTrue(first.started.await(30, TimeUnit.SECONDS));
            Counting jobs = new Counting();
            // another file in the same folder: goes on
            inAnotherThread(() -> JobRequest.of(Job.STACK, List.of(frame), stacks.resolve("b.fits"), new Config(), List.of())
                    .run(jobs, org.tessera.Progress.NONE));
            // and one in the folder above, which this JVM holds for the first stack already
            inAnotherThread(() -> JobRequest.of(Job.STACK, List.of(frame), dir.resolve("c.fits"), new Config(), List.of())
                    .run(jobs, org.tessera.Progress.NONE));
            assertEquals(2, jobs.runs);
            // the same file (named another way): refused, at once
            Exception e = assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> JobRequest.of(Job.STACK, List.of(frame),
                    stacks.resolve("..").resolve("stacks").resolve("a.fits"), new Config(), List.of()).run(jobs, org.tessera.Progress.NONE)));
            assertEquals("another Tessera run is writing " + a + ": wait for it to end, or choose another output file", e.getMessage());
            // a mosaic into its folder, or into the folder above that a run owned before: refused
            for (Path folder : List.of(stacks, dir)) {
                e = assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> JobRequest.of(Job.MOSAIC, List.of(), folder,
                        new Config(), List.of()).run(jobs, org.tessera.Progress.NONE)));
                assertEquals("another Tessera run is writing into " + folder + " (" + OutputLock.STACKS_HOLD
                        + "): wait for it to end, or choose another output folder", e.getMessage());
            }
            // scripts calling the pipeline directly: the same
            e = assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> MosaicPipeline.stack(a, List.of(frame), new Config(),
                    org.tessera.Progress.NONE)));
            assertEquals("another Tessera run is writing " + a + ": wait for it to end, or choose another output file", e.getMessage());
            assertEquals(2, jobs.runs, "the refused runs did not start");
            first.release.countDown();
            running.get(30, TimeUnit.SECONDS);
        } finally {
            first.release.countDown();
            x.shutdownNow();
        }
        // all free again
        Counting jobs = new Counting();
        inAnotherThread(() -> JobRequest.of(Job.STACK, List.of(frame), a, new Config(), List.of()).run(jobs, org.tessera.Progress.NONE));
        inAnotherThread(() -> JobRequest.of(Job.MOSAIC, List.of(), stacks, new Config(), List.of()).run(jobs, org.tessera.Progress.NONE));
        inAnotherThread(() -> JobRequest.of(Job.MOSAIC, List.of(), dir, new Config(), List.of()).run(jobs, org.tessera.Progress.NONE));
        assertEquals(3, jobs.runs);
    }

    /**
     * A run of this JVM refused because another thread holds the folder must not drop that thread's
     * lock: POSIX releases all of a process's locks on a file when any descriptor of it is closed,
     * and the refused run used to open and close one.
     */
    @Test
    void aRefusedRunOfThisJvmLeavesTheHoldersLock(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        try (OutputLock first = OutputLock.acquire(out)) {
            assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> { OutputLock.acquire(out).close(); return null; }));
            assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> { OutputLock.acquireFile(out.resolve("t.fits")).close(); return null; }));
            assertEquals("refused", probe(out), "another process must still find the folder held");
        }
        assertEquals("locked", probe(out));
    }

    /**
     * The fronts' start ({@code JobRequest.start}: the hold, then the log) is re-entered by the job's
     * own run and the pipeline's entry point on the same thread; another thread's start is refused
     * and leaves the hold to its holder, against other processes too (POSIX close semantics); the
     * folder is free once the start is closed.
     */
    @Test
    void aFrontsStartIsReEnteredByItsRunAndARefusedStartLeavesItsLock(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out"), frame = Files.writeString(dir.resolve("a.fits"), "x");
        Counting jobs = new Counting();
        JobRequest mosaic = JobRequest.of(Job.MOSAIC, List.of(), out, new Config(), List.of());
        try (OutputRun run = mosaic.start()) {
            assertEquals(out.resolve(RunLog.FILE_NAME), run.log().file());
            mosaic.run(jobs, org.tessera.Progress.NONE); // JobRequest.run re-enters the hold
            // and so does the pipeline's entry point: it fails on the missing image, not on the lock
            Exception e = assertThrows(java.io.IOException.class, () -> MosaicPipeline.reproject(out, List.of(dir.resolve("none.fits")),
                    new Config(), org.tessera.Progress.NONE));
            assertFalse(e.getMessage().contains("another Tessera run"), e.getMessage());
            assertEquals(1, jobs.runs);
            e = assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> { mosaic.start().close(); return null; }));
            assertTrue(e.getMessage().startsWith("another Tessera run is writing into " + out), e.getMessage());
            JobRequest stackIn = JobRequest.of(Job.STACK, List.of(frame), out.resolve("t.fits"), new Config(), List.of());
            assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> { stackIn.start().close(); return null; }));
            assertEquals("refused", probe(out), "another process still finds the folder held");
        }
        assertEquals("locked", probe(out));
        // a stack's start holds its file the same way
        Path tile = dir.resolve("stacks").resolve("t.fits");
        JobRequest stack = JobRequest.of(Job.STACK, List.of(frame), tile, new Config(), List.of());
        try (OutputRun run = stack.start()) {
            assertEquals(tile.getParent().resolve(RunLog.FILE_NAME), run.log().file());
            stack.run(jobs, org.tessera.Progress.NONE);
            Exception e = assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> { stack.start().close(); return null; }));
            assertEquals("another Tessera run is writing " + tile + ": wait for it to end, or choose another output file", e.getMessage());
            assertEquals("refused", probe(tile.getParent()), "a mosaic of another process may not own the stack's folder");
        }
        assertEquals("locked", probe(tile.getParent()));
        assertEquals(2, jobs.runs);
    }

    private static String probe(Path folder) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Prober.class.getName(), folder.toString())
                .redirectErrorStream(true).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return line;
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

    /** The CLI, exit status 2 when refused. */
    private static String[] cli(Counting jobs, int expect, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int rc = new Main(jobs).run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        String err = e.toString(StandardCharsets.UTF_8);
        assertEquals(expect, rc, String.join(" ", args) + ": " + err);
        return new String[] {o.toString(StandardCharsets.UTF_8), err};
    }

    @Test
    void aStackInAnotherProcessHoldsItsFileAndItsFolderAgainstAMosaic(@TempDir Path dir) throws Exception {
        Path stacks = dir.resolve("stacks"), a = stacks.resolve("a.fits");
        Path frame = Files.writeString(dir.resolve("f.fits"), "x");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                a.toString(), "stack").redirectErrorStream(true).start();
        Counting jobs = new Counting();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", r.readLine());
            String err = cli(jobs, Main.ERROR, "-q", "stack", a.toString(), frame.toString())[1];
            assertTrue(err.contains("another Tessera run is writing " + a + ": wait for it to end, or choose another output file"), err);
            err = cli(jobs, Main.ERROR, "-q", "mosaic", "-o", stacks.toString())[1];
            assertTrue(err.contains("another Tessera run is writing into " + stacks + " (" + OutputLock.STACKS_HOLD + ")"), err);
            // the folder above, which had no lock file when the stack began: seen one level down
            assertFalse(Files.exists(dir.resolve(OutputLock.FILE)));
            err = cli(jobs, Main.ERROR, "-q", "mosaic", "-o", dir.toString())[1];
            assertTrue(err.contains("another Tessera run is writing into " + dir + " (" + OutputLock.STACKS_HOLD + ")"), err);
            assertEquals(0, jobs.runs);
            cli(jobs, Main.OK, "-q", "stack", stacks.resolve("b.fits").toString(), frame.toString()); // another file beside it
            assertEquals(1, jobs.runs);
        } finally {
            holder.destroyForcibly();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        cli(jobs, Main.OK, "-q", "stack", a.toString(), frame.toString());
        cli(jobs, Main.OK, "-q", "mosaic", "-o", stacks.toString());
        cli(jobs, Main.OK, "-q", "mosaic", "-o", dir.toString());
        assertEquals(4, jobs.runs);
    }

    @Test
    void aMosaicInAnotherProcessHoldsItsFolderAgainstStacksInItAndBelow(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path frame = Files.writeString(dir.resolve("f.fits"), "x");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                out.toString()).redirectErrorStream(true).start();
        Counting jobs = new Counting();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", r.readLine());
            for (Path target : List.of(out.resolve("t.fits"), out.resolve("master_tiles").resolve("master_tile_001.fits"))) {
                String err = cli(jobs, Main.ERROR, "-q", "stack", target.toString(), frame.toString())[1];
                assertTrue(err.contains("another Tessera run is writing into " + out + " (pid " + holder.pid() + ", started "), err);
            }
            assertEquals(0, jobs.runs);
            cli(jobs, Main.OK, "-q", "stack", dir.resolve("elsewhere").resolve("t.fits").toString(), frame.toString());
        } finally {
            holder.destroyForcibly();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        cli(jobs, Main.OK, "-q", "stack", out.resolve("master_tiles").resolve("master_tile_001.fits").toString(), frame.toString());
        assertEquals(2, jobs.runs);
    }

    /** Starts a {@link Holder} of {@code path} ({@code stack}: as a stack run) and waits until it holds it. */
    private static Process hold(Path path, boolean stack) throws Exception {
        return hold(path, stack ? "stack" : null);
    }

    /** Starts a {@link Holder} of {@code path} ({@code how}: its second argument, or null) and waits until it holds it. */
    private static Process hold(Path path, String how) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(),
                path.toString()));
        if (how != null) cmd.add(how);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertEquals("locked", new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine());
        return p;
    }

    private static void kill(Process p) throws Exception {
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }

    /** Everything under {@code d}, folders and files, as relative paths. */
    private static List<String> tree(Path d) throws java.io.IOException {
        try (var s = Files.walk(d)) {
            return s.map(p -> d.relativize(p).toString()).sorted().toList();
        }
    }

    /**
     * A stack refused because a mosaic owns a folder above its own (one or more levels up) makes
     * nothing: not its folder, not a lock file in it (nor in an existing folder without one), in
     * this JVM and across processes; a stack there afterwards makes them and runs.
     */
    @Test
    void aRefusedStackLeavesTheFileSystemAsItWas(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out"), frame = Files.writeString(dir.resolve("f.fits"), "x");
        Files.createDirectories(out.resolve("master_tiles")); // a folder of the mosaic's, without a lock file
        List<Path> targets = List.of(out.resolve("master_tiles").resolve("master_tile_001.fits"), out.resolve("x").resolve("t.fits"),
                out.resolve("x").resolve("y").resolve("t.fits"), out.resolve("x").resolve("y").resolve("z").resolve("t.fits"));
        Counting jobs = new Counting();
        try (OutputLock mosaic = OutputLock.acquire(out)) {
            List<String> before = tree(dir);
            String held = Files.readString(out.resolve(OutputLock.FILE));
            for (Path target : targets) {
                JobRequest stack = JobRequest.of(Job.STACK, List.of(frame), target, new Config(), List.of());
                Exception e = assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> stack.run(jobs, org.tessera.Progress.NONE)));
                assertEquals("another Tessera run is writing into " + out + " (" + held + "): wait for it to end, or choose another output folder",
                        e.getMessage());
                assertEquals(before, tree(dir), target + ": the refused stack changed the folders");
            }
        }
        Process holder = hold(out, false);
        try {
            List<String> before = tree(dir);
            for (Path target : targets) {
                String err = cli(jobs, Main.ERROR, "-q", "stack", target.toString(), frame.toString())[1];
                assertTrue(err.contains("another Tessera run is writing into " + out + " (pid " + holder.pid() + ", started "), err);
                assertEquals(before, tree(dir), target + ": the refused stack changed the folders");
            }
        } finally {
            kill(holder);
        }
        assertEquals(0, jobs.runs);
        for (Path target : targets) cli(jobs, Main.OK, "-q", "stack", target.toString(), frame.toString());
        assertEquals(4, jobs.runs);
        for (Path target : targets) assertTrue(Files.isRegularFile(target.resolveSibling(OutputLock.FILE)), target.toString());
    }

    /**
     * A mosaic sees a stack of another process two and three folders below its folder though the
     * stack began before that folder (and those between) had a lock file; a symbolic link to a
     * stack's folder elsewhere is not followed.
     */
    @Test
    void aMosaicSeesAStackOfAnotherProcessAtAnyDepthBelowIt(@TempDir Path dir) throws Exception {
        Path two = dir.resolve("two"), three = dir.resolve("three"), linked = dir.resolve("linked");
        Counting jobs = new Counting();
        Process depth2 = hold(two.resolve("a").resolve("b").resolve("t.fits"), true);
        Process depth3 = hold(three.resolve("a").resolve("b").resolve("c").resolve("t.fits"), true);
        try {
            for (Path folder : List.of(two, three)) assertFalse(Files.exists(folder.resolve(OutputLock.FILE)));
            assertFalse(Files.exists(two.resolve("a").resolve(OutputLock.FILE)));
            for (Path folder : List.of(two, three, three.resolve("a"))) {
                String err = cli(jobs, Main.ERROR, "-q", "mosaic", "-o", folder.toString())[1];
                assertTrue(err.contains("another Tessera run is writing into " + folder + " (" + OutputLock.STACKS_HOLD + ")"), err);
            }
            Files.createDirectories(linked);
            Files.createSymbolicLink(linked.resolve("l"), three.resolve("a"));
            cli(jobs, Main.OK, "-q", "mosaic", "-o", linked.toString());
            assertEquals(1, jobs.runs);
        } finally {
            kill(depth2);
            kill(depth3);
        }
        for (Path folder : List.of(two, three)) cli(jobs, Main.OK, "-q", "mosaic", "-o", folder.toString());
        assertEquals(3, jobs.runs);
    }

    /**
     * A mosaic into a folder above one that another run owns is refused, that run in another
     * process (two folders down) or in another thread of this JVM, naming it.
     */
    @Test
    void aMosaicIsRefusedAboveAFolderAnotherRunOwns(@TempDir Path dir) throws Exception {
        Path inner = dir.resolve("a").resolve("b");
        Counting jobs = new Counting();
        Process holder = hold(inner, false);
        try {
            String err = cli(jobs, Main.ERROR, "-q", "mosaic", "-o", dir.toString())[1];
            assertTrue(err.contains("another Tessera run is writing into " + dir + " (a run writing into " + inner + ", pid " + holder.pid()
                    + ", started "), err);
        } finally {
            kill(holder);
        }
        java.util.concurrent.ExecutorService x = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            OutputLock other = x.submit(() -> OutputLock.acquire(inner)).get(60, TimeUnit.SECONDS); // a second Fiji command
            String held = Files.readString(inner.resolve(OutputLock.FILE));
            Exception e = assertThrows(java.io.IOException.class, () -> OutputLock.acquire(dir));
            assertEquals("another Tessera run is writing into " + dir + " (a run writing into " + inner + ", " + held
                    + "): wait for it to end, or choose another output folder", e.getMessage());
            x.submit(() -> { other.close(); return null; }).get(60, TimeUnit.SECONDS);
        } finally {
            x.shutdownNow();
        }
        cli(jobs, Main.OK, "-q", "mosaic", "-o", dir.toString());
        assertEquals(1, jobs.runs);
    }

    /** The command line of a {@code job} (mosaic or reproject) into {@code folder}. */
    private static String[] ownRun(String job, Path folder, Path frame) {
        return job.equals("mosaic") ? new String[] {"-q", "mosaic", "-o", folder.toString()}
                : new String[] {"-q", "reproject", folder.toString(), frame.toString()};
    }

    /**
     * A mosaic or reproject run into a folder below one a running mosaic owns (a new subfolder, its
     * {@code master_tiles/} with no lock file, deeper down) exits 2 naming that folder and its run,
     * and makes nothing: no folder, no lock file, not a byte in the other run's log; that run in
     * another thread of this JVM (a Fiji command) or in another process. A lock file left above by a
     * finished run refuses nothing; a run below re-enters its own hold (a front's, then the
     * pipeline's) and keeps the run above out until it ends.
     */
    @Test
    void aRunIntoAFolderBelowARunningMosaicIsRefusedAndMakesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out"), frame = Files.writeString(dir.resolve("f.fits"), "x");
        Files.createDirectories(out.resolve("master_tiles"));
        List<Path> below = List.of(out.resolve("sub"), out.resolve("master_tiles"), out.resolve("master_tiles").resolve("x"),
                out.resolve("a").resolve("b").resolve("c"));
        Counting jobs = new Counting();
        try (AnotherRun other = AnotherRun.owning(out)) {
            String held = Files.readString(out.resolve(OutputLock.FILE));
            List<String> before = tree(dir);
            for (Path target : below)
                for (String job : List.of("mosaic", "reproject")) {
                    String err = cli(jobs, Main.ERROR, ownRun(job, target, frame))[1];
                    assertEquals("tessera " + job + ": error: another Tessera run is writing into " + out + " (" + held
                            + "): wait for it to end, or choose another output folder" + System.lineSeparator(), err, job + " " + target);
                    assertEquals(before, tree(dir), job + " " + target + ": the refused run changed the folders");
                    other.assertUntouched();
                }
            // a script calling the pipeline directly, on a thread of its own: the same
            Exception e = assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> MosaicPipeline.reproject(
                    out.resolve("sub"), List.of(frame), new Config(), org.tessera.Progress.NONE)));
            assertEquals("another Tessera run is writing into " + out + " (" + held + "): wait for it to end, or choose another output folder",
                    e.getMessage());
            assertEquals(before, tree(dir));
        }
        Process holder = hold(out, false);
        try {
            List<String> before = tree(dir);
            for (Path target : below)
                for (String job : List.of("mosaic", "reproject")) {
                    String err = cli(jobs, Main.ERROR, ownRun(job, target, frame))[1];
                    assertTrue(err.startsWith("tessera " + job + ": error: another Tessera run is writing into " + out + " (pid " + holder.pid()
                            + ", started "), job + " " + target + ": " + err);
                    assertEquals(before, tree(dir), job + " " + target + ": the refused run changed the folders");
                }
        } finally {
            kill(holder);
        }
        assertEquals(0, jobs.runs, "no refused run started");
        // out's lock file stays, held by nobody: the runs below go on
        assertTrue(Files.exists(out.resolve(OutputLock.FILE)));
        for (Path target : below) cli(jobs, Main.OK, ownRun("mosaic", target, frame));
        assertEquals(below.size(), jobs.runs);
        // a run below, its front's hold re-entered by its run: the run above is refused meanwhile, naming it
        Path sub = out.resolve("sub");
        JobRequest lower = JobRequest.of(Job.MOSAIC, List.of(), sub, new Config(), List.of());
        try (OutputRun run = lower.start()) {
            lower.run(jobs, org.tessera.Progress.NONE);
            String held = Files.readString(sub.resolve(OutputLock.FILE));
            Exception e = assertThrows(java.io.IOException.class, () -> inAnotherThread(() -> { OutputLock.acquire(out).close(); return null; }));
            assertEquals("another Tessera run is writing into " + out + " (a run writing into " + sub + ", " + held
                    + "): wait for it to end, or choose another output folder", e.getMessage());
            // and so is one of its own thread: its hold of out is not a stack's to be taken over
            e = assertThrows(java.io.IOException.class, () -> OutputLock.acquire(out));
            assertEquals("another Tessera run is writing into " + out + " (a run writing into " + sub + ", " + held
                    + "): wait for it to end, or choose another output folder", e.getMessage());
            assertEquals("refused", probe(out), "another process is refused too: the refusals left this JVM's hold of out");
        }
        assertEquals(below.size() + 1, jobs.runs);
        assertEquals("locked", probe(out));
    }

    /**
     * A mosaic into a folder above a running one is refused naming it, though the folder above had a
     * lock file (a finished run's) which the run below holds shared: the refused run finds the run
     * below by its mark, takes nothing of it, and the run below goes on.
     */
    @Test
    void aMosaicAboveARunningOneIsRefusedNamingItWhereTheFolderAboveHadALockFile(@TempDir Path dir) throws Exception {
        Path inner = dir.resolve("a").resolve("b");
        Files.writeString(dir.resolve(OutputLock.FILE), "pid 1, started 2026-12-01 20:00:00"); // a run into dir, long over
        Counting jobs = new Counting();
        Process holder = hold(inner, false);
        try {
            String held = Files.readString(inner.resolve(OutputLock.FILE));
            assertTrue(held.startsWith("pid " + holder.pid() + ", started "), held);
            String err = cli(jobs, Main.ERROR, "-q", "mosaic", "-o", dir.toString())[1];
            assertEquals("tessera mosaic: error: another Tessera run is writing into " + dir + " (a run writing into " + inner + ", " + held
                    + "): wait for it to end, or choose another output folder" + System.lineSeparator(), err);
            assertTrue(holder.isAlive());
            assertEquals("refused", probe(inner), "the run below still holds its folder");
        } finally {
            kill(holder);
        }
        cli(jobs, Main.OK, "-q", "mosaic", "-o", dir.toString());
        assertEquals(1, jobs.runs);
    }

    /**
     * The byte a refused run probes to name the run below is no part of any run's lock: a run
     * starting while it is probed (here: held by another process for the while) goes on, where a
     * probe of the lock would refuse it too.
     */
    @Test
    void aRunGoesOnWhileARefusedRunProbesItsMark(@TempDir Path dir) throws Exception {
        Path s = dir.resolve("s");
        Counting jobs = new Counting();
        Process marker = hold(s, "mark");
        try {
            cli(jobs, Main.OK, "-q", "mosaic", "-o", s.toString());
            cli(jobs, Main.OK, "-q", "stack", s.resolve("t.fits").toString(), Files.writeString(dir.resolve("f.fits"), "x").toString());
        } finally {
            kill(marker);
        }
        assertEquals(2, jobs.runs);
    }

    /** Holds {@code path} from another process once a run of this JVM has made its first look above {@code folder} (its planned real path). */
    private static Process[] holdAfterFirstLook(Path folder, Path path) {
        Process[] holder = {null};
        OutputLock.afterFirstLook = p -> {
            if (!p.equals(folder) || holder[0] != null) return;
            try {
                holder[0] = hold(path, false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        return holder;
    }

    /**
     * The second look above: a mosaic of another process takes a folder above (which had no lock
     * file) after a stack's or a run's first look, and walks below before that one holds its own
     * folder, so it sees nothing; the stack or run, looking above again once it holds its folder,
     * is refused naming it, from the command line (exit 2) and when a script takes the lock
     * directly (one hold, no front's hold to look again). Without the second look both would go on.
     */
    @Test
    void aRunTakingAFolderAboveBetweenTheTwoLooksRefusesTheStackOrRunBelow(@TempDir Path dir) throws Exception {
        Path frame = Files.writeString(dir.resolve("f.fits"), "x");
        Counting jobs = new Counting();
        for (String job : List.of("stack", "mosaic"))
            for (boolean cli : List.of(false, true)) {
                Path u = Files.createDirectories(dir.resolve(job + (cli ? "-cli" : "-script"))), s = u.resolve("s"), t = s.resolve("t.fits");
                Process[] holder = holdAfterFirstLook(u.toRealPath().resolve("s"), u);
                try {
                    String err;
                    if (cli) {
                        err = cli(jobs, Main.ERROR, job.equals("stack") ? new String[] {"-q", "stack", t.toString(), frame.toString()}
                                : new String[] {"-q", "mosaic", "-o", s.toString()})[1];
                    } else {
                        err = assertThrows(java.io.IOException.class, () -> (job.equals("stack") ? OutputLock.acquireFile(t)
                                : OutputLock.acquire(s)).close()).getMessage();
                    }
                    assertNotNull(holder[0], "the hook ran");
                    String held = Files.readString(u.resolve(OutputLock.FILE));
                    assertTrue(held.startsWith("pid " + holder[0].pid() + ", started "), held);
                    assertEquals((cli ? "tessera " + job + ": error: " : "") + "another Tessera run is writing into " + u + " (" + held
                            + "): wait for it to end, or choose another output folder" + (cli ? System.lineSeparator() : ""), err, job);
                    assertTrue(holder[0].isAlive(), "the run above goes on");
                    assertEquals("refused", probe(u));
                } finally {
                    OutputLock.afterFirstLook = null;
                    if (holder[0] != null) kill(holder[0]);
                }
            }
        assertEquals(0, jobs.runs, "refused");
    }

    /**
     * A run below holds the folder above shared from its first look, where that folder had a lock
     * file: a mosaic of another process starting there in the instant between the lower run's looks
     * is refused, and the lower run goes on (exactly one of the two).
     */
    @Test
    void ofARunAboveAndARunBelowStartingTogetherExactlyOneGoesOn(@TempDir Path dir) throws Exception {
        Path u = dir.resolve("u"), s = u.resolve("s");
        Files.createDirectories(u);
        Files.writeString(u.resolve(OutputLock.FILE), ""); // a run into u, over
        Counting jobs = new Counting();
        String[] above = {null};
        Path planned = u.toRealPath().resolve("s");
        OutputLock.afterFirstLook = p -> {
            if (!p.equals(planned)) return;
            try {
                above[0] = probe(u);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        try {
            cli(jobs, Main.OK, "-q", "mosaic", "-o", s.toString());
        } finally {
            OutputLock.afterFirstLook = null;
        }
        assertEquals("refused", above[0], "the mosaic above, in the instant between the looks of the one below");
        assertEquals(1, jobs.runs);
        assertEquals("locked", probe(u));
    }
}
