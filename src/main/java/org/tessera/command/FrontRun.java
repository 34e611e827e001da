package org.tessera.command;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One run at a time from Fiji's and ImageJ's menus, macros and commands in one JVM. A second job
 * started while one works (a menu item chosen again, a second macro) is refused at once, naming the
 * run that works: the two runs' lines went into each other's {@code tessera.log} and the Log window
 * showed the second run's lines twice (measured in ImageJ 1.54p: a stack started during a mosaic wrote
 * "stack: 7 frames → …/t.fits" and its other lines into the mosaic's log too), and each run plans its
 * memory for the whole heap.
 * Runs that call the pipeline straight from a script are not held.
 */
public final class FrontRun implements AutoCloseable {

    /** The output of the run working now; null when none. Guarded by the class. */
    private static Path working;

    private FrontRun() {}

    /**
     * Holds the JVM's one front run for {@code request} until {@link #close}.
     *
     * @throws IOException when another front run works, naming its output
     */
    public static FrontRun hold(JobRequest request) throws IOException {
        synchronized (FrontRun.class) {
            if (working != null)
                throw new IOException("another Tessera run is working in this Fiji (into " + working + "): start this one"
                        + " when it has ended (Esc cancels it); two at once would write into each other's tessera.log");
            working = request.output();
        }
        return new FrontRun();
    }

    @Override
    public void close() {
        synchronized (FrontRun.class) {
            working = null;
        }
    }
}
