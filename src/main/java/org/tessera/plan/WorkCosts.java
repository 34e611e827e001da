package org.tessera.plan;

import java.util.Collection;

/**
 * The work each part of a run is expected to take, by which the progress bar is shared (the
 * pipeline's phases, {@code pipeline.WorkBar}; a Grid run's tiles, coadd and writing, {@code
 * grid.GridMode.stages}; the parts that run at once, {@link org.tessera.ProgressParts}). Made of
 * plain numbers (frames, megapixels), so that every layer that shares a bar uses this one table,
 * whichever front called it.
 *
 * <p>Costs are seconds of wall time on 2 cores, from the runs of docs/benchmarks.md and the
 * traces of ProgressHonestyTest; only their ratios matter.
 */
public final class WorkCosts {
    private WorkCosts() {}

    /** Share of a run taken by the header scan (a Grid run's plan read), before the frames are known (≈1 % measured). */
    public static final double SCAN_SHARE = 0.02;
    /**
     * Phase 1: a plate solve (solve-field on a Seestar frame: 1–2 s; measured 0.5–4 s here, by load), a
     * registration per megapixel (0.2–0.4 s a 2 Mpx Seestar frame).
     */
    public static final double SOLVE_S = 1.5, REGISTER_S_PER_MPX = 0.1;
    /** Phase 2 per frame; Phase 3 per frame stacked and per megapixel of it. */
    public static final double GROUP_S = 0.002, STACK_S = 0.05, STACK_S_PER_MPX = 0.4;
    /**
     * Phase 4 per tile; Phase 5 per tile coadded and per megapixel of it, and per pair of tiles
     * photometrically matched in an SDS mega-tile (all its frames overlap: 10 frames 1.6–5 s; Classic's
     * few tiles match in well under a second, within their per-tile cost).
     */
    public static final double GRID_S = 0.01, COADD_S = 0.12, COADD_S_PER_MPX = 0.35, MATCH_S_PER_PAIR = 0.05;
    /** Writing: background extraction, FITS and preview, fixed and per megapixel of the mosaic. */
    public static final double SAVE_S = 0.05, SAVE_S_PER_MPX = 0.3;

    /** Phase 1's plate solves, one per group's reference. */
    public static double solves(int groups) {
        return SOLVE_S * groups;
    }

    /** Phase 1's registrations of {@code mpx} megapixels of frames on their references. */
    public static double registrations(double mpx) {
        return REGISTER_S_PER_MPX * mpx;
    }

    /**
     * The share of Phase 1's bar that its solves take, the registrations the rest: {@code groups}
     * solves against {@code registeredMpx} megapixels of frames registered (1 when neither).
     */
    public static double solveShare(int groups, double registeredMpx) {
        double s = solves(groups), r = registrations(registeredMpx);
        return s + r > 0 ? s / (s + r) : 1;
    }

    /**
     * {@code frames} frames stacked on {@code mpx} megapixels each: a master tile's frames on their
     * own pixels, or a Grid tile's, each seen on the tile's pixels.
     */
    public static double stack(int frames, double mpx) {
        return frames * (STACK_S + STACK_S_PER_MPX * mpx);
    }

    /** Phase 5 on tiles of these sizes (megapixels). */
    public static double coadd(Collection<Double> tileMpx) {
        double s = 0;
        for (double m : tileMpx) s += COADD_S + COADD_S_PER_MPX * m;
        return s;
    }

    /** Writing a mosaic of {@code mosaicMpx} megapixels (background extraction, FITS, preview). */
    public static double save(double mosaicMpx) {
        return SAVE_S + SAVE_S_PER_MPX * mosaicMpx;
    }
}
