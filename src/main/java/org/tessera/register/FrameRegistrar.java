package org.tessera.register;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.tessera.detect.Luminance;
import org.tessera.detect.Star;
import org.tessera.detect.StarDetector;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.io.FrameReading;

/**
 * Registers frames of one group onto the group's reference frame by their stars, as the original
 * does (FFT shift first, then astroalign's triangles):
 * <ol>
 * <li>stars of both frames ({@link StarDetector} on the luminance);
 * <li>fast path: FFT phase correlation on binned images gives a shift, accepted only when enough
 *     stars pair up under it (so a rotated frame never takes this path by accident);
 * <li>otherwise triangle invariants of the brightest stars are matched ({@link TriangleMatcher}):
 *     any rotation, scale within [minScale, maxScale], overlap down to ~30 %;
 * <li>either way the transform is refined by flux-weighted least squares on all paired stars,
 *     pairs further than 3 × RMS (at least {@code clipFloorPx}) dropped, four rounds; the model is
 *     the configured one (similarity by default, as astroalign's; affine needs 6 pairs);
 * <li>a fit is accepted only when it pairs at least a quarter of the stars of the common field with
 *     a residual RMS below half the pairing radius (chance pairs among many stars do not);
 * <li>when the stars do not register the frame, whether the reference or the frame has too few
 *     of them (fewer than {@code minMatches} detected: stars too faint for the detector) or they do
 *     not match (clouds, trails, star lists that do not overlap enough), the shift of the whole
 *     frames' {@link AreaCorrelation cross-correlation}, accepted when its peak is significant
 *     (a translation, after a turn by the alt-az field rotation when the headers give it, or
 *     when the caller gives one: {@link #register(Reference, Frame, SessionRotation.Turn)}).
 * </ol>
 * Stars are measured on a FITS frame's pixels as stored, without the Phase 1 hot-pixel correction
 * ({@link #starPixels}).
 * A frame that cannot be registered comes back as a {@link Registration#failed failure} with its
 * reason; no exception escapes for bad pixels. Each result is logged with the {@code [REG]} tag.
 * Thread-safe: a {@link Reference} may serve several threads registering different frames.
 */
public final class FrameRegistrar {

    private static final Logger LOG = Logger.getLogger("org.tessera.register");

    public enum Model { SIMILARITY, AFFINE }

    /**
     * @param detection       star detection on both frames
     * @param model           transform fitted in the end
     * @param triangleStars   brightest stars of each frame that form triangles
     * @param tolerancePx     pairing radius for votes and the first refinement round, pixels
     * @param clipFloorPx     smallest pairing radius of the later rounds, pixels
     * @param minMatches      fewest paired stars for a registration to be accepted
     * @param minScale        smallest accepted scale moving → reference
     * @param maxScale        largest accepted scale
     * @param phaseCorrelation try the FFT shift first
     * @param areaCorrelation  frames (or a reference) with too few stars: register by the whole
     *                         frames' correlation ({@link AreaCorrelation})
     */
    public record Params(StarDetector.Params detection, Model model, int triangleStars, double tolerancePx,
                         double clipFloorPx, int minMatches, double minScale, double maxScale, boolean phaseCorrelation,
                         boolean areaCorrelation) {
        public Params {
            if (triangleStars < 3 || !(tolerancePx > 0) || !(clipFloorPx > 0) || minMatches < 3
                    || !(minScale > 0) || !(maxScale >= minScale))
                throw new IllegalArgumentException("bad registration parameters");
        }

        /** With the area correlation for starless frames on. */
        public Params(StarDetector.Params detection, Model model, int triangleStars, double tolerancePx,
                      double clipFloorPx, int minMatches, double minScale, double maxScale, boolean phaseCorrelation) {
            this(detection, model, triangleStars, tolerancePx, clipFloorPx, minMatches, minScale, maxScale, phaseCorrelation, true);
        }

        /**
         * Similarity; 60 triangle stars; 3 px then ≥ 1 px; 8 pairs; scale 0.8–1.25; FFT fast path on;
         * detection {@link StarDetector.Params#forRegistration()} (quarter mesh, no FWHM).
         */
        public static Params defaults() {
            return new Params(StarDetector.Params.forRegistration(), Model.SIMILARITY, 60, 3, 1, 8, 0.8, 1.25, true);
        }

        public Params withModel(Model m) {
            return new Params(detection, m, triangleStars, tolerancePx, clipFloorPx, minMatches, minScale, maxScale, phaseCorrelation,
                    areaCorrelation);
        }

        public Params withPhaseCorrelation(boolean on) {
            return new Params(detection, model, triangleStars, tolerancePx, clipFloorPx, minMatches, minScale, maxScale, on,
                    areaCorrelation);
        }

        public Params withAreaCorrelation(boolean on) {
            return new Params(detection, model, triangleStars, tolerancePx, clipFloorPx, minMatches, minScale, maxScale,
                    phaseCorrelation, on);
        }

        public Params withScaleRange(double lo, double hi) {
            return new Params(detection, model, triangleStars, tolerancePx, clipFloorPx, minMatches, lo, hi, phaseCorrelation,
                    areaCorrelation);
        }
    }

