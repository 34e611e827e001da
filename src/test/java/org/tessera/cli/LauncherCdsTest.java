package org.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/tessera records the class list of its start-up archive only from a run that succeeded: a
 * failed run loads a fraction of the classes, and an archive built from its list would be half
 * the size. Runs the real launcher on a stand-in jar whose Main exits 3 when told "fail".
 */
class LauncherCdsTest {

    private static final String MAIN = """
            package org.tessera.cli;
            public class Main {
                public static void main(String[] a) {
                    java.util.List<String> l = new java.util.ArrayList<>(java.util.List.of(a));
                    System.exit(!l.isEmpty() && l.get(0).equals("fail") ? 3 : 0);
                }
            }
            """;

    /** A job that runs until it is stopped, saying so from its shutdown hook as Tessera's does. */
    private static final String LONG_JOB = """
            package org.tessera.cli;
            import java.nio.file.*;
            public class Main {
                public static void main(String[] a) throws Exception {
                    Path dir = Paths.get(a[0]);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try { Files.writeString(dir.resolve("stopped"), "hook"); } catch (Exception e) { }
                    }));
                    // written whole, then renamed: the test reads the pid as soon as the name appears
                    Files.writeString(dir.resolve("started.tmp"), "" + ProcessHandle.current().pid());
                    Files.move(dir.resolve("started.tmp"), dir.resolve("started"), StandardCopyOption.ATOMIC_MOVE);
                    Thread.sleep(120_000);
                }
            }
            """;

    private static int run(Path root, String arg) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("bin/tessera").toString(), arg)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("TESSERA_CDS");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher finished");
        return p.exitValue();
    }

    private static List<String> cds(Path root) throws IOException {
        Path dir = root.resolve("target/cds");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).filter(n -> n.contains("classlist")).sorted().toList();
        }
    }

    @Test
    void onlyASuccessfulRunLeavesAClassList(@TempDir Path root) throws Exception {
        assumeTrue(Files.isReadable(Paths.get(System.getProperty("java.home"), "release")), "needs the JDK's release file");
        StandInLauncher.install(root, MAIN);

        assertEquals(3, run(root, "fail"), "the launcher passes the exit status on");
        assertEquals(List.of(), cds(root), "a failed run records nothing");
        assertEquals(0, run(root, "ok"));
        List<String> lists = cds(root);
        assertEquals(1, lists.size(), "a successful run records its class list: " + lists);
        assertTrue(lists.get(0).endsWith(".classlist"), lists.get(0));
        assertTrue(Files.size(root.resolve("target/cds").resolve(lists.get(0))) > 1000, "the list holds the loaded classes");
    }

    /**
     * A recording run keeps bash between the user and Java: a signal sent to the launcher's pid
     * (kill PID, a job runner's SIGTERM, Ctrl-C as SIGINT) must stop the job at once, through its
     * shutdown hook, with the status of that signal, not end the script alone or wait for the job.
     */
    @Test
    void aSignalToARecordingLauncherStopsTheJob(@TempDir Path root) throws Exception {
        assumeTrue(Files.isReadable(Paths.get(System.getProperty("java.home"), "release")), "needs the JDK's release file");
        StandInLauncher.install(root, LONG_JOB);
        // SIGKILL runs no trap: where util-linux's setpriv gives Java a parent-death signal, the job
        // is stopped all the same (TERM, so through its hook)
        boolean setpriv = new ProcessBuilder("bash", "-c", "setpriv --help | grep -q -- --pdeathsig").start().waitFor() == 0;
        for (String signal : setpriv ? List.of("INT", "TERM", "KILL") : List.of("INT", "TERM")) {
            Path dir = Files.createDirectories(root.resolve("job-" + signal));
            ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("bin/tessera").toString(), dir.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().remove("JAVA_OPTS");
            pb.environment().remove("TESSERA_CDS");
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Path started = dir.resolve("started");
            Process p = pb.start();
            try {
                for (int i = 0; i < 600 && !Files.exists(started); i++) Thread.sleep(50);
                assertTrue(Files.exists(started), "the job started");
                assertFalse(cds(root).isEmpty(), "this run records a class list (the launcher waits for Java)");
                long job = Long.parseLong(Files.readString(started).trim());
                assertNotEquals(p.pid(), job, "Java is the launcher's child, not the launcher itself");

                assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
                assertTrue(p.waitFor(20, TimeUnit.SECONDS), signal + ": the launcher ended");
                assertEquals(Map.of("INT", 130, "TERM", 143, "KILL", 137).get(signal), p.exitValue(), signal + ": the status of the signal");
                for (int i = 0; i < 400 && ProcessHandle.of(job).map(ProcessHandle::isAlive).orElse(false); i++) Thread.sleep(50);
                Path stopped = dir.resolve("stopped");
                assertEquals("hook", Files.exists(stopped) ? Files.readString(stopped) : "no hook ran", signal + ": the job was stopped through its shutdown hook");
                assertFalse(ProcessHandle.of(job).map(ProcessHandle::isAlive).orElse(false), signal + ": no job left running");
                if (!signal.equals("KILL")) // a killed launcher leaves its list, dropped by the next run
                    assertEquals(List.of(), cds(root), signal + ": a stopped run records nothing");
            } finally { // a failed check leaves no job behind
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                if (Files.exists(started))
                    ProcessHandle.of(Long.parseLong(Files.readString(started).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
