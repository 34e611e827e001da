package org.tessera.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.tessera.Progress;
import org.tessera.UserMessages;
import org.tessera.config.Config;
import org.tessera.config.ConfigValidator;
import org.tessera.grid.GridLayout;
import org.tessera.gpu.DefaultGpuService;
import org.tessera.gpu.GpuRun;
import org.tessera.gpu.GpuService;
import org.tessera.gpu.GpuSettings;
import org.tessera.gpu.GridGpuPolicy;
import org.tessera.gpu.Phase3GpuPolicy;
import org.tessera.gpu.Phase5GpuCoadder;
import org.tessera.grid.GridMode;
import org.tessera.io.ConstantFrames;
import org.tessera.io.DecompressedCopies;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;
import org.tessera.io.FrameScanner;
import org.tessera.plan.HeapExhausted;
import org.tessera.plan.IsolatedTasks;
import org.tessera.plan.ResourcePlan;
import org.tessera.plan.WorkCosts;
import org.tessera.reproject.CoaddBackground;
import org.tessera.reproject.CoaddFiles;
import org.tessera.reproject.CoaddInput;
import org.tessera.reproject.CoaddParams;
import org.tessera.register.FrameRegistrar;
import org.tessera.reproject.ReprojectCoadd;
import org.tessera.sds.SdsMode;
import org.tessera.sds.SdsSettings;
import org.tessera.solve.FrameAligner;
import org.tessera.solve.RawFrameAstrometry;
import org.tessera.synth.DefaultSky;
import org.tessera.tiles.AltAzGating;
import org.tessera.tiles.FrameGroup;
import org.tessera.tiles.FrameLosses;
import org.tessera.tiles.Grouping;
import org.tessera.tiles.MasterTile;
import org.tessera.tiles.MasterTileBuilder;
import org.tessera.tiles.MasterTileFiles;
import org.tessera.tiles.OutlierGate;
import org.tessera.tiles.Phase3Result;
import org.tessera.wcs.OptimalGrid;
import org.tessera.wcs.SkyFields;
import org.tessera.wcs.WcsGrid;

/**
 * The one entry point of every front (CLI, Fiji commands, macros, scripts): wires the phases
 * read → group → master tiles → final grid → reproject and coadd → outputs. It holds no science of
 * its own; each step is one call into its package. The fronts attach the run log
 * ({@link RunLog}, {@code tessera.log} in the output folder) around these calls.
 */
public final class MosaicPipeline {
    private MosaicPipeline() {}

    private static final Logger LOG = Logger.getLogger("org.tessera.pipeline");

    /** The GPU service (the fronts run the pipeline through Jobs, outside any SciJava context). */
    private static final GpuService GPU = DefaultGpuService.create();

    /** File names of the outputs, as the original program names them. */
    public static final String MOSAIC = "mosaic.fits", COVERAGE = "mosaic_coverage.fits",
            PREVIEW = "mosaic_preview.png", TILES_DIR = "master_tiles", DEFAULT_SKY_DIR = "default_sky";
    /** The folder of the plate solutions a run keeps for its rerun (the fronts name it). */
    public static final String SOLVED_WCS_DIR = org.tessera.solve.WcsCache.DIR;

    /** An input (or a tile) that was set aside, and why. */
    public record Skipped(Path file, String reason) {}

    /**
     * A step of the run not applied to an output that was kept without it, and why: the final
     * background extraction given up, the mosaic kept as coadded ({@code step}:
     * {@link CoaddBackground#STEP}). No input was lost, so it is no {@link Skipped} item; the fronts
     * report it apart, and the command line exits 1 for it as for a skipped input.
     */
    public record NotApplied(Path output, String step, String reason) {}

    /**
     * What a run produced. Paths are null for outputs a job does not make. {@code more}: the
     * further mosaics of the run, each with its coverage and preview (Grid mode with mixed mounts:
     * the ALT_AZ part's, after the EQ part's above; {@code masterTiles} holds both parts' tiles,
     * {@code skipped} and {@code notApplied} both parts' items); empty for every other run.
     * {@code notApplied}: the steps left out of outputs that were kept.
     */
    public record Outcome(Path outputDir, Path mosaic, Path coverage, Path preview, List<Path> masterTiles,
                          List<Skipped> skipped, Path log, List<Outcome> more, List<NotApplied> notApplied) {
        public Outcome {
            more = more == null ? List.of() : List.copyOf(more);
            notApplied = notApplied == null ? List.of() : List.copyOf(notApplied);
        }

        /** A run whose outputs have every step. */
        public Outcome(Path outputDir, Path mosaic, Path coverage, Path preview, List<Path> masterTiles,
                       List<Skipped> skipped, Path log, List<Outcome> more) {
            this(outputDir, mosaic, coverage, preview, masterTiles, skipped, log, more, List.of());
        }

        /** A run with one mosaic (or none) with every step. */
        public Outcome(Path outputDir, Path mosaic, Path coverage, Path preview, List<Path> masterTiles,
                       List<Skipped> skipped, Path log) {
            this(outputDir, mosaic, coverage, preview, masterTiles, skipped, log, List.of());
        }
    }

