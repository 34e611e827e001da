package org.tessera.register;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.io.FitsDates;
import org.tessera.io.Frame;

/**
 * The alt-az field rotation of a frame whose headers do not give it (no site keys, so no
 * parallactic angle: {@link FieldRotation}), learnt from the frames of its session that did
 * register by their stars: each of those has a fitted rotation onto the reference at its
 * {@code DATE-OBS} (the reference itself: 0 at its own), and the field of an alt-az mount turns
 * smoothly with time (the parallactic angle's rate changes over hours, not minutes), so a
 * low-order polynomial of rotation against time, fitted robustly to those points, gives the
 * rotation at the frame's time.
 * <ul>
 * <li>points: the reference (rotation 0) and the frames registered by their stars
 *     ({@link Registration.Method#TRIANGLES}, {@link Registration.Method#PHASE_CORRELATION}), with
 *     a {@code DATE-OBS}, restricted to the session of the frame's time (no gap over
 *     {@value #SESSION_GAP_S} s between consecutive points: between sessions the mount is set up anew);
 * <li>at least {@value #MIN_POINTS} points; a straight line, or a parabola from
 *     {@value #MIN_POINTS_QUADRATIC} points when the frame's time lies within their span or
 *     not further beyond it than half of it (a parabola is not extrapolated further);
 * <li>robust: a start from the Theil–Sen line (median of the pairwise slopes, unmoved by a
 *     minority of outliers), then least squares on the points within
 *     max({@value #CLIP_SIGMA} σ, {@value #MIN_CLIP_DEG}°) of the current fit (σ from the median
 *     absolute residual), repeated until the set of points stops changing;
 * <li>a frame is retried ({@link #retries}) only where the area correlation ran without a turn
 *     ({@link Registration#areaWithoutTurn}), its or the reference's header has no parallactic
 *     angle, and the fitted rotation is at least {@link FrameRegistrar#MIN_FIELD_ROTATION_DEG}.
 * </ul>
 * The points come from the star registrations alone, which do not depend on one another nor on the
 * order they finished in, so the retries are the same whatever the thread count.
 */
public final class SessionRotation {
    private static final Logger LOG = Logger.getLogger("org.tessera.register");

    private SessionRotation() {}

    /**
     * A field rotation to try on a frame: {@code deg} from +x towards +y (the sense of
     * {@link Affine#rotationDeg}), {@code from} where it came from, as the log says it.
     */
    public record Turn(double deg, String from) implements java.io.Serializable {}

    /** Consecutive points further apart in time start another session (as the grouping's sessions). */
    static final double SESSION_GAP_S = 3600;
    /** Fewest points (the reference included) for a fit: two frames beside the reference. */
    static final int MIN_POINTS = 3;
    /** Fewest points for a parabola. */
    static final int MIN_POINTS_QUADRATIC = 6;
    /** Residuals beyond this many robust σ are outliers. */
    static final double CLIP_SIGMA = 3;
    /** ... but never below this (degrees): star fits' rotations scatter by ~0.005° on Seestar frames. */
    static final double MIN_CLIP_DEG = 0.02;

    /** A fitted rotation at one time: degrees, the points used and the polynomial's degree. */
    record Estimate(double deg, int points, int outliers, int degree, boolean inside) {}

    /**
     * For each of {@code frames} (registered onto {@code ref} as {@code regs}, in the same order),
     * the turn to register it again with ({@link FrameRegistrar#register(FrameRegistrar.Reference, Frame, Turn)}),
     * or null where none is worth trying (see the class comment). Logs each turn found.
     */
    public static List<Turn> retries(Frame ref, List<? extends Frame> frames, List<Registration> regs) {
        List<Turn> out = new ArrayList<>(frames.size());
        boolean any = false;
        for (Registration r : regs) any |= r.areaWithoutTurn();
        double refQ = any ? FieldRotation.parallacticAngleDeg(ref.keys()) : Double.NaN;
        double refT = any ? time(ref) : Double.NaN;
        double[] t = new double[frames.size() + 1], rot = new double[frames.size() + 1];
        int n = 0;
        if (any) {
            if (Double.isFinite(refT)) { t[n] = refT; rot[n++] = 0; }
            for (int i = 0; i < frames.size(); i++) {
                Registration r = regs.get(i);
                if (!r.ok() || !(r.method() == Registration.Method.TRIANGLES || r.method() == Registration.Method.PHASE_CORRELATION))
                    continue;
                double ti = time(frames.get(i));
                if (Double.isFinite(ti)) { t[n] = ti; rot[n++] = r.transform().rotationDeg(); }
            }
        }
        for (int i = 0; i < frames.size(); i++) {
            Registration r = regs.get(i);
            Turn turn = null;
            Frame f = frames.get(i);
            if (r.areaWithoutTurn() && !(Double.isFinite(refQ) && Double.isFinite(FieldRotation.parallacticAngleDeg(f.keys())))) {
                Estimate e = estimate(t, rot, n, time(f));
                if (e != null && Math.abs(e.deg()) >= FrameRegistrar.MIN_FIELD_ROTATION_DEG) {
                    turn = new Turn(e.deg(), String.format(Locale.ROOT, "fitted on the session's %d frames registered by their "
                            + "stars: rotation against DATE-OBS, %s%s, %s", e.points(), e.degree() == 1 ? "a line" : "a parabola",
                            e.outliers() == 0 ? "" : ", " + e.outliers() + " outlier(s) left out",
                            e.inside() ? "interpolated" : "extrapolated"));
                    LOG.info(String.format(Locale.ROOT, "[REG] %s -> %s: no field rotation in the headers; trying %.2f° (%s)",
                            f.name(), ref.name(), e.deg(), turn.from()));
                }
            }
            out.add(turn);
        }
        return out;
    }

