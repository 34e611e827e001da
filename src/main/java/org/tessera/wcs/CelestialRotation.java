package org.tessera.wcs;

/**
 * The spherical rotation between native (φ, θ) and celestial (α, δ) coordinates of the FITS WCS
 * (Calabretta &amp; Greisen 2002, Paper II, §2.3–2.4), as a 3×3 matrix on unit vectors so that the
 * per-pixel work is multiplications and two atan2 — no asin near the pole, where it loses precision.
 * <p>
 * The celestial coordinates of the native pole (α_p, δ_p) follow wcslib's {@code celset}: for
 * zenithal projections (θ0 = 90°) the native pole is the reference point; otherwise δ_p solves
 * C&amp;G eq. 8 and, of two valid roots, the one nearest LATPOLE is taken.
 */
final class CelestialRotation {

    private static final double D2R = Math.PI / 180, R2D = 180 / Math.PI;
    private static final double TOL = 1e-10;

    final double alphaP, deltaP, phiP, latpole;
    // n = M c', where c' is the celestial unit vector with longitude measured from alphaP.
    private final double m00, m01, m02, m10, m11, m12, m20, m22; // m21 = 0

    /**
     * @param lonpole LONPOLE (φ_p) in degrees, NaN for the default (0 if δ0 ≥ θ0, else 180)
     * @param latpole LATPOLE in degrees, NaN for the default (+90); only used when θ0 ≠ 90
     */
    CelestialRotation(double crval1, double crval2, double theta0, double lonpole, double latpole) throws WcsException {
        if (!(Math.abs(crval2) <= 90)) throw new WcsException("CRVAL2 = " + crval2 + " is not a declination");
        if (!Double.isFinite(crval1)) throw new WcsException("CRVAL1 = " + crval1 + " is not a right ascension");
        double phi0 = 0;
        double phip = Double.isNaN(lonpole) ? (crval2 >= theta0 ? 0 : 180) + phi0 : lonpole;
        double latp = Double.isNaN(latpole) ? 90 : latpole;
        double lngp;
        if (theta0 == 90) {
            lngp = crval1;
            latp = crval2;
        } else {
            double slat0 = sind(crval2), clat0 = cosd(crval2);
            double sthe0 = sind(theta0), cthe0 = cosd(theta0);
            double sphip, u, v;
            boolean fixed = false;
            if (phip == phi0) {
                sphip = 0;
                u = theta0;
                v = 90 - crval2;
            } else {
                sphip = sind(phip - phi0);
                double cphip = cosd(phip - phi0);
                double x = cthe0 * cphip, y = sthe0, z = Math.sqrt(x * x + y * y);
                if (z == 0) {
                    if (slat0 != 0)
                        throw new WcsException("invalid celestial parameters: CRVAL2 must be 0 when theta0 = 0 and LONPOLE = ±90");
                    fixed = true; // δp set by LATPOLE alone
                    latp = Math.max(-90, Math.min(90, latp));
                    u = v = 0;
                } else {
                    double slz = slat0 / z;
                    if (Math.abs(slz) > 1) {
                        if (Math.abs(slz) - 1 < TOL) slz = Math.copySign(1, slz);
                        else throw new WcsException("invalid celestial parameters: no native pole for CRVAL2 = "
                                + crval2 + ", LONPOLE = " + phip);
                    }
                    u = Math.atan2(y, x) * R2D;
                    v = Math.acos(slz) * R2D;
                }
            }
            if (!fixed) {
                double latp1 = wrap180(u + v), latp2 = wrap180(u - v);
                if (Math.abs(latp - latp1) < Math.abs(latp - latp2)) {
                    latp = Math.abs(latp1) < 90 + TOL ? latp1 : latp2;
                } else {
                    latp = Math.abs(latp2) < 90 + TOL ? latp2 : latp1;
                }
                if (Math.abs(latp) < 90 + TOL) latp = Math.max(-90, Math.min(90, latp));
                else throw new WcsException("invalid celestial parameters: native pole latitude " + latp);
            }
            double z = cosd(latp) * clat0;
            if (Math.abs(z) < TOL) {
                if (Math.abs(clat0) < TOL) lngp = crval1;                      // celestial pole at the fiducial point
                else if (latp > 0) lngp = crval1 + phip - phi0 - 180;          // north pole at the native pole
                else lngp = crval1 - phip + phi0;                              // south pole at the native pole
            } else {
                double x = (sthe0 - sind(latp) * slat0) / z;
                double y = sphip * cthe0 / clat0;
                if (x == 0 && y == 0) throw new WcsException("invalid celestial parameters (LONPOLE/LATPOLE)");
                lngp = crval1 - Math.atan2(y, x) * R2D;
            }
        }
        lngp %= 360;
        if (lngp < 0) lngp += 360;
        alphaP = lngp;
        deltaP = latp;
        phiP = phip;
        this.latpole = latp;
        double sd = sind(deltaP), cd = cosd(deltaP), sp = sind(phiP), cp = cosd(phiP);
        m00 = -cp * sd; m01 = sp;  m02 = cp * cd;
        m10 = -sp * sd; m11 = -cp; m12 = sp * cd;
        m20 = cd;                  m22 = sd;
    }

    /** Native unit vector → {α, δ} in degrees (α in [0, 360)). */
    void nativeToCelestial(double nx, double ny, double nz, double[] out) {
        double cx = m00 * nx + m10 * ny + m20 * nz;
        double cy = m01 * nx + m11 * ny;
        double cz = m02 * nx + m12 * ny + m22 * nz;
        double a = alphaP + Math.atan2(cy, cx) * R2D;
        if (a < 0) a += 360;
        if (a >= 360) a -= 360;
        out[0] = a;
        out[1] = Math.atan2(cz, Math.sqrt(cx * cx + cy * cy)) * R2D;
    }

    /** x component of the native unit vector of the celestial vector c' (longitude from α_p). */
    double nx(double cx, double cy, double cz) { return m00 * cx + m01 * cy + m02 * cz; }
    double ny(double cx, double cy, double cz) { return m10 * cx + m11 * cy + m12 * cz; }
    double nz(double cx, double cz) { return m20 * cx + m22 * cz; }

    /** sin of an angle in degrees, exact at multiples of 90 (so that LONPOLE 180 gives an exact matrix). */
    static double sind(double deg) {
        double r = deg % 90;
        if (r == 0) {
            int q = (int) Math.floorMod((long) (deg / 90), 4L);
            return q == 1 ? 1 : q == 3 ? -1 : 0;
        }
        return Math.sin(deg * D2R);
    }

    static double cosd(double deg) {
        double r = deg % 90;
        if (r == 0) {
            int q = (int) Math.floorMod((long) (deg / 90), 4L);
            return q == 0 ? 1 : q == 2 ? -1 : 0;
        }
        return Math.cos(deg * D2R);
    }

    private static double wrap180(double a) {
        if (a > 180) return a - 360;
        if (a < -180) return a + 360;
        return a;
    }
}
