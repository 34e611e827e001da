package org.tessera.tiles;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.tessera.io.Frame;
import org.tessera.io.MountMode;

/**
 * The mount mode of a frame or of a group, decided only from what is already in memory (the
 * frame's keys and the mode its reader parsed): no file is opened here.
 * <p>
 * Per entry, in this order (phase3 seed, step 1): {@code MOUNT_MODE}, then {@code _EQMODE_MODE}
 * (the original's internal metadata key; keys are upper-case, lower-case spellings are accepted
 * too), then {@code EQMODE}
 * (1 → EQ, 0 → ALT_AZ), then the mode the reader took from the header ({@link Frame#mountMode()}).
 * A value that does not parse is skipped, not taken as UNKNOWN. A group is decided by its first
 * entry; when the first entry says nothing, the following entries are scanned.
 */
public final class MountInference {
    private MountInference() {}

    /** The keys read, in priority order. */
    static final List<String> KEYS = List.of("MOUNT_MODE", "_EQMODE_MODE", "EQMODE");

    /** The mode of one frame, or UNKNOWN. */
    public static MountMode ofFrame(Frame f) {
        MountMode m = fromKeys(f.keys());
        if (m != MountMode.UNKNOWN) return m;
        MountMode parsed = f.mountMode();
        return parsed == null ? MountMode.UNKNOWN : parsed;
    }

    /** The mode carried by a key map alone (no reader fallback), or UNKNOWN. */
    public static MountMode fromKeys(Map<String, String> keys) {
        if (keys == null) return MountMode.UNKNOWN;
        for (String k : KEYS) {
            String v = keys.get(k);
            if (v == null) v = keys.get(k.toLowerCase(Locale.ROOT)); // metadata written by other tools
            if (v == null || v.isBlank()) continue;
            MountMode m = MountMode.parse(numericOrText(v));
            if (m != MountMode.UNKNOWN) return m;
        }
        return MountMode.UNKNOWN;
    }

    /**
     * The seed's {@code _infer_group_eqmode}: the first entry decides; if it carries no usable
     * key, the next entries are scanned; UNKNOWN when none does.
     */
    public static MountMode ofGroup(List<? extends Frame> group) {
        for (Frame f : group) {
            MountMode m = ofFrame(f);
            if (m != MountMode.UNKNOWN) return m;
        }
        return MountMode.UNKNOWN;
    }

    /** "1", "0", "1.0" are numbers (EQMODE); anything else is parsed as text. */
    private static Object numericOrText(String v) {
        String s = v.trim();
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return s;
        }
    }

    /**
     * A Seestar (ZWO S30/S50) frame: INSTRUME, CREATOR or TELESCOP contains "seestar", "s30" or
     * "s50" (reference §1). These smart telescopes track alt-az unless their EQ mode is on.
     */
    public static boolean isSeestar(Frame f) {
        for (String k : new String[] {"INSTRUME", "CREATOR", "TELESCOP"}) {
            String v = f.keys().get(k);
            if (v == null) continue;
            String s = v.toLowerCase(Locale.ROOT);
            if (s.contains("seestar") || s.contains("s30") || s.contains("s50")) return true;
        }
        return false;
    }
}