    /**
     * Checks every setting before any work ({@link ConfigValidator}), with the GPU's own grammar
     * for {@code gpu_simulate} ({@link GpuSettings#CHECKS}: the config package may not see the GPU
     * package, this one sees both); one {@link IllegalArgumentException} names every bad setting.
     * Every entry point calls it, and the fronts when they build a job's settings.
     */
    public static void validate(Config config) {
        ConfigValidator.validate(config, GpuSettings.CHECKS);
    }

    /** The Grid-mode plan file, when the only input is one or is a folder holding one. */
    public static final String STACK_PLAN = "stack_plan.csv";

    /**
     * Classic mode: frames (files or folders, searched recursively for *.fit, *.fits, *.fts, gzip'ed or fpack'ed too) →
     * mosaic in {@code outputDir}; SDS mode instead with {@code sds_mode_default=true} (package sds,
     * falling back to Classic when no batch is valid). Grid mode instead when the only input is a {@code .csv} file or
     * a folder holding {@value #STACK_PLAN} (see {@link #grid}). No input → the built-in synthetic default sky, written as
     * camera frames into {@code outputDir/default_sky} and read back like any input.
     */
    public static Outcome mosaic(List<Path> inputs, Path outputDir, Config config, Progress progress) throws IOException {
        return mosaic(inputs, outputDir, config, progress, GPU);
    }

    /** {@link #mosaic(List, Path, Config, Progress)} with the GPU of {@code gpuService} (a Fiji context's). */
    public static Outcome mosaic(List<Path> inputs, Path outputDir, Config config, Progress progress, GpuService gpuService)
            throws IOException {
        validate(config); // every setting, before any work
        Path stackPlan = gridPlan(inputs);
        if (stackPlan != null) {
            if (SdsSettings.enabled(config)) LOG.info("[GRID] " + stackPlan + ": Grid mode has priority over sds_mode_default=true");
            return grid(stackPlan, outputDir, config, progress, gpuService);
        }
        try (OutputLock lock = OutputLock.acquire(outputDir); DecompressedCopies.Hold copies = DecompressedCopies.run()) {
            return HeapExhausted.guard("the mosaic run", () -> {
                try (GpuRun gpu = gpuService.openRun(config)) {
                    return classic(inputs, outputDir, config, progress, gpu);
                }
            });
        }
    }

    private static Outcome classic(List<Path> inputs, Path outputDir, Config config, Progress progress, GpuRun gpu)
            throws IOException {
        Files.createDirectories(outputDir);
        WorkBar bar = new WorkBar(progress);
        List<Path> in = inputs;
        if (in.isEmpty()) {
            Path sky = outputDir.resolve(DEFAULT_SKY_DIR);
            LOG.info("[READ] no input named: writing the built-in synthetic sky to " + sky);
            Progress writing = bar.share(WorkBar.DEMO_SKY_SHARE);
            writing.update(0, "writing the built-in synthetic sky");
            DefaultSky.demo().writeFits(sky);
            writing.update(1, "synthetic sky written");
            in = List.of(sky);
        }
        List<Skipped> skipped = new ArrayList<>();
        List<FitsFrame> frames = scanAndPlace(in, outputDir, config, false, skipped, bar, WorkBar::afterPlacing).frames();
        requireOneField(frames, config);
        if (SdsSettings.enabled(config)) {
            Outcome o = sds(frames, outputDir, config, skipped, bar, gpu);
            if (o != null) return o;
        }

        ResourcePlan plan = ResourcePlan.fromRuntime(config);
        Progress grouping = bar.next(WorkBar.group(frames), WorkBar.stackFrames(frames));
        Grouping.Result groups = Grouping.group(frames, Grouping.Params.fromConfig(config));
        for (String s : groups.skipped()) LOG.warning("[P2] " + s);
        grouping.update(1, "grouped");

        Path tilesDir = Files.createDirectories(outputDir.resolve(TILES_DIR));
        RunManifest run = RunManifest.begin(outputDir, tilesDir, groups.groups(), config);
        // tiles kept from an earlier run cost nothing now
        Progress building = bar.next(WorkBar.stack(run.toBuild(groups.groups())), WorkBar.coaddAndSave(groups.groups()));
        List<Path> tiles = masterTiles(groups.groups(), tilesDir, config, plan, skipped, building, run, gpu);
        if (progress.cancelled()) throw new java.util.concurrent.CancellationException(UserMessages.CANCELLED + " after Phase 3");
        List<FitsFrame> tileFrames = new ArrayList<>();
        for (Path t : tiles) tileFrames.add(FitsFrame.open(t));
        Outcome o = coaddAndWrite(tileFrames, outputDir, config, skipped, bar, gpu, ReprojectCoadd.Bands.LOCAL);
        run.complete();
        return new Outcome(outputDir, o.mosaic(), o.coverage(), o.preview(), tiles, List.copyOf(skipped), null, List.of(),
                o.notApplied());
    }

