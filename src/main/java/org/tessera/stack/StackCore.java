package org.tessera.stack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.WorkerFailures;
import org.tessera.image.RowSink;
import org.tessera.image.RowSource;
import org.tessera.plan.ResourcePlan;
import org.tessera.plan.StackLayout;

/**
 * The one stack core: frames already aligned on a common grid (same width, height, channels; NaN
 * outside each footprint) → one stacked image, streamed band by band into {@code out}; optionally,
 * into {@code coverage} (1 channel), the number of used frames with finite data at each pixel.
 * <ol>
 * <li>Statistics pass: each frame read once, one frame in memory per worker: finite pixels,
 * percentiles, sky, noise, star FWHM, footprint — only what the parameters need.</li>
 * <li>Frames with too little data are dropped, each with its reason (reference.md §4).</li>
 * <li>Normalisation (gain/offset per frame and channel) and weights per frame and channel.</li>
 * <li>Band pass ({@link BandStacker}) sized by a {@link ResourcePlan}; rejection and combine in a
 * {@link StackBackend}.</li>
 * </ol>
 * The result does not depend on how the work is cut: whole frame, bands of any height and any
 * number of workers give identical pixels; frame blocks give the same pixels when the sample holds
 * all frames, and otherwise differ only through the sampled rejection bounds (docs/stacking.md).
 * Cancellation ({@link Progress#cancelled()}) throws {@link CancellationException}.
 */
public final class StackCore {
    private StackCore() {}

    static final Logger LOG = Logger.getLogger("org.tessera.stack");
    /**
     * A frame is dropped below this finite fraction in any channel: its finite pixels over its
     * footprint on the grid ({@link RowSource#footprintPixels()}), so that a frame judged on a canvas
     * larger than itself (a rotated or widened master-tile grid) is judged by the data it lacks,
     * not by the canvas's size.
     */
    public static final double MIN_FINITE_FRACTION = 0.02;
    /** … or below this many finite pixels in any channel (at most half of a small footprint). */
    public static final int MIN_FINITE_PIXELS = 4096;

    /** Stacks with the plan of this JVM now and the CPU backend. */
    public static StackResult stack(List<? extends RowSource> frames, StackParams params, RowSink out,
                                    RowSink coverage, Progress progress) throws IOException {
        return stack(frames, params, out, coverage, progress, ResourcePlan.fromRuntime(null));
    }

    public static StackResult stack(List<? extends RowSource> frames, StackParams params, RowSink out,
                                    RowSink coverage, Progress progress, ResourcePlan plan) throws IOException {
        return stack(frames, params, out, coverage, progress, plan, CpuStackBackend.INSTANCE);
    }

    public static StackResult stack(List<? extends RowSource> frames, StackParams params, RowSink out,
                                    RowSink coverage, Progress progress, ResourcePlan plan, StackBackend backend)
            throws IOException {
        if (plan == null) throw new IllegalArgumentException("stack: a resource plan is required");
        return run(frames, params, out, coverage, progress, plan, null, backend, null);
    }

    /**
     * Stacks with an external weight per frame that multiplies the weights of the configured
     * {@link StackParams.Weighting} (Grid mode: the frame's exposure time, reference.md §8). Null
     * {@code frameScale} is exactly {@link #stack(List, StackParams, RowSink, RowSink, Progress, ResourcePlan)}.
     *
     * @param frameScale one finite weight &gt; 0 per frame, in frame order, or null
     */
    public static StackResult stackWeighted(List<? extends RowSource> frames, double[] frameScale, StackParams params,
                                            RowSink out, RowSink coverage, Progress progress, ResourcePlan plan)
            throws IOException {
        return stackWeighted(frames, frameScale, params, out, coverage, progress, plan, CpuStackBackend.INSTANCE);
    }

    /** {@link #stackWeighted(List, double[], StackParams, RowSink, RowSink, Progress, ResourcePlan)} on {@code backend}. */
    public static StackResult stackWeighted(List<? extends RowSource> frames, double[] frameScale, StackParams params,
                                            RowSink out, RowSink coverage, Progress progress, ResourcePlan plan,
                                            StackBackend backend) throws IOException {
        if (plan == null) throw new IllegalArgumentException("stack: a resource plan is required");
        if (frameScale != null) {
            if (frames == null || frameScale.length != frames.size())
                throw new IllegalArgumentException("stack: " + frameScale.length + " frame weights for "
                        + (frames == null ? 0 : frames.size()) + " frames");
            for (int i = 0; i < frameScale.length; i++)
                if (!(frameScale[i] > 0) || Double.isInfinite(frameScale[i]))
                    throw new IllegalArgumentException("stack: frame weight " + frameScale[i] + " of "
                            + nameOf(frames.get(i), i) + " must be finite and > 0");
        }
        return run(frames, params, out, coverage, progress, plan, null, backend, frameScale);
    }

