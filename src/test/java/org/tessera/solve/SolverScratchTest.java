package org.tessera.solve;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM stopped by a signal (Ctrl-C, kill) in the middle of a plate solve leaves neither the
 * solve's folder in /tmp nor the solver running alone.
 */
class SolverScratchTest {

    /** A solve in progress: a scratch folder with a file, and a "solver" that runs for minutes. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Path dir = SolverScratch.newFolder();
            Files.writeString(dir.resolve("solved.axy"), "stars");
            System.out.println(dir);
            System.out.flush();
            ExternalCommand.run(List.of("sleep", "300"), dir, 600);
        }
    }

    @Test
    void aStoppedJvmStopsItsSolverAndRemovesItsFolder(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/sleep")) || Files.isExecutable(Path.of("/usr/bin/sleep")),
                "needs sleep(1)");
        Path console = tmp.resolve("console.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(true).redirectOutput(console.toFile()).start();
        ProcessHandle solver = null;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (solver == null && System.nanoTime() < until) {
            solver = p.descendants().filter(h -> h.info().command().orElse("").endsWith("sleep")).findFirst().orElse(null);
            if (solver == null) Thread.sleep(20);
        }
        assertNotNull(solver, "the solver started: " + Files.readString(console));
        Path dir = Path.of(Files.readString(console).strip());
        assertTrue(Files.isRegularFile(dir.resolve("solved.axy")));

        Thread.sleep(300); // the solver is registered just after it starts: a signal in between is not this test's case
        p.destroy(); // SIGTERM, as kill sends
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        long stop = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (running(solver) && System.nanoTime() < stop) Thread.sleep(20);
        assertFalse(running(solver), "the solver is stopped with the JVM");
        assertFalse(Files.exists(dir), "the solve's folder is removed: " + dir);
    }

    /**
     * Whether a process still runs. A killed orphan may stay a zombie where nothing reaps it (PID 1
     * of a container), and {@link ProcessHandle#isAlive} counts zombies: /proc tells them apart.
     */
    static boolean running(ProcessHandle h) throws Exception {
        Path stat = Path.of("/proc", Long.toString(h.pid()), "stat");
        if (!Files.isDirectory(Path.of("/proc/self"))) return h.isAlive();
        if (!Files.exists(stat)) return false;
        String s = Files.readString(stat);
        return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    }

    @Test
    void aSolveThatEndsRemovesItsFolderAndForgetsItsProcess() throws Exception {
        Path dir = SolverScratch.newFolder();
        ExternalCommand.Outcome o = ExternalCommand.run(List.of("true"), dir, 30);
        assertEquals(0, o.exitCode());
        assertTrue(Files.isRegularFile(dir.resolve(ExternalCommand.OUTPUT)));
        SolverScratch.remove(dir);
        assertFalse(Files.exists(dir));
    }
}
