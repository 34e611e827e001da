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

    /** A fresh temporary folder for one solve; {@link #remove} it when done. */
    static Path newFolder() throws IOException {
        hook();
        Path d = Files.createTempDirectory("tessera-solve-");
        FOLDERS.add(d);
        return d;
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
    }

    static void ended(Process p) {
        PROCESSES.remove(p);
    }

    /** What the shutdown hook does: stops the live solvers, then removes the live folders. */
    static void cleanUp() {
        for (Process p : PROCESSES) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
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

    private static void hook() {
        if (HOOKED.compareAndSet(false, true))
            Runtime.getRuntime().addShutdownHook(new Thread(SolverScratch::cleanUp, "tessera-solver-cleanup"));
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.fine("[SOLVE] cannot remove " + p + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.fine("[SOLVE] cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
