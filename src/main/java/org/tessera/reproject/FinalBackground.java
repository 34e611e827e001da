package org.tessera.reproject;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.QRDecomposition;
import org.tessera.WorkerFailures;
import org.tessera.config.Config;
import org.tessera.image.RowSource;
import org.tessera.image.RowSourceView;
import org.tessera.math.Percentiles;

/**
 * Final background extraction (the original's {@code final_mosaic_dbe_enabled}): removes a
 * large-scale background — a light-pollution gradient across the mosaic — keeping the mosaic's
 * mean sky level. Memory stays bounded: one pass over the mosaic by bands of one sample cell's
 * rows takes the median of every cell (so stars, a few pixels of a cell, do not count), a smooth
 * model is fitted per channel on those cell medians, and {@link #subtracted} is a band-by-band
 * view of the mosaic minus the model, which the writer streams to the file.
 * <p>
 * Model: a 2-D polynomial of degree {@link #DEGREE} in the normalised mosaic coordinates, fitted
 * by least squares on the sky cells; cells above the model by more than {@code objK} robust
 * sigma (a nebula, a galaxy, a dense star field) are masked, the mask grown by {@code dilateCells}
 * cells (their faint wings), and the fit repeated until the mask settles: an extended object
 * keeps its light. Cells far below the model (edges, dark lanes) are left out the same way. Too
 * few sky cells: nothing is subtracted and the log says why.
 */
public final class FinalBackground {
    private FinalBackground() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.reproject");

    /** Degree of the background polynomial: a gradient and its curvature, never small structure. */
    public static final int DEGREE = 3;
    static final int MAX_ITERATIONS = 10;
    /** Least valid fraction of a cell's pixels for its median to be a sample. */
    static final double MIN_CELL_FILL = 0.5;
    /** Cells within this fraction of the sky level of the model are never objects (see fitChannel). */
    static final double MIN_OBJECT_FRACTION = 0.002;

    /**
     * @param cellPx      side of a sample cell in mosaic pixels ({@code final_mosaic_dbe_sample_step})
     * @param objK        cells above the model by more than objK robust sigma are objects ({@code final_mosaic_dbe_obj_k})
     * @param dilateCells object masks grow by this many cells ({@code final_mosaic_dbe_obj_dilate_px}, in cells)
     */
    public record Params(boolean enabled, int cellPx, double objK, int dilateCells) {
        public Params {
            if (cellPx < 2) throw new IllegalArgumentException("final_mosaic_dbe_sample_step must be >= 2: " + cellPx);
            if (!(objK > 0)) throw new IllegalArgumentException("final_mosaic_dbe_obj_k must be > 0: " + objK);
            if (dilateCells < 0) throw new IllegalArgumentException("final_mosaic_dbe_obj_dilate_px must be >= 0: " + dilateCells);
        }

        /** The original's strength presets (weak, normal, strong); explicit keys override them. */
        public static Params fromConfig(Config c) {
            String s = c.has("final_mosaic_dbe_strength") ? c.getString("final_mosaic_dbe_strength").trim().toLowerCase(Locale.ROOT) : "normal";
            double k;
            int dil, step;
            switch (s) {
                case "weak" -> { k = 4.0; dil = 2; step = 32; }
                case "strong" -> { k = 2.2; dil = 4; step = 16; }
                default -> { k = 3.0; dil = 3; step = 24; }
            }
            return new Params(c.getBoolean("final_mosaic_dbe_enabled"),
                    c.has("final_mosaic_dbe_sample_step") ? c.getInt("final_mosaic_dbe_sample_step") : step,
                    c.has("final_mosaic_dbe_obj_k") ? c.getDouble("final_mosaic_dbe_obj_k") : k,
                    c.has("final_mosaic_dbe_obj_dilate_px") ? c.getInt("final_mosaic_dbe_obj_dilate_px") : dil);
        }
    }

