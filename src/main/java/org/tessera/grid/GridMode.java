package org.tessera.grid;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.ProgressParts;
import org.tessera.config.Config;
import org.tessera.io.ConstantFrames;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.io.FrameReading;
import org.tessera.io.FrameScanner;
import org.tessera.io.FrameSelection;
import org.tessera.io.PreviousRun;
import org.tessera.io.MountMode;
import org.tessera.plan.IsolatedTasks;
import org.tessera.plan.ResourcePlan;
import org.tessera.plan.WorkCosts;
import org.tessera.reproject.CoaddFiles;
import org.tessera.stack.StackParams;
import org.tessera.stack.StackResult;
import org.tessera.stack.TileStackPolicy;
import org.tessera.tiles.AltAzGating;
import org.tessera.wcs.SkyFields;
import org.tessera.wcs.WcsGrid;

/**
 * Grid mode (reference.md §8, docs/grid.md): a {@code stack_plan.csv} of frames → a regular
 * raster of overlapping tiles on one global grid, each tile stacked from the frames that touch it
 * by the stack core (tiles in parallel on {@code grid_workers}), then the tiles assembled by the
 * Phase 5 engine into {@code mosaic_grid.fits}. Mixed EQ and ALT-AZ frames make two independent
 * runs in {@code grid_EQ/} and {@code grid_ALTZ/}. One failing tile is logged and skipped, never
 * the whole run: a run fails only when no tile at all succeeds.
 */
public final class GridMode {
    private GridMode() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.grid");

    public static final String TILES_DIR = "tiles";
    /** The mosaic files of a part: {@code mosaic_grid.fits}, its coverage and preview. */
    public static final CoaddFiles.Names NAMES = GridAssembly.NAMES;

    /**
     * One mount's run: its folder, its frame count, outputs (null when no tile succeeded), the tiles written and
     * the tiles that failed; {@code error}: why there is no mosaic; {@code warning}: null, or why the mosaic was
     * kept without its background extraction.
     */
    public record Part(MountMode mount, Path dir, int frames, Path mosaic, Path coverage, Path preview, List<Path> tiles,
                       List<IsolatedTasks.Failure> failed, String error, String warning) {
        public Part {
            tiles = List.copyOf(tiles);
            failed = List.copyOf(failed);
        }
    }

    /** What a Grid run produced: one part per mount, and the frames left out with their reasons. */
    public record Outcome(Path outputDir, List<Part> parts, List<FrameScanner.Problem> skipped) {
        public Outcome {
            parts = List.copyOf(parts);
            skipped = List.copyOf(skipped);
        }

        /** The mosaic of the only part (unmixed run), else null. */
        public Path mosaic() {
            return parts.size() == 1 ? parts.get(0).mosaic() : null;
        }
    }

    /** Effective tile workers: {@code grid_workers} when &gt; 0, else max(1, cores − 2). */
    /** The folder, in the output folder, of the part of this mount: "" unless mounts are mixed ({@code grid_EQ}, {@code grid_ALTZ}). */
    static String partFolder(boolean mixed, MountMode mount) {
        return !mixed ? "" : mount == MountMode.EQ ? "grid_EQ" : "grid_ALTZ";
    }

    /** Where the mosaic of this mount's part is written, relative to the output folder ({@code grid_EQ/mosaic_grid.fits}). */
    static String outputName(boolean mixed, MountMode mount) {
        String folder = partFolder(mixed, mount);
        return (folder.isEmpty() ? "" : folder + "/") + GridAssembly.NAMES.mosaic();
    }

    public static int workers(int gridWorkers, int cores) {
        return gridWorkers > 0 ? gridWorkers : Math.max(1, cores - 2);
    }

    /**
     * Runs Grid mode.
     *
     * @throws IOException when the plan cannot be read or lists no usable frame, when no frame has
     *                     a usable WCS, or when no tile of any mount succeeds; the message says why
     */
    public static Outcome run(Path stackPlanCsv, Path outputDir, Config config, Progress progress) throws IOException {
        return run(stackPlanCsv, outputDir, config, progress, TileStackPolicy.CPU);
    }

    /**
     * Runs Grid mode with each tile's stack made through {@code stackPolicy} (the CPU, or the GPU
     * with a CPU fallback per tile: {@code gpu.GridGpuPolicy}, which the pipeline builds).
     */
    public static Outcome run(Path stackPlanCsv, Path outputDir, Config config, Progress progress,
                              TileStackPolicy stackPolicy) throws IOException {
        return run(stackPlanCsv, outputDir, config, progress, stackPolicy, TileTasks.LOCAL);
    }

