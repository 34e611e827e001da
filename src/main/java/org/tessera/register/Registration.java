package org.tessera.register;

/**
 * The outcome of registering one frame onto its group's reference: either a pixel transform from
 * the frame ("moving") to the reference, with its quality, or a failure with a reason a user can
 * read. Never both.
 *
 * @param frame        the moving frame's name
 * @param transform    moving pixel → reference pixel (0-based); null when failed
 * @param rmsPx        RMS of the fitted star positions' residuals, reference pixels; NaN when failed
 * @param matchedStars stars matched and used in the final fit (0 when failed)
 * @param method       how the transform was found
 * @param failure      why the frame could not be registered; null when it was
 */
public record Registration(String frame, Affine transform, double rmsPx, int matchedStars, Method method, String failure)
        implements java.io.Serializable {

    public enum Method {
        /** the reference itself */
        IDENTITY,
        /** FFT phase correlation (shift only), verified and refined on matched stars */
        PHASE_CORRELATION,
        /** triangle (asterism) invariants, RANSAC, least squares on the inliers */
        TRIANGLES,
        /** no transform */
        FAILED
    }

    public Registration {
        if ((transform == null) != (failure != null))
            throw new IllegalArgumentException("a registration has either a transform or a failure reason");
    }

    public static Registration identity(String frame) {
        return new Registration(frame, Affine.IDENTITY, 0, 0, Method.IDENTITY, null);
    }

    public static Registration failed(String frame, String reason) {
        return new Registration(frame, null, Double.NaN, 0, Method.FAILED, reason);
    }

    public boolean ok() { return transform != null; }
}
