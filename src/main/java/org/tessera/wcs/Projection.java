package org.tessera.wcs;

/**
 * A projection of the FITS WCS standard (Calabretta &amp; Greisen 2002, "Paper II"): maps
 * intermediate world coordinates (x, y) in degrees to native spherical coordinates (phi, theta) in
 * degrees and back. The celestial rotation from native to (RA, Dec) is done by {@link FitsWcs}.
 * <p>
 * Zenithal projections ({@link Projections.Zenithal}) additionally offer a trigonometry-free path
 * that {@link FitsWcs} uses in its per-pixel loops; every other projection only needs these four
 * methods. Implementations are immutable.
 */
public interface Projection {

    /** FITS code, e.g. "TAN". */
    String code();

    /** Native latitude of the fiducial point, theta_0 (90 for zenithal projections, 0 for cylindrical). */
    double theta0();

    /** (x, y) in degrees → {phi, theta} in degrees; NaN when outside the domain. */
    void toNative(double x, double y, double[] out);

    /** {phi, theta} in degrees → (x, y) in degrees; NaN when not representable. */
    void fromNative(double phi, double theta, double[] out);

    /** The projection parameters PVi_m this projection carries beyond the defaults (axis 2, m = 1, 2 …); empty by default. */
    default double[] pv2() {
        return new double[0];
    }

    /** The projection of a FITS code ("TAN", "SIN", "ARC", "ZEA", "STG", "CAR"), without PV parameters. */
    static Projection forCode(String code) throws WcsException {
        Projection p = Projections.byCode(code);
        if (p == null)
            throw new WcsException("unsupported projection '" + code + "' (supported: " + Projections.SUPPORTED + ")");
        return p;
    }
}