    /**
     * Stacks with an explicit cut of the work (a backend that sizes its own bands, e.g. from free
     * VRAM; tests that compare cuts). The layout is used as given, except that it never asks for
     * more frames than remain after drops.
     */
    public static StackResult stack(List<? extends RowSource> frames, StackParams params, RowSink out,
                                    RowSink coverage, Progress progress, StackLayout layout, StackBackend backend)
            throws IOException {
        if (layout == null) throw new IllegalArgumentException("stack: a layout is required");
        return run(frames, params, out, coverage, progress, null, layout, backend, null);
    }

    /**
     * Whether a stack with these parameters reads every frame twice (a statistics pass, then the
     * band pass): callers whose frames are expensive to make may then record the first read
     * ({@link SpooledSource}). Otherwise the band pass is the only read.
     */
    public static boolean readsFramesTwice(StackParams params) {
        FrameSurvey.Needs needs = FrameSurvey.Needs.of(params);
        return needs.heavy() || needs.geometry();
    }

    private static StackResult run(List<? extends RowSource> frames, StackParams params, RowSink out,
                                   RowSink coverage, Progress progress, ResourcePlan plan, StackLayout given,
                                   StackBackend backend, double[] frameScale) throws IOException {
        if (frames == null || frames.isEmpty()) throw new IllegalArgumentException("nothing to stack: no frames");
        if (params == null || out == null || backend == null)
            throw new IllegalArgumentException("stack: params, output and backend are required");
        Progress pr = progress == null ? Progress.NONE : progress;
        long t0 = System.nanoTime();
        RowSource f0 = frames.get(0);
        int w = f0.width(), h = f0.height(), nc = f0.channels();
        List<String> names = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            RowSource f = frames.get(i);
            names.add(nameOf(f, i));
            if (f.width() != w || f.height() != h || f.channels() != nc)
                throw new IllegalArgumentException("frames differ in shape: " + names.get(0) + " is " + w + "x" + h + "x"
                        + nc + " but " + names.get(i) + " is " + f.width() + "x" + f.height() + "x" + f.channels());
        }

        if (given != null && (given.rowsPerBand() < 1 || (long) given.rowsPerBand() * given.bands() < h
                || (long) given.rowsPerBand() * (given.bands() - 1) >= h))
            throw new IllegalArgumentException("layout of " + given.bands() + " bands of " + given.rowsPerBand()
                    + " rows does not cut " + h + " rows");