    /**
     * How the tiles of one mount's layout are stacked: on this machine's pool ({@link #LOCAL}), or
     * as a cluster's tasks (the Spark module), each task calling {@link #stackTile}. The layout,
     * the assembly and the report stay with the caller of {@link #run}.
     */
    public interface TileTasks {
        /**
         * Stacks each tile of {@code layout} ({@code tileFrames}: its frames, same order) into
         * {@code dir}; a tile that fails is reported in the result, never thrown. Tile k reports on
         * {@code progress.part(k)}: how far it is, or 1 once done (the part's weight is its expected work).
         * Each tile that ends with a stack is told to {@code finished} as soon as its file is complete
         * (on this machine from its worker, so that a run stopped later keeps it for its rerun).
         */
        TilesDone stack(GridLayout.Layout layout, List<List<GridInputs.GridFrame>> tileFrames, Path dir, Config config,
                        int workers, int cores, TileStackPolicy policy, ProgressParts progress, Finished finished)
                throws IOException;

        /** The tiles on {@code workers} threads of this machine. */
        TileTasks LOCAL = (layout, tileFrames, dir, config, workers, cores, policy, progress, finished) -> {
            int pool = Math.max(1, Math.min(workers, layout.tiles().size()));
            TileRunner.Result r = TileRunner.run(layout, tileFrames, dir, StackParams.fromConfig(config), resampleKernel(config),
                    tilePlan(config, pool, cores), policy, workers, progress, finished);
            List<Path> files = new ArrayList<>();
            for (TileStacker.Done d : r.done()) if (d.file() != null) files.add(d.file());
            return new TilesDone(files, r.failed(), r.cancelled());
        };
    }

    /**
     * Told of each tile whose stack ended (its file complete, or none written: its frames only
     * touch it): which of its frames it used ({@link #frameUse}) and, for resume, that its file is final.
     */
    public interface Finished {
        void tile(int id, Path file, StackResult stack) throws IOException;
    }

    /**
     * Where a part's tiles stand before it stacks any: the earlier run's that this run takes as
     * they are, and the record of this run's as each is finished (resume, the pipeline's
     * {@code tessera-run.json}); {@link #FRESH} keeps none.
     */
    public interface Resume {
        /**
         * Opens the part laid out as {@code part}, in {@code dir} (its tiles in {@code tilesDir}):
         * decides which tiles are reused and sets aside whatever else an earlier run left there.
         */
        Ledger open(PartPlan part, Path dir, Path tilesDir) throws IOException;

        /** No resume: every tile and mosaic file an earlier run left in the part's folder is set aside ({@link #setAsideEarlierRun}). */
        Resume FRESH = (part, dir, tilesDir) -> {
            setAsideEarlierRun(dir);
            return Ledger.NONE;
        };
    }

    /** One part's record of its tiles (see {@link Resume}). */
    public interface Ledger {
        /**
         * The tiles taken from the earlier run, by id: for each of its frames (tile order), null
         * when the tile stacked it, else why it was dropped (as {@link #frameUse} gave it then).
         */
        Map<Integer, List<String>> reused();

        /** Tile {@code id}'s file is complete, with its frames' use. */
        void done(int id, List<String> frameUse) throws IOException;

        /** The part's mosaic is written. */
        void complete() throws IOException;

        Ledger NONE = new Ledger() {
            @Override public Map<Integer, List<String>> reused() { return Map.of(); }
            @Override public void done(int id, List<String> frameUse) {}
            @Override public void complete() {}
        };
    }

    /**
     * For each frame of a tile (tile order): null when its stack used the frame (a weight &gt; 0 in
     * some channel), else why it dropped it (the stack's reason, or "no data").
     */
    public static List<String> frameUse(List<GridInputs.GridFrame> frames, StackResult stack) {
        double[][] w = stack.frameWeights();
        List<String> use = new ArrayList<>();
        for (int j = 0; j < frames.size(); j++) {
            boolean any = false;
            if (j < w.length) for (double v : w[j]) any |= v > 0;
            if (any || j >= w.length) {
                use.add(null);
                continue;
            }
            String name = frames.get(j).frame().name() + ": ";
            use.add(stack.dropped().stream().filter(d -> d.startsWith(name)).map(d -> d.substring(name.length()))
                    .findFirst().orElse("no data"));
        }
        return use;
    }

