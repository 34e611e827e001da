package org.tessera.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.tessera.image.FloatImage;

/**
 * Finds stars on a luminance plane (see {@link Luminance}): background and noise maps from a
 * coarse mesh of clipped medians ({@link BackgroundMesh}); pixels above background + k·σ grouped
 * into 8-connected regions; regions of at least {@code minArea} pixels that are neither too large
 * (galaxy cores, nebula knots) nor elongated (satellite and aircraft trails) become stars.
 * <p>
 * Per star: a Gaussian-windowed centroid (iterated as SExtractor's XWIN, so faint stars are not
 * pulled by the threshold cut), the background-subtracted flux over the region, the peak, the FWHM
 * from the shared profile fit ({@link StarProfile}; unless {@link Params#fwhm} is off) and a
 * saturation flag (a flat top of at least three pixels within 0.1 % of the peak, in the upper half
 * of the image's range). Results are sorted by decreasing flux and capped at {@code maxStars}.
 * Deterministic: no randomness, one thread.
 */
public final class StarDetector {

    /**
     * @param sigma     detection threshold in units of the local noise
     * @param minArea   fewest connected pixels above the threshold
     * @param maxArea   regions larger than this are extended objects, not stars
     * @param maxElongation regions whose second-moment axis ratio exceeds this are trails
     * @param maxStars  keep at most this many (brightest) stars; 0 = all
     * @param meshCell  background mesh cell size in pixels
     * @param meshQuarter each mesh cell measured on a quarter of its pixels
     *                  ({@link BackgroundMesh#measure(float[], int, int, int, boolean)})
     * @param fwhm      measure each star's FWHM (else NaN: registration does not use it)
     */
    public record Params(double sigma, int minArea, int maxArea, double maxElongation, int maxStars, int meshCell,
                         boolean meshQuarter, boolean fwhm) {
        public Params {
            if (!(sigma > 0) || minArea < 1 || maxArea < minArea || !(maxElongation >= 1) || maxStars < 0 || meshCell < 8)
                throw new IllegalArgumentException("bad star detector parameters");
        }

        public Params(double sigma, int minArea, int maxArea, double maxElongation, int maxStars, int meshCell) {
            this(sigma, minArea, maxArea, maxElongation, maxStars, meshCell, false, true);
        }

        /** 5σ, 5 px, 2500 px, axis ratio 3, 500 stars, 64-pixel mesh on every pixel, FWHM measured. */
        public static Params defaults() { return new Params(5, 5, 2500, 3, 500, 64); }

        /**
         * What registration needs, at a fraction of the cost: {@link #defaults} with the mesh on a
         * quarter of each cell's pixels and no FWHM (positions and fluxes only; docs/registration.md
         * gives the effect on registrations: a few thousandths of a pixel).
         */
        public static Params forRegistration() { return defaults().withMeshQuarter(true).withFwhm(false); }

        public Params withMaxStars(int n) {
            return new Params(sigma, minArea, maxArea, maxElongation, n, meshCell, meshQuarter, fwhm);
        }

        public Params withSigma(double s) {
            return new Params(s, minArea, maxArea, maxElongation, maxStars, meshCell, meshQuarter, fwhm);
        }

        public Params withMeshQuarter(boolean on) {
            return new Params(sigma, minArea, maxArea, maxElongation, maxStars, meshCell, on, fwhm);
        }

        public Params withFwhm(boolean on) {
            return new Params(sigma, minArea, maxArea, maxElongation, maxStars, meshCell, meshQuarter, on);
        }
    }

    private final Params params;

    public StarDetector() { this(Params.defaults()); }

    public StarDetector(Params params) { this.params = params; }

    public Params params() { return params; }

    /** Stars of channel 0 of a luminance image. */
    public List<Star> detect(FloatImage luminance) {
        return detect(luminance.plane(0), luminance.width(), luminance.height());
    }