    /**
     * SDS mode (package sds) on the placed frames, with the run's Phase 5 backend and the run
     * manifest keeping its mega-tiles as Classic's master tiles (resume); null: it fell back to Classic.
     */
    private static Outcome sds(List<FitsFrame> frames, Path outputDir, Config config, List<Skipped> skipped, WorkBar bar,
                               GpuRun gpu) throws IOException {
        SdsMode.Plan plan = SdsMode.plan(frames, config);
        if (plan == null) return null;
        Path work = Files.createDirectories(outputDir.resolve(SdsMode.WORK_DIR));
        RunManifest run = RunManifest.begin(outputDir, work, plan, config);
        // Each batch's frames made into a mega-tile on the global grid, the mega-tiles coadded there, then written.
        double global = plan.global().width() * (double) plan.global().height() / 1e6, megaCost = 0;
        for (int k = 1; k <= plan.batches().size(); k++)
            megaCost += WorkBar.megaTile(plan.framesOf(k).stream().map(WorkBar::mpx).toList());
        double stackCost = WorkCosts.coadd(java.util.Collections.nCopies(plan.batches().size(), global));
        Progress mega = bar.next(megaCost, stackCost + WorkCosts.save(global));
        Progress stack = bar.next(stackCost, WorkCosts.save(global));
        SdsMode.Outcome o = SdsMode.run(plan, outputDir, config, ResourcePlan.fromRuntime(config), Phase5GpuCoadder.forRun(gpu),
                new CoaddFiles.Names(MOSAIC, COVERAGE, PREVIEW), new SdsMode.Stages(mega, stack, bar.next(1, 0)), run.megaTiles());
        if (o == null) return null;
        run.complete();
        for (SdsMode.Left l : o.left()) skipped.add(new Skipped(l.file(), l.reason()));
        return new Outcome(outputDir, o.mosaic(), o.coverage(), o.preview(), List.of(), List.copyOf(skipped), null, List.of(),
                notApplied(o.mosaic(), o.backgroundWarning()));
    }

    /** The stack plan the inputs name (a .csv file, or a folder holding {@value #STACK_PLAN}), or null for Classic mode. */
    public static Path gridPlan(List<Path> inputs) {
        if (inputs.size() != 1) return null;
        Path in = inputs.get(0);
        if (Files.isRegularFile(in) && in.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) return in;
        Path plan = in.resolve(STACK_PLAN);
        return Files.isDirectory(in) && Files.isRegularFile(plan) ? plan : null;
    }

    /**
     * Grid mode (reference.md §8, docs/grid.md): the frames of a stack plan stacked on a raster
     * of tiles, assembled into {@code mosaic_grid.fits}. A tile that fails is reported as skipped
     * (with its reason), like an unreadable frame; mixed mounts give one mosaic per mount
     * ({@code grid_EQ/}, {@code grid_ALTZ/}): the outcome names the first, its {@code more} the second.
     */
    public static Outcome grid(Path stackPlan, Path outputDir, Config config, Progress progress) throws IOException {
        return grid(stackPlan, outputDir, config, progress, GPU);
    }

    /** {@link #grid(Path, Path, Config, Progress)} with the tiles stacked by {@code tiles} (a cluster's executors). */
    public static Outcome grid(Path stackPlan, Path outputDir, Config config, Progress progress, GridMode.TileTasks tiles)
            throws IOException {
        validate(config); // every setting, before any work
        try (OutputLock lock = OutputLock.acquire(outputDir); DecompressedCopies.Hold copies = DecompressedCopies.run()) {
            return HeapExhausted.guard("Grid mode", () -> gridRun(stackPlan, outputDir, config, progress, GPU, tiles));
        }
    }

