package org.tessera.stack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.tessera.Progress;
import org.tessera.image.RowSource;

/**
 * The statistics pass: every frame read once, by bands, one frame at a time per worker. Memory:
 * one frame's finite values per channel (plus a luminance plane when sky or FWHM is asked for),
 * a band of reads (at most 3/4 of a plane) and the values' index ({@link ExactStats.Selector}: 2
 * bytes per value of one channel, half a plane, and 1 MB of bucket counts per channel), i.e.
 * about (C + 2) × H × W floats per worker when the luminance is not asked for, a quarter plane
 * more when both are; nothing is kept afterwards but {@link FrameStats}.
 */
final class FrameSurvey {
    private FrameSurvey() {}

    static final double LOW_PERCENTILE = 25, HIGH_PERCENTILE = 90, SKY_PERCENTILE = 25;
    static final double NOISE_KAPPA = 3;
    static final int NOISE_ITERS = 5;
    private static final long READ_BYTES = 4L << 20;

    /** What the parameters need measured. */
    record Needs(boolean percentiles, boolean sky, boolean noise, boolean fwhm, boolean geometry) {
        static Needs of(StackParams p) {
            return new Needs(p.normalize() == StackParams.Normalize.LINEAR_FIT,
                    p.normalize() == StackParams.Normalize.SKY_MEAN,
                    p.weighting() != StackParams.Weighting.NONE, // noise_fwhm falls back to it
                    p.weighting() == StackParams.Weighting.NOISE_FWHM,
                    p.radialWeight());
        }

        boolean values() { return percentiles || noise; }

        boolean luminance() { return sky || fwhm; }

        /** More than counting: worth a larger share of the progress bar. */
        boolean heavy() { return values() || luminance(); }
    }

    /**
     * With linear_fit, the first frame that the stack's drop rule ({@link StackCore#dropReason})
     * keeps and that is not flat is measured first, alone, and every later frame's gain and offset
     * are measured against its cells ({@link SkyCells}).
     */
    static FrameStats[] run(List<? extends RowSource> frames, Needs needs, int workers, Progress progress,
                            List<String> names) throws IOException {
        int n = frames.size();
        FrameStats[] out = new FrameStats[n];
        AtomicInteger done = new AtomicInteger();
        int start = 0;
        SkyCells ref = null;
        if (needs.percentiles()) {
            // The reference first: the same rule as Normalization.reference() after the drops.
            for (; start < n && ref == null; start++) {
                if (progress.cancelled()) throw new CancellationException("stack cancelled");
                Measured m = measureNamed(frames, start, needs, true, names, new Scratch());
                out[start] = m.stats();
                if (StackCore.dropReason(m.stats()) == null
                        && !Normalization.flat(m.stats(), frames.get(start).channels())) {
                    ref = m.cells();
                    out[start] = m.stats().withFit(null, true);
                }
                tick(progress, done, n);
            }
        }
        SkyCells reference = ref;
        AtomicInteger next = new AtomicInteger(start);
        int threads = Math.max(1, Math.min(workers, n - start));
        java.util.concurrent.Callable<Void> task = () -> {
            int i;
            Scratch scratch = new Scratch(); // one per worker, reused frame after frame
            while ((i = next.getAndIncrement()) < n) {
                if (progress.cancelled()) throw new CancellationException("stack cancelled");
                Measured m = measureNamed(frames, i, needs, reference != null, names, scratch);
                FrameStats st = m.stats();
                if (reference != null) {
                    SkyCells.Fit[] fits = new SkyCells.Fit[m.cells().channels];
                    for (int c = 0; c < fits.length; c++) fits[c] = SkyCells.fit(reference, m.cells(), c, scratch.fitWork);
                    st = st.withFit(fits, false);
                }
                out[i] = st;
                tick(progress, done, n);
            }
            return null;
        };
        if (start >= n) return out;
        if (threads == 1) {
            try {
                task.call();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
            return out;
        }
        ExecutorService ex = Executors.newFixedThreadPool(threads, StackCore.daemonThreads("tessera-stats"));
        try {
            List<Future<Void>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) fs.add(ex.submit(task));
            for (Future<Void> f : fs) StackCore.await(f, next, n);
        } finally {
            ex.shutdownNow();
        }
        return out;
    }

    private static void tick(Progress progress, AtomicInteger done, int n) {
        int d = done.incrementAndGet();
        progress.update((double) d / n, "frame statistics " + d + "/" + n);
    }

    private static Measured measureNamed(List<? extends RowSource> frames, int i, Needs needs, boolean cells,
                                         List<String> names, Scratch scratch) throws IOException {
        try {
            return measure(frames.get(i), needs, cells, scratch);
        } catch (IOException e) {
            throw new IOException(names.get(i) + ": " + e.getMessage(), e);
        }
    }

    /** One frame's statistics and, when asked, its cells for linear_fit. */
    record Measured(FrameStats stats, SkyCells cells) {}