        // 1. Statistics pass. When only the finite counts are needed (no normalisation, weights or
        // radial weight), they are taken during the band pass instead: one read of every frame.
        FrameSurvey.Needs needs = FrameSurvey.Needs.of(params);
        StackLayout first = given != null ? given : plan.layoutStack(w, h, nc, frames.size(), params.radialWeight());
        boolean survey = needs.heavy() || needs.geometry();
        double statsShare = needs.heavy() ? 0.3 : survey ? 0.1 : 0;
        FrameStats[] all = survey ? FrameSurvey.run(frames, needs, first.statsWorkers(), pr.sub(0, statsShare), names)
                : null;
        long tStats = System.nanoTime();
        double[][] frameWeights = new double[frames.size()][];
        Arrays.setAll(frameWeights, i -> new double[nc]);
        List<String> dropped = new ArrayList<>();
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) used.add(i);
        // 2. Drops (reference validity rules).
        if (all != null) used = drops(all, names, dropped);
        BandStacker.Outcome outcome = null;
        Normalization.Affine lastNorm = null;
        StackLayout layout = null;
        Progress bandProgress = pr.sub(statsShare, 1);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (used.isEmpty()) {
                LOG.warning("[STACK] all " + frames.size() + " frames dropped: the stack is empty (NaN)");
                writeEmpty(w, h, nc, out, coverage);
                pr.update(1, "stack empty");
                return new StackResult(0, dropped, new double[nc], frameWeights);
            }
            List<RowSource> usedFrames = new ArrayList<>();
            List<String> usedNames = new ArrayList<>();
            FrameStats[] stats = new FrameStats[used.size()];
            for (int k = 0; k < used.size(); k++) {
                usedFrames.add(frames.get(used.get(k)));
                usedNames.add(names.get(used.get(k)));
                stats[k] = all == null ? null : all[used.get(k)];
            }

            // 3. Normalisation, weights, radial weights.
            Normalization.Affine norm = all == null ? Normalization.Affine.identity(used.size(), nc)
                    : Normalization.compute(params.normalize(), stats, nc, usedNames, LOG);
            lastNorm = norm;
            double[][] weights = all == null ? FrameWeights.compute(StackParams.Weighting.NONE, stats, norm, nc, usedNames, LOG)
                    : FrameWeights.compute(params.weighting(), stats, norm, nc, usedNames, LOG);
            if (frameScale != null) // external weights multiply; skipped when absent so results stay bit-identical
                for (int k = 0; k < used.size(); k++)
                    for (int c = 0; c < nc; c++) weights[k][c] *= frameScale[used.get(k)];
            for (int k = 0; k < used.size(); k++) frameWeights[used.get(k)] = weights[k].clone();
            RadialWeight[] radial = null;
            if (params.radialWeight()) {
                radial = new RadialWeight[stats.length];
                for (int k = 0; k < stats.length; k++)
                    radial[k] = new RadialWeight(stats[k].cx(), stats[k].cy(), stats[k].radius(), params.radialFeather(),
                            params.radialPower(), params.radialFloor());
            }
            if (LOG.isLoggable(java.util.logging.Level.FINE)) logFrames(usedNames, norm, weights);

            // 4. Band pass.
            layout = given != null ? given : plan.layoutStack(w, h, nc, usedFrames.size(), params.radialWeight());
            if (attempt == 0)
                LOG.info(String.format(Locale.ROOT, "[PLAN] stack of %d frames %dx%dx%d: %s%s; backend=%s",
                        usedFrames.size(), w, h, nc, plan == null ? "" : plan.describe() + "; ", layout.describe(),
                        backend.name()));
            if (layout.mode() == StackLayout.Mode.FRAME_BLOCKS && layout.sampleFrames() < usedFrames.size() && attempt == 0)
                LOG.info("[STACK] frame blocks: rejection bounds" + (params.combine() == StackParams.Combine.MEDIAN
                        ? " and the median" : "") + " from " + layout.sampleFrames() + " evenly spaced frames of "
                        + usedFrames.size() + "; the mean runs over all frames");
            boolean counting = all == null && attempt == 0;
            BandStacker bands = new BandStacker(usedFrames, usedNames, norm, weights, radial, params, layout, backend,
                    out, coverage, counting);
            outcome = bands.run(counting ? bandProgress.sub(0, 0.95) : attempt == 0 ? bandProgress : bandProgress.sub(0.95, 1));
            if (!counting) break;
            // Validity from the counts of the band pass; stack again without the dropped frames (rare).
            FrameStats[] counted = new FrameStats[used.size()];
            for (int k = 0; k < used.size(); k++)
                counted[k] = new FrameStats(usedFrames.get(k).footprintPixels(), outcome.finite()[k], null, null, Double.NaN,
                        null, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN);
            List<Integer> keep = drops(counted, usedNames, dropped);
            if (keep.size() == used.size()) {
                bandProgress.update(1, "stacked");
                break;
            }
            List<Integer> next = new ArrayList<>();
            for (int k : keep) next.add(used.get(k));
            LOG.info("[STACK] restacking without the " + (used.size() - keep.size()) + " dropped frame(s)");
            for (int i = 0; i < frames.size(); i++) frameWeights[i] = new double[nc];
            used = next;
        }
        ChannelTally[] tally = outcome.tally();
        int framesUsed = used.size();

        double[] pct = new double[nc];
        for (int c = 0; c < nc; c++) pct[c] = tally[c].rejectedPct();
        // Which frame the stack's pixels are counts of (its unit), in input order.
        int reference = lastNorm.reference() < 0 ? -1 : used.get(lastNorm.reference());
        boolean[] onReference = new boolean[frames.size()];
        for (int k = 0; k < used.size(); k++) onReference[used.get(k)] = reference >= 0 && lastNorm.onReference()[k];
        StackResult result = new StackResult(framesUsed, dropped, pct, frameWeights, reference, onReference);
        StringBuilder per = new StringBuilder();
        for (int c = 0; c < nc; c++) per.append(c == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", pct[c]));
        long t1 = System.nanoTime();
        LOG.info(String.format(Locale.ROOT,
                "[STACK] %d frames stacked (%d dropped), %s: rejected %.3f%% [%s] in %.2f s (statistics %.2f s, bands %.2f s)",
                framesUsed, dropped.size(), params.describe(), result.rejectedPct(), per, (t1 - t0) / 1e9,
                (tStats - t0) / 1e9, (t1 - tStats) / 1e9));
        return result;
    }

    /** The indices of the frames that pass the validity rules; logs and records the others. */
    private static List<Integer> drops(FrameStats[] stats, List<String> names, List<String> dropped) {
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < stats.length; i++) {
            String why = dropReason(stats[i]);
            if (why == null) {
                used.add(i);
            } else {
                dropped.add(names.get(i) + ": " + why);
                // Each caller names the frame on the console itself, from StackResult.dropped(): a
                // master tile's among the run's skipped inputs, Grid's after all its tiles, SDS's
                // mega-tile line. The run log keeps this line; the fronts' consoles hold it back.
                org.tessera.SkipNotice.warn(LOG, "[STACK] frame " + names.get(i) + " dropped: " + why);
            }
        }
        return used;
    }

    /**
     * Why a frame is not used, or null (reference.md §4 validity rules, on the frame's footprint:
     * {@link FrameStats#pixels()}). The original stacks on the reference frame's own grid, where
     * the two are the same; Tessera's canvases are often larger than a frame (the square canvas of
     * a rotated group, a grid widened to hold every frame), and 3x200-px strips on a 201x201 canvas
     * were dropped although every pixel of theirs was finite.
     */
    static String dropReason(FrameStats s) {
        long minPixels = Math.min(MIN_FINITE_PIXELS, (s.pixels() + 1) / 2);
        for (int c = 0; c < s.finite().length; c++) {
            long f = s.finite()[c];
            double frac = s.pixels() > 0 ? (double) f / s.pixels() : 0;
            if (frac < MIN_FINITE_FRACTION)
                return String.format(Locale.ROOT, "finite fraction %.4f < %.2f in channel %d", frac, MIN_FINITE_FRACTION, c);
            if (f < minPixels) return "only " + f + " finite pixels (< " + minPixels + ") in channel " + c;
        }
        // An all-zero (or blank) readout is finite everywhere but holds no sky: stacked, it pulled
        // every pixel towards its value (a 5-frame tile moved by 10 ADU, up to 5140 ADU on stars)
        // (the runs' inputs are screened for such frames before any grid is made, in the same words:
        // io.ConstantFrames; this catches a frame that only turns constant on its tile)
        if (!Double.isNaN(s.constant())) return org.tessera.io.ConstantFrames.reason(s.constant());
        return null;
    }

    static String nameOf(RowSource f, int index) {
        String n = f.name();
        if (n != null && !n.isBlank()) return n;
        return "frame #" + (index + 1);
    }

    private static void logFrames(List<String> names, Normalization.Affine norm, double[][] weights) {
        for (int k = 0; k < names.size(); k++) {
            StringBuilder sb = new StringBuilder("[STACK] ").append(names.get(k)).append(':');
            for (int c = 0; c < weights[k].length; c++)
                sb.append(String.format(Locale.ROOT, " c%d gain=%.5g offset=%.5g weight=%.5g", c, norm.gain()[k][c],
                        norm.offset()[k][c], weights[k][c]));
            LOG.fine(sb.toString());
        }
    }

    private static void writeEmpty(int w, int h, int nc, RowSink out, RowSink coverage) throws IOException {
        int rows = Math.max(1, Math.min(h, (1 << 20) / Math.max(1, w)));
        float[][] nan = new float[nc][rows * w];
        for (float[] p : nan) Arrays.fill(p, Float.NaN);
        float[][] zero = new float[1][rows * w];
        for (int y0 = 0; y0 < h; y0 += rows) {
            int r = Math.min(rows, h - y0);
            out.writeRows(y0, r, nan);
            if (coverage != null) coverage.writeRows(y0, r, zero);
        }
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Waits for a worker; on failure stops the others (by exhausting the shared work counter) and
     * rethrows the worker's own exception.
     */
    static <T> T await(Future<T> f, AtomicInteger work, int total) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            work.set(total);
            Thread.currentThread().interrupt();
            throw new CancellationException("stack interrupted");
        } catch (ExecutionException e) {
            work.set(total);
            throw WorkerFailures.rethrow(e.getCause());
        }
    }
}