    /**
     * The frames (index in the part's frames → the stack's reason) that every tile stacked without
     * them: a frame of no data (all NaN, one value) was dropped by each tile's stack and only logged
     * there, neither named among the skipped inputs nor left out of the mosaic's EXPTOTAL/NEXP_SUM.
     * A frame some tile used, or whose every tile failed (named as failed), is not among them.
     * <p>
     * The stack's own "[STACK] frame X dropped" line is held back by the fronts' consoles
     * ({@link org.tessera.SkipNotice}): a frame every tile dropped is named in the run's list of
     * skipped inputs; one that a tile dropped and another stacked is named here, once, with the tiles.
     *
     * @param use by tile id, each finished tile's {@link #frameUse} (a tile that failed has none)
     */
    static Map<Integer, String> droppedEverywhere(GridLayout.Layout layout, List<List<GridInputs.GridFrame>> tileFrames,
                                                  Map<Integer, List<String>> use) {
        Map<Integer, List<Integer>> usedBy = new java.util.TreeMap<>(), droppedBy = new java.util.TreeMap<>();
        Map<Integer, String> dropped = new java.util.TreeMap<>(), names = new java.util.HashMap<>();
        for (int t = 0; t < layout.tiles().size(); t++) {
            GridLayout.Tile tile = layout.tiles().get(t);
            List<String> u = use.get(tile.id());
            if (u == null) continue;
            List<Integer> idx = tile.frames();
            for (int j = 0; j < idx.size() && j < u.size(); j++) {
                int frame = idx.get(j);
                boolean used = u.get(j) == null;
                (used ? usedBy : droppedBy).computeIfAbsent(frame, k -> new ArrayList<>()).add(tile.id());
                if (!used && !dropped.containsKey(frame)) {
                    names.put(frame, tileFrames.get(t).get(j).frame().name());
                    dropped.put(frame, u.get(j));
                }
            }
        }
        for (Map.Entry<Integer, List<Integer>> e : droppedBy.entrySet()) {
            List<Integer> in = usedBy.get(e.getKey());
            if (in == null) continue; // every tile dropped it: a skipped input, named in the run's list
            LOG.warning("[GRID] frame " + names.get(e.getKey()) + " dropped by tile(s) " + ids(e.getValue()) + ": "
                    + dropped.get(e.getKey()) + "; stacked in tile(s) " + ids(in));
            dropped.remove(e.getKey());
        }
        return dropped;
    }

    private static String ids(List<Integer> tiles) {
        return String.join(", ", tiles.stream().sorted().map(String::valueOf).toList());
    }

    /** The tile files written (a tile whose frames only touch its edge writes none), the failed tiles, a cancel. */
    public record TilesDone(List<Path> files, List<IsolatedTasks.Failure> failed, boolean cancelled) {
        public TilesDone {
            files = List.copyOf(files);
            failed = List.copyOf(failed);
        }
    }

    /**
     * One tile stacked into {@code target} exactly as on one machine, on the CPU stack core (a
     * cluster task's entry point), with the heap and cores of this process shared among
     * {@code slots} tiles stacked at once (a tile's pixels do not depend on that).
     *
     * @return the file written (null when the tile's frames only touch its edge: no tile written) and the stack's result
     * @throws IOException when none of its frames holds data on it, or the tile cannot be written
     */
    public static StackedTile stackTile(GridLayout.Tile tile, List<GridInputs.GridFrame> frames, Path target, Config config,
                                        int slots) throws IOException {
        ResourcePlan plan = tilePlan(config, Math.max(1, slots), Runtime.getRuntime().availableProcessors());
        TileStacker.Done d = new TileStacker(StackParams.fromConfig(config), plan, TileStackPolicy.CPU, resampleKernel(config))
                .stack(tile, frames, target, Progress.NONE);
        return new StackedTile(d.file(), d.stack());
    }

    /** A tile a task stacked: its file (null: none written) and the stack's result (which frames it used: {@link #frameUse}). */
    public record StackedTile(Path file, StackResult stack) {}

