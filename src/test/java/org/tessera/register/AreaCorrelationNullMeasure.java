package org.tessera.register;

import java.nio.file.*;
import java.util.*;

import nom.tam.fits.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;

/**
 * The measurements behind the area correlation's acceptance rule (docs/registration.md, "Frames with
 * no common field"): each candidate's S/N and shift printed, not asserted (AreaCorrelationNullTest
 * asserts). Off in the suite (minutes of CPU): {@code mvn -o test -Dtest=AreaCorrelationNullMeasure
 * -Darea.measure=true} ({@code -Dseeds=N} frames a kind); {@code -Dshake=a.fit,b.fit} also writes
 * those e2e frames drawn out over 20 px along x (wind shake) to {@code -DshakeOut} (/tmp/shaken).
 * <ul>
 * <li>{@code [NULL]}: Seestar-size synthetic frames with no common field, plain and turned by
 *     ±0.1°, ±0.3°, ±1°, ±3°; {@code [TRUE]}: the faint field shifted, turned, dimmed, shaken;
 * <li>{@code [ZONE]}: noise and another field turned by ±0.5° to ±2°, IN when the peak lies within
 *     {@link AreaCorrelation#patternReach};
 * <li>{@code [RNULL]}, {@code [ALLNULL]}: real M 94 frames on NGC 7023 frames and back
 *     ({@code ../shared/data}); {@code [RTRUE]}, {@code [M94PAIR]}: frames of one target;
 *     {@code [HOT]}: the real null read with and without Phase 1's hot-pixel correction;
 * <li>{@code [EDGE]} ({@code zoneEdge}): the high band near the zero-shift zone's edge;
 *     {@code [PAIR]} ({@code -Dpairs=REF:MOV:TURN,...}): any files; {@code [COST]}
 *     ({@code highBandCost}): the high band's cost on M 13.
 * </ul>
 * Each candidate prints as {@code S/N/high-band S/N} ({@link AreaCorrelation#highBandSnr}, measured
 * here whatever the S/N), {@code z} when near the zero shift (the high band not asked there),
 * {@code ACC} when {@link AreaCorrelation#accepts} takes it.
 */
@EnabledIfSystemProperty(named = "area.measure", matches = "true")
class AreaCorrelationNullMeasure {

    static final int W = 1080, H = 1920;

    static float[] pattern(long seed, int hot) {
        return AreaCorrelationTest.fixedPattern(seed, W, H, 11, hot);
    }

    static double[][] field(long seed, int n) {
        Random r = new Random(seed);
        double[][] s = new double[n][];
        for (int i = 0; i < n; i++) s[i] = new double[] {r.nextDouble() * W, r.nextDouble() * H, 10 + 60 * r.nextDouble()};
        return s;
    }

    /** stars turned by deg about the centre and shifted so that frame pixel p is reference pixel R(p-c)+c+d; smear: shake length px along x. */
    static float[] frame(double[][] stars, double scale, double deg, double dx, double dy, double smear, float[] pattern, long seed) {
        float[] p = new float[W * H];
        Random r = new Random(seed);
        for (int i = 0; i < p.length; i++) p[i] = (float) (510 + 21 * r.nextGaussian() + (pattern == null ? 0 : pattern[i]));
        if (stars == null) return p;
        double cx = (W - 1) / 2.0, cy = (H - 1) / 2.0, rr = Math.toRadians(deg), cs = Math.cos(rr), sn = Math.sin(rr);
        int steps = smear > 0 ? (int) Math.ceil(smear) + 1 : 1;
        for (double[] s : stars) {
            double u = s[0] - cx - dx, v = s[1] - cy - dy;
            double bx = cx + cs * u + sn * v, by = cy - sn * u + cs * v;
            for (int k = 0; k < steps; k++) {
                double sx = bx + (steps > 1 ? smear * (k / (steps - 1.0) - 0.5) : 0), sy = by;
                double a = s[2] * scale / steps;
                int x0 = (int) Math.floor(sx), y0 = (int) Math.floor(sy);
                for (int y = Math.max(0, y0 - 6); y <= Math.min(H - 1, y0 + 6); y++)
                    for (int x = Math.max(0, x0 - 6); x <= Math.min(W - 1, x0 + 6); x++)
                        p[y * W + x] += (float) (a * Math.exp(-((x - sx) * (x - sx) + (y - sy) * (y - sy)) / (2 * 1.3 * 1.3)));
            }
        }
        return p;
    }