    /** A group's reference frame prepared once: its stars and, lazily, its spectrum for the fast path. */
    public static final class Reference {
        private final String name;
        private final int width, height;
        private final List<Star> stars;
        private final StarPairs index;
        final float[] luminance;
        /** The parallactic angle at the reference's time ({@link FieldRotation}), NaN when its header does not tell. */
        private final double parallactic;
        private volatile PhaseCorrelation.Spectrum spectrum;
        /** The area correlation's prepared plane, made when a frame first needs it; {@link #NONE} when too small. */
        private volatile Object area;
        private static final Object NONE = new Object();

        private Reference(String name, int width, int height, List<Star> stars, float[] luminance, double tol, double parallactic) {
            this.name = name;
            this.parallactic = parallactic;
            this.width = width;
            this.height = height;
            this.stars = List.copyOf(stars);
            // cells as large as the widest query: the FFT path pairs within tol + one binned pixel
            this.index = new StarPairs(this.stars, this.stars.size(), tol + PhaseCorrelation.binFor(width, height));
            this.luminance = luminance;
        }

        public String name() { return name; }
        public int width() { return width; }
        public int height() { return height; }
        public List<Star> stars() { return stars; }

        private PhaseCorrelation.Spectrum spectrum() {
            PhaseCorrelation.Spectrum s = spectrum;
            if (s == null && luminance != null) {
                synchronized (this) {
                    s = spectrum;
                    if (s == null) spectrum = s = PhaseCorrelation.spectrum(luminance, width, height,
                            PhaseCorrelation.binFor(width, height));
                }
            }
            return s;
        }

        AreaCorrelation.Prepared area() {
            Object a = area;
            if (a == null && luminance != null) {
                synchronized (this) {
                    a = area;
                    if (a == null) {
                        a = AreaCorrelation.prepare(luminance, width, height);
                        area = a = a == null ? NONE : a;
                    }
                }
            }
            return a instanceof AreaCorrelation.Prepared p ? p : null;
        }
    }

    private final Params params;
    private final StarDetector detector;

    public FrameRegistrar() { this(Params.defaults()); }

    public FrameRegistrar(Params params) {
        this.params = params;
        this.detector = new StarDetector(params.detection());
    }

    public Params params() { return params; }

    public StarDetector detector() { return detector; }

    /**
     * Prepares a reference from a frame (debayered RGB rows → luminance → stars). A FITS frame is
     * read as stored, without its Phase 1 hot-pixel correction: see {@link #starPixels}.
     */
    public Reference reference(Frame frame) throws IOException {
        return reference(frame.name(), Luminance.of(starPixels(frame)), FieldRotation.parallacticAngleDeg(frame.keys()));
    }

