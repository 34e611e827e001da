package org.tessera.io;

import java.util.Map;

/**
 * Where a frame's telescope pointed and where it stood, as its header says, read one way for
 * every step that needs it: the plate solver's hints (the pointing) and the field rotation of an
 * alt-az mount (the pointing, the site and the time). Unknown values are NaN.
 */
public final class HeaderPointing {
    private HeaderPointing() {}

    /**
     * The pointing {ra, dec} in degrees: {@code RA}/{@code DEC} in degrees (a Seestar's: the
     * target's, ~0.3° from the field centre), else {@code OBJCTRA} (hours) / {@code OBJCTDEC}
     * (degrees) in sexagesimal; {NaN, NaN} when neither gives a position on the sky.
     */
    public static double[] raDec(Map<String, String> keys) {
        double ra = number(keys.get("RA")), dec = number(keys.get("DEC"));
        if (!(Double.isFinite(ra) && Double.isFinite(dec))) {
            ra = sexagesimal(keys.get("OBJCTRA")) * 15;
            dec = sexagesimal(keys.get("OBJCTDEC"));
        }
        if (!(ra >= 0 && ra <= 360 && Math.abs(dec) <= 90)) ra = dec = Double.NaN;
        return new double[] {ra, dec};
    }

    /**
     * The site {latitude, longitude east} in degrees: {@code SITELAT}/{@code SITELONG} (the
     * Seestar's, NINA's, MaxIm's), else {@code LAT-OBS}/{@code LONG-OBS}, else
     * {@code OBSGEO-B}/{@code OBSGEO-L}; numbers or sexagesimal; {NaN, NaN} when absent.
     */
    public static double[] site(Map<String, String> keys) {
        String[][] pairs = {{"SITELAT", "SITELONG"}, {"LAT-OBS", "LONG-OBS"}, {"OBSGEO-B", "OBSGEO-L"}};
        for (String[] p : pairs) {
            double lat = sexagesimal(keys.get(p[0])), lon = sexagesimal(keys.get(p[1]));
            if (Math.abs(lat) <= 90 && Math.abs(lon) <= 360) return new double[] {lat, lon};
        }
        return new double[] {Double.NaN, Double.NaN};
    }

    /** A header number (a FORTRAN 'D' exponent allowed), NaN when absent or unreadable. */
    public static double number(String s) {
        if (s == null) return Double.NaN;
        try {
            return Double.parseDouble(s.trim().replace('D', 'E'));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** "12 50 53.1", "+41:07:12" or a plain number → the value in units of the first field; NaN if unreadable. */
    public static double sexagesimal(String s) {
        if (s == null || s.isBlank()) return Double.NaN;
        String t = s.trim();
        boolean neg = t.startsWith("-");
        String[] parts = t.replaceFirst("^[+-]", "").split("[\\s:hdm°'\"]+");
        double v = 0, unit = 1;
        int used = 0;
        for (String p : parts) {
            if (p.isEmpty()) continue;
            double x = number(p);
            if (!Double.isFinite(x) || used == 3) return Double.NaN;
            v += x / unit;
            unit *= 60;
            used++;
        }
        return used == 0 ? Double.NaN : neg ? -v : v;
    }
}
