package org.tessera.solve;

import java.util.Locale;

import org.tessera.wcs.FitsWcs;

/**
 * What a plate solve gave: the WCS of the image (0-based pixels of the file solved), or why there
 * is none; and how long it took.
 *
 * @param wcs     the solution, null when the solve failed
 * @param failure why it failed, null when solved
 * @param seconds wall-clock time of the solver
 */
public record Solution(FitsWcs wcs, String failure, double seconds) {

    public static Solution solved(FitsWcs wcs, double seconds) {
        return new Solution(wcs, null, seconds);
    }

    public static Solution failed(String why, double seconds) {
        return new Solution(null, why, seconds);
    }

    public boolean ok() {
        return wcs != null;
    }

    /** "centre (ra, dec), 2.375"/px, rotation …" or the failure, for the log. */
    public String describe(int width, int height) {
        if (!ok()) return String.format(Locale.ROOT, "failed after %.1f s: %s", seconds, failure);
        double[] c = new double[2];
        wcs.pixelToWorld((width - 1) / 2.0, (height - 1) / 2.0, c);
        return String.format(Locale.ROOT, "solved in %.1f s: centre (%.5f°, %+.5f°), %.4f\"/px, rotation %.2f°",
                seconds, c[0], c[1], wcs.pixelScaleDeg() * 3600, wcs.rotationDeg());
    }
}