    private static Outcome grid(Path stackPlan, Path outputDir, Config config, Progress progress, GpuService gpuService)
            throws IOException {
        validate(config); // every setting, before any work
        try (OutputLock lock = OutputLock.acquire(outputDir); DecompressedCopies.Hold copies = DecompressedCopies.run()) {
            return HeapExhausted.guard("Grid mode", () -> gridRun(stackPlan, outputDir, config, progress, gpuService,
                    GridMode.TileTasks.LOCAL));
        }
    }

    private static Outcome gridRun(Path stackPlan, Path outputDir, Config config, Progress progress, GpuService gpuService,
                                   GridMode.TileTasks tileTasks) throws IOException {
        WorkBar bar = new WorkBar(progress); // forward only: the tiles' workers report in any order
        GridMode.Plan plan = GridMode.plan(stackPlan, config, bar.share(WorkBar.SCAN_SHARE));
        GridMode.Outcome g;
        try (GpuRun gpu = gpuService.openRun(config)) {
            // each mount's part resumes from its own tessera-run.json, as Classic and SDS do
            GridMode.Resume resume = (part, dir, tilesDir) ->
                    RunManifest.begin(dir, tilesDir, part, plan.stackPlan(), config).gridTiles();
            g = GridMode.run(plan, outputDir, config, GridMode.stages(plan, bar.rest()), GridGpuPolicy.forRun(gpu), tileTasks,
                    resume);
        }
        bar.bar().update(1, "done");
        List<Skipped> skipped = new ArrayList<>();
        for (FrameScanner.Problem s : g.skipped()) skipped.add(new Skipped(s.file(), s.reason()));
        List<NotApplied> notApplied = new ArrayList<>();
        List<Path> tiles = new ArrayList<>();
        GridMode.Part first = null;
        List<Outcome> more = new ArrayList<>(); // the other mount's mosaic: every front must name it too
        for (GridMode.Part part : g.parts()) {
            tiles.addAll(part.tiles());
            for (IsolatedTasks.Failure f : part.failed())
                skipped.add(new Skipped(part.dir().resolve(GridMode.TILES_DIR).resolve(GridLayout.Tile.fileName(f.id())),
                        "tile failed: " + f.reason()));
            if (part.mosaic() == null) {
                skipped.add(new Skipped(part.dir(), part.mount() + " frames: no mosaic: " + part.error()));
                continue;
            }
            notApplied.addAll(notApplied(part.mosaic(), part.warning()));
            if (first == null) first = part;
            else more.add(new Outcome(part.dir(), part.mosaic(), part.coverage(), part.preview(), List.of(), List.of(), null));
            if (g.parts().size() > 1) LOG.info("[GRID] " + part.mount() + " mosaic: " + part.mosaic());
        }
        return new Outcome(outputDir, first == null ? null : first.mosaic(), first == null ? null : first.coverage(),
                first == null ? null : first.preview(), tiles, List.copyOf(skipped), null, more, notApplied);
    }

    /**
     * One master tile from frames, on the grid of the central frame (the frame nearest the
     * group's centroid), with the full stack core and the run's ALT-AZ gating; frames without WCS
     * placed first as a mosaic places them (Phase 1, cached in OUTPUT's folder). Holds OUTPUT
     * ({@link OutputLock#acquireFile}): another stack onto it, or a mosaic owning its folder or a
     * folder above it, stops this one at once.
     */
    public static Outcome stack(Path output, List<Path> frames, Config config, Progress progress) throws IOException {
        return stack(output, frames, config, progress, GPU);
    }

    /** {@link #stack(Path, List, Config, Progress)} with the GPU of {@code gpuService}. */
    public static Outcome stack(Path output, List<Path> frames, Config config, Progress progress, GpuService gpuService)
            throws IOException {
        validate(config); // every setting, before any work
        // its file for this run alone, its folder (tessera.log, solved_wcs/) shared with other stacks only
        try (OutputLock lock = OutputLock.acquireFile(output); DecompressedCopies.Hold copies = DecompressedCopies.run()) {
            return HeapExhausted.guard("stacking", () -> stackRun(output, frames, config, progress, gpuService));
        }
    }

