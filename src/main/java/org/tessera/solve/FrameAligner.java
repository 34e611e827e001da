package org.tessera.solve;

import java.util.Locale;

import org.tessera.io.FitsFrame;
import org.tessera.wcs.PixelAffine;

/**
 * Registers a frame on its group's reference by its stars: the affine map from the frame's pixels
 * to the reference's (0-based), or why there is none. {@link RawFrameAstrometry} composes it with
 * the reference's solved WCS, so only one frame per group needs a plate solve.
 */
@FunctionalInterface
public interface FrameAligner {

    /**
     * @throws InterruptedException when the run is stopped
     */
    Alignment align(FitsFrame reference, FitsFrame moving) throws InterruptedException;

    /**
     * @param movingToReference frame pixel → reference pixel, null on failure
     * @param rmsPx             residual RMS of the matched stars, pixels
     * @param matchedStars      stars matched between the two frames
     * @param failure           why the frame could not be registered, null on success
     */
    record Alignment(PixelAffine movingToReference, double rmsPx, int matchedStars, String failure) {

        public static Alignment ok(PixelAffine movingToReference, double rmsPx, int matchedStars) {
            return new Alignment(movingToReference, rmsPx, matchedStars, null);
        }

        public static Alignment failed(String why) {
            return new Alignment(null, Double.NaN, 0, why);
        }

        public boolean ok() {
            return movingToReference != null;
        }

        @Override
        public String toString() {
            return ok() ? String.format(Locale.ROOT, "rms %.2f px, %d stars, rotation %.2f°", rmsPx, matchedStars,
                    movingToReference.rotationDeg()) : failure;
        }
    }
}
