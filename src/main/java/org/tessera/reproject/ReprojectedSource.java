package org.tessera.reproject;

import java.io.IOException;
import java.util.Arrays;

import org.tessera.image.AllFinite;
import org.tessera.image.RowSource;
import org.tessera.image.StableRows;
import org.tessera.wcs.Footprints;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsGrid;
import org.tessera.wcs.WcsMapping;

/**
 * A source image seen on another pixel grid: reading a band of the target grid maps each target
 * pixel through the sky to the source (control-point mapping, {@link WcsMapping}, error below
 * 0.01 px) and interpolates with a {@link Kernel} (bilinear unless told otherwise), reading only
 * the source rows that band needs. Target pixels outside the source footprint are NaN. This is
 * how Phase 3 aligns a frame onto its group's reference grid without holding the frame whole.
 * <p>
 * A source pixel is valid when all its channels are finite; a target pixel is inside the
 * footprint when its nearest source pixel is valid (astropy's [-0.5, n-0.5] convention). With
 * {@link Kernel#EXACT} it is inside when its square overlaps valid pixels, and its value is the
 * mean over the part it overlaps (the fractional weight is not returned).
 * Thread-safe: each call works on its own buffers.
 */
public final class ReprojectedSource implements RowSource {

    private final RowSource src;
    private final WcsGrid target;
    private final Kernel kernel;
    private final WcsMapping mapping;
    private final Wcs srcWcs;
    /** {@link #footprintPixels()}, measured when first asked for; -1 before. */
    private volatile long footprint = -1;
    /** Bilinear on a source without NaN straight into the band ({@link KernelSampler#bilinearInto}). */
    private final boolean direct;

    public ReprojectedSource(RowSource src, Wcs srcWcs, WcsGrid target) {
        this(src, srcWcs, target, Kernel.BILINEAR);
    }

    public ReprojectedSource(RowSource src, Wcs srcWcs, WcsGrid target, Kernel kernel) {
        this.src = src;
        this.target = target;
        this.kernel = kernel;
        this.mapping = new WcsMapping(target.wcs(), srcWcs);
        this.srcWcs = srcWcs;
        this.direct = true;
    }

    private ReprojectedSource(ReprojectedSource o, boolean direct) {
        this.src = o.src;
        this.target = o.target;
        this.kernel = o.kernel;
        this.mapping = o.mapping;
        this.srcWcs = o.srcWcs;
        this.direct = direct;
    }

    /** The same view through the weight row of {@link KernelSampler#mapAndSample} always (tests compare the two). */
    ReprojectedSource withoutDirectPath() {
        return new ReprojectedSource(this, false);
    }

    @Override public int width() { return target.width(); }
    @Override public int height() { return target.height(); }
    @Override public int channels() { return src.channels(); }

    /** The name of the source it shows (its frame's file name), so that a dropped frame is named. */
    @Override public String name() { return src.name(); }

    /** The area of the source's border drawn on the target grid and clipped to it ({@link Footprints#areaOn}). */
    @Override
    public long footprintPixels() {
        long f = footprint;
        if (f < 0) footprint = f = Math.min((long) target.width() * target.height(),
                Math.round(Footprints.areaOn(srcWcs, src.width(), src.height(), target)));
        return f;
    }