    /** How Grid tiles resample their frames ({@code stacking_resample_kernel}, as master tiles). */
    static org.tessera.reproject.Kernel resampleKernel(Config config) {
        return org.tessera.reproject.Kernel.parse(config.getString("stacking_resample_kernel"));
    }

    /**
     * Runs Grid mode with the tiles of each mount stacked by {@code tiles} (this machine's pool, or
     * a cluster's tasks); everything else as {@link #run(Path, Path, Config, Progress, TileStackPolicy)}.
     * The bar is shared as the pipeline's Grid mode ({@code MosaicPipeline.grid}) shares it: the
     * plan's reading first ({@link WorkCosts#SCAN_SHARE}), then the rest by {@link #stages}.
     */
    public static Outcome run(Path stackPlanCsv, Path outputDir, Config config, Progress progress,
                              TileStackPolicy stackPolicy, TileTasks tiles) throws IOException {
        // forward only: the tiles' workers report in any order
        Progress pr = (progress == null ? Progress.NONE : progress).forwardOnly();
        Plan plan = plan(stackPlanCsv, config, pr.sub(0, WorkCosts.SCAN_SHARE));
        Outcome o = run(plan, outputDir, config, stages(plan, pr.sub(WorkCosts.SCAN_SHARE, 1)), stackPolicy, tiles, Resume.FRESH);
        pr.update(1, "done");
        return o;
    }

    /**
     * {@code bar} shared by the work each part of a laid-out run is expected to take
     * ({@link WorkCosts}), mount after mount: each tile by its frames stacked on its pixels (every
     * frame is seen on the tile's grid), then the coadd of the tiles, then the writing of a mosaic
     * of the global grid's size (the assembly crops it to the tiles' footprints). By count, a tile
     * of 24 frames moved the bar as far as one of 3.
     */
    public static List<Stages> stages(Plan plan, Progress bar) {
        int n = plan.parts().size();
        double[][] tiles = new double[n][];
        double[] cost = new double[3 * n]; // per mount: its tiles, its coadd, its writing
        double total = 0;
        for (int k = 0; k < n; k++) {
            PartPlan p = plan.parts().get(k);
            List<GridLayout.Tile> ts = p.layout().tiles();
            tiles[k] = new double[ts.size()];
            List<Double> tileMpx = new ArrayList<>();
            for (int i = 0; i < ts.size(); i++) {
                double mpx = ts.get(i).width() * (double) ts.get(i).height() / 1e6;
                tiles[k][i] = WorkCosts.stack(p.tileFrames().get(i).size(), mpx);
                cost[3 * k] += tiles[k][i];
                tileMpx.add(mpx);
            }
            cost[3 * k + 1] = WorkCosts.coadd(tileMpx);
            cost[3 * k + 2] = WorkCosts.save(p.layout().global().width() * (double) p.layout().global().height() / 1e6);
            for (int j = 0; j < 3; j++) total += cost[3 * k + j];
        }
        Progress[] part = new Progress[3 * n];
        double at = 0;
        for (int j = 0; j < part.length; j++) {
            double from = at;
            at = j == part.length - 1 || total <= 0 ? 1 : Math.min(1, at + cost[j] / total);
            part[j] = bar.sub(from, at);
        }
        List<Stages> stages = new ArrayList<>();
        for (int k = 0; k < n; k++) stages.add(new Stages(part[3 * k], tiles[k], part[3 * k + 1], part[3 * k + 2]));
        return stages;
    }

    /** One mount's frames laid out: the raster on its global grid and, for each tile (same order), its frames. */
    public record PartPlan(MountMode mount, List<GridInputs.GridFrame> frames, GridLayout.Layout layout,
                           List<List<GridInputs.GridFrame>> tileFrames) {
        public PartPlan {
            frames = List.copyOf(frames);
            tileFrames = tileFrames.stream().map(List::copyOf).toList();
        }
    }

    /** A Grid run laid out before any stack: its plan file, each mount's part (EQ first) and the frames left out. */
    public record Plan(Path stackPlan, List<PartPlan> parts, boolean mixed, List<FrameScanner.Problem> skipped) {
        public Plan {
            parts = List.copyOf(parts);
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * The bar's parts for one mount: its tiles ({@code tileWeights}: each tile's expected work, in
     * layout order, moving {@code tiles} by that share; null: by count), the coadd of the tiles and
     * the writing after it (background extraction, preview).
     */
    public record Stages(Progress tiles, double[] tileWeights, Progress coadd, Progress save) {}