    /**
     * The pixels stars are measured on. The detector ignores hot pixels by itself (a region needs
     * 5 pixels), while the 5×5 hot-pixel rule also clips the sharp cores of Seestar stars (core
     * FWHM ≈ 2 px), which moves their centroids: on the raw M 94 frames the fit residual grows
     * from ≈ 0.25 to ≈ 0.45 px with it. So registration reads a FITS frame without the correction;
     * the stack still gets corrected pixels. A Bayer frame is read with the original's bilinear
     * demosaic, on which the detector's thresholds were set ({@link org.tessera.io.Debayer#bilinear}:
     * the stack's corrected demosaic finds ~17 % fewer faint stars); so registration, and every
     * WCS it gives, is what it was before the stack's demosaic changed, whatever {@code
     * stacking_demosaic} says ({@link FrameReading#STAR_DETECTION}).
     */
    static Frame starPixels(Frame frame) {
        return frame instanceof FitsFrame f ? f.withReading(FrameReading.STAR_DETECTION) : frame;
    }

    /** Prepares a reference from a one-channel luminance image. */
    public Reference reference(String name, FloatImage luminance) {
        return reference(name, luminance, Double.NaN);
    }

    /** Prepares a reference from a luminance image taken at the parallactic angle {@code parallactic} (degrees, NaN when unknown). */
    Reference reference(String name, FloatImage luminance, double parallactic) {
        List<Star> stars = detector.detect(luminance);
        return new Reference(name, luminance.width(), luminance.height(), stars, luminance.plane(0), params.tolerancePx(), parallactic);
    }

    /** Prepares a reference from stars alone (no FFT fast path). */
    public Reference reference(String name, int width, int height, List<Star> stars) {
        return new Reference(name, width, height, stars, null, params.tolerancePx(), Double.NaN);
    }

    /**
     * Registers the frames of a group onto its reference (independent frames, in parallel; results
     * in the frames' order, the same whatever the thread count), then logs a summary:
     * {@code [REG] <reference>: 11 of 12 frames registered, 1 not (…)}.
     */
    public List<Registration> registerAll(Reference ref, List<? extends Frame> frames) {
        List<Registration> out = frames.parallelStream().map(f -> register(ref, f)).toList();
        long ok = out.stream().filter(Registration::ok).count();
        StringBuilder failed = new StringBuilder();
        for (Registration r : out) if (!r.ok()) failed.append(failed.length() == 0 ? "" : ", ").append(r.frame());
        LOG.info(String.format(Locale.ROOT, "[REG] %s: %d of %d frames registered%s", ref.name, ok, out.size(),
                ok == out.size() ? "" : ", " + (out.size() - ok) + " not (" + failed + ")"));
        return out;
    }

    /** Registers a frame onto the reference; failures (unreadable pixels included) come back as such. */
    public Registration register(Reference ref, Frame frame) {
        return register(ref, frame, null);
    }

    /**
     * Registers a frame onto the reference as {@link #register(Reference, Frame)} does, except that
     * an area correlation (the stars did not register it) tries {@code turn} (when not null) as
     * the field rotation in place of the headers': for a frame whose headers do not give it, an
     * angle learnt from the frames of its session that did register by their stars
     * ({@link SessionRotation}). Frames that register by their stars come back as without it.
     */
    public Registration register(Reference ref, Frame frame, SessionRotation.Turn turn) {
        float[] buffer = spare.pollFirst();
        try {
            FloatImage lum;
            try {
                lum = Luminance.of(starPixels(frame), buffer);
            } catch (IOException | RuntimeException e) {
                return log(ref, Registration.failed(frame.name(), "cannot read pixels: " + e.getMessage()));
            }
            buffer = lum.plane(0);
            return register(ref, frame.name(), lum, FieldRotation.parallacticAngleDeg(frame.keys()), turn);
        } finally {
            if (buffer != null) spare.offerFirst(buffer);
        }
    }

