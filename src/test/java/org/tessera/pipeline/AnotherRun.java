package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * For the fronts' tests of a refused run: another run of this JVM (a second Fiji command, say)
 * holding an output, its lock taken on a thread of its own (a front's run on the test's thread is
 * then refused, not let in as a re-entry), its {@code tessera.log} with the lines a running run
 * has written. {@link #assertUntouched()}: the refused run left that log and the folder as they were.
 */
public final class AnotherRun implements AutoCloseable {

    private final OutputLock lock;
    private final Path dir;
    private final byte[] log;
    private final List<String> files;

    private AnotherRun(OutputLock lock, Path dir) throws IOException {
        this.lock = lock;
        this.dir = dir;
        this.log = ("---- Tessera run started 2026-12-06T20:00:00 ----\n"
                + "20:00:00 INFO [cli] mosaic: the built-in default sky → " + dir + "\n"
                + "20:00:01 FINE [pipeline] [P3] master tile 1/4 …\n").getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve(RunLog.FILE_NAME), log);
        this.files = list(dir);
    }

    /** A mosaic run owning {@code folder}. */
    public static AnotherRun owning(Path folder) throws Exception {
        return new AnotherRun(onItsThread(() -> OutputLock.acquire(folder)), folder.toAbsolutePath());
    }

    /** A stack run writing {@code file}; its log is the one of the file's folder. */
    public static AnotherRun stacking(Path file) throws Exception {
        return new AnotherRun(onItsThread(() -> OutputLock.acquireFile(file)), file.toAbsolutePath().getParent());
    }

    /** The other run's log. */
    public Path log() {
        return dir.resolve(RunLog.FILE_NAME);
    }

    /** The other run's log byte for byte as it was, and no file added to or removed from its folder. */
    public void assertUntouched() throws IOException {
        byte[] now = Files.readAllBytes(log());
        assertArrayEquals(log, now, () -> "the other run's log was written to:\n" + new String(now, StandardCharsets.UTF_8));
        assertEquals(files, list(dir), "the other run's folder");
    }

    @Override
    public void close() throws IOException {
        lock.close();
    }

    private static OutputLock onItsThread(Callable<OutputLock> take) throws Exception {
        ExecutorService x = Executors.newSingleThreadExecutor();
        try {
            return x.submit(take).get(60, TimeUnit.SECONDS);
        } finally {
            x.shutdown();
        }
    }

    private static List<String> list(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