    /**
     * Reads the stack plan, opens its frames and lays out each mount's raster ({@code reading}
     * ends with the frames opened); nothing is stacked or written yet.
     *
     * @throws IOException when the plan cannot be read or lists no usable frame, or when no frame has a usable WCS
     */
    /** Why a file Tessera wrote, named in a stack plan, is not stacked. */
    static final String TESSERA_OUTPUT = "written by Tessera (ORIGIN = 'Tessera': a tile or a mosaic), not a raw frame: "
            + "a stack plan lists raw frames (coadd tiles with 'tessera reproject OUTPUT tiles...')";

    /**
     * The split without what is no raw frame, each named by its line as a skipped input, before the
     * raster, which they would shape: a file Tessera wrote or a ZeMosaic master tile (stacked as one
     * exposure; a folder scan leaves them out, a plan that names one had it stacked silently), and a
     * frame of one value (an all-zero readout) or of no finite pixel ({@link ConstantFrames}), as every mode screens its inputs.
     */
    private static GridInputs.Split withoutNonFrames(GridInputs.Split split) {
        List<GridInputs.GridFrame> all = new ArrayList<>();
        for (List<GridInputs.GridFrame> l : split.byMount().values()) all.addAll(l);
        String[] why = new String[all.size()];
        List<FitsFrame> measured = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Map<String, String> keys = all.get(i).frame().keys();
            why[i] = FrameSelection.writtenByTessera(keys) ? TESSERA_OUTPUT
                    : FrameSelection.zeMosaicMasterTile(keys) ? FrameSelection.ZEMOSAIC_TILE_REASON : null;
            if (why[i] == null) measured.add(all.get(i).frame());
        }
        String[] noData = ConstantFrames.reasons(measured);
        for (int i = 0, k = 0; i < all.size(); i++)
            if (why[i] == null) why[i] = noData[k++];
        if (java.util.Arrays.stream(why).allMatch(java.util.Objects::isNull)) return split;
        List<FrameScanner.Problem> skipped = new ArrayList<>(split.skipped());
        Map<MountMode, List<GridInputs.GridFrame>> by = new java.util.LinkedHashMap<>();
        int k = 0;
        for (Map.Entry<MountMode, List<GridInputs.GridFrame>> e : split.byMount().entrySet())
            for (GridInputs.GridFrame g : e.getValue()) {
                String w = why[k++];
                if (w == null) by.computeIfAbsent(e.getKey(), m -> new ArrayList<>()).add(g);
                else skipped.add(new FrameScanner.Problem(g.entry().path(), "line " + g.entry().line() + ": " + w));
            }
        return new GridInputs.Split(by, skipped);
    }