    private static Outcome stackRun(Path output, List<Path> frames, Config config, Progress progress, GpuService gpuService)
            throws IOException {
        Path dir = output.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        List<Skipped> skipped = new ArrayList<>();
        // Raw frames without WCS (a night's Seestar subs) are placed as a mosaic places them: one
        // plate solve per session and pointing, the others registered on it (cached in solved_wcs/);
        // when none can be placed on the sky, registered in the pixels of one of them (no WCS written).
        WorkBar bar = new WorkBar(progress);
        Placed placed = scanAndPlace(frames, dir, config, true, skipped, bar, WorkBar::stackFrames);
        List<FitsFrame> in = placed.frames();
        String name = output.getFileName().toString(); // the logs name the tile as the user did, not "tile 1"
        if (placed.pixels() == null) // on the sky: frames of far-apart targets are no stack (frames in pixels have no sky to tell)
            oneField(in, config, "[P3]", "frame(s)", "stack the frames of each field apart, each into its own file", "stack", name,
                    "stacking");
        FrameGroup group = FrameGroup.of(1, in);
        ResourcePlan plan = ResourcePlan.fromRuntime(config);
        AltAzGating gating = AltAzGating.fromConfig(config);
        boolean cleanup = gating.tileFlag(group.id(), group, gating.runFlag(List.of(group)));
        MasterTile tile;
        try (GpuRun gpu = gpuService.openRun(config)) {
            tile = MasterTileBuilder.fromConfig(config, plan.workers()).withStackPolicy(Phase3GpuPolicy.forRun(gpu))
                    .withSpoolDir(dir).withTileName(name).buildTile(group, cleanup, bar.next(1, 0));
        }
        for (FrameLosses.Loss l : FrameLosses.dropped(name, group.frames(), tile.stack()))
            skipped.add(FrameReports.skipped(l.frame(), l.reason())); // a dropped frame is a skipped input
        if (tile.empty()) {
            // A stack is the one file the user asked for: an empty tile (ZMT_EMPT, which a mosaic
            // writes flagged and leaves out) would pass for a result with exit 1. Nothing is written.
            StringBuilder why = new StringBuilder();
            for (Skipped k : skipped.subList(0, Math.min(3, skipped.size())))
                why.append(why.length() == 0 ? "" : "; ").append(k.file().getFileName()).append(": ").append(k.reason());
            String what = "nothing could be stacked into " + name + ": no frame holds data there";
            throw new org.tessera.SkipNotice.AllSkipped(what + (why.length() == 0 ? "" : " (" + why
                    + (skipped.size() > 3 ? "; …" : "") + ")") + "; " + output + " was not written",
                    what + "; " + output + " was not written");
        }
        if (placed.pixels() == null) {
            MasterTileFiles.writeAs(tile, output);
            LOG.info("[P3] master tile written: " + output);
        } else {
            MasterTileFiles.Pixels px = MasterTileFiles.inPixels(tile, group.frames());
            MasterTileFiles.writeInPixels(tile, px, output);
            LOG.info(String.format(Locale.ROOT, "[P3] master tile written without WCS, in the pixels of %s (its pixel (%d, %d) at (1, 1)): %s",
                    px.reference(), px.x0() + 1, px.y0() + 1, output));
        }
        bar.bar().update(1, "done");
        return new Outcome(dir, null, null, null, List.of(output), List.copyOf(skipped), null);
    }