    /**
     * The background of every channel: polynomial coefficients (null: that channel is left as is)
     * over x' = 2x/(W-1) - 1, y' = 2y/(H-1) - 1, minus its mean over the sky cells (so subtracting
     * it keeps the sky level).
     */
    public record Model(int width, int height, double[][] coef, double[] removedSpread) {
        /** The background of channel {@code c} at pixel (x, y) relative to the sky level; 0 for a channel left as is. */
        public double at(int c, double x, double y) {
            double[] a = coef[c];
            if (a == null) return 0;
            double[] t = terms(nx(x), ny(y));
            double s = 0;
            for (int i = 0; i < a.length; i++) s += a[i] * t[i];
            return s;
        }

        double nx(double x) { return width > 1 ? 2 * x / (width - 1) - 1 : 0; }
        double ny(double y) { return height > 1 ? 2 * y / (height - 1) - 1 : 0; }

        public boolean empty() {
            for (double[] a : coef) if (a != null) return false;
            return true;
        }
    }

    /** The monomials x^i y^j, i + j ≤ DEGREE, in a fixed order. */
    static double[] terms(double x, double y) {
        double[] t = new double[(DEGREE + 1) * (DEGREE + 2) / 2];
        int k = 0;
        for (int d = 0; d <= DEGREE; d++)
            for (int j = 0; j <= d; j++) t[k++] = Math.pow(x, d - j) * Math.pow(y, j);
        return t;
    }

    /** Pass 1 on a finished mosaic: cell medians by bands of one cell's rows, then the model per channel. */
    public static Model fit(RowSource mosaic, Params p) throws IOException {
        int h = mosaic.height(), s = p.cellPx();
        CellMedians cells = new CellMedians(mosaic.width(), h, mosaic.channels(), s, false);
        float[][] band = mosaic.newBand(Math.min(s, h));
        for (int y0 = 0; y0 < h; y0 += s) {
            int rows = Math.min(s, h - y0);
            mosaic.readRows(y0, rows, band);
            cells.writeRows(y0, rows, band);
        }
        return fit(cells, p);
    }

    /** The model per channel from the cell medians (every row of the mosaic written to {@code cells}). */
    public static Model fit(CellMedians cells, Params p) {
        if (cells.cellPx() != p.cellPx())
            throw new IllegalArgumentException("cells of " + cells.cellPx() + " px, params ask for " + p.cellPx());
        int w = cells.width(), h = cells.height(), nc = cells.channels(), s = p.cellPx();
        int cw = cells.cellsX(), ch = cells.cellsY();
        double[][] med = cells.medians();
        double[][] coef = new double[nc][];
        double[] spread = new double[nc];
        Model shape = new Model(w, h, coef, spread);
        for (int c = 0; c < nc; c++) {
            coef[c] = fitChannel(med[c], cw, ch, s, shape, p, c);
            spread[c] = coef[c] == null ? 0 : spread(coef[c], med[c], cw, ch, s, shape);
        }
        return shape;
    }