    /**
     * Luminance planes of frames already registered, reused by the next ones: a moving frame's plane
     * is not kept past its registration, and a new 8 MB plane per Seestar frame is work for the
     * garbage collector (with the launcher's small serial heap, a full collection per frame or
     * two, during which both cores wait). At most one per thread registering at once; freed with
     * the registrar.
     */
    private final java.util.concurrent.ConcurrentLinkedDeque<float[]> spare = new java.util.concurrent.ConcurrentLinkedDeque<>();

    /** Registers a one-channel luminance image onto the reference. */
    public Registration register(Reference ref, String name, FloatImage luminance) {
        return register(ref, name, luminance, Double.NaN);
    }

    /**
     * Registers a luminance image onto the reference; {@code parallactic} (degrees, NaN when
     * unknown) is the frame's parallactic angle ({@link FieldRotation}), which an area correlation
     * tries as a rotation.
     */
    Registration register(Reference ref, String name, FloatImage luminance, double parallactic) {
        return register(ref, name, luminance, parallactic, null);
    }

    /** As above; an area correlation tries {@code turn} (not null) in place of the headers' rotation. */
    Registration register(Reference ref, String name, FloatImage luminance, double parallactic, SessionRotation.Turn turn) {
        try {
            return log(ref, registerImage(ref, name, luminance, parallactic, turn));
        } catch (RuntimeException e) {
            // a bug must not take the whole group down: the frame is reported and left out
            LOG.log(Level.FINE, "[REG] " + name + ": registration failed", e);
            return log(ref, Registration.failed(name, "registration failed: " + e));
        }
    }

    private Registration registerImage(Reference ref, String name, FloatImage luminance, double parallactic,
                                       SessionRotation.Turn turn) {
        List<Star> stars = detector.detect(luminance);
        Shift shift = null;
        boolean sameSize = luminance.width() == ref.width && luminance.height() == ref.height && ref.luminance != null;
        if (params.phaseCorrelation() && sameSize)
            shift = new Shift(ref, luminance.plane(0), luminance.width(), luminance.height());
        Registration r = solve(ref, name, stars, shift, luminance.width(), luminance.height());
        // The stars did not register the frame: too few on either side (too faint for the detector),
        // or they did not match (clouds, trails, a bad frame, too little overlap of the star lists).
        // The whole frames may still show the field; the peak's significance test rejects a frame
        // that does not. Only then: frames registered by their stars stay as they were.
        if (r.ok() || !params.areaCorrelation() || !sameSize) return r;
        int need = params.minMatches();
        String fallback = ref.stars.size() < need || stars.size() < need ? "too few stars to match"
                : "stars did not match: " + r.failure();
        double dq = Math.IEEEremainder(parallactic - ref.parallactic, 360);
        if (turn != null) return area(ref, name, luminance, r.failure(), fallback, turn.deg(), turn.from());
        return area(ref, name, luminance, r.failure(), fallback, dq, Registration.FROM_HEADERS);
    }

