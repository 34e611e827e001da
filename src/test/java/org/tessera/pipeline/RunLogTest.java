package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogTest {

    private static final Logger STACK = Logger.getLogger("org.tessera.stack");
    private static final Logger TESSERA = Logger.getLogger("org.tessera");
    private static final Pattern LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d (FINE|INFO|WARNING|SEVERE) \\[[\\w-]+\\] .*");

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String out() { return outBytes.toString(StandardCharsets.UTF_8); }
    private String err() { return errBytes.toString(StandardCharsets.UTF_8); }

    private static List<String> logLines(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve(RunLog.FILE_NAME)).stream().filter(l -> !l.startsWith("----")).toList();
    }

    @Test
    void fileGetsDebugDetailConsoleGetsInfoAndWarningsOnErr(@TempDir Path dir) throws Exception {
        try (RunLog log = RunLog.start(dir, Level.INFO, out, err)) {
            assertEquals(dir.resolve("tessera.log"), log.file());
            STACK.fine("[P3] band 0..63 of tile 1");
            STACK.finer("too fine for any handler");
            STACK.info("[P3] 2 master tiles");
            STACK.warning("frame f.fits has no WCS");
        }
        List<String> file = logLines(dir);
        assertTrue(file.stream().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d FINE \\[stack\\] \\[P3\\] band 0\\.\\.63 of tile 1")), file.toString());
        assertTrue(file.stream().anyMatch(l -> l.endsWith("INFO [stack] [P3] 2 master tiles")));
        assertTrue(file.stream().anyMatch(l -> l.endsWith("WARNING [stack] frame f.fits has no WCS")));
        assertTrue(file.stream().noneMatch(l -> l.contains("too fine")));
        assertTrue(file.stream().allMatch(l -> LINE.matcher(l).matches()), file.toString());

        assertTrue(out().matches("\\d\\d:\\d\\d:\\d\\d INFO \\[stack\\] \\[P3\\] 2 master tiles\\R"), out());
        assertTrue(err().matches("\\d\\d:\\d\\d:\\d\\d WARNING \\[stack\\] frame f\\.fits has no WCS\\R"), err());
    }

    @Test
    void stackTracesGoToTheFileAndToTheConsoleOnlyWhenVerbose(@TempDir Path dir) throws Exception {
        Path quietDir = Files.createDirectory(dir.resolve("brief"));
        Path verboseDir = Files.createDirectory(dir.resolve("verbose"));
        IOException boom = new IOException("bad.fits: truncated");
        try (RunLog log = RunLog.start(quietDir, Level.INFO, out, err)) {
            STACK.log(Level.SEVERE, "failed", boom);
        }
        assertFalse(err().contains("\tat "), err());
        assertTrue(err().contains("SEVERE [stack] failed (java.io.IOException: bad.fits: truncated)"), err());
        assertTrue(Files.readString(quietDir.resolve("tessera.log")).contains("\tat org.tessera.pipeline.RunLogTest"));

        errBytes.reset();
        try (RunLog log = RunLog.start(verboseDir, Level.FINE, out, err)) {
            STACK.log(Level.SEVERE, "failed", boom);
            STACK.fine("detail");
        }
        assertTrue(err().contains("\tat org.tessera.pipeline.RunLogTest"), err());
        assertTrue(out().contains("FINE [stack] detail"), out());
    }

    @Test
    void closeDetachesAndRestoresTheLoggerSettings(@TempDir Path dir) throws Exception {
        Level levelBefore = TESSERA.getLevel();
        boolean parentsBefore = TESSERA.getUseParentHandlers();
        int handlersBefore = TESSERA.getHandlers().length;
        RunLog log = RunLog.start(dir, Level.INFO, out, err);
        assertEquals(Level.FINE, TESSERA.getLevel());
        assertFalse(TESSERA.getUseParentHandlers(), "no duplicate lines through the root console");
        assertEquals(handlersBefore + 2, TESSERA.getHandlers().length);
        log.close();
        log.close(); // idempotent
        assertEquals(levelBefore, TESSERA.getLevel());
        assertEquals(parentsBefore, TESSERA.getUseParentHandlers());
        assertEquals(handlersBefore, TESSERA.getHandlers().length);
        STACK.warning("after close");
        assertFalse(Files.readString(dir.resolve("tessera.log")).contains("after close"));
        assertFalse(err().contains("after close"));
    }

    /**
     * The FITS library's warning about a damaged compressed tile ("decompressing left over some
     * extra bytes", no file named) reached the command line through the JVM's own console handler,
     * in its two-line format with a US date, once per tile, beside Tessera's line naming the file and
     * the damage. During a run it goes to tessera.log only; after the run the JVM's handlers get it again.
     */
    @Test
    void theFitsLibrarysWarningsGoToTheFileNotTheConsole(@TempDir Path dir) throws Exception {
        Logger rice = Logger.getLogger("nom.tam.fits.compression.algorithm.rice.RiceCompressor");
        Logger root = Logger.getLogger("");
        List<String> atRoot = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler jvmConsole = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) { atRoot.add(r.getMessage()); }
            @Override public void flush() {}
            @Override public void close() {}
        };
        root.addHandler(jvmConsole);
        try {
            try (RunLog log = RunLog.start(dir, Level.INFO, out, err)) {
                rice.warning("decompressing left over some extra bytes got: 234 but needed only 189");
            }
            assertEquals(List.of(), atRoot);
            assertEquals("", out() + err());
            assertTrue(logLines(dir).stream().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d WARNING \\[RiceCompressor\\] "
                    + "decompressing left over some extra bytes got: 234 but needed only 189")), logLines(dir).toString());
            rice.warning("outside a run");
            assertEquals(List.of("outside a run"), atRoot);
            assertFalse(Files.readString(dir.resolve("tessera.log")).contains("outside a run"));
        } finally {
            root.removeHandler(jvmConsole);
        }
    }

    @Test
    void fileOnlyRunKeepsParentHandlers(@TempDir Path dir) throws Exception {
        boolean parentsBefore = TESSERA.getUseParentHandlers();
        try (RunLog log = RunLog.start(dir)) {
            assertEquals(parentsBefore, TESSERA.getUseParentHandlers());
            STACK.fine("only in the file");
        }
        assertTrue(Files.readString(dir.resolve("tessera.log")).contains("FINE [stack] only in the file"));
    }

    @Test
    void overlappingAndSuccessiveRunsEachGetTheirFile(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        Level levelBefore = TESSERA.getLevel();
        RunLog first = RunLog.start(a, Level.INFO, out, err);
        STACK.info("one");
        RunLog second = RunLog.start(b, Level.INFO, out, err);
        STACK.info("two");
        first.close();
        assertEquals(Level.FINE, TESSERA.getLevel(), "the second run still needs FINE");
        assertFalse(TESSERA.getUseParentHandlers());
        STACK.info("three");
        second.close();
        assertEquals(levelBefore, TESSERA.getLevel());

        String fa = Files.readString(a.resolve("tessera.log")), fb = Files.readString(b.resolve("tessera.log"));
        assertTrue(fa.contains("] one") && fa.contains("] two") && !fa.contains("] three"), fa);
        assertTrue(!fb.contains("] one") && fb.contains("] two") && fb.contains("] three"), fb);

        // A rerun into the same folder appends, keeping the history.
        try (RunLog again = RunLog.start(a, Level.INFO, out, err)) {
            STACK.info("four");
        }
        String fa2 = Files.readString(a.resolve("tessera.log"));
        assertTrue(fa2.startsWith(fa), "appended");
        assertEquals(2, fa2.split("---- Tessera run started", -1).length - 1);
    }

    @Test
    void manyThreadsWriteWholeLines(@TempDir Path dir) throws Exception {
        int threads = 8, perThread = 250;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (RunLog log = RunLog.start(dir)) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) STACK.fine("worker " + id + " item " + i);
                    return null;
                });
            }
            go.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
        List<String> lines = logLines(dir).stream().filter(l -> l.contains("worker ")).toList();
        assertEquals(threads * perThread, lines.size());
        assertTrue(lines.stream().allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d FINE \\[stack\\] worker \\d item \\d+")));
        // every record exactly once: payloads (after the time stamp) are all distinct
        assertEquals(threads * perThread, lines.stream().map(l -> l.substring(9)).distinct().count());
    }

    @Test
    void shortLoggerNames() {
        assertEquals("stack", RunLog.LineFormatter.shortName("org.tessera.stack"));
        assertEquals("tessera", RunLog.LineFormatter.shortName("org.tessera"));
        assertEquals("-", RunLog.LineFormatter.shortName(null));
    }

    /**
     * The time stamps (HH:mm:ss of each line, the run's start in the header) are java.time's local
     * time in the default zone, also across the daylight-saving changes and before 1970.
     */
    @Test
    void timeStampsAreTheLocalTimeOfTheDefaultZone() {
        java.util.TimeZone saved = java.util.TimeZone.getDefault();
        java.time.format.DateTimeFormatter hms = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");
        try {
            for (String zone : List.of("Europe/Paris", "America/Santiago", "Asia/Kolkata", "UTC")) {
                java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone(zone));
                long[] instants = {
                        java.time.Instant.parse("2026-03-29T00:59:59.999Z").toEpochMilli(), // Paris: 01:59:59, then 03:00:00
                        java.time.Instant.parse("2026-03-29T01:00:00Z").toEpochMilli(),
                        java.time.Instant.parse("2026-10-25T00:30:00.5Z").toEpochMilli(), // 02:30 summer time
                        java.time.Instant.parse("2026-10-25T01:30:00Z").toEpochMilli(), // 02:30 again, winter time
                        java.time.Instant.parse("2026-04-05T02:59:59Z").toEpochMilli(), // Santiago back to UTC-4
                        -1, -86_400_001L, 0, 1_796_000_000_123L};
                java.util.Random r = new java.util.Random(5);
                long[] all = java.util.stream.LongStream.concat(java.util.Arrays.stream(instants),
                        r.longs(200, -2_000_000_000_000L, 4_000_000_000_000L)).toArray();
                for (long ms : all) {
                    java.time.LocalDateTime want = java.time.LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(ms),
                            java.time.ZoneId.systemDefault());
                    assertEquals(hms.format(want), RunLog.clock(ms), zone + " " + ms);
                    assertEquals(want.withNano(0), RunLog.localTime(ms), zone + " " + ms);
                }
            }
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Europe/Paris"));
            assertEquals("01:59:59", RunLog.clock(java.time.Instant.parse("2026-03-29T00:59:59Z").toEpochMilli()));
            assertEquals("03:00:00", RunLog.clock(java.time.Instant.parse("2026-03-29T01:00:00Z").toEpochMilli()));
            assertEquals("2026-10-25T02:30", RunLog.localTime(java.time.Instant.parse("2026-10-25T01:30:00Z").toEpochMilli()).toString());
        } finally {
            java.util.TimeZone.setDefault(saved);
        }
    }
}