    /**
     * A worker's whole-frame arrays, kept from one frame to the next: allocating them anew for every
     * frame (each is one humongous object of H·W floats) made most of a raw-frame run's collections.
     * Not kept when the FWHM is measured, whose own scratch reuses their memory.
     */
    static final class Scratch {
        private float[][] vals;
        private float[] lum;
        private float[][] band;
        private ExactStats.Selector selector;
        /** The linear_fit fits' scratch, reused from fit to fit (SkyCells.Work). */
        final SkyCells.Work fitWork = new SkyCells.Work();

        /** The worker's selector (its index arrays: ~1.5 MB plus 2 bytes per value), reused frame after frame. */
        ExactStats.Selector selector() {
            if (selector == null) selector = new ExactStats.Selector();
            return selector;
        }

        private int[][] counts;
        /** Whether the counts may hold a measure's counts that no index consumed (it failed): cleared before use. */
        private boolean countsUsed;

        /**
         * Per channel the counts of the values' high buckets ({@link ExactStats.Selector#count}, 1 MB
         * each), all zero; {@link #countsDone} when every channel's index has consumed them.
         */
        int[][] counts(int nc) {
            if (counts == null || counts.length != nc) {
                counts = new int[nc][];
                for (int c = 0; c < nc; c++) counts[c] = ExactStats.Selector.newCounts();
            } else if (countsUsed) {
                for (int[] q : counts) Arrays.fill(q, 0);
            }
            countsUsed = true;
            return counts;
        }

        void countsDone() { countsUsed = false; }

        float[][] vals(int nc, int size, boolean keep) {
            if (!keep) return new float[nc][size];
            if (vals == null || vals.length != nc || vals[0].length != size) vals = new float[nc][size];
            return vals;
        }

        /**
         * The band the frame is read through, kept like vals: a quarter frame or more (~15 MB on a
         * 2203² RGB canvas), so a new one per frame went straight to the old generation under the
         * launcher's serial collector and filled it (most of Phase 3's full collections). Only the
         * rows a read covers are looked at, so a longer or used band gives the same statistics.
         */
        float[][] band(RowSource f, int rows, boolean keep) {
            if (!keep) return f.newBand(rows);
            int n = rows * f.width();
            if (band == null || band.length != f.channels() || band[0].length < n) band = f.newBand(rows);
            return band;
        }

        float[] lum(int size, boolean keep) {
            if (!keep) return new float[size];
            if (lum == null || lum.length != size) lum = new float[size];
            return lum;
        }
    }

    static FrameStats measure(RowSource f, Needs needs) throws IOException {
        return measure(f, needs, false, new Scratch()).stats();
    }

