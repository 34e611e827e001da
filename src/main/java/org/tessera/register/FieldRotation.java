package org.tessera.register;

import java.util.Map;

import org.tessera.io.FitsDates;
import org.tessera.io.HeaderPointing;

/**
 * The field rotation of an alt-az mount from a frame's header: the parallactic angle of its
 * pointing at its time, seen from its site. A camera fixed to an alt-az mount turns with the
 * parallactic angle q, so two frames of one session are rotated against each other by the
 * difference of their q. On the Seestar frames of ../shared/data (the solved M 94 night 3 and
 * NGC 7023 2024 sessions) the WCS position angle plus q stays constant within 0.02° while q moves
 * by 0.16°; between sessions the constant moves by a few degrees (the mount is levelled anew), so
 * only differences within a session are worth anything.
 */
final class FieldRotation {
    private FieldRotation() {}

    /**
     * The parallactic angle in degrees (−180, 180] of the header's pointing ({@code RA}/{@code DEC}
     * or {@code OBJCTRA}/{@code OBJCTDEC}) at {@code DATE-OBS} (UTC) from its site ({@code SITELAT}/
     * {@code SITELONG} and kin, {@link HeaderPointing#site}); NaN when one of them is missing.
     * Sidereal time from the IAU 1982 GMST (UT1 taken as UTC: 1 s is 0.004°).
     */
    static double parallacticAngleDeg(Map<String, String> keys) {
        double[] p = HeaderPointing.raDec(keys), site = HeaderPointing.site(keys);
        double t = FitsDates.epochSeconds(keys.get("DATE-OBS"));
        if (!(Double.isFinite(p[0]) && Double.isFinite(site[0]) && Double.isFinite(t))) return Double.NaN;
        return parallacticAngleDeg(p[0], p[1], site[0], site[1], t);
    }

    /** The parallactic angle in degrees of (ra, dec) seen from (lat, lon east) at {@code epochSeconds} (UTC). */
    static double parallacticAngleDeg(double raDeg, double decDeg, double latDeg, double lonDeg, double epochSeconds) {
        double d = epochSeconds / 86400.0 + 2440587.5 - 2451545.0; // days from J2000.0
        double c = d / 36525.0;
        double gmst = 280.46061837 + 360.98564736629 * d + 0.000387933 * c * c - c * c * c / 38710000.0;
        double h = Math.toRadians(gmst + lonDeg - raDeg); // hour angle
        double phi = Math.toRadians(latDeg), dec = Math.toRadians(decDeg);
        return Math.toDegrees(Math.atan2(Math.sin(h), Math.tan(phi) * Math.cos(dec) - Math.sin(dec) * Math.cos(h)));
    }
}
