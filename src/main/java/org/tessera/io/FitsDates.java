package org.tessera.io;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * FITS date cards (DATE-OBS and kin) read one way for every step that needs a frame's time: the
 * grouping of raw frames into sessions and the dates a master tile or mosaic records.
 */
public final class FitsDates {
    private FitsDates() {}

    /**
     * A FITS date card's value (ISO 8601 in UTC, a trailing Z allowed; a date alone is its midnight;
     * the standard's old form dd/mm/yy, a date of 1900-1999, which the DSS plates carry), or null
     * when absent or unreadable. Digits of the seconds beyond nanoseconds are dropped (java.time
     * parses at most 9).
     */
    public static LocalDateTime parse(String d) {
        if (d == null) return null;
        String s = d.trim();
        if (s.endsWith("Z")) s = s.substring(0, s.length() - 1);
        if (s.length() == 8 && s.charAt(2) == '/' && s.charAt(5) == '/')
            s = "19" + s.substring(6, 8) + "-" + s.substring(3, 5) + "-" + s.substring(0, 2);
        int dot = s.indexOf('.', s.indexOf('T') + 1);
        if (s.indexOf('T') > 0 && dot > 0 && s.length() - dot - 1 > 9) s = s.substring(0, dot + 10);
        try {
            return LocalDateTime.parse(s.length() == 10 ? s + "T00:00:00" : s);
        } catch (RuntimeException e) { // DateTimeParseException: not named, so a small job never loads java.time.format
            return null;
        }
    }

    /** {@link #parse} in seconds since 1970 (UTC), NaN when absent or unreadable. */
    public static double epochSeconds(String d) {
        LocalDateTime t = parse(d);
        return t == null ? Double.NaN : t.toEpochSecond(ZoneOffset.UTC) + t.getNano() / 1e9;
    }
}
