package org.tessera.stack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.tessera.Progress;
import org.tessera.image.RowSink;
import org.tessera.image.RowSource;
import org.tessera.plan.StackLayout;

/**
 * The band pass: workers take bands of rows in turn; for each band they read every used frame's
 * rows (normalised while copied into one frame-major buffer per channel), let the backend reject
 * and combine, write the band and its coverage, and reuse the buffers for the next band. In
 * FRAME_BLOCKS mode a band is first read for a sample of frames (rejection bounds), then for all
 * frames block by block (combine). Memory per worker is fixed by the layout, whatever N is.
 */
final class BandStacker {
    private final List<? extends RowSource> frames;
    private final List<String> names;
    private final Normalization.Affine norm;
    private final double[][] weightsByChannel; // [c][f]
    private final RadialWeight[] radial;       // null when off
    private final StackParams params;
    private StackLayout layout; // may shrink if the heap cannot hold the planned bands
    private final StackBackend backend;
    private final RowSink out, coverage;
    private final int width, height, channels, n;
    private final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
    private final boolean countFinite;
    private Progress progress = Progress.NONE;
    private long[][] finite;

    /** What the pass measured: per channel rejection counts; finite samples per frame and channel if asked. */
    record Outcome(ChannelTally[] tally, long[][] finite) {}

