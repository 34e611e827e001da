package org.tessera.io;

import java.util.Locale;

/** How the telescope tracked: equatorial, alt-azimuth (field rotation), or not known. */
public enum MountMode {
    EQ, ALT_AZ, UNKNOWN;

    /**
     * Parses the values found in headers and metadata: {@code EQMODE} 1 → EQ, 0 → ALT_AZ; strings
     * "EQ", "EQUATORIAL", "ALT_AZ", "ALTAZ", "ALT-AZ", "AZ"; anything else → UNKNOWN.
     */
    public static MountMode parse(Object value) {
        if (value == null) return UNKNOWN;
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d == 1 ? EQ : d == 0 ? ALT_AZ : UNKNOWN;
        }
        if (value instanceof Boolean b) return b ? EQ : ALT_AZ;
        String s = value.toString().trim().toUpperCase(Locale.ROOT).replace('-', '_');
        switch (s) {
            case "1": case "EQ": case "EQUATORIAL": case "EQMODE": return EQ;
            case "0": case "ALT_AZ": case "ALTAZ": case "AZ": case "ALT_AZIMUTH": case "ALTAZIMUTH": return ALT_AZ;
            default: return UNKNOWN;
        }
    }

    /**
     * The mount mode recorded in header keys (upper-case names): {@code MOUNT_MODE} when it names a
     * mode, else {@code EQMODE} (1 → EQ, 0 → ALT_AZ, also written as 1.0 / T / F), else UNKNOWN.
     */
    public static MountMode fromKeys(java.util.Map<String, String> keys) {
        MountMode m = parse(keys.get("MOUNT_MODE"));
        if (m != UNKNOWN) return m;
        String eq = keys.get("EQMODE");
        if (eq == null) return UNKNOWN;
        String t = eq.trim();
        if (t.equalsIgnoreCase("T")) return EQ;
        if (t.equalsIgnoreCase("F")) return ALT_AZ;
        try {
            return parse(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            return parse(t);
        }
    }
}
