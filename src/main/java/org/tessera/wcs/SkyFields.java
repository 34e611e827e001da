package org.tessera.wcs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Separate fields among footprints: the groups that no chain of nearby footprints joins. A mosaic
 * of two targets far apart (M 94 and NGC 7023, 63° apart) would be one TAN grid spanning both,
 * gigabytes of empty pixels; every place that makes a final grid asks here first.
 * <p>
 * Rule: two footprints are <em>near</em> when the gap between their enclosing circles (centre to
 * farthest border point, {@link Footprints#radiusDeg}) is at most {@value #GAP_DIAMETERS} times the
 * larger circle's diameter — overlapping panels, panels with gaps of a field or two between them, and
 * long or diagonal strips are one field, whatever share of their north-up grid stays empty; a field
 * is a connected group of the "near" graph (union-find over all pairs). The test is on circles, so it
 * only ever joins more than the true footprint gaps would: it errs towards one mosaic.
 */
public final class SkyFields {
    private SkyFields() {}

    /** Largest gap between two footprints' enclosing circles, in diameters of the larger one, that still joins them. */
    public static final double GAP_DIAMETERS = 2.0;

    /** Most fields a message lists one by one. */
    static final int LISTED = 10;

    /** One field: the indices of its footprints (ascending) and its centre (normalised sum of their centres). */
    public record Field(List<Integer> members, double ra, double dec) {
        public int size() {
            return members.size();
        }
    }

    /**
     * The fields of the footprints, in the order of their first footprint.
     *
     * @throws IllegalArgumentException when a footprint's centre cannot be mapped to the sky
     */
    public static List<Field> of(List<WcsGrid> footprints) {
        int n = footprints.size();
        double[][] u = new double[n][];
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            WcsGrid g = footprints.get(i);
            double[] c = g.centre();
            if (Double.isNaN(c[0]) || Double.isNaN(c[1]))
                throw new IllegalArgumentException("footprint centre cannot be mapped to the sky: " + g.wcs());
            u[i] = SkyMath.unit(c[0], c[1]);
            r[i] = Footprints.radiusDeg(g);
        }
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                if (find(parent, i) == find(parent, j)) continue; // joined already: no distance needed
                double reach = r[i] + r[j] + GAP_DIAMETERS * 2 * Math.max(r[i], r[j]);
                // cos is monotone on [0°, 180°]: compare dot products, no trigonometry per pair
                if (reach < 180 && dot(u[i], u[j]) < Math.cos(Math.toRadians(reach))) continue;
                union(parent, i, j);
            }
        Map<Integer, List<Integer>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) byRoot.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
        List<Field> out = new ArrayList<>();
        double[] rd = new double[2];
        for (List<Integer> m : byRoot.values()) {
            double x = 0, y = 0, z = 0;
            for (int i : m) {
                x += u[i][0];
                y += u[i][1];
                z += u[i][2];
            }
            SkyMath.toRaDec(x, y, z, rd);
            out.add(new Field(List.copyOf(m), rd[0], rd[1]));
        }
        return out;
    }

    /**
     * Refused: footprints of separate fields. The message is written for the user (what, where,
     * what the one mosaic would have cost, what to do); {@link #fields()} holds the groups.
     */
    public static final class Separate extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final transient List<Field> fields;

        Separate(String message, List<Field> fields) {
            super(message);
            this.fields = fields;
        }

        public List<Field> fields() {
            return fields;
        }
    }

    /** The config key that lets inputs of separate fields make one mosaic anyway (false by default). */
    public static final String KEY = "allow_separate_fields";

    private static final Logger LOG = Logger.getLogger("org.tessera.wcs");

    /**
     * What every place that makes one grid of many inputs runs first: {@link #requireOne}, logged
     * under {@code tag}; with {@code allowed} ({@value #KEY}=true) the fields are only logged.
     * {@code product} ("mosaic", "stack") and {@code file} are the message's words for what the run
     * would write (its size is given): each caller names its own file ({@code mosaic.fits},
     * Grid mode's {@code mosaic_grid.fits}, a stack's output), none is assumed here. {@code step} is
     * the work the stop comes before, in the log line ("stacking"; "reprojection" for a job that
     * stacks nothing).
     *
     * @throws Separate when the footprints fall into separate fields and {@code allowed} is false
     */
    public static void check(List<WcsGrid> footprints, List<String> names, int channels, boolean allowed, String tag,
                             String noun, String advice, String product, String file, String step) {
        try {
            requireOne(footprints, names, noun, channels, advice + (allowed ? "" : " (or set " + KEY + "=true to make "
                    + "the one " + product + " anyway)"), product, file);
        } catch (Separate e) {
            List<Field> fs = e.fields();
            String what = String.format(Locale.ROOT, "%s %d separate fields among %d %s%s", tag, fs.size(), footprints.size(),
                    noun, fs.size() == 2 ? String.format(Locale.ROOT, " (%.1f deg apart)", apart(fs.get(0), fs.get(1))) : "");
            if (!allowed) {
                LOG.warning(what + ": stopped before any " + step);
                throw e;
            }
            LOG.warning(what + ": one " + product + " of them all, as " + KEY + "=true asks: " + e.getMessage());
        }
    }

    /**
     * Throws {@link Separate} when the footprints fall into two fields or more.
     *
     * @param footprints the inputs' footprints
     * @param names      each footprint's file name (the message names the first of each field)
     * @param noun       what the inputs are, e.g. "frame(s)", "image(s)"
     * @param channels   channels of the mosaic that would be written (for its size in bytes)
     * @param advice     what to do instead, e.g. "make one mosaic per field: the frames of each field in their own folder"
     * @param product    what would be made of them, e.g. "mosaic"
     * @param file       the file it would be written as, e.g. "mosaic.fits"
     */
    public static void requireOne(List<WcsGrid> footprints, List<String> names, String noun, int channels, String advice,
                                  String product, String file) {
        List<Field> fields = of(footprints);
        if (fields.size() < 2) return;
        throw new Separate(message(fields, footprints, names, noun, channels, advice, product, file), fields);
    }

    static String message(List<Field> fields, List<WcsGrid> footprints, List<String> names, String noun, int channels,
                          String advice, String product, String file) {
        StringBuilder m = new StringBuilder();
        m.append(String.format(Locale.ROOT, "the %d %s are of %d separate fields", footprints.size(), noun, fields.size()));
        if (fields.size() == 2)
            m.append(String.format(Locale.ROOT, ", %.1f deg apart", apart(fields.get(0), fields.get(1))));
        double[] shape = OptimalGrid.shape(footprints);
        if (shape == null) m.append("; no single mosaic grid can hold them (they spread over a hemisphere).");
        else m.append(String.format(Locale.ROOT, "; one %s of them would be a %.0fx%.0f px grid (%s about %s), "
                + "mostly empty.", product, shape[0], shape[1], file, gigabytes(shape[0] * shape[1] * channels * Float.BYTES)));
        for (int k = 0; k < Math.min(LISTED, fields.size()); k++) {
            Field f = fields.get(k);
            m.append(String.format(Locale.ROOT, " %s %d: %d %s around RA %.4f, Dec %+.4f (first: %s", k == 0 ? "Field" : "field", k + 1, f.size(),
                    noun, f.ra(), f.dec(), names.get(f.members().get(0))));
            if (fields.size() > 2) {
                int near = -1;
                for (int j = 0; j < fields.size(); j++)
                    if (j != k && (near < 0 || apart(f, fields.get(j)) < apart(f, fields.get(near)))) near = j;
                m.append(String.format(Locale.ROOT, "; %.1f deg from field %d", apart(f, fields.get(near)), near + 1));
            }
            m.append(k + 1 < fields.size() ? ");" : ")");
        }
        if (fields.size() > LISTED) m.append(String.format(Locale.ROOT, " … and %d more fields", fields.size() - LISTED));
        return m.append(". ").append(Character.toUpperCase(advice.charAt(0))).append(advice.substring(1)).toString();
    }

    /** Separation of two fields' centres in degrees. */
    public static double apart(Field a, Field b) {
        return SkyMath.separationDeg(a.ra(), a.dec(), b.ra(), b.dec());
    }

    private static String gigabytes(double bytes) {
        return bytes >= 1e9 ? String.format(Locale.ROOT, "%.1f GB", bytes / 1e9) : String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) i = parent[i] = parent[parent[i]];
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a), rb = find(parent, b);
        if (ra != rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
}