    BandStacker(List<? extends RowSource> frames, List<String> names, Normalization.Affine norm, double[][] weights,
                RadialWeight[] radial, StackParams params, StackLayout layout, StackBackend backend, RowSink out,
                RowSink coverage, boolean countFinite) {
        this.countFinite = countFinite;
        this.frames = frames;
        this.names = names;
        this.norm = norm;
        this.radial = radial;
        this.params = params;
        this.layout = layout;
        this.backend = backend;
        this.out = out;
        this.coverage = coverage;
        RowSource f0 = frames.get(0);
        width = f0.width();
        height = f0.height();
        channels = f0.channels();
        n = frames.size();
        long held = (long) (layout.mode() == StackLayout.Mode.FRAME_BLOCKS ? layout.framesHeld() : n)
                * layout.rowsPerBand() * width;
        if (held > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("band of " + layout.rowsPerBand() + " rows of " + n + " frames of width "
                    + width + " exceeds one Java array per channel: use fewer rows per band");
        weightsByChannel = new double[channels][n];
        for (int f = 0; f < n; f++)
            for (int c = 0; c < channels; c++) weightsByChannel[c][f] = weights[f][c];
    }

    Outcome run(Progress p) throws IOException {
        progress = p;
        finite = countFinite ? new long[n][channels] : null;
        List<Worker> workers = allocate();
        ChannelTally[] total = newTallies();
        if (workers.size() == 1) {
            merge(total, workers.get(0).call());
            return new Outcome(total, finite);
        }
        ExecutorService ex = Executors.newFixedThreadPool(workers.size(), StackCore.daemonThreads("tessera-stack"));
        try {
            List<Future<ChannelTally[]>> fs = new ArrayList<>();
            for (Worker w : workers) fs.add(ex.submit(w));
            for (Future<ChannelTally[]> f : fs) merge(total, StackCore.await(f, next, layout.bands()));
        } finally {
            ex.shutdownNow();
        }
        return new Outcome(total, finite);
    }

    /**
     * Allocates every worker's buffers before any band is read. If the heap cannot hold them
     * (another part of the program holds more than the plan saw, or the heap is fragmented), the
     * bands are halved and the allocation tried again, down to one row.
     */
    private List<Worker> allocate() {
        while (true) {
            List<Worker> ws = new ArrayList<>();
            try {
                for (int w = 0; w < layout.workers(); w++) ws.add(new Worker());
                return ws;
            } catch (OutOfMemoryError e) {
                ws.clear();
                if (layout.rowsPerBand() == 1) throw e;
                StackLayout smaller = layout.withRows(Math.max(1, layout.rowsPerBand() / 2), height);
                StackCore.LOG.warning("[PLAN] heap exhausted allocating the band buffers (" + layout.describe()
                        + "); retrying with " + smaller.rowsPerBand() + " rows per band");
                layout = smaller;
            }
        }
    }

    /** One worker: its buffers, sized by the layout, and its loop over the bands it takes. */
    private final class Worker implements Callable<ChannelTally[]> {
        final int slot = layout.rowsPerBand() * width;
        final Buffers b = new Buffers(slot);
        // WHOLE_FRAME and BANDS: all frames of a band.
        float[][] cube;
        float[] pw;
        int[] spans; // per frame and row of the band: the columns that may hold data (BandChannel.spans)
        // FRAME_BLOCKS: a sample of frames and a block of frames.
        int[] sample;
        float[][] sampleBuf, blockBuf;
        float[] pwS, pwB;
        int[] spansS, spansB;
        double[][] sampleW, blockW;
        SampleBounds[] bounds;
        BlockAccumulator[] acc;

        Worker() {
            if (layout.mode() != StackLayout.Mode.FRAME_BLOCKS) {
                cube = new float[channels][n * slot];
                pw = radial == null ? null : new float[n * slot];
                spans = new int[2 * n * layout.rowsPerBand()];
                return;
            }
            sample = sampleIndices(n, layout.sampleFrames());
            int s = sample.length, blk = Math.min(n, layout.framesPerBlock());
            sampleBuf = new float[channels][s * slot];
            blockBuf = new float[channels][blk * slot];
            pwS = radial == null ? null : new float[s * slot];
            pwB = radial == null ? null : new float[blk * slot];
            spansS = new int[2 * s * layout.rowsPerBand()];
            spansB = new int[2 * blk * layout.rowsPerBand()];
            sampleW = new double[channels][s];
            blockW = new double[channels][blk];
            for (int c = 0; c < channels; c++)
                for (int k = 0; k < s; k++) sampleW[c][k] = weightsByChannel[c][sample[k]];
            bounds = new SampleBounds[channels];
            acc = new BlockAccumulator[channels];
            for (int c = 0; c < channels; c++) {
                bounds[c] = new SampleBounds(slot);
                acc[c] = new BlockAccumulator(slot);
            }
        }

        @Override
        public ChannelTally[] call() throws IOException {
            ChannelTally[] tally = newTallies();
            int band;
            try {
                while ((band = nextBand()) >= 0) {
                    int y0 = band * layout.rowsPerBand(), rows = Math.min(layout.rowsPerBand(), height - y0);
                    if (cube != null) stackBand(y0, rows, tally);
                    else stackBlocks(y0, rows, tally);
                    write(y0, rows, b);
                }
            } catch (IOException | RuntimeException | Error e) {
                // The tile has failed: the other workers stop at their next band rather than stack
                // the rest of it while this failure waits behind them (they are awaited in order).
                next.set(layout.bands());
                throw e;
            }
            b.mergeFinite();
            return tally;
        }

        private void stackBand(int y0, int rows, ChannelTally[] tally) throws IOException {
            int pixels = rows * width;
            if (b.cov != null) Arrays.fill(b.cov[0], 0, pixels, 0f);
            for (int f = 0; f < n; f++) load(f, f, y0, rows, cube, slot, pw, spans, b.stage, b.cov, b.finite);
            for (int c = 0; c < channels; c++)
                backend.stack(new BandChannel(cube[c], slot, n, pixels, weightsByChannel[c], pw, width, spans), params,
                        b.out[c], tally[c]);
        }

        private void stackBlocks(int y0, int rows, ChannelTally[] tally) throws IOException {
            int pixels = rows * width, s = sample.length, blk = blockW[0].length;
            for (int k = 0; k < s; k++) load(sample[k], k, y0, rows, sampleBuf, slot, pwS, spansS, b.stage, null, null);
            for (int c = 0; c < channels; c++) {
                backend.sampleBounds(new BandChannel(sampleBuf[c], slot, s, pixels, sampleW[c], pwS, width, spansS), params,
                        bounds[c]);
                acc[c].reset(pixels);
            }
            if (b.cov != null) Arrays.fill(b.cov[0], 0, pixels, 0f);
            for (int j0 = 0; j0 < n; j0 += blk) {
                int nb = Math.min(blk, n - j0);
                for (int k = 0; k < nb; k++) {
                    load(j0 + k, k, y0, rows, blockBuf, slot, pwB, spansB, b.stage, b.cov, b.finite);
                    for (int c = 0; c < channels; c++) blockW[c][k] = weightsByChannel[c][j0 + k];
                }
                for (int c = 0; c < channels; c++)
                    backend.accumulate(new BandChannel(blockBuf[c], slot, nb, pixels, blockW[c], pwB, width, spansB),
                            bounds[c], acc[c]);
            }
            for (int c = 0; c < channels; c++) backend.finish(bounds[c], acc[c], pixels, params, b.out[c], tally[c]);
        }
    }

    /** The per-worker buffers besides the frame buffers: staging, output and coverage bands. */
    private final class Buffers {
        final float[][] stage, out, cov;
        final long[][] finite;

        Buffers(int slot) {
            stage = new float[channels][slot];
            out = new float[channels][slot];
            cov = coverage == null ? null : new float[1][slot];
            finite = countFinite ? new long[n][channels] : null;
        }

        void mergeFinite() {
            if (finite == null) return;
            synchronized (BandStacker.this) {
                for (int f = 0; f < n; f++)
                    for (int c = 0; c < channels; c++) BandStacker.this.finite[f][c] += finite[f][c];
            }
        }
    }

    /**
     * Reads rows of used frame f into slot k of dst (normalised), its radial weights into pw, where
     * each row may hold data into spans (BandChannel.spans: known for a completed spool, else the
     * whole row), and counts it into cov when not null. Outside the spans every value is NaN, so
     * the normalisation, the coverage and the finite counts only visit the spans.
     */
    private void load(int f, int k, int y0, int rows, float[][] dst, int slot, float[] pw, int[] spans,
                      float[][] stage, float[][] covBand, long[][] finiteCounts) throws IOException {
        RowSource src = frames.get(f);
        try {
            src.readRows(y0, rows, stage);
        } catch (IOException e) {
            throw new IOException(names.get(f) + ": " + e.getMessage(), e);
        }
        int at = 2 * k * rows;
        if (!(src instanceof SpooledSource sp && sp.spans(y0, rows, spans, at)))
            for (int r = 0; r < rows; r++) {
                spans[at + 2 * r] = 0;
                spans[at + 2 * r + 1] = width;
            }
        int off = k * slot;
        for (int c = 0; c < channels; c++) {
            double g = norm.gain()[f][c], o = norm.offset()[f][c];
            boolean same = g == 1 && o == 0;
            float[] s = stage[c], d = dst[c];
            for (int r = 0; r < rows; r++) {
                int row = r * width, a = row + spans[at + 2 * r], e = row + spans[at + 2 * r + 1];
                Arrays.fill(d, off + row, off + a, Float.NaN);
                if (same) System.arraycopy(s, a, d, off + a, e - a);
                else for (int i = a; i < e; i++) d[off + i] = (float) (g * s[i] + o);
                Arrays.fill(d, off + e, off + row + width, Float.NaN);
            }
        }
        if (pw != null) radial[f].fill(pw, off, y0, rows, width);
        if (finiteCounts != null)
            for (int c = 0; c < channels; c++) {
                float[] sc = stage[c];
                long cnt = 0;
                for (int r = 0; r < rows; r++)
                    for (int i = r * width + spans[at + 2 * r], e = r * width + spans[at + 2 * r + 1]; i < e; i++)
                        if (Float.isFinite(sc[i])) cnt++;
                finiteCounts[f][c] += cnt;
            }
        if (covBand != null) {
            float[] cov = covBand[0];
            for (int r = 0; r < rows; r++)
                for (int i = r * width + spans[at + 2 * r], e = r * width + spans[at + 2 * r + 1]; i < e; i++) {
                    for (int c = 0; c < channels; c++)
                        if (Float.isFinite(stage[c][i])) {
                            cov[i] += 1;
                            break;
                        }
                }
        }
    }

    private void write(int y0, int rows, Buffers b) throws IOException {
        out.writeRows(y0, rows, b.out);
        if (coverage != null) coverage.writeRows(y0, rows, b.cov);
        int d = done.incrementAndGet();
        progress.update((double) d / layout.bands(), "stacking band " + d + "/" + layout.bands());
    }

    private int nextBand() {
        if (progress.cancelled()) throw new CancellationException("stack cancelled");
        int b = next.getAndIncrement();
        return b < layout.bands() ? b : -1;
    }

    private ChannelTally[] newTallies() {
        ChannelTally[] t = new ChannelTally[channels];
        for (int c = 0; c < channels; c++) t[c] = new ChannelTally();
        return t;
    }

    private static void merge(ChannelTally[] into, ChannelTally[] from) {
        for (int c = 0; c < into.length; c++) into[c].add(from[c]);
    }

    /** Evenly spaced frames, as numpy's unique(linspace(0, n − 1, count).astype(int)). */
    static int[] sampleIndices(int n, int count) {
        count = Math.max(1, Math.min(count, n));
        if (count == 1) return new int[] {0};
        int[] idx = new int[count];
        int m = 0;
        for (int k = 0; k < count; k++) {
            int v = (int) ((double) k * (n - 1) / (count - 1));
            if (m == 0 || idx[m - 1] != v) idx[m++] = v;
        }
        return Arrays.copyOf(idx, m);
    }
}
