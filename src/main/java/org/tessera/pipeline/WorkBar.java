package org.tessera.pipeline;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import org.tessera.Progress;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.plan.WorkCosts;
import org.tessera.solve.WcsCache;
import org.tessera.tiles.FrameGroup;

/**
 * The run's one progress bar, shared among its phases by the work each is expected to take, so
 * that the bar (and the ETA that extrapolates it) moves with the wall time: a phase with no work
 * for this input (no frame to plate-solve, tiles kept from an earlier run) takes ~0 of it.
 *
 * <p>Each phase, when it starts, takes {@code cost / (cost + later)} of what is left of the bar,
 * where {@code later} is the estimate of all the phases after it, made with what is known then
 * (after the scan: the frames, their pixels, which need placing; before Phase 3: the tiles to
 * build; before Phase 5: the tiles and the mosaic's size). A phase starts where the previous one
 * ended, so a new estimate re-weights only what is left and the bar never moves back.
 *
 * <p>The costs come from {@link WorkCosts}, the one table (seconds on 2 cores) that Grid mode
 * shares its own bar by too; here they are applied to the pipeline's inputs: frames, groups,
 * batches. Public for the Spark module's driver, which shares its bar with the same estimates
 * (and weights its tasks by them).
 */
public final class WorkBar {

    /** Share of a run taken by the header scan, before the frames are known: {@link WorkCosts#SCAN_SHARE}. */
    public static final double SCAN_SHARE = WorkCosts.SCAN_SHARE;
    /** Share of the demo run taken by writing the built-in synthetic sky (measured 13–32 %, more on a quiet machine). */
    public static final double DEMO_SKY_SHARE = 0.25;
    private final Progress bar;
    private double at;

    public WorkBar(Progress p) {
        bar = p.forwardOnly();
    }

    /** The whole bar (for the final report). */
    public Progress bar() {
        return bar;
    }

    /** The next phase: {@code cost} against {@code later} for every phase after it; 0 and 0 take the rest. */
    public synchronized Progress next(double cost, double later) {
        double left = 1 - at;
        double take = cost + later <= 0 ? left : left * Math.max(0, cost) / (cost + Math.max(0, later));
        double from = at;
        at = Math.min(1, from + take);
        return bar.sub(from, at);
    }

    /** What is left of the bar, for a caller that shares it by the same costs itself (Grid mode's {@code GridMode.stages}). */
    public synchronized Progress rest() {
        return share(1);
    }

    /** A fixed share of the bar, before any work is known. */
    public synchronized Progress share(double fraction) {
        double from = at;
        at = Math.min(1, from + fraction);
        return bar.sub(from, at);
    }

    // ---------------------------------------------------------------- cost estimates

    static double mpx(Frame f) {
        return f.width() * (double) f.height() / 1e6;
    }

    /** Phase 1's placing: frames without WCS (not in the output folder's cache) registered, ~one solve per group. */
    public static double place(List<FitsFrame> frames, Path outputDir, boolean force) {
        WcsCache cache = outputDir == null ? null : new WcsCache(outputDir);
        int todo = 0;
        double mpx = 0;
        for (FitsFrame f : frames) {
            if (f.hasWcs() && !force) continue;
            if (cache != null && cache.lookup(f.path()) != null) continue;
            todo++;
            mpx += mpx(f);
        }
        if (todo == 0) return 0;
        // one solve per pointing and session: about one per 100 frames of a night's run, at least one
        return WorkCosts.solves(Math.max(1, (todo + 99) / 100)) + WorkCosts.registrations(mpx);
    }

    /** Phase 1's plate solves, one per group's reference (a cluster's solve job). */
    public static double solves(int groups) {
        return WorkCosts.solves(groups);
    }

    /** Phase 1's registrations of these frames (a cluster's registration job). */
    public static double registrations(Collection<? extends Frame> frames) {
        double mpx = 0;
        for (Frame f : frames) mpx += mpx(f);
        return WorkCosts.registrations(mpx);
    }

    public static double group(Collection<? extends Frame> frames) {
        return WorkCosts.GROUP_S * frames.size();
    }

    /** Phase 3: every frame of the groups stacked. */
    public static double stack(Collection<FrameGroup> groups) {
        double s = 0;
        for (FrameGroup g : groups) s += stackFrames(g.frames());
        return s;
    }

    /** Phase 3 before the grouping: every frame stacked. */
    public static double stackFrames(Collection<? extends Frame> frames) {
        double s = 0;
        for (Frame f : frames) s += WorkCosts.stack(1, mpx(f));
        return s;
    }

    /**
     * Phase 5's bands as a cluster's tasks: {@code ranges} ranges of equal rows, each coadded by a
     * task (an equal share of the tiles' coadd), then merged by the driver into the mosaic's files
     * (the writing of its rows). The weights: the tasks' first, then the merges'.
     */
    public static double[] bandRanges(Collection<Double> tileMpx, double mosaicMpx, int ranges) {
        double[] w = new double[2 * ranges];
        double coadd = WorkCosts.COADD_S_PER_MPX * tileMpx.stream().mapToDouble(Double::doubleValue).sum();
        for (int k = 0; k < ranges; k++) {
            w[k] = coadd / ranges;
            w[ranges + k] = WorkCosts.SAVE_S_PER_MPX * mosaicMpx / ranges;
        }
        return w;
    }

    /** An SDS mega-tile: its frames coadded as Phase 5 does, every pair of them overlapping and matched. */
    static double megaTile(Collection<Double> frameMpx) {
        double n = frameMpx.size();
        return WorkCosts.coadd(frameMpx) + WorkCosts.MATCH_S_PER_PAIR * n * (n - 1) / 2;
    }

    /**
     * Phases 4, 5 and the writing, before the tiles exist: one tile per group as large as its
     * largest frame; the mosaic as large as half their sum (tiles overlap), at least the largest.
     */
    public static double coaddAndSave(Collection<FrameGroup> groups) {
        List<Double> tiles = groups.stream()
                .map(g -> g.frames().stream().mapToDouble(WorkBar::mpx).max().orElse(0)).toList();
        double sum = tiles.stream().mapToDouble(Double::doubleValue).sum();
        double largest = tiles.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        return WorkCosts.GRID_S * tiles.size() + WorkCosts.coadd(tiles) + WorkCosts.save(Math.max(largest, sum / 2));
    }

    /** A mosaic after Phase 1, before the grouping: every frame stacked, about one tile of the largest frame per 50 frames. */
    public static double afterPlacing(List<FitsFrame> frames) {
        if (frames.isEmpty()) return 0;
        double largest = frames.stream().mapToDouble(WorkBar::mpx).max().orElse(0);
        int tiles = (int) Math.ceil(frames.size() / 50.0);
        return group(frames) + stackFrames(frames) + WorkCosts.GRID_S * tiles
                + WorkCosts.coadd(java.util.Collections.nCopies(tiles, largest)) + WorkCosts.save(largest * Math.max(1, tiles / 2.0));
    }
}