    /** Stars of a row-major plane of {@code width × height} floats (NaN = no data). */
    public List<Star> detect(float[] p, int width, int height) {
        if (p.length < (long) width * height) throw new IllegalArgumentException("plane shorter than " + width + "x" + height);
        BackgroundMesh mesh = BackgroundMesh.measure(p, width, height, params.meshCell(), params.meshQuarter());
        // One pass over the rows marks the pixels above the threshold, from the maps' rows (the
        // whole maps are never made: two planes of the frame's size per detection, which the
        // garbage collector then has to clear; measure() takes the few pixels it needs from rows).
        BackgroundMesh.Rows rows = mesh.rows();
        byte[] state = scratch(width * height); // ABOVE = above threshold, not yet visited
        double k = params.sigma();
        float max = Float.NEGATIVE_INFINITY, min = Float.POSITIVE_INFINITY;
        for (int i = 0; i < width * height; i++) {
            float v = p[i];
            if (v > max) max = v;
            if (v < min) min = v;
        }
        for (int y = 0; y < height; y++) rows.markAbove(p, y, k, state, ABOVE);
        double satFloor = min + 0.5 * (max - min);

        int[] stack = new int[1024];
        int[] region = new int[1024];
        List<Region> found = new ArrayList<>();
        for (int start = 0; start < width * height; start++) {
            if (state[start] != ABOVE) continue;
            // flood fill (8-connected) of the pixels above threshold
            int sp = 0, n = 0;
            stack[sp++] = start;
            state[start] = VISITED;
            while (sp > 0) {
                int i = stack[--sp];
                if (n == region.length) region = java.util.Arrays.copyOf(region, n * 2);
                region[n++] = i;
                int x = i % width, y = i / width;
                for (int dy = -1; dy <= 1; dy++) {
                    int yy = y + dy;
                    if (yy < 0 || yy >= height) continue;
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = x + dx;
                        if (xx < 0 || xx >= width || (dx == 0 && dy == 0)) continue;
                        int j = yy * width + xx;
                        if (state[j] != ABOVE) continue;
                        state[j] = VISITED;
                        if (sp == stack.length) stack = java.util.Arrays.copyOf(stack, sp * 2);
                        stack[sp++] = j;
                    }
                }
            }
            if (n < params.minArea() || n > params.maxArea()) continue;
            Region r = region(p, width, rows, region, n, satFloor);
            if (r != null) found.add(r);
        }
        spare.offerFirst(state);
        // The windowed centroid (most of a star's cost) only for the regions that can make the
        // cap: the list is cut by flux, which the regions already have; all regions at the cut's
        // flux are kept for the sort's tie-break on position, so the list is the same as when
        // every region is measured.
        int cap = params.maxStars();
        double cut = Double.NEGATIVE_INFINITY;
        if (cap > 0 && found.size() > cap) {
            double[] fl = new double[found.size()];
            for (int i = 0; i < fl.length; i++) fl[i] = -found.get(i).flux;
            java.util.Arrays.sort(fl);
            cut = -fl[cap - 1];
        }
        List<Star> stars = new ArrayList<>();
        for (Region r : found) if (r.flux >= cut) stars.add(star(p, width, height, rows, r));
        stars.sort(Comparator.comparingDouble(Star::flux).reversed().thenComparingDouble(Star::y).thenComparingDouble(Star::x));
        return cap > 0 && stars.size() > cap ? new ArrayList<>(stars.subList(0, cap)) : stars;
    }

    private static final byte ABOVE = 2, VISITED = 1;

    /**
     * Pixel-state buffers of finished detections, reused by the next ones (2 MB per Seestar frame;
     * at most one per thread detecting at once, freed with the detector).
     */
    private final java.util.concurrent.ConcurrentLinkedDeque<byte[]> spare = new java.util.concurrent.ConcurrentLinkedDeque<>();

    private byte[] scratch(int n) {
        byte[] s = spare.pollFirst();
        return s != null && s.length >= n ? s : new byte[n];
    }

    /** A region that is a star: its moments' centroid and size, flux, peak, saturation. */
    private record Region(double cx, double cy, double tr, double flux, double peak, int peakIdx, boolean saturated) {}

    /** The star candidate of one region, or null for a trail or a region without positive flux. */
    private Region region(float[] p, int w, BackgroundMesh.Rows bg, int[] region, int n, double satFloor) {
        double f = 0, sx = 0, sy = 0, peak = Double.NEGATIVE_INFINITY, rawPeak = Double.NEGATIVE_INFINITY;
        int peakIdx = region[0];
        for (int r = 0; r < n; r++) {
            int i = region[r];
            double v = p[i] - bg.background(i % w, i / w);
            f += v;
            sx += v * (i % w);
            sy += v * (i / w);
            if (v > peak) { peak = v; peakIdx = i; }
            if (p[i] > rawPeak) rawPeak = p[i];
        }
        if (!(f > 0)) return null;
        double cx = sx / f, cy = sy / f;
        double mxx = 0, myy = 0, mxy = 0;
        int flat = 0;
        for (int r = 0; r < n; r++) {
            int i = region[r];
            double v = p[i] - bg.background(i % w, i / w), dx = i % w - cx, dy = i / w - cy;
            mxx += v * dx * dx;
            myy += v * dy * dy;
            mxy += v * dx * dy;
            if (p[i] >= rawPeak - 1e-3 * Math.abs(rawPeak)) flat++;
        }
        mxx /= f;
        myy /= f;
        mxy /= f;
        double tr = 0.5 * (mxx + myy), dif = Math.sqrt(0.25 * (mxx - myy) * (mxx - myy) + mxy * mxy);
        double l1 = tr + dif, l2 = Math.max(tr - dif, 1e-6);
        if (n >= 9 && Math.sqrt(l1 / l2) > params.maxElongation()) return null;
        boolean saturated = flat >= 3 && rawPeak >= satFloor;
        return new Region(cx, cy, tr, f, peak, peakIdx, saturated);
    }

    /** A region's star: its Gaussian-windowed centroid and, when asked for, its FWHM. */
    private Star star(float[] p, int w, int h, BackgroundMesh.Rows bg, Region reg) {
        double cx = reg.cx, cy = reg.cy, tr = reg.tr, f = reg.flux, peak = reg.peak;
        int peakIdx = reg.peakIdx;
        boolean saturated = reg.saturated;
        // Gaussian-windowed centroid (SExtractor XWIN): sigma from the region's second moments.
        double sw = Math.max(0.6, Math.min(6, Math.sqrt(Math.max(tr, 0.1))));
        int rad = (int) Math.ceil(3 * sw);
        for (int it = 0; it < 10; it++) {
            double gw = 0, gx = 0, gy = 0;
            int ix = (int) Math.round(cx), iy = (int) Math.round(cy);
            for (int y = Math.max(0, iy - rad); y <= Math.min(h - 1, iy + rad); y++)
                for (int x = Math.max(0, ix - rad); x <= Math.min(w - 1, ix + rad); x++) {
                    int i = y * w + x;
                    double v = p[i] - bg.background(x, y);
                    if (!Double.isFinite(v)) continue;
                    double dx = x - cx, dy = y - cy;
                    double g = v * Math.exp(-(dx * dx + dy * dy) / (2 * sw * sw));
                    gw += g;
                    gx += g * dx;
                    gy += g * dy;
                }
            if (!(gw > 0)) break;
            // XWIN's factor 2: the weighted first moment of a Gaussian star under a Gaussian window
            // of the same width moves half-way to the true centre.
            double ddx = 2 * gx / gw, ddy = 2 * gy / gw;
            if (Math.abs(ddx) > 2 || Math.abs(ddy) > 2) break; // diverging (blend): keep the moments
            cx += ddx;
            cy += ddy;
            if (ddx * ddx + ddy * ddy < 1e-8) break;
        }
        int px = peakIdx % w, py = peakIdx / w, R = StarProfile.RADIUS;
        double fwhm = Double.NaN;
        if (params.fwhm() && !saturated && px >= R && px < w - R && py >= R && py < h - R)
            fwhm = StarProfile.fwhm(p, w, px, py, bg.background(px, py), bg.noise(px, py), Double.POSITIVE_INFINITY);
        return new Star(cx, cy, f, fwhm, peak, saturated);
    }
}
