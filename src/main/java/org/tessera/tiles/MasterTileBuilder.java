package org.tessera.tiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.ProgressParts;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSource;
import org.tessera.io.Frame;
import org.tessera.io.MountMode;
import org.tessera.reproject.Kernel;
import org.tessera.reproject.ShiftedSource;
import org.tessera.plan.IsolatedTasks;
import org.tessera.plan.ResourcePlan;
import org.tessera.stack.SpooledSource;
import org.tessera.stack.StackCore;
import org.tessera.stack.StackParams;
import org.tessera.stack.StackResult;
import org.tessera.stack.TileStackPolicy;
import org.tessera.wcs.WcsGrid;

/**
 * Phase 3: groups → master tiles. Per group: reference grid ({@link TileGeometry}), every frame
 * reprojected onto it (bilinear, NaN outside its footprint), the stack core with a coverage count,
 * the ALT-AZ cleanup where {@link AltAzGating} allows it, the edge trim, empty-tile detection and
 * the header cards. Tiles are made in parallel on a fixed pool; a tile that fails is logged
 * ({@code [P3] tile N failed: …}) and reported, the others finish.
 */
public final class MasterTileBuilder {

    private static final Logger LOG = Logger.getLogger("org.tessera.tiles");

    private final StackParams stackParams;
    private final AltAzGating gating;
    private final AltAzCleanup.Params cleanup;
    private final int workers;
    private final TileStackPolicy stackPolicy;
    /** Where the band pass's spool files go (null: the default temporary folder). */
    private final Path spoolDir;
    /** What the log calls the tile (null: "tile N"). */
    private final String tileName;
    /** How frames other than the reference are resampled onto the tile ({@code stacking_resample_kernel}). */
    private final Kernel resample;

    public MasterTileBuilder(StackParams stackParams, AltAzGating gating, AltAzCleanup.Params cleanup, int workers) {
        this(stackParams, gating, cleanup, workers, TileStackPolicy.CPU, null, null, Kernel.BILINEAR);
    }

    private MasterTileBuilder(StackParams stackParams, AltAzGating gating, AltAzCleanup.Params cleanup, int workers,
                              TileStackPolicy stackPolicy, Path spoolDir, String tileName, Kernel resample) {
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        this.stackParams = stackParams;
        this.gating = gating;
        this.cleanup = cleanup;
        this.workers = workers;
        this.stackPolicy = stackPolicy;
        this.spoolDir = spoolDir;
        this.tileName = tileName;
        this.resample = resample;
    }

    /**
     * The same builder with each tile's stack run through {@code policy} (the backend and its
     * fallback, e.g. the GPU's Phase 3 mode C); the default is the CPU.
     */
    public MasterTileBuilder withStackPolicy(TileStackPolicy policy) {
        return new MasterTileBuilder(stackParams, gating, cleanup, workers, policy, spoolDir, tileName, resample);
    }

    /**
     * The same builder with the frames' spool files ({@link SpooledSource}, ~24 MB per Seestar
     * frame while its tile stacks) in {@code dir}: the run's own folder, on the disk the user chose
     * for the output, rather than the system's temporary folder, which may be memory (tmpfs).
     */
    public MasterTileBuilder withSpoolDir(Path dir) {
        return new MasterTileBuilder(stackParams, gating, cleanup, workers, stackPolicy, dir, tileName, resample);
    }

    /**
     * The same builder for one tile the user names ({@code tessera stack}'s output file): its log
     * lines say {@code [P3] m31.fits: …} instead of {@code [P3] tile 1: …}, a number the user never gave.
     */
    public MasterTileBuilder withTileName(String name) {
        return new MasterTileBuilder(stackParams, gating, cleanup, workers, stackPolicy, spoolDir, name, resample);
    }

    /** What the log calls tile {@code g}. */
    private String nameOf(FrameGroup g) {
        return tileName != null ? tileName : "tile " + g.id();
    }

    /**
     * The same builder resampling the frames with {@code kernel} (the reference frame is never
     * resampled, nor a frame a whole number of pixels away).
     */
    public MasterTileBuilder withResampleKernel(Kernel kernel) {
        return new MasterTileBuilder(stackParams, gating, cleanup, workers, stackPolicy, spoolDir, tileName, kernel);
    }

    /** The kernel frames are resampled with. */
    public Kernel resampleKernel() { return resample; }

    public static MasterTileBuilder fromConfig(Config c, int workers) {
        return new MasterTileBuilder(StackParams.fromConfig(c), AltAzGating.fromConfig(c), AltAzCleanup.Params.fromConfig(c), workers)
                .withResampleKernel(Kernel.parse(c.getString("stacking_resample_kernel")));
    }