    /** A frame's DATE-OBS in seconds since 1970 (UTC); NaN when it has none. */
    private static double time(Frame f) {
        return FitsDates.epochSeconds(f.keys().get("DATE-OBS"));
    }

    /**
     * The rotation at time {@code at} fitted to the first {@code n} points (times {@code t},
     * seconds; rotations {@code rot}, degrees) of {@code at}'s session; null when there are too few.
     */
    static Estimate estimate(double[] t, double[] rot, int n, double at) {
        if (!Double.isFinite(at) || n < MIN_POINTS) return null;
        // the points by time, then the run of them without a gap over SESSION_GAP_S that holds `at`
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(t[a], t[b]));
        int p = -1; // the last point not after `at`
        for (int k = 0; k < n && t[order[k]] <= at; k++) p = k;
        int lo = p + 1, hi = p; // the session: order[lo..hi], `at` joined to its neighbours within the gap
        if (p >= 0 && at - t[order[p]] <= SESSION_GAP_S)
            for (lo = p; lo > 0 && t[order[lo]] - t[order[lo - 1]] <= SESSION_GAP_S; ) lo--;
        if (p + 1 < n && t[order[p + 1]] - at <= SESSION_GAP_S)
            for (hi = p + 1; hi + 1 < n && t[order[hi + 1]] - t[order[hi]] <= SESSION_GAP_S; ) hi++;
        int m = hi - lo + 1;
        if (m < MIN_POINTS) return null;
        double t0 = t[order[lo]];
        double[] x = new double[m], y = new double[m];
        for (int k = 0; k < m; k++) {
            x[k] = (t[order[lo + k]] - t0) / 3600.0; // hours: the normal equations stay well scaled
            y[k] = rot[order[lo + k]];
        }
        double xa = (at - t0) / 3600.0;
        boolean inside = xa >= x[0] && xa <= x[m - 1];
        double reach = 0.5 * (x[m - 1] - x[0]); // a parabola is trusted up to half the span beyond its points
        int degree = m >= MIN_POINTS_QUADRATIC && xa >= x[0] - reach && xa <= x[m - 1] + reach ? 2 : 1;
        double[] c = theilSen(x, y, m);
        boolean[] use = new boolean[m];
        int used = 0;
        for (int round = 0; round < 10; round++) {
            double[] res = new double[m];
            for (int k = 0; k < m; k++) res[k] = Math.abs(y[k] - poly(c, x[k]));
            double[] s = Arrays.copyOf(res, m);
            Arrays.sort(s);
            double med = m % 2 == 1 ? s[m / 2] : 0.5 * (s[m / 2 - 1] + s[m / 2]);
            double lim = Math.max(CLIP_SIGMA * 1.4826 * med, MIN_CLIP_DEG);
            boolean changed = false;
            used = 0;
            for (int k = 0; k < m; k++) {
                boolean u = res[k] <= lim;
                changed |= u != use[k];
                use[k] = u;
                if (u) used++;
            }
            if (!changed && round > 0) break;
            int d = used >= MIN_POINTS_QUADRATIC ? degree : Math.min(1, used - 1);
            double[] next = d < 1 ? null : leastSquares(x, y, use, d);
            if (next == null) break;
            c = next;
        }
        if (used < MIN_POINTS) return null;
        return new Estimate(poly(c, xa), used, m - used, c.length - 1, inside);
    }

    /** Theil–Sen line (intercept, slope): the median pairwise slope, then the median intercept. */
    static double[] theilSen(double[] x, double[] y, int m) {
        double[] sl = new double[m * (m - 1) / 2];
        int q = 0;
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++)
                if (x[j] != x[i]) sl[q++] = (y[j] - y[i]) / (x[j] - x[i]);
        double slope = q == 0 ? 0 : median(Arrays.copyOf(sl, q));
        double[] b = new double[m];
        for (int i = 0; i < m; i++) b[i] = y[i] - slope * x[i];
        return new double[] {median(b), slope};
    }

    private static double median(double[] v) {
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    }

    private static double poly(double[] c, double x) {
        double v = 0;
        for (int i = c.length - 1; i >= 0; i--) v = v * x + c[i];
        return v;
    }

    /** Least squares polynomial of degree d on the points marked {@code use}; null when singular. */
    static double[] leastSquares(double[] x, double[] y, boolean[] use, int d) {
        int k = d + 1;
        double[][] a = new double[k][k + 1];
        for (int i = 0; i < x.length; i++) {
            if (!use[i]) continue;
            double[] p = new double[k];
            p[0] = 1;
            for (int j = 1; j < k; j++) p[j] = p[j - 1] * x[i];
            for (int r = 0; r < k; r++) {
                for (int s = 0; s < k; s++) a[r][s] += p[r] * p[s];
                a[r][k] += p[r] * y[i];
            }
        }
        return org.tessera.math.LinearSystem.solve(a);
    }
}
