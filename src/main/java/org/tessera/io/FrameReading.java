package org.tessera.io;

import java.io.Serializable;
import java.util.Locale;

import org.tessera.config.Config;

/**
 * How a frame's pixels are read from its file: Phase 1 hot-pixel correction on or off, and which
 * demosaic turns a Bayer frame's CFA into R, G, B (no effect on mono frames and cubes). One value,
 * built once from the run's config ({@link #of(Config)}) and handed to every place that opens raw
 * frames ({@link FrameScanner}, Grid mode's plan, the Spark module's tasks, which carry it), and
 * taken by {@link FitsFrame#withReading}.
 */
public record FrameReading(boolean hotPixels, Demosaic demosaic) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The key of the hot-pixel switch. */
    public static final String KEY_HOT_PIXELS = "hot_pixel_correction";
    /** The key of the stack's demosaic ({@code stacking_}: a changed value makes finished master tiles stale). */
    public static final String KEY_DEMOSAIC = "stacking_demosaic";

    /** The demosaic of a Bayer frame. */
    public enum Demosaic {
        /**
         * Malvar–He–Cutler gradient-corrected filters ({@link Debayer#demosaic}): stars ~20 % narrower
         * than bilinear; the default.
         */
        MHC,
        /** The original ZeMosaic's bilinear rule ({@link Debayer#bilinear}): faster, wider stars. */
        BILINEAR;

        /** The config value: {@code mhc}, {@code bilinear}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The demosaic a config value names (case and surrounding blanks ignored).
         *
         * @throws IllegalArgumentException naming the key and the allowed values
         */
        public static Demosaic parse(String value) {
            String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
            for (Demosaic d : values()) if (d.configName().equals(v)) return d;
            throw new IllegalArgumentException(KEY_DEMOSAIC + ": unknown demosaic '" + value
                    + "' (allowed: mhc, bilinear)");
        }
    }

    public FrameReading {
        if (demosaic == null) throw new IllegalArgumentException("no demosaic given");
    }

    /** As stored: no hot-pixel correction, the corrected demosaic (what {@link FitsFrame#open} gives: images for reproject, master tiles). */
    public static final FrameReading AS_STORED = new FrameReading(false, Demosaic.MHC);

    /** Raw frames as a run with the default settings reads them: hot pixels corrected, the corrected demosaic. */
    public static final FrameReading DEFAULT = new FrameReading(true, Demosaic.MHC);

    /**
     * Registration's star detection, whatever the run's settings: no hot-pixel correction (it clips
     * the cores of small stars and moves their centroids) and the bilinear demosaic, on which the
     * detector's thresholds were set (see {@code register.FrameRegistrar.starPixels}).
     */
    public static final FrameReading STAR_DETECTION = new FrameReading(false, Demosaic.BILINEAR);

    /** How a run with {@code config} reads its raw frames ({@code hot_pixel_correction}, {@code stacking_demosaic}). */
    public static FrameReading of(Config config) {
        return new FrameReading(config.getBoolean(KEY_HOT_PIXELS), Demosaic.parse(config.getString(KEY_DEMOSAIC)));
    }

    public FrameReading withHotPixels(boolean on) {
        return on == hotPixels ? this : new FrameReading(on, demosaic);
    }

    public FrameReading withDemosaic(Demosaic d) {
        return d == demosaic ? this : new FrameReading(hotPixels, d);
    }

    // Written out: a record's generated equals and hashCode bootstrap java.lang.runtime.ObjectMethods
    // (method handles, which a small job must not pay for at start: StartupClassesTest); FitsFrame.withReading compares.
    @Override
    public boolean equals(Object o) {
        return o instanceof FrameReading r && r.hotPixels == hotPixels && r.demosaic == demosaic;
    }

    @Override
    public int hashCode() {
        return 31 * Boolean.hashCode(hotPixels) + demosaic.ordinal();
    }

    @Override
    public String toString() {
        return "hot pixels " + (hotPixels ? "on" : "off") + ", demosaic " + demosaic.configName();
    }
}