    /** Robust fit of one channel's cell medians; null when too few sky cells remain. */
    static double[] fitChannel(double[] med, int cw, int ch, int s, Model shape, Params p, int channel) {
        int n = med.length, terms = terms(0, 0).length;
        double[][] t = new double[n][];
        boolean[] valid = new boolean[n];
        int nValid = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(med[i])) continue;
            valid[i] = true;
            nValid++;
            double x = (i % cw) * s + (s - 1) / 2.0, y = (i / cw) * s + (s - 1) / 2.0;
            t[i] = terms(shape.nx(Math.min(x, shape.width() - 1)), shape.ny(Math.min(y, shape.height() - 1)));
        }
        boolean[] sky = valid.clone();
        double[] a = null;
        boolean[] obj = new boolean[n];
        // Clip to convergence without growing the masks (a biased first fit would flag half the
        // sky, and grown flags would then cover it), then grow the objects' masks once and refit.
        for (int it = 0; it <= MAX_ITERATIONS; it++) {
            int m = 0;
            for (boolean b : sky) if (b) m++;
            if (m < 3 * terms) {
                LOG.warning(String.format(Locale.ROOT, "[DBE] channel %d: only %d sky cell(s) of %d (need %d): no background removed",
                        channel, m, nValid, 3 * terms));
                return null;
            }
            a = solve(t, med, sky, m, terms);
            if (a == null) return undetermined(channel, sky, cw);
            if (it == MAX_ITERATIONS) break;
            double[] rs = new double[m];
            int k = 0;
            for (int i = 0; i < n; i++) if (sky[i]) rs[k++] = med[i] - dot(a, t[i]);
            double mid = Percentiles.median(rs);
            double[] dev = new double[m];
            for (int i = 0; i < m; i++) dev[i] = Math.abs(rs[i] - mid);
            double level = Math.abs(Percentiles.median(rsky(med, sky)));
            // Floor: cell medians of a deep mosaic scatter by a fraction of an ADU, so the few pixels
            // of a star would flag many cells; a background step under MIN_OBJECT_FRACTION of the
            // sky is no object to protect.
            double sigma = Math.max(1.4826 * Percentiles.median(dev), MIN_OBJECT_FRACTION * level / p.objK());
            boolean[] next = new boolean[n];
            for (int i = 0; i < n; i++) {
                if (!valid[i]) continue;
                double r = med[i] - dot(a, t[i]) - mid;
                obj[i] = r > p.objK() * sigma || r < -2 * p.objK() * sigma; // bright objects; dark defects at twice the bound
                next[i] = !obj[i];
            }
            if (Arrays.equals(next, sky)) {
                // Converged: grow the objects' masks over their faint wings, refit once.
                boolean[] grown = dilate(extended(obj, cw, ch), cw, ch, p.dilateCells());
                for (int i = 0; i < n; i++) grown[i] |= obj[i];
                int left = 0;
                for (int i = 0; i < n; i++) {
                    next[i] = valid[i] && !grown[i];
                    if (next[i]) left++;
                }
                if (left >= 3 * terms && !Arrays.equals(next, sky)) {
                    sky = next;
                    a = solve(t, med, sky, left, terms);
                    if (a == null) return undetermined(channel, sky, cw);
                }
                break;
            }
            sky = next;
        }
        int objects = 0;
        for (int i = 0; i < n; i++) if (valid[i] && !sky[i]) objects++;
        int m = 0;
        for (boolean b : sky) if (b) m++;
        // Keep the sky level: the model's mean over the sky cells is not removed.
        double mean = 0;
        for (int i = 0; i < n; i++) if (sky[i]) mean += dot(a, t[i]);
        mean /= m;
        a[0] -= mean; // terms()[0] is the constant 1
        LOG.info(String.format(Locale.ROOT, "[DBE] channel %d: model from %d sky cell(s) of %d (%d masked as objects), cells of %d px",
                channel, m, nValid, objects, s));
        return a;
    }

    private static double[] rsky(double[] med, boolean[] sky) {
        int m = 0;
        for (boolean b : sky) if (b) m++;
        double[] v = new double[m];
        int k = 0;
        for (int i = 0; i < med.length; i++) if (sky[i]) v[k++] = med[i];
        return v;
    }

    /** Logs why a channel gets no model when its sky cells do not determine the surface; null. */
    private static double[] undetermined(int channel, boolean[] sky, int cw) {
        java.util.Set<Integer> rows = new java.util.HashSet<>(), cols = new java.util.HashSet<>();
        for (int i = 0; i < sky.length; i++) {
            if (!sky[i]) continue;
            rows.add(i / cw);
            cols.add(i % cw);
        }
        LOG.warning(String.format(Locale.ROOT, "[DBE] channel %d: the sky cells lie on %d row(s) and %d column(s) of cells, "
                + "too few for a degree-%d surface (need %d of each): no background removed",
                channel, rows.size(), cols.size(), DEGREE, DEGREE + 1));
        return null;
    }

    private static double[] solve(double[][] t, double[] med, boolean[] use, int m, int terms) {
        double[][] rows = new double[m][];
        double[] rhs = new double[m];
        int k = 0;
        for (int i = 0; i < med.length; i++) {
            if (!use[i]) continue;
            rows[k] = t[i];
            rhs[k++] = med[i];
        }
        // A threshold on R's diagonal: sky cells on fewer than DEGREE + 1 rows (or columns) of cells
        // (a strip one cell tall, a mask that left three rows) make the system singular, and without
        // it QR "solves" it with coefficients of 1e11. The terms are O(1) (normalised coordinates),
        // so a rank-deficient column leaves ~1e-16 * sqrt(m) where a determined one leaves > 1e-3.
        DecompositionSolver qr = new QRDecomposition(new Array2DRowRealMatrix(rows, false), 1e-9 * Math.sqrt(m)).getSolver();
        if (!qr.isNonSingular()) return null;
        return qr.solve(new ArrayRealVector(rhs, false)).toArray();
    }

    private static double dot(double[] a, double[] t) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * t[i];
        return s;
    }

    /**
     * The flagged cells that touch another flagged cell (8-neighbours): parts of an extended
     * object, whose faint wings need a grown mask. A lone cell is a star or a defect; growing it
     * too would mask the sky of a star-rich field.
     */
    static boolean[] extended(boolean[] mask, int cw, int ch) {
        boolean[] out = new boolean[mask.length];
        for (int y = 0; y < ch; y++)
            for (int x = 0; x < cw; x++) {
                if (!mask[y * cw + x]) continue;
                search:
                for (int yy = Math.max(0, y - 1); yy <= Math.min(ch - 1, y + 1); yy++)
                    for (int xx = Math.max(0, x - 1); xx <= Math.min(cw - 1, x + 1); xx++)
                        if ((xx != x || yy != y) && mask[yy * cw + xx]) { out[y * cw + x] = true; break search; }
            }
        return out;
    }

    /** Grows a cell mask by {@code r} cells (square neighbourhood). */
    static boolean[] dilate(boolean[] mask, int cw, int ch, int r) {
        if (r <= 0) return mask;
        boolean[] out = new boolean[mask.length];
        for (int y = 0; y < ch; y++)
            for (int x = 0; x < cw; x++) {
                if (!mask[y * cw + x]) continue;
                for (int yy = Math.max(0, y - r); yy <= Math.min(ch - 1, y + r); yy++)
                    for (int xx = Math.max(0, x - r); xx <= Math.min(cw - 1, x + r); xx++) out[yy * cw + xx] = true;
            }
        return out;
    }

    /** Peak-to-peak of the model over the cell centres: the size of the gradient removed. */
    private static double spread(double[] a, double[] med, int cw, int ch, int s, Model shape) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < med.length; i++) {
            if (!Double.isFinite(med[i])) continue;
            double x = Math.min((i % cw) * s + (s - 1) / 2.0, shape.width() - 1);
            double y = Math.min((i / cw) * s + (s - 1) / 2.0, shape.height() - 1);
            double v = dot(a, terms(shape.nx(x), shape.ny(y)));
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return hi - lo;
    }

    /** The model on one row: {@code out[i]} = coefficient of x^i at this y (terms() order: x^(d-j) y^j). */
    static void rowPolynomial(double[] a, double y, double[] out) {
        Arrays.fill(out, 0);
        int k = 0;
        for (int d = 0; d <= DEGREE; d++)
            for (int j = 0; j <= d; j++) out[d - j] += a[k++] * Math.pow(y, j);
    }

    /**
     * Both passes on a written mosaic FITS: fits the model, then rewrites the file through a
     * temporary file renamed onto it (the coadd's own file is never left half written). The
     * header is {@code header} plus {@code DBE = T}. Returns the model (empty: file untouched).
     * The coadd of {@link CoaddFiles#write} does the same in less ({@link CoaddBackground}: the
     * header replaced in place, then {@link #correctInPlace}).
     */
    public static Model applyToFile(java.nio.file.Path mosaicFile, nom.tam.fits.Header header, Params p) throws IOException {
        long t0 = System.nanoTime();
        Model m = fit(org.tessera.io.FitsFrame.open(mosaicFile), p);
        if (m.empty()) {
            skipped(mosaicFile);
            return m;
        }
        rewrite(mosaicFile, header, m, p, t0);
        return m;
    }

    /** Pass 2 alone on a written mosaic FITS: the file minus {@code m}, through a temporary file renamed onto it. */
    static void rewrite(java.nio.file.Path mosaicFile, nom.tam.fits.Header header, Model m, Params p, long t0) throws IOException {
        rewrite(mosaicFile, header, m, p, t0, null);
    }

    /**
     * As {@link #rewrite(java.nio.file.Path, nom.tam.fits.Header, Model, Params, long)}; the corrected
     * bands also go to {@code also} (null: nowhere) as they go to the file, so that the preview needs
     * no read of it. A failure leaves the file as it was (the writer's temporary file is removed);
     * {@code also} then holds part of the bands.
     */
    static void rewrite(java.nio.file.Path mosaicFile, nom.tam.fits.Header header, Model m, Params p, long t0,
                        org.tessera.image.RowSink also) throws IOException {
        RowSource in = subtracted(org.tessera.io.FitsFrame.open(mosaicFile), m);
        org.tessera.io.FitsImageWriter.write(mosaicFile, also == null ? in : teed(in, also), withCards(header, p),
                org.tessera.io.FitsImageWriter.AlphaMode.FROM_NAN);
        applied(mosaicFile, m, t0);
    }

    /** {@code in}, each band read also written to {@code also}. */
    private static RowSource teed(RowSource in, org.tessera.image.RowSink also) {
        return new RowSourceView(in) {
            @Override public void readRows(int y0, int rows, float[][] dst) throws IOException {
                in.readRows(y0, rows, dst);
                also.writeRows(y0, rows, dst);
            }
        };
    }

    /**
     * Pass 2 on a mosaic still being written (FROM_NAN alpha), before its writer closes, once its
     * header was given the DBE cards in place ({@link #withCards}, {@code replaceHeader}): band by
     * band, on {@code threads} threads, the temporary file's data minus {@code m} are written back
     * in place. The bytes are those {@link #applyToFile} gives (the same values read the same way,
     * through the same writer), without a second file nor a second read and write of the whole
     * mosaic through the disk. A failure here leaves some bands corrected and others not: the
     * caller must not keep the file ({@link CoaddBackground}).
     *
     * @param also null, or where the corrected bands go too (the preview's block means)
     */
    static void correctInPlace(org.tessera.io.FitsImageWriter out, Model m, int threads, org.tessera.image.RowSink also)
            throws IOException {
        RowSource in = subtracted(out.readBack(), m);
        int w = in.width(), h = in.height();
        // Bands of up to 8 MB, and two a thread at least: a mosaic under 8 MB was one band, one thread.
        int rows = (int) Math.max(1, Math.min(Math.min(h, (8L << 20) / (4L * w * in.channels())),
                threads > 1 ? (h + 2L * threads - 1) / (2L * threads) : h));
        int bands = (h + rows - 1) / rows;
        AtomicInteger next = new AtomicInteger();
        Callable<Void> work = () -> {
            float[][] band = in.newBand(rows);
            try {
                for (int b; (b = next.getAndIncrement()) < bands; ) {
                    int y0 = b * rows, n = Math.min(rows, h - y0);
                    in.readRows(y0, n, band);
                    out.writeRows(y0, n, band);
                    if (also != null) also.writeRows(y0, n, band);
                }
            } catch (IOException | RuntimeException | Error e) {
                next.set(bands); // the mosaic will not be kept: the others stop at their next band
                throw e;
            }
            return null;
        };
        int workers = Math.max(1, Math.min(threads, bands));
        ExecutorService pool = workers == 1 ? null : Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "tessera-dbe");
            t.setDaemon(true);
            return t;
        });
        try {
            if (pool == null) { // one band (a small mosaic) or one thread: no pool to start
                work.call();
            } else {
                List<Future<?>> fs = new ArrayList<>();
                for (int k = 0; k < workers; k++) fs.add(pool.submit(work));
                for (Future<?> f : fs) f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("[DBE] interrupted");
        } catch (ExecutionException e) {
            throw WorkerFailures.rethrow(e.getCause());
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            // Waited for, so that no worker still writes the file once the caller drops it.
            if (pool != null) ReprojectCoadd.stop(pool);
        }
    }

    /** {@code header} plus {@code DBE = T} and {@code DBECELL}: the cards of a mosaic whose background was removed. */
    static nom.tam.fits.Header withCards(nom.tam.fits.Header header, Params p) throws IOException {
        try {
            header.addValue("DBE", true, "final background extraction applied");
            header.addValue("DBECELL", p.cellPx(), "[px] DBE sample cell");
        } catch (nom.tam.fits.HeaderCardException e) {
            throw new IOException("cannot build the DBE header: " + e.getMessage(), e);
        }
        return header;
    }

    /**
     * {@code header} plus {@code DBE = F} and, when {@code why} is not null, a HISTORY card saying
     * why (cut to one card): the cards of a mosaic kept without the extraction that failed on it.
     */
    static nom.tam.fits.Header withFailureCards(nom.tam.fits.Header header, String why) throws IOException {
        try {
            header.addValue("DBE", false, "final background extraction failed");
            if (why != null) {
                String h = "DBE not applied: " + why.replaceAll("[^\\x20-\\x7e]", "?");
                // One card: nom-tam writes "HISTORY  " and 71 characters of text, more would continue on a second.
                header.insertHistory(h.length() <= 71 ? h : h.substring(0, 68) + "...");
            }
        } catch (nom.tam.fits.HeaderCardException e) {
            throw new IOException("cannot build the DBE header: " + e.getMessage(), e);
        }
        return header;
    }

    static void skipped(java.nio.file.Path mosaicFile) {
        LOG.warning("[DBE] skipped: no channel had enough sky cells; " + mosaicFile.getFileName() + " left as coadded");
    }

    static void applied(java.nio.file.Path mosaicFile, Model m, long t0) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < m.removedSpread().length; c++)
            sb.append(c == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", m.removedSpread()[c]));
        LOG.info(String.format(Locale.ROOT, "[DBE] applied to %s: background removed per channel, peak to peak %s ADU; %.2f s",
                mosaicFile.getFileName(), sb, (System.nanoTime() - t0) / 1e9));
    }

    /** Pass 2: the mosaic minus the model, read band by band (NaN stays NaN). */
    public static RowSource subtracted(RowSource mosaic, Model model) {
        int w = mosaic.width();
        double[] xs = new double[w];
        for (int x = 0; x < w; x++) xs[x] = model.nx(x);
        return new RowSourceView(mosaic) {
            @Override public void readRows(int y0, int rows, float[][] dst) throws IOException {
                mosaic.readRows(y0, rows, dst);
                double[] row = new double[DEGREE + 1], bg = new double[w];
                for (int c = 0; c < dst.length; c++) {
                    double[] a = model.coef()[c];
                    if (a == null) continue;
                    for (int y = 0; y < rows; y++) {
                        rowPolynomial(a, model.ny(y0 + y), row);
                        rowBackground(row, xs, bg);
                        subtractRow(dst[c], y * w, bg);
                    }
                }
            }
        };
    }

    // The per-row loops are small methods of their own: called once a row, the JIT compiles each
    // once and quickly, where one method holding them all was compiled again and again on the
    // stack (on-stack replacement) at ~0.2 s of compiler time each, more than the pass itself.

    /** The background along one row: Horner in x of the row's polynomial {@code row}. */
    static void rowBackground(double[] row, double[] xs, double[] bg) {
        for (int x = 0; x < bg.length; x++) {
            double b = 0, xn = xs[x];
            for (int k = DEGREE; k >= 0; k--) b = b * xn + row[k];
            bg[x] = b;
        }
    }

    /** p[off + x] minus bg[x] where finite (NaN stays NaN). */
    static void subtractRow(float[] p, int off, double[] bg) {
        for (int x = 0, i = off; x < bg.length; x++, i++) {
            float v = p[i];
            if (Float.isFinite(v)) p[i] = (float) (v - bg[x]);
        }
    }
}