    static Measured measure(RowSource f, Needs needs, boolean withCells, Scratch scratch) throws IOException {
        int w = f.width(), h = f.height(), nc = f.channels();
        boolean keep = !needs.fwhm();
        // At least a quarter of the frame per read (at most 3/4 of one plane of the (C + 2) planes the
        // plan budgets per worker): a frame seen through a reprojection re-reads, at every call, the
        // source rows its band's rotated footprint spans, so few large reads cost far less than many
        // small ones (with 4 MiB bands a rotated Seestar frame was decoded about twice per survey).
        int rows = (int) Math.max(1, Math.min(h, Math.max(READ_BYTES / (4L * w * nc), (h + 3) / 4)));
        float[][] band = scratch.band(f, rows, keep);
        long[] finite = new long[nc];
        // Every value read is written before it is used (vals up to nv[c], lum at every pixel).
        float[][] vals = needs.values() ? scratch.vals(nc, w * h, keep) : null;
        int[] nv = new int[nc];
        int[][] counts = vals == null ? null : scratch.counts(nc);
        float[] lum = needs.luminance() ? scratch.lum(w * h, keep) : null;
        SkyCells cells = withCells ? new SkyCells(w, h, nc) : null;
        double sx = 0, sy = 0;
        long cnt = 0;
        int[] rowMin = null, rowMax = null;
        if (needs.geometry()) {
            rowMin = new int[h];
            rowMax = new int[h];
            Arrays.fill(rowMin, Integer.MAX_VALUE);
            Arrays.fill(rowMax, -1);
        }
        boolean[] anyFinite = rowMin != null ? new boolean[w] : null;
        // A spooled frame's rows are NaN outside the spans its recording measured (most of a rotated
        // frame's canvas): the finite values are gathered and the cells summed only inside them.
        SpooledSource spool = f instanceof SpooledSource sp ? sp : null;
        int[] spans = spool != null ? new int[2 * rows] : null;
        for (int y0 = 0; y0 < h; y0 += rows) {
            int r = Math.min(rows, h - y0);
            f.readRows(y0, r, band);
            boolean inSpans = spool != null && spool.recordedSpans(y0, r, spans, 0);
            // Row by row and channel by channel (not pixel by pixel across the channels): the same
            // values in the same order reach every sum, list and cell, with no division per pixel.
            for (int yy = 0; yy < r; yy++) {
                int y = y0 + yy, base = yy * w;
                if (anyFinite != null) Arrays.fill(anyFinite, false);
                int xa = inSpans ? spans[2 * yy] : 0, xe = inSpans ? spans[2 * yy + 1] : w;
                for (int c = 0; c < nc; c++) {
                    float[] b = band[c];
                    if (cells != null) {
                        if (inSpans) cells.addRow(c, y, b, base, xa, xe);
                        else cells.addRow(c, y, b, base);
                    }
                    float[] vc = vals == null ? null : vals[c];
                    int[] hc = vals == null ? null : counts[c];
                    int m = nv[c];
                    long fin = 0;
                    for (int x = xa; x < xe; x++) {
                        float v = b[base + x];
                        if (Float.isFinite(v)) {
                            fin++;
                            if (vc != null) { // counted here, in registers: the index then reads the values once
                                ExactStats.Selector.count(hc, v, m);
                                vc[m++] = v;
                            }
                            if (anyFinite != null) anyFinite[x] = true;
                        }
                    }
                    nv[c] = m;
                    finite[c] += fin;
                }
                if (lum != null) {
                    int o = y * w;
                    for (int x = 0; x < w; x++) {
                        int i = base + x;
                        boolean all = true;
                        for (int c = 0; c < nc; c++) all &= Float.isFinite(band[c][i]);
                        lum[o + x] = all ? luminance(band, i, nc) : Float.NaN;
                    }
                }
                if (anyFinite != null) {
                    for (int x = 0; x < w; x++) {
                        if (!anyFinite[x]) continue;
                        sx += x;
                        sy += y;
                        cnt++;
                        if (x < rowMin[y]) rowMin[y] = x;
                        if (x > rowMax[y]) rowMax[y] = x;
                    }
                }
            }
        }
        // before the selections reorder vals; sky_mean and FWHM weights gather the luminance only
        double constant = vals != null ? constant(vals, nv) : lum != null ? constant(new float[][] {lum}, new int[] {w * h})
                : Double.NaN;
        double[] pLow = nanArray(nc), pHigh = nanArray(nc), sigma = nanArray(nc);
        for (int c = 0; c < nc && vals != null; c++) {
            if (nv[c] == 0) continue;
            // One index serves the percentiles and every clipping round.
            ExactStats.Selector s = scratch.selector();
            s.index(vals[c], nv[c], counts[c]);
            if (needs.percentiles()) {
                pLow[c] = s.percentile(LOW_PERCENTILE);
                pHigh[c] = s.percentile(HIGH_PERCENTILE);
            }
            if (needs.noise())
                sigma[c] = ExactStats.sigmaClipped(s, NOISE_KAPPA, NOISE_KAPPA, NOISE_ITERS).std();
        }
        if (vals != null) scratch.countsDone(); // a channel without values counted none
        vals = null; // the per-channel copies are no longer needed: let the FWHM scratch reuse the memory
        double sky = Double.NaN, fwhm = Double.NaN;
        int stars = 0;
        if (lum != null) {
            if (needs.sky()) {
                float[] compact = new float[lum.length];
                int m = 0;
                for (float v : lum) if (Float.isFinite(v)) compact[m++] = v;
                sky = m == 0 ? Double.NaN : ExactStats.percentile(compact, m, SKY_PERCENTILE);
            }
            if (needs.fwhm()) {
                StarFwhm.Result r = StarFwhm.measure(lum, w, h);
                fwhm = r.fwhm();
                stars = r.stars();
            }
        }
        double cx = Double.NaN, cy = Double.NaN, radius = Double.NaN;
        if (rowMin != null && cnt > 0) {
            cx = sx / cnt;
            cy = sy / cnt;
            double r2 = 0;
            for (int y = 0; y < h; y++) {
                if (rowMax[y] < 0) continue;
                double dy = y - cy, a = rowMin[y] - cx, b = rowMax[y] - cx;
                r2 = Math.max(r2, Math.max(a * a, b * b) + dy * dy);
            }
            radius = Math.sqrt(r2) + 0.5;
        }
        return new Measured(new FrameStats(f.footprintPixels(), finite, pLow, pHigh, sky, sigma, fwhm, stars, cx, cy, radius)
                .withConstant(constant), cells == null ? null : cells.finish());
    }

    /**
     * When every channel's finite values (the first {@code nv[c]} of {@code vals[c]}; NaN skipped)
     * hold one value: the first channel's, else NaN (also without any). A frame with data differs
     * within its first values, so this looks at few of them.
     */
    static double constant(float[][] vals, int[] nv) {
        double first = Double.NaN;
        for (int c = 0; c < nv.length; c++) {
            float[] v = vals[c];
            float v0 = Float.NaN;
            for (int i = 0; i < nv[c]; i++) {
                if (Float.isNaN(v[i])) continue;
                if (Float.isNaN(v0)) v0 = v[i];
                else if (v[i] != v0) return Double.NaN;
            }
            if (Double.isNaN(first)) first = v0;
        }
        return first;
    }

    /** 0.299 R + 0.587 G + 0.114 B for three channels, the mean of the channels otherwise. */
    static float luminance(float[][] band, int i, int nc) {
        return org.tessera.detect.Luminance.of(band, i, nc);
    }

    private static double[] nanArray(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }
}
