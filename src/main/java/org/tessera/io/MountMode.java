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
        return m != UNKNOWN ? m : eqmode(keys.get("EQMODE"));
    }

    /**
     * The cards a frame's mount mode was meant to come from but that name none
     * ({@code MOUNT_MODE='GERMAN'}, {@code EQMODE=2}), or null when the mode was read or no such
     * card is there. Such a frame is UNKNOWN, like a frame without the cards; the scan says so.
     */
    public static String unrecognised(java.util.Map<String, String> keys) {
        if (fromKeys(keys) != UNKNOWN) return null;
        String mm = keys.get("MOUNT_MODE"), eq = keys.get("EQMODE");
        StringBuilder b = new StringBuilder();
        if (mm != null && !mm.isBlank()) b.append("MOUNT_MODE='").append(mm.trim()).append('\'');
        if (eq != null && !eq.isBlank()) b.append(b.length() > 0 ? ", " : "").append("EQMODE=").append(eq.trim());
        return b.length() == 0 ? null : b.toString();
    }

    /** EQMODE's value: 1 → EQ, 0 → ALT_AZ, also written as 1.0 / T / F; else UNKNOWN. */
    private static MountMode eqmode(String eq) {
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