    /** Phase 4 + 5 on any FITS images with a WCS (master tiles, survey images …). */
    public static Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress) throws IOException {
        return reproject(outputDir, images, config, progress, GPU);
    }

    /** {@link #reproject(Path, List, Config, Progress)} with the GPU of {@code gpuService}. */
    public static Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress,
                                    GpuService gpuService) throws IOException {
        return reproject(outputDir, images, config, progress, gpuService, ReprojectCoadd.Bands.LOCAL);
    }

    /** {@link #reproject(Path, List, Config, Progress)} with the Phase 5 bands coadded by {@code bands} (a cluster's executors). */
    public static Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress,
                                    ReprojectCoadd.Bands bands) throws IOException {
        return reproject(outputDir, images, config, progress, GPU, bands);
    }

    /** {@link #reproject(Path, List, Config, Progress, GpuService)} with the Phase 5 bands coadded by {@code bands} (a cluster). */
    public static Outcome reproject(Path outputDir, List<Path> images, Config config, Progress progress,
                                    GpuService gpuService, ReprojectCoadd.Bands bands) throws IOException {
        validate(config); // every setting, before any work
        try (OutputLock lock = OutputLock.acquire(outputDir); DecompressedCopies.Hold copies = DecompressedCopies.run()) {
            return HeapExhausted.guard("Phase 5 reprojection", () -> reprojectRun(outputDir, images, config, progress, gpuService, bands));
        }
    }

    private static Outcome reprojectRun(Path outputDir, List<Path> images, Config config, Progress progress,
                                        GpuService gpuService, ReprojectCoadd.Bands bands) throws IOException {
        Files.createDirectories(outputDir);
        WorkBar bar = new WorkBar(progress);
        List<Skipped> skipped = new ArrayList<>();
        List<FitsFrame> in = scan(images, skipped, bar.share(WorkBar.SCAN_SHARE));
        // reproject stacks nothing: its stop comes before any reprojection
        oneField(in, config, "[P4]", "image(s)", "reproject the images of each field apart, each into its own output folder",
                "mosaic", MOSAIC, "reprojection");
        Outcome o;
        try (GpuRun gpu = gpuService.openRun(config)) {
            o = coaddAndWrite(in, outputDir, config, skipped, bar, gpu, bands);
        }
        return new Outcome(outputDir, o.mosaic(), o.coverage(), o.preview(), List.of(), List.copyOf(skipped), null, List.of(),
                o.notApplied());
    }

    // ---------------------------------------------------------------- steps

    /**
     * A mosaic's frames, their positions known (after Phase 1): frames of far-apart targets stop the
     * run here (exit 2), before any master tile or mega-tile is made, unless {@value SkyFields#KEY}
     * is true. Classic and SDS runs call it, here and on a cluster.
     */
    public static void requireOneField(List<FitsFrame> frames, Config config) {
        oneField(frames, config, "[P2]", "frame(s)", "make one mosaic per field: the frames of each field in their own folder",
                "mosaic", MOSAIC, "stacking");
    }

    /**
     * {@link SkyFields#check} on the inputs' footprints: separate fields stop the run (exit 2)
     * before any {@code step} unless {@value SkyFields#KEY} is true; {@code product} is what the
     * run would write, as {@code file}.
     */
    private static void oneField(List<FitsFrame> inputs, Config config, String tag, String noun, String advice,
                                 String product, String file, String step) {
        List<WcsGrid> footprints = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int channels = 1;
        for (FitsFrame f : inputs) {
            footprints.add(new WcsGrid(f.wcs(), f.width(), f.height()));
            names.add(f.name());
            channels = Math.max(channels, f.channels());
        }
        SkyFields.check(footprints, names, channels, config.getBoolean(SkyFields.KEY), tag, noun, advice, product, file, step);
    }

    /**
     * Opens the images given to Phase 5 alone: any image with a WCS, read as stored (never
     * hot-pixel corrected: master tiles are no raw frames).
     */
    private static List<FitsFrame> scan(List<Path> inputs, List<Skipped> skipped, Progress p) throws IOException {
        p.update(0, "reading headers");
        FrameScanner.Scan scan = FrameScanner.scan(inputs, true);
        List<FrameScanner.Problem> problems = new ArrayList<>(scan.skipped());
        List<FitsFrame> images = org.tessera.io.FrameSelection.withoutCoverageMaps(scan.frames(), problems);
        // an image of no finite pixel left out before the grid, as every mode's frames; one of a single
        // value is kept: a tile or model image may be flat (the outlier-tile check judges it)
        return usable(ConstantFrames.screen(images, problems, false), problems, skipped, p);
    }

    /**
     * Phase 1 of a mosaic or a stack: the raw frames scanned (Tessera's outputs left out, one colour
     * layout, read as the config's {@link FrameReading} says: hot pixels, demosaic), kept without WCS, then
     * those placed by plate solving one frame per group and registering the others on it (package
     * solve; results cached in the output folder).
     */
    private static Placed scanAndPlace(List<Path> inputs, Path outputDir, Config config, boolean stack, List<Skipped> skipped,
                                       WorkBar bar, java.util.function.ToDoubleFunction<List<FitsFrame>> later)
            throws IOException {
        Progress reading = bar.share(WorkBar.SCAN_SHARE);
        reading.update(0, "reading headers");
        FrameScanner.Scan scan = FrameScanner.scanFrames(inputs, outputDir, FrameReading.of(config), false);
        reading.update(1, scan.frames().size() + " header(s) read");
        // Placing costs what the frames without WCS need (nothing when every frame has one), against the rest of the run.
        double place = WorkBar.place(scan.frames(), outputDir, config.getBoolean(org.tessera.solve.Solvers.KEY_FORCE));
        return place(scan, false, outputDir, config, stack, RawFrameAstrometry.Work.LOCAL, skipped,
                bar.next(place, later.applyAsDouble(scan.frames())));
    }

    /**
     * The usable frames of Phase 1; {@code pixels} not null when they were registered in the pixels
     * of one of them, not on the sky (a stack without any sky solution): their WCS are stand-ins.
     */
    private record Placed(List<FitsFrame> frames, RawFrameAstrometry.InPixels pixels) {}

    /**
     * Phase 1 of a mosaic as {@link #mosaic} runs it (header scan, frames without WCS placed), with
     * the plate solves and registrations run by {@code work} (a cluster's executors); the inputs
     * set aside are added to {@code skipped} with their reasons.
     */
    public static List<FitsFrame> phase1(List<Path> inputs, Path outputDir, Config config, RawFrameAstrometry.Work work,
                                         List<Skipped> skipped, Progress p) throws IOException {
        p.update(0, "reading headers");
        return place(FrameScanner.scanFrames(inputs, outputDir, FrameReading.of(config), false), false,
                outputDir, config, false, work, skipped, p).frames();
    }

    /**
     * Phase 1 after a header scan made elsewhere whose frames of no data are already left out
     * ({@code screened}: the frames without WCS kept, read on a cluster's executors, which also
     * screened each frame's pixels where it lies, {@link ConstantFrames#leaveOut}): frames without
     * WCS placed as above, without reading every local frame again here.
     */
    public static List<FitsFrame> phase1(FrameScanner.Scan screened, Path outputDir, Config config, RawFrameAstrometry.Work work,
                                         List<Skipped> skipped, Progress p) throws IOException {
        return place(screened, true, outputDir, config, false, work, skipped, p).frames();
    }

    /**
     * {@link #phase1(FrameScanner.Scan, Path, Config, RawFrameAstrometry.Work, List, Progress)}, the
     * frames of no data left out first unless the scan was {@code screened}; a {@code stack}'s frames
     * in a reference's pixels when none has a place on the sky.
     */
    private static Placed place(FrameScanner.Scan scan, boolean screened, Path outputDir, Config config, boolean stack,
                                RawFrameAstrometry.Work work, List<Skipped> skipped, Progress p) throws IOException {
        List<FrameScanner.Problem> problems = new ArrayList<>(scan.skipped());
        // before any frame is solved, grouped or shapes a tile's grid, whatever the stack measures
        List<FitsFrame> frames = screened ? scan.frames() : ConstantFrames.screen(scan.frames(), problems);
        RawFrameAstrometry.InPixels pixels = null;
        if (RawFrameAstrometry.needed(frames, config)) {
            try {
                RawFrameAstrometry stage = RawFrameAstrometry.fromConfig(config, FrameAligner.stars(new FrameRegistrar()), outputDir);
                RawFrameAstrometry.Result r = (stack ? stage.inReferencePixels() : stage).place(frames, p.sub(0.05, 0.95), work);
                frames = r.frames();
                pixels = r.pixels();
                problems.addAll(r.unplaced());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("cancelled by the user while placing frames without WCS", e);
            }
        }
        return new Placed(usable(frames, problems, skipped, p), pixels);
    }

    private static List<FitsFrame> usable(List<FitsFrame> frames, List<FrameScanner.Problem> problems, List<Skipped> skipped,
                                          Progress p) throws IOException {
        for (FrameScanner.Problem pr : problems) skipped.add(new Skipped(pr.file(), pr.reason()));
        if (frames.isEmpty()) {
            String what = "no usable frame: all " + problems.size() + " input(s) were skipped";
            throw new org.tessera.SkipNotice.AllSkipped(what + (problems.isEmpty() ? "" : " (first: "
                    + problems.get(0).file().getFileName() + ": " + problems.get(0).reason() + ")"), what);
        }
        p.update(1, frames.size() + " frame(s)");
        return frames;
    }

    private static List<Path> masterTiles(List<FrameGroup> groups, Path dir, Config config, ResourcePlan plan,
                                          List<Skipped> skipped, Progress p, RunManifest run, GpuRun gpu) throws IOException {
        List<Path> usable = java.util.Collections.synchronizedList(new ArrayList<>());
        FrameReports lost = new FrameReports(groups);
        for (RunManifest.Reused t : run.reused().values()) {
            if (!t.empty()) usable.add(t.file());
            else skipped.add(new Skipped(t.file(), "empty master tile (ZMT_EMPT=1): no valid pixel, left out of the mosaic"));
        }
        List<FrameGroup> todo = run.toBuild(groups);
        Phase3Result r = new Phase3Result(false, List.of(), List.of(), false);
        if (!todo.isEmpty()) {
            // stop before the work rather than after the first tiles
            HeapExhausted.require(MasterTileBuilder.bytesPerTile(MasterTileBuilder.largest(todo)), "one master tile");
            int workers = MasterTileBuilder.workersFor(todo, plan.budgetBytes(), plan.workers());
            MasterTileBuilder builder = MasterTileBuilder.fromConfig(config, workers)
                    .withStackPolicy(Phase3GpuPolicy.forRun(gpu)).withSpoolDir(dir);
            double[] work = new double[todo.size()]; // a group of 50 frames moves the bar 10× one of 5
            for (int i = 0; i < work.length; i++) work[i] = WorkBar.stack(List.of(todo.get(i)));
            r = builder.build(todo, tile -> {
                Path f = MasterTileFiles.write(tile, dir);
                run.tileDone(tile.id(), f, tile.empty());
                if (!tile.empty()) usable.add(f);
                lost.tile(tile);
            }, new org.tessera.ProgressParts(p, work));
        }
        r.failures().forEach(lost::failed);
        for (Phase3Result.Failure f : r.failures())
            skipped.add(new Skipped(dir.resolve(String.format(Locale.ROOT, "master_tile_%03d.fits", f.id())),
                    "master tile failed: " + f.message()));
        for (Phase3Result.Summary s : r.tiles())
            if (s.empty()) skipped.add(new Skipped(dir.resolve(String.format(Locale.ROOT, "master_tile_%03d.fits", s.id())),
                    "empty master tile (ZMT_EMPT=1): no valid pixel, left out of the mosaic"));
        skipped.addAll(lost.lost());
        List<Path> out = new ArrayList<>(usable);
        out.sort(null);
        // Tiles the cancel stopped are neither failed nor empty: the run ends as the user asked.
        if (r.cancelled() || p.cancelled()) throw new java.util.concurrent.CancellationException(UserMessages.CANCELLED + " during Phase 3");
        if (out.isEmpty()) throw new IOException("Phase 3 produced no usable master tile (" + r.failures().size()
                + " failed, " + (groups.size() - r.failures().size()) + " empty)");
        return out;
    }

    /** The outlier-tile gate, Phase 4 (final grid) and Phase 5 (coadd), then the preview. */
    private static Outcome coaddAndWrite(List<FitsFrame> tiles, Path outputDir, Config config, List<Skipped> skipped,
                                         WorkBar bar, GpuRun gpu, ReprojectCoadd.Bands bands) throws IOException {
        // One gross outlier tile must never turn the mosaic grey: left out and reported.
        OutlierGate.Result gate = OutlierGate.fromConfig(config).apply(tiles);
        for (OutlierGate.Rejected x : gate.rejected()) skipped.add(new Skipped(x.file(), x.reason()));
        tiles = gate.kept();
        List<CoaddInput> inputs = new ArrayList<>();
        List<WcsGrid> footprints = new ArrayList<>();
        List<Double> tileMpx = new ArrayList<>();
        for (FitsFrame f : tiles) {
            inputs.add(CoaddFiles.input(f));
            footprints.add(new WcsGrid(f.wcs(), f.width(), f.height()));
            tileMpx.add(WorkBar.mpx(f));
        }
        WcsGrid grid = OptimalGrid.compute(footprints);
        // OptimalGrid logs the grid ([P4] final grid …); the coadd and the writing weighed on the tiles and the grid now known
        double coadd = WorkCosts.coadd(tileMpx), save = WorkCosts.save(grid.width() * (double) grid.height() / 1e6);
        bar.next(WorkCosts.GRID_S * tiles.size(), coadd + save).update(1, "final grid");
        Progress coadding = bar.next(coadd, save);

        CoaddFiles.Written w = CoaddFiles.write(inputs, grid, CoaddParams.fromConfig(config), outputDir,
                new CoaddFiles.Names(MOSAIC, COVERAGE, PREVIEW), "mosaic", config, coadding, bar.next(1, 0),
                Phase5GpuCoadder.forRun(gpu), bands);
        ReprojectCoadd.Result res = w.result();
        for (ReprojectCoadd.TileReport t : res.tiles())
            if (!t.used()) skipped.add(new Skipped(outputDir.resolve(t.name()), "not used in the mosaic: " + t.note()));
        LOG.info(String.format(Locale.ROOT, "[P5] mosaic %dx%d written: %s", res.grid().width(), res.grid().height(), w.mosaic()));
        return new Outcome(outputDir, w.mosaic(), w.coverage(), w.preview(), null, skipped, null, List.of(),
                notApplied(w.mosaic(), w.warning()));
    }

    /** The background extraction given up on {@code mosaic}, kept without it ({@code warning}: why), as the outcome reports it; none when null. */
    private static List<NotApplied> notApplied(Path mosaic, String warning) {
        return warning == null ? List.of() : List.of(new NotApplied(mosaic, CoaddBackground.STEP, warning));
    }
}
