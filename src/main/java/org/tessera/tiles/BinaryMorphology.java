package org.tessera.tiles;

/**
 * Binary opening and the exact Euclidean distance transform on row-major masks, with the
 * conventions of scipy.ndimage that the original used: outside the image counts as background
 * for erosion, and distances are measured to the nearest background pixel inside the image.
 */
final class BinaryMorphology {
    private BinaryMorphology() {}

    /**
     * Opening by the diamond {|dx| + |dy| ≤ radius} (scipy's cross structure dilated radius-1
     * times): radius cross erosions then radius cross dilations, which compose to the diamond.
     */
    static boolean[] open(boolean[] m, int w, int h, int radius) {
        boolean[] a = m.clone(), b = new boolean[m.length];
        for (int i = 0; i < radius; i++) { crossStep(a, b, w, h, true); boolean[] t = a; a = b; b = t; }
        for (int i = 0; i < radius; i++) { crossStep(a, b, w, h, false); boolean[] t = a; a = b; b = t; }
        return a;
    }

    private static void crossStep(boolean[] in, boolean[] out, int w, int h, boolean erode) {
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                int i = row + x;
                boolean l = x > 0 && in[i - 1], r = x < w - 1 && in[i + 1];
                boolean u = y > 0 && in[i - w], d = y < h - 1 && in[i + w];
                out[i] = erode ? in[i] && l && r && u && d : in[i] || l || r || u || d;
            }
        }
    }

    /** Stand-in for "no background pixel at all" in squared distances. */
    static final double INF = 1e30;

    /**
     * Euclidean distance of each foreground pixel to the nearest background pixel (0 on
     * background); {@link Double#POSITIVE_INFINITY} everywhere when there is no background.
     * Felzenszwalb &amp; Huttenlocher (2012), separable lower envelope of parabolas.
     */
    static double[] distanceToBackground(boolean[] fg, int w, int h) {
        int n = Math.max(w, h);
        double[] f = new double[n], d = new double[n], z = new double[n + 1];
        int[] v = new int[n];
        double[] g = new double[fg.length];
        for (int i = 0; i < fg.length; i++) g[i] = fg[i] ? INF : 0;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) f[y] = g[y * w + x];
            dt1d(f, h, d, v, z);
            for (int y = 0; y < h; y++) g[y * w + x] = d[y];
        }
        for (int y = 0; y < h; y++) {
            System.arraycopy(g, y * w, f, 0, w);
            dt1d(f, w, d, v, z);
            for (int x = 0; x < w; x++) {
                double s = d[x];
                g[y * w + x] = s >= INF / 2 ? Double.POSITIVE_INFINITY : Math.sqrt(s);
            }
        }
        return g;
    }

    private static void dt1d(double[] f, int n, double[] d, int[] v, double[] z) {
        int k = 0;
        v[0] = 0;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        for (int q = 1; q < n; q++) {
            double s = intersect(f, q, v[k]);
            while (s <= z[k]) {
                k--;
                s = intersect(f, q, v[k]);
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            while (z[k + 1] < q) k++;
            double dq = q - v[k];
            d[q] = Math.min(INF, dq * dq + f[v[k]]);
        }
    }

    private static double intersect(double[] f, int q, int p) {
        return ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * q - 2.0 * p);
    }
}