    /**
     * The {@link AreaCorrelation} shift of a frame on its reference, or a failure giving the stars'
     * reason ({@code starsWhy}) and the peak's: a peak no more significant than noise gives none.
     * When a field rotation {@code dq} is known (both headers give a parallactic angle,
     * {@link FieldRotation}, or the frame's session gave one, {@link SessionRotation}; {@code from}
     * says which) and is at least {@link #MIN_FIELD_ROTATION_DEG}, the frame is also correlated
     * turned by it, either way (the sign depends on the camera's handedness, which a raw frame does
     * not tell), and the most significant peak among those that reach what they need
     * ({@link AreaCorrelation#accepts}: an S/N, and away from the zero shift the high band's) wins: an alt-az frame gets its rotation, an equatorial one
     * (whose field does not turn) keeps the plain shift.
     */
    private static Registration area(Reference ref, String name, FloatImage luminance, String starsWhy, String fallback,
                                     double dq, String from) {
        AreaCorrelation.Prepared rp = ref.area();
        AreaCorrelation.Plane mp = rp == null ? null : AreaCorrelation.plane(luminance.plane(0), luminance.width(), luminance.height());
        if (mp == null)
            return Registration.failed(name, starsWhy + "; the frames are too small for an area correlation");
        double[] turns = Math.abs(dq) >= MIN_FIELD_ROTATION_DEG ? new double[] {0, -dq, dq} : new double[] {0};
        // the most significant candidate among those that reach what they need (AreaCorrelation.accepts:
        // a turned candidate near the zero shift more, where the turned fixed pattern meets itself);
        // the most significant of all names the failure when none does
        AreaCorrelation.Peak p = null, best = null;
        double turn = 0, bestTurn = 0;
        for (double t : turns) {
            AreaCorrelation.Peak q = AreaCorrelation.peak(rp, AreaCorrelation.prepare(mp, t));
            if (q == null) continue;
            if (best == null || q.snr() > best.snr()) { best = q; bestTurn = t; }
            if (AreaCorrelation.accepts(mp.width(), mp.height(), t, q) && (p == null || q.snr() > p.snr())) { p = q; turn = t; }
        }
        if (best == null)
            return Registration.failed(name, starsWhy + "; the frames are too small for an area correlation");
        if (p == null) {
            double need = AreaCorrelation.needed(mp.width(), mp.height(), bestTurn, best);
            double needHigh = AreaCorrelation.neededHigh(mp.width(), mp.height(), bestTurn, best);
            // the high band is measured only from MIN_SNR_CONFIRMED on
            String has = String.format(Locale.ROOT, "%.1f", best.snr()) + (needHigh > 0 && !Double.isNaN(best.highSnr())
                    ? String.format(Locale.ROOT, " but S/N %.1f in the high band", best.highSnr()) : "");
            String needs = String.format(Locale.ROOT, "%.0f", need) + (needHigh > 0
                    ? String.format(Locale.ROOT, " and S/N %.0f in the high band (its stars' sharp detail)", needHigh) : "");
            String where = bestTurn == 0 ? "" : String.format(Locale.ROOT, ", turned by %.2f°%s", bestTurn,
                    need == AreaCorrelation.MIN_SNR_TURNED_NEAR_ZERO ? String.format(Locale.ROOT, " and within %.0f px of the zero shift, "
                            + "where the turned sensor pattern meets itself", AreaCorrelation.patternReach(mp.width(), mp.height(), bestTurn)) : "");
            return Registration.areaFailed(name, String.format(Locale.ROOT, "%s; area correlation%s: no significant peak "
                    + "(the best, at shift (%.1f, %.1f) px%s, has S/N %s, need %s): no common field, or pure noise",
                    starsWhy, turns.length > 1 ? String.format(Locale.ROOT, ", also turned by ±%.2f° (field rotation %s)",
                            Math.abs(dq), from) : "", best.dx(), best.dy(), where, has, needs), best.snr(), fallback);
        }
        LOG.fine(String.format(Locale.ROOT, "[REG] %s -> %s: %s: area correlation", name, ref.name, fallback));
        return turn == 0 ? Registration.area(name, Affine.translation(p.dx(), p.dy()), p.snr(), fallback, null)
                : Registration.area(name, AreaCorrelation.rotation(mp, turn, p), p.snr(), fallback, from);
    }

    /**
     * Smallest field rotation between a frame and its reference (from their headers) that an area
     * correlation tries: 0.05° moves a Seestar frame's corners by 1 px.
     */
    static final double MIN_FIELD_ROTATION_DEG = 0.05;

    /**
     * The FFT shift of a frame on its reference, found when first asked for: triangles come first
     * (on a Seestar frame ≈ 2 ms against ≈ 13 ms for the two spectra and the shift), so most frames
     * never need it.
     */
    private static final class Shift {
        private final Reference ref;
        private final float[] plane;
        private final int width, height;
        private double[] shift;

