package org.tessera.solve;

import java.nio.file.Path;

/**
 * One external plate solver (astrometry.net's {@code solve-field}, ASTAP): a FITS image and
 * hints in, the image's celestial WCS out. Implementations run the solver in {@code workDir} (a
 * fresh temporary folder owned by the caller) and never write next to, modify or move the image.
 */
public interface PlateSolver {

    /** Short name for logs ("solve-field", "ASTAP"). */
    String name();

    /**
     * Solves {@code image}. Failures (no solution, timeout, the program crashing) come back as a
     * failed {@link Solution} with the reason, never as an exception.
     *
     * @throws InterruptedException when the calling thread is interrupted (the solver is stopped)
     */
    Solution solve(Path image, SolveHints hints, Path workDir) throws InterruptedException;
}