    public static Plan plan(Path stackPlanCsv, Config config, Progress reading) throws IOException {
        Progress pr = reading == null ? Progress.NONE : reading;
        pr.update(0, "reading the stack plan");
        StackPlan plan = StackPlan.read(stackPlanCsv);
        LOG.info(String.format(Locale.ROOT, "[GRID] stack plan %s: %d frame(s), %d line(s) left out, delimiter '%s', %s",
                stackPlanCsv, plan.entries().size(), plan.problems().size(),
                plan.delimiter() == '\t' ? "\\t" : String.valueOf(plan.delimiter()), plan.hasHeader() ? "header" : "no header"));
        GridInputs.Split split = withoutNonFrames(GridInputs.open(plan, AltAzGating.fromConfig(config), FrameReading.of(config)));
        FrameScanner.stopAtFullDisk(split.skipped()); // a compressed frame's copy did not fit: the others would not either
        // Named as the run's list names it: the file (the plan itself for a line without one), then the line and why.
        for (FrameScanner.Problem s : split.skipped())
            org.tessera.SkipNotice.warn(LOG, "[GRID] frame skipped: " + s.file().getFileName() + ": " + s.reason());
        if (split.byMount().isEmpty())
            // not "no frame with a usable WCS": an all-zero readout, a mono frame are skipped for other reasons
            throw new org.tessera.SkipNotice.AllSkipped(stackPlanCsv + ": no usable frame (" + split.skipped().size()
                    + " skipped" + (split.skipped().isEmpty() ? "" : ", first: " + split.skipped().get(0).reason()) + ")",
                    stackPlanCsv + ": no usable frame (" + split.skipped().size() + " skipped)");
        double factor = config.getDouble("grid_size_factor"), overlap = config.getDouble("batch_overlap_pct");
        List<PartPlan> parts = new ArrayList<>();
        int frames = 0;
        for (Map.Entry<MountMode, List<GridInputs.GridFrame>> e : split.byMount().entrySet()) {
            List<WcsGrid> footprints = new ArrayList<>();
            for (GridInputs.GridFrame f : e.getValue())
                footprints.add(new WcsGrid(f.frame().wcs(), f.frame().width(), f.frame().height()));
            // before the layout: separate fields would make a grid of mostly empty tiles
            SkyFields.check(footprints, e.getValue().stream().map(f -> f.frame().name()).toList(),
                    e.getValue().stream().mapToInt(f -> f.frame().channels()).max().orElse(1),
                    config.getBoolean(SkyFields.KEY), "[GRID]", (split.mixed() ? e.getKey() + " " : "") + "frame(s)",
                    "make one stack plan per field, each with its own output folder", "mosaic",
                    outputName(split.mixed(), e.getKey()), "stacking");
            GridLayout.Layout layout = GridLayout.compute(footprints, factor, overlap);
            List<List<GridInputs.GridFrame>> tileFrames = new ArrayList<>();
            for (GridLayout.Tile t : layout.tiles()) {
                List<GridInputs.GridFrame> in = new ArrayList<>();
                for (int i : t.frames()) in.add(e.getValue().get(i));
                tileFrames.add(in);
            }
            parts.add(new PartPlan(e.getKey(), e.getValue(), layout, tileFrames));
            frames += e.getValue().size();
        }
        pr.update(1, frames + " frame(s)");
        return new Plan(stackPlanCsv, parts, split.mixed(), split.skipped());
    }

    /**
     * Runs a laid-out Grid run: each mount's tiles stacked by {@code tiles} (with {@code stackPolicy})
     * and assembled, reporting on that mount's {@code stages} (one per part, same order); the tiles
     * an earlier run finished are taken as {@code resume} decides.
     *
     * @throws IOException when no tile of any mount succeeds; the message says why
     */
    public static Outcome run(Plan plan, Path outputDir, Config config, List<Stages> stages, TileStackPolicy stackPolicy,
                              TileTasks tiles, Resume resume) throws IOException {
        if (stages.size() != plan.parts().size())
            throw new IllegalArgumentException(stages.size() + " progress stages for " + plan.parts().size() + " part(s)");
        Files.createDirectories(outputDir);
        int cores = Runtime.getRuntime().availableProcessors();
        int workers = workers(config.getInt("grid_workers"), cores);
        LOG.info("[GRID] workers=" + workers + " (grid_workers=" + config.getInt("grid_workers") + ", " + cores + " cores)");
        LOG.info(stackPolicy == TileStackPolicy.CPU ? "[GRID] GPU=OFF: tiles stack on the CPU stack core"
                : "[GRID] GPU=ON: tiles stack on the GPU, a tile whose GPU stack fails on the CPU");

        List<Part> parts = new ArrayList<>();
        List<FrameScanner.Problem> lost = new ArrayList<>(plan.skipped()); // and the frames every tile dropped
        for (int k = 0; k < plan.parts().size(); k++) {
            PartPlan pp = plan.parts().get(k);
            Path dir = outputDir.resolve(partFolder(plan.mixed(), pp.mount()));
            if (plan.mixed())
                LOG.info("[GRID] mixed mounts: " + pp.frames().size() + " " + pp.mount() + " frame(s) → " + dir);
            parts.add(runPart(pp, dir, config, workers, cores, stackPolicy, tiles, resume, stages.get(k), lost));
        }
        boolean any = false;
        for (Part p : parts) any |= p.mosaic() != null;
        if (!any) {
            StringBuilder why = new StringBuilder();
            for (Part p : parts) why.append(why.length() == 0 ? "" : "; ").append(p.mount()).append(": ").append(p.error());
            throw new IOException("[GRID] no mosaic produced: " + why);
        }
        for (FrameScanner.Problem p : lost.subList(plan.skipped().size(), lost.size()))
            org.tessera.SkipNotice.warn(LOG, "[GRID] frame skipped: " + p.file().getFileName() + ": " + p.reason());
        return new Outcome(outputDir, parts, lost);
    }

