package org.tessera.tiles;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.tessera.io.Frame;
import org.tessera.io.MountMode;
import org.tessera.reproject.MosaicProvenance;
import org.tessera.stack.StackParams;
import org.tessera.stack.StackResult;

/**
 * The header cards of a master tile (reference §3.7), in the order they are written. Keys longer
 * than 8 characters ({@code MT_NFRAMES}) are written with the HIERARCH convention, as astropy does.
 */
public final class TileHeaders {
    private TileHeaders() {}

    public static final String NFRAMES = "MT_NFRAMES";
    public static final String NORMALIZE = "MT_NORM";
    public static final String WEIGHTING = "MT_WGHT";
    public static final String REJECTION = "MT_REJ";
    public static final String KAPPA_LOW = "MT_KLOW";
    public static final String KAPPA_HIGH = "MT_KHIGH";
    public static final String COMBINE = "MT_COMB";
    public static final String REJECTED_PCT = "MT_REJPC";
    public static final String EXPTOTAL = "EXPTOTAL";
    public static final String NEXP_SUM = "NEXP_SUM";
    public static final String EXPTIME = "EXPTIME";
    public static final String OBJECT = "OBJECT";
    public static final String DATE_AVG = "DATE-AVG";
    public static final String DATE_OBS = "DATE-OBS";
    public static final String DATE_END = "DATE-END";
    public static final String FILTER = "FILTER";
    public static final String INSTRUME = "INSTRUME";
    public static final String TELESCOP = "TELESCOP";
    public static final String MOUNT = "MT_MOUNT";
    public static final String MOUNT_EFFECTIVE = "MT_MNTEF";
    public static final String ALTAZ_ENABLED = "MT_ALTEN";
    public static final String ALTAZ_APPLIED = "MT_ALTAZ";
    public static final String REFERENCE = "MT_REF";
    public static final String PADDED = "MT_PAD";
    public static final String TRIM_X = "MT_TRIMX";
    public static final String TRIM_Y = "MT_TRIMY";
    public static final String EMPTY = "ZMT_EMPT";
    /** The names its frames disagree on (so not written), e.g. 'FILTER,TELESCOP': a mosaic of the tile must not claim them either. */
    public static final String MIXED = "MT_MIXED";