    /**
     * Memory one tile worker needs, bytes: the square canvas bound of the stacking grid (or the box
     * of all the group's footprints when larger) ×
     * (channels + coverage + alpha + 3 for the cleanup's distance map and masks) floats, plus two
     * frames' worth for the source rows a reprojected band may read (a strongly rotated frame can
     * need all its rows for one band).
     */
    public static long bytesPerTile(FrameGroup g) {
        Frame r = g.frames().get(TileGeometry.referenceIndex(g.frames()));
        long side = (long) Math.ceil(Math.hypot(r.width(), r.height()));
        // A grid widened to hold every frame (TileGeometry) may exceed the canvas: at most the spread.
        long area = Math.max(side * side, (long) Math.ceil(TileGeometry.spreadAreas(g.frames()) * r.width() * r.height()));
        return area * 4L * (r.channels() + 5) + 2L * 4L * r.width() * r.height() * r.channels();
    }

    /**
     * Tile workers that fit: at most {@code cores}, at most the number of groups, and no more than
     * the budget holds of the largest tile; at least 1.
     */
    public static int workersFor(List<FrameGroup> groups, long ramBudgetBytes, int cores) {
        long biggest = groups.isEmpty() ? 1 : bytesPerTile(largest(groups));
        long byRam = ramBudgetBytes > 0 ? ramBudgetBytes / biggest : Long.MAX_VALUE;
        return (int) Math.max(1, Math.min(Math.min(cores, Math.max(1, groups.size())), byRam));
    }

    /** The group whose tile needs the most memory ({@link #bytesPerTile}). */
    public static FrameGroup largest(List<FrameGroup> groups) {
        return groups.stream().max(Comparator.comparingLong(MasterTileBuilder::bytesPerTile)).orElseThrow();
    }

    /** Builds every group's tile and hands each to {@code sink} as soon as it is done. */
    public Phase3Result build(List<FrameGroup> groups, TileSink sink, Progress progress) {
        return build(groups, sink, ProgressParts.equal(progress, groups.size()));
    }

    /**
     * As {@link #build(List, TileSink, Progress)}, each group's tile moving the bar by the weight
     * {@code parts} gives it (one part per group, same order: the work its stack is expected to take).
     */
    public Phase3Result build(List<FrameGroup> groups, TileSink sink, ProgressParts parts) {
        Progress progress = parts.bar();
        boolean runFlag = gating.runFlag(groups);
        int n = groups.size();
        int pool = Math.max(1, Math.min(workers, n));
        LOG.info(String.format(Locale.ROOT, "[P3] %d master tile(s) on %d worker(s)", n, pool));
        ResourcePlan whole = ResourcePlan.fromRuntime(null);
        ResourcePlan share = whole.withBudget(whole.budgetBytes() / pool).withWorkers(Math.max(1, whole.workers() / pool));
        List<IsolatedTasks.Task<Phase3Result.Summary>> tasks = new ArrayList<>();
        for (FrameGroup g : groups) {
            boolean tileFlag = gating.tileFlag(g.id(), g, runFlag);
            tasks.add(new IsolatedTasks.Task<>(g.id(), cancel -> {
                MasterTile t = buildTile(g, tileFlag, cancel, share);
                sink.accept(t);
                return summary(t, g, tileFlag);
            }));
        }
        IsolatedTasks.Result<Phase3Result.Summary> r = IsolatedTasks.run(tasks, pool, "tessera-p3", "master tile", parts,
                (id, reason, e) -> IsolatedTasks.logFailure(LOG, "[P3] tile " + id + " failed: " + reason, e));
        List<Phase3Result.Summary> tiles = r.done();
        List<Phase3Result.Failure> failures = new ArrayList<>();
        for (IsolatedTasks.Failure f : r.failed()) failures.add(new Phase3Result.Failure(f.id(), f.reason()));
        boolean cancelled = progress.cancelled();
        LOG.info(String.format(Locale.ROOT, "[P3] %d tile(s) done, %d failed%s", tiles.size(), failures.size(),
                cancelled ? " (cancelled)" : ""));
        return new Phase3Result(runFlag, List.copyOf(tiles), List.copyOf(failures), cancelled);
    }

    /** Builds every tile and keeps them all in memory (tests, small runs). */
    public List<MasterTile> buildAll(List<FrameGroup> groups, Progress progress, List<Phase3Result.Failure> failures) {
        List<MasterTile> out = java.util.Collections.synchronizedList(new ArrayList<>());
        Phase3Result r = build(groups, out::add, progress);
        if (failures != null) failures.addAll(r.failures());
        List<MasterTile> sorted = new ArrayList<>(out);
        sorted.sort(Comparator.comparingInt(MasterTile::id));
        return sorted;
    }

    private static Phase3Result.Summary summary(MasterTile t, FrameGroup g, boolean flag) {
        return new Phase3Result.Summary(t.id(), g.size(), t.stack().framesUsed(), g.mount(), flag, t.cleaned(), t.empty(),
                t.image().width(), t.image().height());
    }

    /** Most pixels one channel of a tile's grid may have: what a Java array (a {@link FloatImage} plane) holds. */
    static final long MAX_GRID_PIXELS = Integer.MAX_VALUE - 8;

    /** One tile, on the calling thread, with the whole memory plan. {@code cleanupEnabled} is the gating's decision for it. */
    public MasterTile buildTile(FrameGroup g, boolean cleanupEnabled, Progress progress) throws IOException {
        return buildTile(g, cleanupEnabled, progress, ResourcePlan.fromRuntime(null));
    }

