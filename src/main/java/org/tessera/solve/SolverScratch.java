package org.tessera.solve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The solvers' temporary folders and processes, cleaned up also when the JVM is stopped. A solve
 * runs an external program in a folder of {@code /tmp}; a run that ends or is cancelled removes
 * both itself, but Ctrl-C or {@code kill} stops the JVM without unwinding its threads: the folder
 * stayed in {@code /tmp} and, when only the JVM got the signal, the solver ran on alone up to its
 * time limit. One shutdown hook, registered with the first solve, stops the solvers still running
 * (and what they started) and removes the folders still there.
 */
final class SolverScratch {

    private SolverScratch() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.solve");

    private static final Set<Path> FOLDERS = ConcurrentHashMap.newKeySet();
    private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOKED = new AtomicBoolean();
    /** Set when the JVM stops: the solve threads run on meanwhile and must not start new solves. */
    private static volatile boolean closing;

    /** A fresh temporary folder for one solve; {@link #remove} it when done. */
    static Path newFolder() throws IOException {
        hook();
        if (!closing) {
            Path d = Files.createTempDirectory("tessera-solve-");
            FOLDERS.add(d);
            if (!closing) return d; // else cleanUp may have passed it by: removed here
            remove(d);
        }
        throw new IOException("Tessera is stopping: no new plate solve");
    }

    /** Removes a folder of {@link #newFolder} with its files. */
    static void remove(Path dir) {
        deleteTree(dir);
        FOLDERS.remove(dir);
    }

    /** A solver process now running: stopped at JVM exit unless {@link #ended} first. */
    static void started(Process p) {
        hook();
        PROCESSES.add(p);
        if (closing) stop(p);
    }

    static void ended(Process p) {
        PROCESSES.remove(p);
    }

    /** What the shutdown hook does: stops the live solvers, then removes the live folders. */
    static void cleanUp() {
        closing = true;
        for (Process p : PROCESSES) stop(p);
        for (Process p : PROCESSES) {
            try {
                p.waitFor(5, TimeUnit.SECONDS); // its files are closed before the folder goes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        PROCESSES.clear();
        for (Path d : FOLDERS) deleteTree(d);
        FOLDERS.clear();
    }

    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static void hook() {
        if (HOOKED.compareAndSet(false, true))
            Runtime.getRuntime().addShutdownHook(new Thread(SolverScratch::cleanUp, "tessera-solver-cleanup"));
    }

    /**
     * Removes {@code dir} and its files. A solver being stopped may still add or remove files in it
     * (the walk then fails on a vanished file): a few passes, and a failure never stops the others.
     */
    private static void deleteTree(Path dir) {
        for (int pass = 0; pass < 3 && Files.exists(dir); pass++) {
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        LOG.fine("[SOLVE] cannot remove " + p + ": " + e.getMessage());
                    }
                }
            } catch (IOException | RuntimeException e) { // UncheckedIOException: a file gone during the walk
                LOG.fine("[SOLVE] cannot remove " + dir + " yet: " + e.getMessage());
            }
        }
    }
}