    private static Part runPart(PartPlan pp, Path dir, Config config, int workers, int cores, TileStackPolicy stackPolicy,
                                TileTasks tileTasks, Resume resume, Stages stages, List<FrameScanner.Problem> lost)
            throws IOException {
        MountMode mount = pp.mount();
        List<GridInputs.GridFrame> frames = pp.frames();
        GridLayout.Layout layout = pp.layout();
        double factor = config.getDouble("grid_size_factor"), overlap = config.getDouble("batch_overlap_pct");
        if (factor * overlap / 100 < 1)
            LOG.warning(String.format(Locale.ROOT, "[GRID] grid_size_factor × batch_overlap_pct = %.2f < 1: a frame may lie"
                    + " whole in no tile, and its pieces that fall under the stack core's validity rule are dropped", factor * overlap / 100));
        LOG.info(String.format(Locale.ROOT, "[GRID] %s: global grid %dx%d at %.3f\"/px, tile %d px, step %d px, %d tile(s) for %d frame(s)",
                mount, layout.global().width(), layout.global().height(), layout.global().wcs().pixelScaleDeg() * 3600,
                layout.tileSize(), layout.step(), layout.tiles().size(), frames.size()));
        Files.createDirectories(dir);
        Path tilesDir = dir.resolve(TILES_DIR);
        Ledger ledger = resume.open(pp, dir, tilesDir);
        Files.createDirectories(tilesDir);
        // The tiles still to stack (an earlier run's finished ones are taken as they are), in layout order.
        Map<Integer, List<String>> use = new java.util.concurrent.ConcurrentHashMap<>(ledger.reused());
        List<GridLayout.Tile> todo = new ArrayList<>();
        List<List<GridInputs.GridFrame>> todoFrames = new ArrayList<>();
        List<Double> todoWeights = new ArrayList<>();
        Map<Integer, List<GridInputs.GridFrame>> framesById = new java.util.HashMap<>();
        for (int i = 0; i < layout.tiles().size(); i++) {
            GridLayout.Tile t = layout.tiles().get(i);
            framesById.put(t.id(), pp.tileFrames().get(i));
            if (use.containsKey(t.id())) continue;
            todo.add(t);
            todoFrames.add(pp.tileFrames().get(i));
            todoWeights.add(stages.tileWeights() == null ? 1 : stages.tileWeights()[i]);
        }
        if (stages.tileWeights() != null && stages.tileWeights().length != layout.tiles().size())
            throw new IllegalArgumentException(stages.tileWeights().length + " tile weights for " + layout.tiles().size() + " tiles");
        int n = todo.size();
        Finished finished = (id, file, stack) -> {
            List<String> u = frameUse(framesById.get(id), stack);
            if (file != null) ledger.done(id, u); // a tile whose frames only touch it has no file to keep
            use.put(id, u);
        };
        TilesDone r = n == 0 ? new TilesDone(List.of(), List.of(), false)
                : tileTasks.stack(new GridLayout.Layout(layout.global(), layout.tileSize(), layout.step(), todo), todoFrames,
                        tilesDir, config, workers, cores, stackPolicy,
                        new ProgressParts(stages.tiles(), todoWeights.stream().mapToDouble(Double::doubleValue).toArray()), finished);
        Map<Integer, String> dropped = droppedEverywhere(layout, pp.tileFrames(), use);
        for (Map.Entry<Integer, String> e : dropped.entrySet())
            lost.add(new FrameScanner.Problem(frames.get(e.getKey()).frame().path(),
                    "dropped by every Grid tile it falls in: " + e.getValue()));
        List<IsolatedTasks.Failure> failed = r.failed();
        // every tile with a file, the reused ones with this run's, in layout order as a fresh run lists them
        Set<Path> written = new HashSet<>();
        for (Path p : r.files()) written.add(p.toAbsolutePath().normalize());
        List<GridLayout.Tile> kept = new ArrayList<>();
        List<Path> tiles = new ArrayList<>();
        for (GridLayout.Tile t : layout.tiles()) {
            Path p = tilesDir.resolve(t.fileName());
            if (!ledger.reused().containsKey(t.id()) && !written.contains(p.toAbsolutePath().normalize())) continue;
            kept.add(t);
            tiles.add(p);
        }
        LOG.info(String.format(Locale.ROOT, "[GRID] %s: %d tile(s) done%s, %d failed%s", mount, tiles.size(),
                ledger.reused().isEmpty() ? "" : " (" + ledger.reused().size() + " reused from the earlier run)", failed.size(),
                r.cancelled() ? " (cancelled)" : ""));
        if (r.cancelled()) throw new java.util.concurrent.CancellationException(org.tessera.UserMessages.CANCELLED + " during the Grid tiles");
        stages.tiles().update(1, tiles.size() + " Grid tile(s) stacked");
        if (tiles.isEmpty())
            return new Part(mount, dir, frames.size(), null, null, null, tiles, failed, "all " + failed.size() + " tile(s) failed"
                    + (failed.isEmpty() ? "" : " (first: tile " + failed.get(0).id() + ": " + failed.get(0).reason() + ")"), null);
        CoaddFiles.Written w = GridAssembly.assemble(tiles, framesOf(kept, frames, dropped.keySet()), layout.global(), dir,
                config, stages.coadd(), stages.save());
        ledger.complete();
        return new Part(mount, dir, frames.size(), w.mosaic(), w.coverage(), w.preview(), tiles, failed, null, w.warning());
    }