    static void gradient(float[] p, double amp) {
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) p[y * W + x] += (float) (amp * (x / (double) W + 0.6 * y / (double) H));
    }

    static void clouds(float[] p, long seed, double amp) {
        Random r = new Random(seed);
        for (int cell : new int[] {240, 80, 30}) {
            int gw = W / cell + 2, gh = H / cell + 2;
            double[] g = new double[gw * gh];
            for (int i = 0; i < g.length; i++) g[i] = r.nextGaussian() * amp * cell / 240.0;
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    double fx = x / (double) cell, fy = y / (double) cell;
                    int ix = (int) fx, iy = (int) fy;
                    double ax = fx - ix, ay = fy - iy;
                    ax = ax * ax * (3 - 2 * ax); ay = ay * ay * (3 - 2 * ay);
                    double v = (1 - ay) * ((1 - ax) * g[iy * gw + ix] + ax * g[iy * gw + ix + 1]) + ay * ((1 - ax) * g[(iy + 1) * gw + ix] + ax * g[(iy + 1) * gw + ix + 1]);
                    p[y * W + x] += (float) v;
                }
        }
    }

    static void trails(float[] p, long seed) {
        Random r = new Random(seed);
        for (int t = 0; t < 3; t++) {
            double x0 = r.nextDouble() * W, y0 = 0, x1 = r.nextDouble() * W, y1 = H, amp = 100 + 400 * r.nextDouble();
            for (int y = 0; y < H; y++) {
                double xc = x0 + (x1 - x0) * y / H;
                for (int x = Math.max(0, (int) xc - 5); x <= Math.min(W - 1, (int) xc + 5); x++)
                    p[y * W + x] += (float) (amp * Math.exp(-(x - xc) * (x - xc) / (2 * 1.5 * 1.5)));
            }
        }
    }

    /** The peak with its high-band S/N measured whatever its S/N or place (the registrar measures it only where it can decide). */
    static AreaCorrelation.Peak measured(AreaCorrelation.Prepared ref, AreaCorrelation.Prepared mov) {
        AreaCorrelation.Peak p = AreaCorrelation.peak(ref, mov);
        return new AreaCorrelation.Peak(p.dx(), p.dy(), p.snr(), AreaCorrelation.highBandSnr(ref, mov, p));
    }

    /** "S/N/high-band S/N", z when near the zero shift (the high band masked), and ACC when the rule accepts it (Seestar size). */
    static String v(AreaCorrelation.Peak p, double turn) {
        return String.format(Locale.ROOT, "%.2f/%.2f%s%s", p.snr(), p.highSnr(), AreaCorrelation.nearZero(AreaCorrelation.binFor(W, H), p) ? "z" : "",
                AreaCorrelation.accepts(W, H, turn, p) ? " ACC" : "");
    }

    static double[] snrs(AreaCorrelation.Prepared rp, float[] mov, double dq) {
        AreaCorrelation.Plane mp = AreaCorrelation.plane(mov, W, H);
        double[] out = new double[3];
        double[] turns = {0, -dq, dq};
        for (int i = 0; i < 3; i++) {
            if (dq == 0 && i > 0) { out[i] = Double.NaN; continue; }
            AreaCorrelation.Peak p = AreaCorrelation.peak(rp, AreaCorrelation.prepare(mp, turns[i]));
            out[i] = p.snr();
            if (i == 0) lastShift = new double[] {p.dx(), p.dy()};
        }
        return out;
    }
    static double[] lastShift;

    @Test
    void measure() {
        int seeds = Integer.getInteger("seeds", 6);
        double[] dqs = {0.1, 0.3, 1, 3};
        float[] pat = pattern(5, 180), patNoHot = pattern(5, 0);
        double[][] a = field(7, 2700);
        AreaCorrelation.Prepared refP = AreaCorrelation.prepare(frame(a, 1, 0, 0, 0, 0, pat, 1), W, H);
        AreaCorrelation.Prepared refNoPat = AreaCorrelation.prepare(frame(a, 1, 0, 0, 0, 0, null, 1), W, H);
        AreaCorrelation.Prepared refNoHot = AreaCorrelation.prepare(frame(a, 1, 0, 0, 0, 0, patNoHot, 1), W, H);
        String[] types = {"noise+pattern+hot", "noise, no pattern", "noise+pattern, no hot", "noise+pattern+hot+gradient", "other field", "clouds", "trails"};
        for (int t = 0; t < types.length; t++)
            for (int s = 0; s < seeds; s++) {
                long seed = 1000 + 100 * t + s;
                float[] m;
                AreaCorrelation.Prepared rp = refP;
                switch (t) {
                    case 0 -> m = frame(null, 1, 0, 0, 0, 0, pat, seed);
                    case 1 -> { m = frame(null, 1, 0, 0, 0, 0, null, seed); rp = refNoPat; }
                    case 2 -> { m = frame(null, 1, 0, 0, 0, 0, patNoHot, seed); rp = refNoHot; }
                    case 3 -> { m = frame(null, 1, 0, 0, 0, 0, pat, seed); gradient(m, 200); }
                    case 4 -> m = frame(field(seed, 2700), 1, 0, 0, 0, 0, pat, seed);
                    case 5 -> { m = frame(null, 1, 0, 0, 0, 0, pat, seed); clouds(m, seed, 80); }
                    default -> { m = frame(null, 1, 0, 0, 0, 0, pat, seed); trails(m, seed); }
                }
                AreaCorrelation.Plane mp = AreaCorrelation.plane(m, W, H);
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[NULL] %-28s seed %d:", types[t], s));
                AreaCorrelation.Peak p0 = measured(rp, AreaCorrelation.prepare(mp, 0));
                sb.append(String.format(Locale.ROOT, " 0: %s at (%.0f,%.0f)", v(p0, 0), p0.dx(), p0.dy()));
                for (double dq : dqs)
                    for (double sg : new double[] {-1, 1}) {
                        AreaCorrelation.Peak p = measured(rp, AreaCorrelation.prepare(mp, sg * dq));
                        sb.append(String.format(Locale.ROOT, " | %+.1f: %s at (%.0f,%.0f)", sg * dq, v(p, sg * dq), p.dx(), p.dy()));
                    }
                System.out.println(sb);
            }
        // true matches
        double[][] cases = { // scale, deg, dx, dy, smear
            {1, 0, 23.4, -17.2, 0}, {0.5, 0, 23.4, -17.2, 0}, {0.3, 0, 23.4, -17.2, 0}, {0.2, 0, 23.4, -17.2, 0},
            {1, 1, 23.4, -17.2, 0}, {0.5, 1, 23.4, -17.2, 0}, {0.3, 1, 23.4, -17.2, 0}, {0.2, 1, 23.4, -17.2, 0},
            {1, 3, -41.0, 30.5, 0}, {0.5, 3, -41.0, 30.5, 0}, {0.3, 3, -41.0, 30.5, 0},
            {1, 0.3, 6.2, 3.1, 0}, {0.5, 0.3, 6.2, 3.1, 0}, {0.3, 0.3, 6.2, 3.1, 0},
            {1, 1, 23.4, -17.2, 20}, {0.5, 1, 23.4, -17.2, 20}, {1, 0, 23.4, -17.2, 20}, {0.5, 0, 23.4, -17.2, 20},
        };
        for (double[] c : cases) {
            float[] m = frame(a, c[0], c[1], c[2], c[3], c[4], pat, 77);
            AreaCorrelation.Plane mp = AreaCorrelation.plane(m, W, H);
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[TRUE] scale %.1f rot %.1f shift (%.1f,%.1f) smear %.0f:", c[0], c[1], c[2], c[3], c[4]));
            double dq = c[1] == 0 ? 1 : c[1];
            for (double t : new double[] {0, -dq, dq}) {
                AreaCorrelation.Peak p = measured(refP, AreaCorrelation.prepare(mp, t));
                sb.append(String.format(Locale.ROOT, " | %+.1f: %s at (%.1f,%.1f)", t, v(p, t), p.dx(), p.dy()));
            }
            System.out.println(sb);
        }
    }

    @Test
    void zone() {
        int seeds = Integer.getInteger("seeds", 10);
        double[] dqs = {0.5, 0.7, 1, 1.5, 2};
        float[] pat = pattern(5, 180);
        double[][] a = field(7, 2700);
        AreaCorrelation.Prepared refP = AreaCorrelation.prepare(frame(a, 1, 0, 0, 0, 0, pat, 1), W, H);
        double half = 0.5 * Math.hypot(W, H);
        for (int t = 0; t < 2; t++)
            for (int s = 0; s < seeds; s++) {
                long seed = 5000 + 100 * t + s;
                float[] m = t == 0 ? frame(null, 1, 0, 0, 0, 0, pat, seed) : frame(field(seed, 2700), 1, 0, 0, 0, 0, pat, seed);
                AreaCorrelation.Plane mp = AreaCorrelation.plane(m, W, H);
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[ZONE] %s seed %d:", t == 0 ? "noise" : "field", s));
                for (double dq : dqs)
                    for (double sg : new double[] {-1, 1}) {
                        AreaCorrelation.Peak p = measured(refP, AreaCorrelation.prepare(mp, sg * dq));
                        double z = 2 + Math.toRadians(dq) * half;
                        sb.append(String.format(Locale.ROOT, " | %+.1f: %s %s r=%.1f", sg * dq, v(p, sg * dq), Math.hypot(p.dx(), p.dy()) <= z ? "IN" : "out", Math.hypot(p.dx(), p.dy())));
                    }
                System.out.println(sb);
            }
    }


    static FloatImage lum(Path p) throws Exception {
        Frame f = FrameRegistrar.starPixels(FitsFrame.open(p));
        return org.tessera.detect.Luminance.of(f);
    }

    @Test
    void real() throws Exception {
        Path d = Paths.get("../shared/data");
        List<Path> m94 = new ArrayList<>(), n7023 = new ArrayList<>();
        for (String n : new String[] {"night1", "night2", "night3"})
            try (var s = Files.list(d.resolve("seestar_m94_raw").resolve(n))) { s.sorted().forEach(m94::add); }
        try (var s = Files.list(d.resolve("seestar_ngc7023_solved"))) { s.filter(p -> p.toString().endsWith(".fit")).sorted().forEach(n7023::add); }
        Map<Path, AreaCorrelation.Plane> planes = new LinkedHashMap<>();
        Map<Path, Double> q = new HashMap<>();
        for (Path p : concat(m94, n7023)) {
            FloatImage l = lum(p);
            planes.put(p, AreaCorrelation.plane(l.plane(0), l.width(), l.height()));
            q.put(p, FieldRotation.parallacticAngleDeg(FitsFrame.open(p).keys()));
        }
        double[] dqs = {0.1, 0.3, 1, 3};
        // null: each NGC 7023 frame on M 94 frames (one per night) and back
        List<Path[]> pairs = new ArrayList<>();
        for (Path a : new Path[] {m94.get(0), m94.get(6), m94.get(8)}) for (Path b : n7023) { pairs.add(new Path[] {a, b, null}); pairs.add(new Path[] {b, a, null}); }
        // true: consecutive frames of one night / session
        for (int i = 1; i < 6; i++) pairs.add(new Path[] {m94.get(0), m94.get(i), m94.get(0)});
        pairs.add(new Path[] {m94.get(6), m94.get(7), m94.get(0)});
        for (int i = 9; i < 12; i++) pairs.add(new Path[] {m94.get(8), m94.get(i), m94.get(0)});
        for (int i = 1; i < n7023.size(); i++) pairs.add(new Path[] {n7023.get(0), n7023.get(i), n7023.get(0)});
        for (Path[] pr : pairs) {
            AreaCorrelation.Plane rp = planes.get(pr[0]), mp = planes.get(pr[1]);
            AreaCorrelation.Prepared r = AreaCorrelation.prepare(rp, 0);
            double hq = Math.IEEEremainder(q.get(pr[1]) - q.get(pr[0]), 360);
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[%s] %s -> %s dq(headers) %.2f:", pr[2] == null ? "RNULL" : "RTRUE",
                    pr[1].getFileName(), pr[0].getFileName(), hq));
            AreaCorrelation.Peak p0 = measured(r, AreaCorrelation.prepare(mp, 0));
            sb.append(String.format(Locale.ROOT, " 0: %s at (%.1f,%.1f)", v(p0, 0), p0.dx(), p0.dy()));
            List<Double> ts = new ArrayList<>();
            if (Double.isFinite(hq) && Math.abs(hq) >= 0.05) { ts.add(-hq); ts.add(hq); }
            for (double dq : dqs) { ts.add(-dq); ts.add(dq); }
            for (double t : ts) {
                AreaCorrelation.Peak p = measured(r, AreaCorrelation.prepare(mp, t));
                sb.append(String.format(Locale.ROOT, " | %+.2f: %s at (%.0f,%.0f)", t, v(p, t), p.dx(), p.dy()));
            }
            System.out.println(sb);
        }
    }

    static List<Path> concat(List<Path> a, List<Path> b) { List<Path> o = new ArrayList<>(a); o.addAll(b); return o; }

    @Test
    void allPairs() throws Exception {
        Path d = Paths.get("../shared/data");
        List<Path> m94 = new ArrayList<>(), n7023 = new ArrayList<>();
        for (String n : new String[] {"night1", "night2", "night3"})
            try (var s = Files.list(d.resolve("seestar_m94_raw").resolve(n))) { s.sorted().forEach(m94::add); }
        try (var s = Files.list(d.resolve("seestar_ngc7023_solved"))) { s.filter(p -> p.toString().endsWith(".fit")).sorted().forEach(n7023::add); }
        Map<Path, AreaCorrelation.Plane> planes = new LinkedHashMap<>();
        Map<Path, AreaCorrelation.Prepared> prep = new LinkedHashMap<>();
        Map<Path, Double> q = new HashMap<>();
        for (Path p : concat(m94, n7023)) {
            FloatImage l = lum(p);
            planes.put(p, AreaCorrelation.plane(l.plane(0), l.width(), l.height()));
            prep.put(p, AreaCorrelation.prepare(planes.get(p), 0));
            q.put(p, FieldRotation.parallacticAngleDeg(FitsFrame.open(p).keys()));
        }
        for (Path a : m94) for (Path b : n7023) for (Path[] pr : new Path[][] {{a, b}, {b, a}}) {
            double hq = Math.IEEEremainder(q.get(pr[1]) - q.get(pr[0]), 360);
            AreaCorrelation.Peak p0 = measured(prep.get(pr[0]), prep.get(pr[1]));
            AreaCorrelation.Peak pm = measured(prep.get(pr[0]), AreaCorrelation.prepare(planes.get(pr[1]), -hq));
            AreaCorrelation.Peak pp = measured(prep.get(pr[0]), AreaCorrelation.prepare(planes.get(pr[1]), hq));
            System.out.println(String.format(Locale.ROOT, "[ALLNULL] %s -> %s dq %.2f: 0: %s at (%.0f,%.0f) | -dq %s at (%.0f,%.0f) | +dq %s at (%.0f,%.0f)",
                    pr[1].getFileName(), pr[0].getFileName(), hq, v(p0, 0), p0.dx(), p0.dy(), v(pm, -hq), pm.dx(), pm.dy(), v(pp, hq), pp.dx(), pp.dy()));
        }
        // M 94 across nights (same target, other sessions: a common field at large dithers, or none)
        for (int i = 0; i < m94.size(); i++) for (int j = 0; j < m94.size(); j++) {
            if (i == j) continue;
            AreaCorrelation.Peak p0 = measured(prep.get(m94.get(i)), prep.get(m94.get(j)));
            System.out.println(String.format(Locale.ROOT, "[M94PAIR] %s -> %s: %s at (%.1f,%.1f)", m94.get(j).getFileName(), m94.get(i).getFileName(), v(p0, 0), p0.dx(), p0.dy()));
        }
    }


    @Test
    void shake() throws Exception {
        Path outDir = Paths.get(System.getProperty("shakeOut", "/tmp/shaken"));
        Files.createDirectories(outDir);
        for (String name : System.getProperty("shake", "").split(",")) {
            if (name.isBlank()) continue;
            Path in = Paths.get("/work/main/target/bench-e2e/frames_n200_k2").resolve(name);
            try (Fits f = new Fits(in.toFile())) {
                BasicHDU<?> hdu = f.readHDU();
                Object k = hdu.getKernel();
                int h = java.lang.reflect.Array.getLength(k), w = java.lang.reflect.Array.getLength(java.lang.reflect.Array.get(k, 0));
                double[][] v = new double[h][w];
                for (int y = 0; y < h; y++) { Object row = java.lang.reflect.Array.get(k, y); for (int x = 0; x < w; x++) v[y][x] = ((Number) java.lang.reflect.Array.get(row, x)).doubleValue(); }
                Object out = java.lang.reflect.Array.newInstance(k.getClass().getComponentType().getComponentType(), h, w);
                Header hd = hdu.getHeader();
                double bzero = hd.getDoubleValue("BZERO", 0);
                for (int y = 0; y < h; y++) {
                    Object row = java.lang.reflect.Array.get(out, y);
                    for (int x = 0; x < w; x++) {
                        double s = 0; int n = 0;
                        for (int o = -10; o <= 10; o += 2) { int xx = x + o; if (xx >= 0 && xx < w) { s += v[y][xx]; n++; } }
                        double m = s / n;
                        Class<?> c = row.getClass().getComponentType();
                        if (c == short.class) java.lang.reflect.Array.setShort(row, x, (short) Math.round(m));
                        else if (c == float.class) java.lang.reflect.Array.setFloat(row, x, (float) m);
                        else if (c == int.class) java.lang.reflect.Array.setInt(row, x, (int) Math.round(m));
                        else java.lang.reflect.Array.setDouble(row, x, m);
                    }
                }
                BasicHDU<?> o2 = Fits.makeHDU(out);
                Header oh = o2.getHeader();
                for (var it = hd.iterator(); it.hasNext(); ) {
                    HeaderCard c = it.next();
                    String key = c.getKey();
                    if (key == null || key.isEmpty() || key.equals("SIMPLE") || key.equals("BITPIX") || key.startsWith("NAXIS") || key.equals("END") || key.equals("EXTEND")) continue;
                    oh.addLine(c);
                }
                try (Fits fo = new Fits()) { fo.addHDU(o2); fo.write(outDir.resolve(name).toFile()); }
                System.out.println("[SHAKE] " + name + " " + w + "x" + h + " bzero " + bzero + " type " + k.getClass());
            }
        }
    }

    /** The real null's structure: the plain S/N of two such pairs read as the registrar reads them, and with Phase 1's hot-pixel correction. */
    @Test
    void hotPixels() throws Exception {
        Path d = Paths.get("../shared/data");
        String[][] pairs = {{"seestar_m94_raw/night1/Light_M_94_10.0s_IRCUT_20250326-212108.fit", "seestar_m94_raw/night3/Light_M_94_10.0s_IRCUT_20250409-225550.fit"},
            {"seestar_m94_raw/night1/Light_M_94_10.0s_IRCUT_20250326-212046.fit", "seestar_ngc7023_solved/Light_NGC_7023_10.0s_IRCUT_20240730-224436.fit"}};
        for (String[] pr : pairs)
            for (boolean corrected : new boolean[] {false, true}) {
                AreaCorrelation.Prepared[] pp = new AreaCorrelation.Prepared[2];
                for (int i = 0; i < 2; i++) {
                    Frame f = FitsFrame.open(d.resolve(pr[i]));
                    if (!corrected) f = FrameRegistrar.starPixels(f);
                    FloatImage l = org.tessera.detect.Luminance.of(f);
                    pp[i] = AreaCorrelation.prepare(l.plane(0), l.width(), l.height());
                }
                AreaCorrelation.Peak p = measured(pp[0], pp[1]);
                System.out.println(String.format(Locale.ROOT, "[HOT] %s -> %s, hot pixels %s: %s at (%.1f, %.1f)", pr[1], pr[0],
                        corrected ? "corrected" : "as stored", v(p, 0), p.dx(), p.dy()));
            }
    }

    /**
     * The high band's cost on the M 13 frames (frames 1, 2, 4, 5 on 3, each past 12 and away from the
     * zero shift, so measured): the surface and its peak alone (the rule before) against
     * {@link AreaCorrelation#peak(AreaCorrelation.Prepared, AreaCorrelation.Prepared)}, interleaved, the median of 7 rounds.
     */
    @Test
    void highBandCost() throws Exception {
        Path d = Paths.get("../shared/data/m13_raw_frames");
        AreaCorrelation.Prepared[] p = new AreaCorrelation.Prepared[5];
        for (int i = 0; i < 5; i++) {
            FloatImage l = lum(d.resolve("M13_blue_000" + (i + 1) + ".fits"));
            p[i] = AreaCorrelation.prepare(l.plane(0), l.width(), l.height());
        }
        int rounds = 7;
        double[] before = new double[rounds], after = new double[rounds];
        double sink = 0;
        for (int r = 0; r < rounds + 2; r++) {
            long t0 = System.nanoTime();
            for (int i : new int[] {0, 1, 3, 4}) sink += AreaCorrelation.peak(AreaCorrelation.surface(p[2], p[i], 0)).snr();
            long t1 = System.nanoTime();
            for (int i : new int[] {0, 1, 3, 4}) sink += AreaCorrelation.peak(p[2], p[i]).highSnr();
            long t2 = System.nanoTime();
            if (r >= 2) { before[r - 2] = (t1 - t0) / 4e6; after[r - 2] = (t2 - t1) / 4e6; }
        }
        Arrays.sort(before);
        Arrays.sort(after);
        System.out.println(String.format(Locale.ROOT, "[COST] M 13, per frame: surface and peak %.1f ms, with the high band %.1f ms (medians of %d rounds; %s)",
                before[rounds / 2], after[rounds / 2], rounds, sink != 0 ? "ok" : "-"));
    }
    /**
     * Any pairs of files: {@code -Dpairs=REF:MOV:TURN,...} (TURN in degrees, tried either way), each
     * candidate's S/N and high band ({@code [PAIR]}); e.g. the shaken e2e frames on their reference.
     */
    @Test
    void pairs() throws Exception {
        for (String pr : System.getProperty("pairs", "").split(",")) {
            if (pr.isBlank()) continue;
            String[] f = pr.split(":");
            FloatImage a = lum(Paths.get(f[0])), b = lum(Paths.get(f[1]));
            AreaCorrelation.Prepared r = AreaCorrelation.prepare(a.plane(0), a.width(), a.height());
            AreaCorrelation.Plane mp = AreaCorrelation.plane(b.plane(0), b.width(), b.height());
            double t = Double.parseDouble(f[2]);
            StringBuilder sb = new StringBuilder("[PAIR] " + Paths.get(f[1]).getFileName() + " -> " + Paths.get(f[0]).getFileName() + ":");
            for (double turn : new double[] {0, -t, t}) {
                AreaCorrelation.Peak p = measured(r, AreaCorrelation.prepare(mp, turn));
                sb.append(String.format(Locale.ROOT, " | %+.2f: %s at (%.2f,%.2f)", turn, v(p, turn), p.dx(), p.dy()));
            }
            System.out.println(sb);
        }
    }
    /**
     * The high band near the zero-shift zone's edge ({@link AreaCorrelation#nearZero}: ± 6 px at
     * Seestar size): the faint field at 0.3, 0.5 and 1 of its brightness, shifted by (d, 0.4) px
     * and (d, d) px for d = 4…16, plain ({@code [EDGE]}).
     */
    @Test
    void zoneEdge() {
        float[] pat = pattern(5, 180);
        double[][] a = field(7, 2700);
        AreaCorrelation.Prepared refP = AreaCorrelation.prepare(frame(a, 1, 0, 0, 0, 0, pat, 1), W, H);
        for (double scale : new double[] {0.3, 0.5, 1})
            for (boolean diag : new boolean[] {false, true}) {
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[EDGE] scale %.1f %s:", scale, diag ? "(d, d)" : "(d, 0.4)"));
                for (int d = 4; d <= 16; d += 2) {
                    AreaCorrelation.Plane mp = AreaCorrelation.plane(frame(a, scale, 0, d, diag ? d : 0.4, 0, pat, 77 + d), W, H);
                    AreaCorrelation.Peak p = measured(refP, AreaCorrelation.prepare(mp, 0));
                    sb.append(String.format(Locale.ROOT, " | %d: %s at (%.1f,%.1f)", d, v(p, 0), p.dx(), p.dy()));
                }
                System.out.println(sb);
            }
    }
}