    /**
     * One tile whose stack uses {@code stackPlan}: tiles built in parallel each get a share of the
     * plan, since each would otherwise size its bands from the same free heap.
     */
    public MasterTile buildTile(FrameGroup g, boolean cleanupEnabled, Progress progress, ResourcePlan stackPlan)
            throws IOException {
        MountMode effective = gating.effectiveMode(g);
        TileGeometry.Plan plan = TileGeometry.plan(g.frames(), effective);
        WcsGrid grid = plan.grid();
        if ((long) grid.width() * grid.height() > MAX_GRID_PIXELS)
            // Only a stack job meets this (a mosaic splits groups wider than MAX_SPREAD_AREAS): frames of
            // two targets gave "image too large for memory: 123588x124326", which says neither why nor what to do.
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the %d frame(s) spread over %.0f times the "
                    + "area of %s: a %dx%d grid, more than one image can hold (frames of several fields?); stack the "
                    + "frames of one field, or make a mosaic of them (tessera mosaic)", g.size(),
                    TileGeometry.spreadAreas(g.frames()), plan.reference().name(), grid.width(), grid.height()));
        // Reference first: the stack normalises onto its first frame (ReferenceFirst).
        int[] order = ReferenceFirst.order(g.size(), plan.referenceIndex());
        List<RowSource> aligned = new ArrayList<>();
        // A raw frame is decoded, debayered and resampled for the statistics pass: the band pass
        // reads those same floats back from a temporary file instead of making them again.
        boolean spool = StackCore.readsFramesTwice(stackParams);
        for (Frame f : ReferenceFirst.apply(g.frames(), order)) {
            RowSource a = f == plan.reference() // the reference lands on its own grid exactly
                    ? new PaddedSource(f, grid.width(), grid.height(), plan.padX(), plan.padY(), f.name())
                    : ShiftedSource.onGrid(f, f.wcs(), grid, resample); // resampled unless a whole-pixel shift
            aligned.add(spool ? new SpooledSource(a, spoolDir) : a);
        }
        int w = grid.width(), h = grid.height();
        FloatImage image = new FloatImage(w, h, plan.reference().channels());
        FloatImage coverage = new FloatImage(w, h, 1);
        // The policy may run the stack again (GPU retry, CPU recompute): each run rewrites every band.
        StackResult stack;
        try {
            stack = ReferenceFirst.toGroupOrder(stackPolicy.stack(g.id(),
                    backend -> StackCore.stack(aligned, stackParams, image, coverage, progress, stackPlan, backend)), order);
        } finally {
            for (RowSource a : aligned) if (a instanceof SpooledSource s) s.close();
        }

        FloatImage alpha = null;
        if (cleanupEnabled) alpha = AltAzCleanup.apply(image, coverage, cleanup, nameOf(g)).alpha();

        boolean[] valid = EdgeTrim.validMask(image, alpha);
        boolean empty = isEmpty(image, valid);
        EdgeTrim.Rect rect = empty ? new EdgeTrim.Rect(0, 0, w, h) : EdgeTrim.trim(valid, w, h);
        if (empty)
            LOG.warning(String.format(Locale.ROOT, "[P3] %s is empty (no valid non-zero pixel from %d frame(s)): flagged ZMT_EMPT=1",
                    nameOf(g), g.size()));
        boolean whole = rect.width() == w && rect.height() == h;
        FloatImage outImage = whole ? image : EdgeTrim.crop(image, rect);
        FloatImage outAlpha = alpha == null || whole ? alpha : EdgeTrim.crop(alpha, rect);
        WcsGrid outGrid = whole ? grid : grid.crop(rect.x0(), rect.y0(), rect.width(), rect.height());

        List<Frame> used = FrameLosses.usedFrames(g.frames(), stack);
        var header = TileHeaders.build(new TileHeaders.Facts(g.frames(), used, plan.reference(), stackParams, stack,
                g.mount(), effective, cleanupEnabled, alpha != null, plan.canvas(), rect.x0(), rect.y0(), empty));
        List<String> names = new ArrayList<>();
        for (Frame f : g.frames()) names.add(f.name());
        LOG.info(String.format(Locale.ROOT,
                "[P3] %s: %d frame(s), %d stacked, mount=%s, reference %s, grid %dx%d%s (rotation spread %.1f deg) -> %dx%d at (%d, %d), cleanup=%s%s",
                nameOf(g), g.size(), stack.framesUsed(), g.mount(), plan.reference().name(), w, h, plan.canvas() ? " canvas" : "",
                plan.rotationSpreadDeg(), rect.width(), rect.height(), rect.x0(), rect.y0(),
                AltAzGating.py(alpha != null), empty ? ", EMPTY" : ""));
        return new MasterTile(g.id(), outImage, outAlpha, outGrid, header, names, stack);
    }

    /** No valid pixel, or valid pixels that are all exactly 0 (a black stack). */
    private static boolean isEmpty(FloatImage img, boolean[] valid) {
        for (int i = 0; i < valid.length; i++) {
            if (!valid[i]) continue;
            for (int c = 0; c < img.channels(); c++) if (img.plane(c)[i] != 0f) return false;
        }
        return true;
    }
}
