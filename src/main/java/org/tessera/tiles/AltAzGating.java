package org.tessera.tiles;

import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.config.Config;
import org.tessera.io.Frame;
import org.tessera.io.MountMode;

/**
 * Decides where the ALT-AZ cleanup runs (phase3 seed, steps 2–3): a run-level flag, then per
 * tile "run flag AND the group is ALT_AZ". An EQ group is never cleaned, and a run without any
 * ALT_AZ group never cleans at all.
 * <p>
 * UNKNOWN groups follow {@code altaz_unknown_policy}: {@code eq} (never cleaned), {@code altaz}
 * (cleaned like ALT_AZ), {@code auto} (cleaned like ALT_AZ only when the group shows alt-az
 * evidence: Seestar frames, whose default mount mode is alt-az, or frames whose field rotation
 * differs by more than {@link TileGeometry#ROTATION_TOLERANCE_DEG} within the group).
 */
public final class AltAzGating {

    private static final Logger LOG = Logger.getLogger("org.tessera.tiles");

    /** Exactly the seed's warning for an EQ-only run where the user asked for the cleanup. */
    public static final String EQ_ONLY_WARNING =
            "ALT-AZ cleanup requested but no ALT_AZ frames detected -> disabled (EQ-only run)";

    public enum UnknownPolicy {
        AUTO, ALTAZ, EQ;

        public static UnknownPolicy parse(String s) {
            if (s == null) return AUTO;
            String v = s.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
            return switch (v) {
                case "", "AUTO" -> AUTO;
                case "ALTAZ", "AZ", "ON" -> ALTAZ; // the original's "on": always treat UNKNOWN as ALT_AZ
                case "EQ", "EQUATORIAL", "OFF" -> EQ; // the original's "off": never
                default -> throw new IllegalArgumentException(
                        "altaz_unknown_policy: unknown value '" + s + "' (expected auto, on or off)");
            };
        }
    }

    private final boolean requested;
    private final boolean autoEnable;
    private final UnknownPolicy policy;

    /**
     * @param requested  the user asked for the cleanup ({@code altaz_cleanup_enabled = true})
     * @param autoEnable the cleanup turns on by itself when ALT_AZ groups exist (the reference's
     *                   "auto-on"; {@code altaz_cleanup_auto}, default true)
     */
    public AltAzGating(boolean requested, boolean autoEnable, UnknownPolicy policy) {
        this.requested = requested;
        this.autoEnable = autoEnable;
        this.policy = policy;
    }

    public static AltAzGating fromConfig(Config c) {
        boolean auto = c.has("altaz_cleanup_auto") ? c.getBoolean("altaz_cleanup_auto") : true;
        return new AltAzGating(c.getBoolean("altaz_cleanup_enabled"), auto,
                UnknownPolicy.parse(c.getString("altaz_unknown_policy")));
    }

    public boolean requested() { return requested; }
    public UnknownPolicy policy() { return policy; }

    /** The mode the cleanup decision uses: the group's mode, with UNKNOWN resolved by the policy. */
    public MountMode effectiveMode(FrameGroup g) {
        if (g.mount() != MountMode.UNKNOWN) return g.mount();
        return switch (policy) {
            case EQ -> MountMode.EQ;
            case ALTAZ -> MountMode.ALT_AZ;
            case AUTO -> looksAltAz(g.frames()) ? MountMode.ALT_AZ : MountMode.EQ;
        };
    }

    /** Alt-az evidence for a group of unknown mount: Seestar frames, or field rotation within it. */
    static boolean looksAltAz(List<Frame> frames) {
        for (Frame f : frames) if (MountInference.isSeestar(f)) return true;
        return TileGeometry.rotationSpreadDeg(frames) > TileGeometry.ROTATION_TOLERANCE_DEG;
    }

    /**
     * The run-level flag: off when no group is (effectively) ALT_AZ — with {@link #EQ_ONLY_WARNING}
     * when the user had asked for it — otherwise on when requested or auto-enabled.
     */
    public boolean runFlag(List<FrameGroup> groups) {
        boolean containsAltaz = false;
        for (FrameGroup g : groups) if (effectiveMode(g) == MountMode.ALT_AZ) { containsAltaz = true; break; }
        boolean flag;
        if (!containsAltaz) {
            flag = false;
            if (requested) LOG.warning(EQ_ONLY_WARNING);
        } else {
            flag = requested || autoEnable;
        }
        LOG.info(String.format(Locale.ROOT, "[P3] ALT-AZ cleanup run flag: requested=%s auto=%s contains_altaz=%s unknown_policy=%s => %s",
                py(requested), py(autoEnable), py(containsAltaz), policy.name().toLowerCase(Locale.ROOT), py(flag)));
        return flag;
    }

    /** Per tile: run flag AND the group is (effectively) ALT_AZ; logs the seed's gating line at FINE. */
    public boolean tileFlag(int tileId, FrameGroup g, boolean runFlag) {
        MountMode eff = effectiveMode(g);
        boolean enabled = runFlag && eff == MountMode.ALT_AZ;
        String line = "P3_ALTaz_GATING: tile_id=" + tileId + " eqmode=" + g.mount().name()
                + " global_enabled=" + py(runFlag) + " => tile_enabled=" + py(enabled);
        if (g.mount() == MountMode.UNKNOWN)
            line += " (unknown_policy=" + policy.name().toLowerCase(Locale.ROOT) + " -> " + eff.name() + ")";
        LOG.fine(line);
        return enabled;
    }

    /** Python's spelling, as in the original's log lines. */
    static String py(boolean b) { return b ? "True" : "False"; }
}
