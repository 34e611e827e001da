package org.tessera.wcs;

/**
 * A zenithal or cylindrical projection of the FITS WCS standard (Calabretta &amp; Greisen 2002):
 * maps intermediate world coordinates (x, y) in degrees to native spherical (phi, theta) in degrees
 * and back. The celestial rotation is done by {@link FitsWcs}.
 */
public interface Projection {

    /** FITS code, e.g. "TAN". */
    String code();

    /** Native latitude of the fiducial point, theta_0 (90 for zenithal projections). */
    double theta0();

    /** (x, y) in degrees → {phi, theta} in degrees; NaN when outside the domain. */
    void toNative(double x, double y, double[] out);

    /** {phi, theta} in degrees → (x, y) in degrees; NaN when not representable. */
    void fromNative(double phi, double theta, double[] out);

    static Projection forCode(String code) throws WcsException {
        switch (code) {
            case "TAN": return Projections.TAN;
            default:
                Projection p = Projections.byCode(code);
                if (p == null) throw new WcsException("unsupported projection '" + code + "'");
                return p;
        }
    }
}