        Shift(Reference ref, float[] plane, int width, int height) {
            this.ref = ref;
            this.plane = plane;
            this.width = width;
            this.height = height;
        }

        double[] get() {
            if (shift == null) {
                PhaseCorrelation.Spectrum rs = ref.spectrum();
                shift = PhaseCorrelation.shift(rs, PhaseCorrelation.spectrum(plane, width, height, rs.bin()));
            }
            return shift;
        }
    }

    /** Registers a frame given by its stars alone (triangles only). */
    public Registration register(Reference ref, String name, List<Star> stars) {
        // without the image, its extent is taken as the stars' bounding box
        double mx = 0, my = 0;
        for (Star s : stars) { mx = Math.max(mx, s.x()); my = Math.max(my, s.y()); }
        try {
            return log(ref, solve(ref, name, stars, null, (int) Math.ceil(mx) + 1, (int) Math.ceil(my) + 1));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "[REG] " + name + ": registration failed", e);
            return log(ref, Registration.failed(name, "registration failed: " + e));
        }
    }

    /** Detections closer than this (px) at the same pixel coordinates in both frames are sensor-fixed. */
    static final double SENSOR_FIXED_PX = 0.3;

    private Registration solve(Reference ref, String name, List<Star> stars, Shift shift, int mw, int mh) {
        if (name.equals(ref.name) && stars.equals(ref.stars)) return Registration.identity(name);
        // A detection at the same pixel of both frames is a sensor defect (a hot pixel left in the
        // pixels stars are measured on spreads over up to 3×3 pixels once demosaiced, so its area
        // does not rule it out), since stars move between dithered frames. First try without them;
        // frames that truly did not move lose all their stars that way and take the second try.
        boolean[] refFixed = new boolean[ref.stars.size()];
        List<Star> movFree = new ArrayList<>(stars.size());
        for (Star s : stars) {
            int r = ref.index.nearest(s.x(), s.y(), SENSOR_FIXED_PX);
            if (r >= 0) refFixed[r] = true;
            else movFree.add(s);
        }
        if (movFree.size() < stars.size()) {
            List<Star> refFree = new ArrayList<>(ref.stars.size());
            for (int i = 0; i < refFixed.length; i++) if (!refFixed[i]) refFree.add(ref.stars.get(i));
            Reference without = new Reference(ref.name, ref.width, ref.height, refFree, null, params.tolerancePx(), ref.parallactic);
            Registration r = solveWith(without, name, movFree, shift, mw, mh);
            if (r.ok()) return r;
        }
        return solveWith(ref, name, stars, shift, mw, mh);
    }

    private Registration solveWith(Reference ref, String name, List<Star> stars, Shift shift, int mw, int mh) {
        int need = params.minMatches();
        if (ref.stars.size() < need)
            return Registration.failed(name, "the reference " + ref.name + " has only " + ref.stars.size()
                    + " stars (need " + need + ")");
        if (stars.size() < need)
            return Registration.failed(name, "only " + stars.size() + " stars detected (need " + need + ")");
        // brighter, unsaturated stars first for votes and triangles: saturated centroids are poor
        List<Star> mov = usableFirst(stars);
        // Triangles of the brightest stars first; when they give no plausible match, the FFT shift
        // (a frame that only moved, whose brightest stars may not be in both frames), then more
        // stars for triangles (small overlaps: the brightest stars of each frame may lie outside
        // the common field).
        String why = null;
        int[] counts = {params.triangleStars(), 2 * params.triangleStars(), 4 * params.triangleStars()};
        for (int k = 0; k < counts.length; k++) {
            int n = counts[k];
            TriangleMatcher.Best best = TriangleMatcher.match(ref.stars, mov, n, params.tolerancePx(),
                    params.minScale(), params.maxScale(), ref.index);
            if (best.transform() == null) {
                why = "no star triangle of this frame matches one of the reference " + ref.name + " ("
                        + stars.size() + " and " + ref.stars.size() + " stars): no common field?";
            } else if (best.votes() < need) {
                why = String.format(Locale.ROOT, "star patterns do not agree with the reference %s: at best %d stars "
                        + "pair up (need %d): too little overlap or too few stars", ref.name, best.votes(), need);
            } else {
                Fit f = refine(ref, mov, best.transform(), params.tolerancePx());
                if (f == null || f.pairs < need) {
                    why = "the transform from matched triangles does not hold on the other stars ("
                            + (f == null ? 0 : f.pairs) + " pairs, need " + need + ")";
                } else {
                    why = implausible(ref, mov, f, mw, mh);
                    if (why == null) return new Registration(name, f.t, f.rms, f.pairs, Registration.Method.TRIANGLES, null);
                }
            }
            if (k == 0 && shift != null) {
                double[] d = shift.get();
                Affine t = Affine.translation(d[0], d[1]);
                int tol = (int) Math.ceil(params.tolerancePx() + PhaseCorrelation.binFor(ref.width, ref.height));
                Fit f = refine(ref, mov, t, tol);
                if (f != null && f.pairs >= need && implausible(ref, mov, f, mw, mh) == null && Math.abs(f.t.rotationDeg()) < 1)
                    return new Registration(name, f.t, f.rms, f.pairs, Registration.Method.PHASE_CORRELATION, null);
            }
            if (n >= Math.max(ref.stars.size(), mov.size())) break;
        }
        return Registration.failed(name, why);
    }

    /**
     * Why a fit is chance rather than a match, or null: a true match pairs a good part of the stars
     * both frames show in their common field, with residuals well inside the pairing radius; chance
     * pairs among many stars are few and spread over the whole radius.
     */
    private String implausible(Reference ref, List<Star> mov, Fit f, int mw, int mh) {
        double sc = f.t.scale();
        if (!(sc >= params.minScale() && sc <= params.maxScale()))
            return String.format(Locale.ROOT, "the fitted scale %.4f to the reference %s is outside [%.2f, %.2f]",
                    sc, ref.name, params.minScale(), params.maxScale());
        double[] p = new double[2];
        int movIn = 0, refIn = 0;
        for (Star s : mov) {
            f.t.apply(s.x(), s.y(), p);
            if (p[0] >= 0 && p[0] < ref.width && p[1] >= 0 && p[1] < ref.height) movIn++;
        }
        Affine inv = f.t.inverse();
        for (Star s : ref.stars) {
            inv.apply(s.x(), s.y(), p);
            if (p[0] >= 0 && p[0] < mw && p[1] >= 0 && p[1] < mh) refIn++;
        }
        int common = Math.min(movIn, refIn);
        if (f.pairs < MIN_PAIRED_FRACTION * common)
            return String.format(Locale.ROOT, "only %d of the %d stars in the common field pair up with the reference %s: "
                    + "no common field, or the stars are too unlike (clouds, focus)", f.pairs, common, ref.name);
        if (f.rms > MAX_RMS_FRACTION * params.tolerancePx())
            return String.format(Locale.ROOT, "the star positions fit the reference %s only to %.2f px RMS (limit %.2f px): "
                    + "chance pairs, or a distorted frame", ref.name, f.rms, MAX_RMS_FRACTION * params.tolerancePx());
        return null;
    }

    /** Fewest paired stars, as a fraction of the stars both frames show in their common field. */
    static final double MIN_PAIRED_FRACTION = 0.25;
    /** Largest accepted residual RMS, as a fraction of the pairing radius. */
    static final double MAX_RMS_FRACTION = 0.5;

    private static List<Star> usableFirst(List<Star> stars) {
        List<Star> out = new ArrayList<>(stars.size());
        for (Star s : stars) if (!s.saturated()) out.add(s);
        for (Star s : stars) if (s.saturated()) out.add(s);
        return out;
    }

    private record Fit(Affine t, double rms, int pairs) {}

    /** Pairs all stars under t, fits, clips at 3·RMS (≥ clipFloorPx), three rounds; null when degenerate. */
    private Fit refine(Reference ref, List<Star> mov, Affine t, double tol) {
        Fit fit = null;
        int m = mov.size();
        double[] mx = new double[m], my = new double[m], rx = new double[m], ry = new double[m];
        double[] fm = new double[m], fr = new double[m], wt = new double[m];
        for (int round = 0; round < 4; round++) {
            int[] pairs = ref.index.pair(t, mov, m, tol);
            int n = 0;
            for (int i = 0; i < m; i++) {
                if (pairs[i] < 0 || mov.get(i).saturated() || ref.stars.get(pairs[i]).saturated()) continue;
                mx[n] = mov.get(i).x();
                my[n] = mov.get(i).y();
                rx[n] = ref.index.x(pairs[i]);
                ry[n] = ref.index.y(pairs[i]);
                fm[n] = mov.get(i).flux();
                fr[n] = ref.stars.get(pairs[i]).flux();
                n++;
            }
            if (n < 3) return fit;
            weights(fm, fr, n, wt);
            Affine next = params.model() == Model.AFFINE && n >= 6
                    ? TransformFit.affine(mx, my, rx, ry, wt, n) : TransformFit.similarity(mx, my, rx, ry, wt, n);
            if (next == null) return fit;
            double ss = 0;
            double[] p = new double[2];
            for (int i = 0; i < n; i++) {
                next.apply(mx[i], my[i], p);
                double dx = p[0] - rx[i], dy = p[1] - ry[i];
                ss += dx * dx + dy * dy;
            }
            double rms = Math.sqrt(ss / n);
            fit = new Fit(next, rms, n);
            t = next;
            tol = Math.max(params.clipFloorPx(), Math.min(tol, 3 * rms));
        }
        return fit;
    }

    /**
     * Pair weights: the inverse of the expected centroid variance of both stars, which for the faint
     * (background-limited) stars that dominate a star list scales as 1 / flux²; relative to the
     * median pair's flux, with a floor of variance so the brightest stars do not take over.
     */
    static void weights(double[] fm, double[] fr, int n, double[] wt) {
        double[] f = new double[n];
        for (int i = 0; i < n; i++) f[i] = Math.min(fm[i], fr[i]);
        double[] s = java.util.Arrays.copyOf(f, n);
        java.util.Arrays.sort(s);
        double f0 = s[n / 2] > 0 ? s[n / 2] : 1;
        for (int i = 0; i < n; i++) {
            double a = f0 / Math.max(fm[i], 1e-9 * f0), b = f0 / Math.max(fr[i], 1e-9 * f0);
            wt[i] = 1 / (a * a + b * b + WEIGHT_FLOOR);
        }
    }

    /** Variance floor of the pair weights, in units of the median pair's variance (≈ 2). */
    static final double WEIGHT_FLOOR = 0.25;

    private static Registration log(Reference ref, Registration r) {
        if (r.ok() && r.method() == Registration.Method.AREA_CORRELATION) {
            LOG.info("[REG] " + r.frame() + " -> " + ref.name + ": " + r.areaSummary() + " (" + r.fallback() + ")");
        } else if (r.ok()) {
            Affine t = r.transform();
            LOG.info(String.format(Locale.ROOT,
                    "[REG] %s -> %s: %d stars matched, residual RMS %.3f px, rotation %.2f deg, scale %.5f, shift (%.2f, %.2f) px, %s",
                    r.frame(), ref.name, r.matchedStars(), r.rmsPx(), t.rotationDeg(), t.scale(), t.c(), t.f(),
                    r.method().name().toLowerCase(Locale.ROOT)));
        } else {
            LOG.log(Level.WARNING, "[REG] " + r.frame() + " -> " + ref.name + ": not registered: " + r.failure());
        }
        return r;
    }
}