    /** The comment to write beside each card. */
    public static final Map<String, String> COMMENTS;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(NFRAMES, "frames stacked in this master tile (tile weight)");
        m.put(NORMALIZE, "stack normalisation");
        m.put(WEIGHTING, "stack frame weighting");
        m.put(REJECTION, "stack pixel rejection");
        m.put(KAPPA_LOW, "rejection kappa low");
        m.put(KAPPA_HIGH, "rejection kappa high");
        m.put(COMBINE, "stack final combine");
        m.put(REJECTED_PCT, "[%] samples rejected (mean over channels)");
        m.put(EXPTOTAL, "[s] total exposure of the frames stacked");
        m.put(NEXP_SUM, "exposures summed (NEXP/STACKCNT of inputs, else 1 each)");
        m.put(EXPTIME, MosaicProvenance.EXPTIME_COMMENT);
        m.put(OBJECT, "common to the frames stacked");
        m.put(DATE_AVG, "mean mid-exposure time (UTC)");
        m.put(DATE_OBS, "start of the first exposure stacked (UTC)");
        m.put(DATE_END, "end of the last exposure stacked (UTC)");
        m.put(FILTER, "common to the frames stacked");
        m.put(INSTRUME, "common to the frames stacked");
        m.put(TELESCOP, "common to the frames stacked");
        m.put(MOUNT, "mount mode read from the frames (EQ/ALT_AZ/UNKNOWN)");
        m.put(MOUNT_EFFECTIVE, "mount mode after altaz_unknown_policy");
        m.put(ALTAZ_ENABLED, "ALT-AZ cleanup enabled for this tile (gating)");
        m.put(ALTAZ_APPLIED, "ALT-AZ cleanup applied, ALPHA is its mask");
        m.put(REFERENCE, "reference frame of the tile grid");
        m.put(PADDED, "stacked on the square canvas ceil(hypot(H,W))");
        m.put(TRIM_X, "[px] x of the tile in the stacking grid");
        m.put(TRIM_Y, "[px] y of the tile in the stacking grid");
        m.put(EMPTY, "1 = empty tile: no valid pixel, do not use");
        m.put(MIXED, "names its frames disagree on (not written)");
        COMMENTS = java.util.Collections.unmodifiableMap(m);
    }

    /** Facts about one tile that its header records. */
    record Facts(List<Frame> frames, List<Frame> used, Frame reference, StackParams params, StackResult stack,
                 MountMode mount, MountMode effective, boolean cleanupEnabled, boolean cleanupApplied,
                 boolean padded, int trimX, int trimY, boolean empty) {}

    static Map<String, Object> build(Facts f) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put(NFRAMES, f.stack().framesUsed());
        h.put(NORMALIZE, lower(f.params().normalize()));
        h.put(WEIGHTING, lower(f.params().weighting()));
        h.put(REJECTION, lower(f.params().rejection()));
        h.put(KAPPA_LOW, f.params().kappaLow());
        h.put(KAPPA_HIGH, f.params().kappaHigh());
        h.put(COMBINE, lower(f.params().combine()));
        h.put(REJECTED_PCT, f.stack().rejectedPct());
        double exp = 0;
        long nexp = 0;
        for (Frame fr : f.used()) {
            exp += MosaicProvenance.totalExposure(fr);
            nexp += MosaicProvenance.exposures(fr);
        }
        h.put(EXPTOTAL, exp);
        h.put(NEXP_SUM, nexp);
        Object unit = exposure(f.frames(), f.stack());
        if (unit != null) h.put(EXPTIME, unit);
        copy(h, OBJECT, f);
        String avg = MosaicProvenance.dateAvg(f.used()); // one rule for tiles and mosaics
        if (avg != null) h.put(DATE_AVG, avg);
        String[] span = MosaicProvenance.dateSpan(f.used());
        if (span != null) {
            h.put(DATE_OBS, span[0]);
            h.put(DATE_END, span[1]);
        }
        copy(h, FILTER, f);
        copy(h, INSTRUME, f);
        copy(h, TELESCOP, f);
        h.put(MOUNT, f.mount().name());
        h.put(MOUNT_EFFECTIVE, f.effective().name());
        h.put(ALTAZ_ENABLED, f.cleanupEnabled());
        h.put(ALTAZ_APPLIED, f.cleanupApplied());
        h.put(REFERENCE, f.reference().name());
        h.put(PADDED, f.padded());
        h.put(TRIM_X, f.trimX());
        h.put(TRIM_Y, f.trimY());
        h.put(EMPTY, f.empty() ? 1 : 0);
        List<String> mixed = new java.util.ArrayList<>();
        for (String k : List.of(OBJECT, FILTER, INSTRUME, TELESCOP))
            if (!h.containsKey(k) && MosaicProvenance.commonValue(named(f), k) == null
                    && named(f).stream().anyMatch(fr -> present(fr, k)))
                mixed.add(k);
        if (!mixed.isEmpty()) h.put(MIXED, String.join(",", mixed));
        return h;
    }

    /**
     * A card's value written with its own comment instead of {@link #COMMENTS}' (a master tile's
     * {@code EXPTIME} when its frames had other exposures, {@link #exposure}).
     */
    public record Commented(Object value, String comment) {}

    /**
     * The {@code EXPTIME} of a stack of {@code frames} (the stack's input, in its order): the
     * exposure its pixels are counts per, or null when no one exposure is.
     * <ul>
     * <li>Every frame used gives the same exposure: that one ({@link MosaicProvenance#commonExposure},
     * the card as it always was).</li>
     * <li>Frames of other exposures that linear_fit scaled onto its reference frame
     * ({@link StackResult#reference}) by gains measured on the pixels: the reference's exposure,
     * with {@link MosaicProvenance#EXPTIME_SCALED_COMMENT}, so that Phase 5's exposure prior can put
     * this tile and the run's others on one exposure (a Seestar target revisited with another
     * sub-exposure, same pointing). A frame of another exposure left at gain 1 or scaled by the
     * percentile formula ({@link StackResult#onReference} false) keeps part of its own unit, and a
     * normalisation that scales nothing (none, sky_mean) leaves each frame in its own: then none,
     * as before, and the prior stays off rather than use a wrong unit.</li>
     * </ul>
     * The one rule for a master tile, a {@code tessera stack} file, a Spark executor's tile and a
     * Grid tile ({@link #exposureCard}).
     *
     * @return a Double (every frame the same exposure), a {@link Commented} Double (scaled onto the
     *         reference's), or null
     */
    static Object exposure(List<? extends Frame> frames, StackResult stack) {
        List<Frame> used = FrameLosses.usedFrames(frames, stack);
        double each = MosaicProvenance.commonExposure(used);
        if (!Double.isNaN(each)) return each;
        int r = stack == null ? -1 : stack.reference();
        if (r < 0 || used.isEmpty() || !FrameLosses.used(stack, r)) return null;
        double unit = MosaicProvenance.commonExposure(List.of(frames.get(r)));
        if (Double.isNaN(unit)) return null;
        for (int i = 0; i < frames.size(); i++) {
            if (!FrameLosses.used(stack, i)) continue;
            double e = MosaicProvenance.commonExposure(List.of(frames.get(i)));
            if (Double.isNaN(e)) return null; // one frame's exposure unknown: so is the stack's unit
            boolean on = stack.onReference() != null && i < stack.onReference().length && stack.onReference()[i];
            if (e != unit && !on) return null;
        }
        return new Commented(unit, MosaicProvenance.EXPTIME_SCALED_COMMENT);
    }

    /**
     * The {@code EXPTIME} card of a stack of {@code frames} by {@link #exposure}'s rule, with the
     * comment it is written with ({@link #COMMENTS}' or the scaled one); null when it has none. For
     * a stack whose header is written elsewhere (Grid mode's tiles, package grid), so that its unit
     * is the master tiles'.
     */
    public static Commented exposureCard(List<? extends Frame> frames, StackResult stack) {
        Object v = exposure(frames, stack);
        if (v == null) return null;
        return v instanceof Commented c ? c : new Commented(v, COMMENTS.get(EXPTIME));
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The value the frames stacked agree on (those that have the card), none when two differ: a tile
     * of two nights' frames taken with two telescopes or filters names neither, as the mosaic of the
     * same frames in SDS or Grid mode does ({@code MosaicProvenance.ofFrames}, one rule), instead of
     * the reference frame's (the original's rule), which a Classic mosaic of such tiles would repeat.
     * An empty tile (no frame used) takes its frames' value.
     */
    private static void copy(Map<String, Object> h, String key, Facts f) {
        String v = MosaicProvenance.commonValue(named(f), key);
        if (v != null) h.put(key, v);
    }

    /** The frames whose names count: those stacked, or all of an empty tile's. */
    private static List<Frame> named(Facts f) {
        return f.used().isEmpty() ? f.frames() : f.used();
    }

    private static boolean present(Frame fr, String key) {
        String v = fr.keys().get(key);
        return v != null && !v.isBlank();
    }
}