    /**
     * Without resume ({@link Resume#FRESH}) every tile and mosaic file already in {@code dir} is an
     * earlier run's. Left in place they were mixed with this run's: a rerun with other settings and
     * fewer tiles left the earlier tile_0002..0004 beside its own tile_0001, and a run stopped before
     * its assembly left the earlier mosaic_grid.fits looking current. They are moved into
     * {@code previous-run/} (replacing an older one), as Classic mode moves the master tiles of a
     * different run; unfinished {@code .part} files of a stopped run are deleted. Only files
     * Tessera wrote (ORIGIN = 'Tessera') and the preview PNG are moved: a frame is never touched.
     */
    static void setAsideEarlierRun(Path dir) throws IOException {
        List<Path> earlier = new ArrayList<>();
        List<Path> candidates = new ArrayList<>();
        Path tilesDir = dir.resolve(TILES_DIR);
        if (Files.isDirectory(tilesDir))
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(tilesDir, "tile_*")) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (name.endsWith(".fits") || name.endsWith(".fits.part")) candidates.add(p);
                }
            }
        for (String name : List.of(GridAssembly.NAMES.mosaic(), GridAssembly.NAMES.coverage(), GridAssembly.NAMES.preview())) {
            candidates.add(dir.resolve(name));
            candidates.add(dir.resolve(name + ".part"));
        }
        for (Path p : candidates) {
            if (!Files.isRegularFile(p)) continue;
            String name = p.getFileName().toString();
            if (name.endsWith(".part")) Files.delete(p);
            else if (name.endsWith(".png") || FrameSelection.writtenByTessera(p)) earlier.add(p);
        }
        if (earlier.isEmpty()) return;
        earlier.sort(null);
        Path prev = PreviousRun.moveAside(dir, earlier);
        LOG.warning(String.format(Locale.ROOT, "[GRID] %d file(s) of an earlier run (Grid tiles, mosaic) moved to %s so "
                + "they are not mixed with this run's", earlier.size(), prev));
    }

    /** The frames of the tiles with a file ({@code kept}), each once, in input order, less those every tile dropped. */
    static List<Frame> framesOf(List<GridLayout.Tile> kept, List<GridInputs.GridFrame> frames, Set<Integer> dropped) {
        BitSet in = new BitSet(frames.size());
        for (GridLayout.Tile t : kept)
            for (int i : t.frames()) in.set(i);
        for (int i : dropped) in.clear(i); // in no tile's stack: not in the mosaic's exposure either
        List<Frame> out = new ArrayList<>();
        for (int i = in.nextSetBit(0); i >= 0; i = in.nextSetBit(i + 1)) out.add(frames.get(i).frame());
        return out;
    }

    /**
     * The plan every tile's stack uses: {@code stack_chunk_budget_mb} of heap (capped by the run's
     * budget shared among the pool) and the cores shared among the pool.
     */
    static ResourcePlan tilePlan(Config config, int pool, int cores) {
        ResourcePlan whole = ResourcePlan.fromRuntime(config);
        long chunk = Math.max(1, config.getInt("stack_chunk_budget_mb")) * ResourcePlan.MIB;
        long budget = Math.min(chunk, Math.max(whole.budgetBytes() / pool, 16 * ResourcePlan.MIB));
        return new ResourcePlan(Math.max(1, cores / pool), budget);
    }
}