    public Kernel kernel() { return kernel; }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        if (y0 < 0 || rows < 0 || y0 + rows > target.height())
            throw new IndexOutOfBoundsException("rows [" + y0 + ", " + (y0 + rows) + ") outside 0.." + target.height());
        int w = target.width(), nc = src.channels();
        if (rows == 0) return;
        WcsMapping.Region region = KernelSampler.region(kernel, mapping, 0, y0, w, y0 + rows);
        double[] b = region.sourceBounds();
        int pad = kernel.radius() + 1;
        int sh = src.height(), sw = src.width();
        int r0 = b == null ? 0 : (int) Math.max(0, Math.floor(b[2]) - pad);
        int r1 = b == null ? 0 : (int) Math.min(sh, Math.floor(b[3]) + pad + 1);
        if (b == null || b[1] < -0.5 || b[0] > sw - 0.5 || r0 >= r1) { // nothing of the source in these rows
            for (int c = 0; c < nc; c++) Arrays.fill(dst[c], 0, rows * w, Float.NaN);
            return;
        }
        int srows = r1 - r0;
        Band band = take(nc, srows * sw);
        try {
            read(band, r0, r1);
            sample(y0, rows, dst, region, band.planes, r0, srows);
        } catch (IOException | RuntimeException e) {
            band.src = null;
            throw e;
        } finally {
            SCRATCH.set(band);
        }
    }

    /**
     * Source rows [r0, r1) into band.planes from index 0. A source whose rows never change
     * ({@link StableRows}) keeps the rows the thread's last call read: the next band of a survey
     * from the top starts inside them (a rotated frame's bands overlap by the rotation's height),
     * so only the rows after them are read (the same floats: a source's rows do not depend on the
     * band they are read in).
     */
    private void read(Band band, int r0, int r1) throws IOException {
        int sw = src.width(), nc = band.planes.length;
        int keep = band.src == src && src instanceof StableRows && band.r0 <= r0 && r0 < band.r1
                ? Math.min(band.r1, r1) - r0 : 0;
        if (keep > 0) {
            for (float[] p : band.planes) System.arraycopy(p, (r0 - band.r0) * sw, p, 0, keep * sw);
            int n = r1 - r0 - keep;
            if (n > 0) {
                float[][] more = MORE.get();
                MORE.set(null); // in use (a nested view gets its own)
                if (more == null || more.length != nc || more[0].length < n * sw) more = new float[nc][n * sw];
                try {
                    src.readRows(r0 + keep, n, more);
                    for (int c = 0; c < nc; c++) System.arraycopy(more[c], 0, band.planes[c], keep * sw, n * sw);
                } finally {
                    MORE.set(more);
                }
            }
        } else {
            src.readRows(r0, r1 - r0, band.planes);
        }
        band.src = src;
        band.r0 = r0;
        band.r1 = r1;
    }

    /** A thread's source band: its planes, and which rows of which source they hold. */
    private static final class Band {
        final float[][] planes;
        RowSource src;
        int r0, r1;

        Band(float[][] planes) { this.planes = planes; }
    }

    /** Rows [y0, y0 + rows) from the source rows [r0, r0 + srows), read into band. */
    private void sample(int y0, int rows, float[][] dst, WcsMapping.Region region, float[][] band, int r0, int srows)
            throws IOException {
        int w = target.width(), nc = src.channels(), sh = src.height(), sw = src.width();
        // A source that holds no NaN (a raw integer frame) needs no look for one.
        float[] valid = src instanceof AllFinite f && f.allFinite() ? null : validity(band, srows * sw);
        SourceStrip strip = SourceStrip.contiguous(sw, r0, srows, band, valid, new int[] {0, sw, 0, sh});

        KernelSampler.Positions pos = new KernelSampler.Positions(w);
        if (direct && kernel == Kernel.BILINEAR && valid == null && nc <= 3) {
            // Phase 3's frames: straight into the band, NaN outside the footprint, no weight row and
            // no copy (the same values)
            for (int r = 0; r < rows; r++) {
                region.mapRow(y0 + r, 0, w, pos.x, pos.y);
                KernelSampler.bilinearInto(strip, pos.x, pos.y, w, dst, r * w);
            }
            return;
        }
        for (int c = 0; c < nc; c++) Arrays.fill(dst[c], 0, rows * w, Float.NaN);
        float[] wOut = new float[w];
        float[][] vOut = new float[nc][w];
        for (int r = 0; r < rows; r++) {
            KernelSampler.mapAndSample(kernel, region, strip, y0 + r, 0, w, pos, wOut, vOut);
            int base = r * w;
            for (int x = 0; x < w; x++) {
                if (wOut[x] > 0) for (int c = 0; c < nc; c++) dst[c][base + x] = vOut[c][x];
            }
        }
    }

    /**
     * This thread's source band, reused from call to call: a rotated frame's band is several MB,
     * and under the launcher's serial collector every array over 1 MB is born in the old generation,
     * so a new one per call filled it and cost full collections. Grows to the largest band asked
     * for; a source may be handed arrays longer than it needs.
     */
    private static Band take(int nc, int n) {
        Band b = SCRATCH.get();
        SCRATCH.set(null); // a source that is itself a reprojection gets its own while this one is in use
        if (b == null || b.planes.length != nc) return new Band(new float[nc][n]);
        if (b.planes[0].length >= n) return b;
        // larger: the rows kept move along
        Band g = new Band(new float[nc][n]);
        int kept = (b.r1 - b.r0) * (b.src == null ? 0 : b.src.width());
        if (kept > 0 && kept <= n) for (int c = 0; c < nc; c++) System.arraycopy(b.planes[c], 0, g.planes[c], 0, kept);
        g.src = kept > 0 && kept <= n ? b.src : null;
        g.r0 = b.r0;
        g.r1 = b.r1;
        return g;
    }

    private static final ThreadLocal<Band> SCRATCH = new ThreadLocal<>();
    /** The rows a call reads after those it kept (a thread's, reused like the band). */
    private static final ThreadLocal<float[][]> MORE = new ThreadLocal<>();

    /** The weight plane of a band: null when every pixel is finite, else 1 / NaN. */
    static float[] validity(float[][] band, int n) {
        boolean any = false;
        for (float[] p : band) {
            for (int i = 0; i < n; i++) if (Float.isNaN(p[i]) || Float.isInfinite(p[i])) { any = true; break; }
            if (any) break;
        }
        if (!any) return null;
        float[] w = new float[n];
        Arrays.fill(w, 1f);
        for (float[] p : band)
            for (int i = 0; i < n; i++) if (!Float.isFinite(p[i])) w[i] = Float.NaN;
        return w;
    }
}
