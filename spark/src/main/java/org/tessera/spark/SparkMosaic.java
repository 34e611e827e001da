package org.tessera.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.tessera.Progress;
import org.tessera.ProgressParts;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.io.FrameReading;
import org.tessera.io.FrameScanner;
import org.tessera.pipeline.FrameReports;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.pipeline.OutputLock;
import org.tessera.pipeline.RunManifest;
import org.tessera.pipeline.WorkBar;
import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.pipeline.MosaicPipeline.Skipped;
import org.tessera.synth.DefaultSky;
import org.tessera.tiles.AltAzGating;
import org.tessera.tiles.FrameGroup;
import org.tessera.tiles.Grouping;

/**
 * Classic mode on a Spark cluster: the executors read the headers ({@link SparkScan}), the driver
 * selects and groups the frames (as {@link MosaicPipeline#mosaic} does), Phase 3 runs as one Spark task per group on the executors
 * ({@link GroupTask}, the main module's master-tile builder), then the driver runs Phase 4 and
 * Phase 5 on the master tiles with {@link MosaicPipeline#reproject} — the same code, so the mosaic is
 * the single-machine one. A task that throws is retried by Spark ({@code spark.task.maxFailures});
 * a group that fails for good is reported as skipped, like a failed tile on one machine.
 * Paths must be visible to the driver and every executor alike (a shared file system).
 */
public final class SparkMosaic {

    private static final Logger LOG = Logger.getLogger("org.tessera.spark");

    /**
     * A fault injected into the executors' Phase 3 tasks, after the tile is written (tests: a task
     * that dies mid-way must be retried and change nothing; one that fails on every attempt must
     * be reported like a failed tile). Called with the group id and Spark's attempt number; what it
     * throws is handled as a failure of the tile.
     */
    @FunctionalInterface
    public interface TaskFault extends Serializable {
        void after(int groupId, int attempt);

        /** Called after a Phase 5 task wrote its band file (range index, attempt); throwing fails the attempt. */
        default void afterBands(int range, int attempt) { }

        /** Called after a Phase 1 task solved its group's reference (group id, attempt); throwing fails the attempt. */
        default void afterSolve(int group, int attempt) { }

        /** Called after a Phase 1 task registered a frame (its index among the frames to register, attempt). */
        default void afterRegister(int frame, int attempt) { }

        /** Called after a Grid task stacked its tile (tile id, attempt); throwing fails the attempt. */
        default void afterGridTile(int tile, int attempt) { }

        TaskFault NONE = (g, a) -> { };
    }

    private final JavaSparkContext sc;
    private final TaskFault fault;

    public SparkMosaic(JavaSparkContext sc) {
        this(sc, TaskFault.NONE);
    }

    public SparkMosaic(JavaSparkContext sc, TaskFault fault) {
        this.sc = sc;
        this.fault = fault;
    }

    /** {@code inputs} empty: the built-in demo sky, as on one machine. Paths on a file system every executor sees. */
    public Outcome mosaic(List<Path> inputs, Path outputDir, Config config, Progress progress) throws IOException {
        Path out = outputDir.toAbsolutePath().normalize();
        return run(inputs, List.of(), out, config, progress, Staging.local(sc, out));
    }

    /** A file set aside, named as the user named the inputs (a path or a URI), and why. */
    public record Skip(String file, String reason) {}

    /** A step not applied to an output that was kept (the final background extraction after it failed), the output named as the user named it. */
    public record NotApplied(String output, String step, String reason) {}

    /** What a run named by paths or URIs produced, each output named where it was put. */
    public record Result(String outputDir, String mosaic, String coverage, String preview, List<String> masterTiles,
                         List<Skip> skipped, List<NotApplied> notApplied) {}

    /**
     * The mosaic of {@code inputs} (paths, or URIs of any Hadoop-compatible file system: {@code hdfs://},
     * {@code s3a://}, {@code file:}) into {@code output} (likewise). The driver lists the inputs named by
     * a URI through the file system without copying them (only a Grid mode stack plan's folder is
     * copied to the driver), the executors read the headers, fetch their frames and put their tiles
     * by URI ({@link FsAccess}); the driver works on the outputs in a local scratch folder and puts
     * them at {@code output}.
     */
    public Result mosaic(List<String> inputs, String output, Config config, Progress progress) throws IOException {
        boolean uris = FsAccess.isUri(output) || inputs.stream().anyMatch(FsAccess::isUri);
        if (!uris) {
            List<Path> in = new ArrayList<>();
            for (String s : inputs) in.add(Path.of(s));
            return result(mosaic(in, Path.of(output), config, progress), null);
        }
        Path scratch = Files.createTempDirectory("tessera-spark-");
        try {
            Path localOut = FsAccess.isUri(output) ? scratch.resolve("out") : Path.of(output).toAbsolutePath().normalize();
            Staging st = FsAccess.isUri(output) ? Staging.remote(sc, localOut, output) : Staging.local(sc, localOut);
            List<Path> in = new ArrayList<>(), listed = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                String input = inputs.get(i);
                Path sub = scratch.resolve("in").resolve(String.valueOf(i));
                if (!FsAccess.isUri(input)) in.add(Path.of(input));
                else if (inputs.size() == 1 && st.isGridPlan(input)) in.add(st.stageIn(input, sub)); // Grid mode: the plan on the driver
                else listed.addAll(st.listIn(input, sub)); // frames: listed, their headers read by the executors
            }
            Outcome o = run(in, listed, localOut, config, progress, st);
            st.publish(null);
            return result(o, st);
        } finally {
            scratchProbe.accept(scratch);
            Staging.deleteTree(scratch);
        }
    }

    private static Result result(Outcome o, Staging st) {
        java.util.function.Function<Path, String> name = p -> p == null ? null : st == null ? p.toString() : st.ref(p);
        List<String> tiles = new ArrayList<>();
        for (Path t : o.masterTiles()) tiles.add(name.apply(t));
        List<Skip> skipped = new ArrayList<>();
        for (Skipped s : o.skipped()) skipped.add(new Skip(name.apply(s.file()), s.reason()));
        List<NotApplied> notApplied = new ArrayList<>();
        for (MosaicPipeline.NotApplied n : o.notApplied()) notApplied.add(new NotApplied(name.apply(n.output()), n.step(), n.reason()));
        return new Result(name.apply(o.outputDir()), name.apply(o.mosaic()), name.apply(o.coverage()), name.apply(o.preview()),
                List.copyOf(tiles), List.copyOf(skipped), List.copyOf(notApplied));
    }

    /** Tests: sees the driver's scratch folder of a URI run before it is removed. */
    void scratchProbe(java.util.function.Consumer<Path> probe) {
        scratchProbe = probe;
    }

    private java.util.function.Consumer<Path> scratchProbe = p -> { };

    /** {@code listed}: input files named by URIs, listed by {@link Staging#listIn}, known here by stand-in paths. */
    private Outcome run(List<Path> inputs, List<Path> listed, Path outputDir, Config config, Progress progress, Staging st)
            throws IOException {
        MosaicPipeline.validate(config); // every setting, gpu_simulate included, before any work
        // The whole job owns the folder: Phase 5 (and Grid mode) through the pipeline re-enter this hold.
        try (OutputLock lock = OutputLock.acquire(outputDir)) {
            return runLocked(inputs, listed, outputDir, config, progress, st);
        }
    }

    private Outcome runLocked(List<Path> inputs, List<Path> listed, Path outputDir, Config config, Progress progress, Staging st)
            throws IOException {
        Path stackPlan = listed.isEmpty() ? MosaicPipeline.gridPlan(inputs) : null;
        if (stackPlan != null) // Grid mode: the tiles on the executors, the rest as on one machine
            return MosaicPipeline.grid(stackPlan, outputDir, config, progress, new SparkGridTiles(sc, fault, st));
        Files.createDirectories(outputDir);
        // The bar shared among the phases by their estimated work, as on one machine (WorkBar).
        WorkBar bar = new WorkBar(progress);
        List<Path> in = inputs;
        if (in.isEmpty() && listed.isEmpty()) {
            Path sky = outputDir.resolve(MosaicPipeline.DEFAULT_SKY_DIR);
            LOG.info("[READ] no input named: writing the built-in synthetic sky to " + sky);
            Progress writing = bar.share(WorkBar.DEMO_SKY_SHARE);
            writing.update(0, "writing the built-in synthetic sky");
            DefaultSky.demo().writeFits(sky);
            st.publish(MosaicPipeline.DEFAULT_SKY_DIR); // where the executors fetch the frames from
            writing.update(1, "synthetic sky written");
            in = List.of(sky);
        }
        FrameReading frameReading = FrameReading.of(config); // how every task opens the raw frames
        List<Skipped> skipped = new ArrayList<>();
        // Phase 1 on the executors: the headers read where the files are, frames without WCS solved and
        // registered; the driver selects, groups and keeps the WCS cache, as on one machine.
        Progress reading = bar.share(WorkBar.SCAN_SHARE);
        reading.update(0, "reading headers");
        FrameScanner.Scan scan = SparkScan.scan(sc, in, listed, outputDir, frameReading, st);
        reading.update(1, scan.frames().size() + " header(s) read");
        double place = WorkBar.place(scan.frames(), outputDir, config.getBoolean(org.tessera.solve.Solvers.KEY_FORCE));
        List<FitsFrame> frames = MosaicPipeline.phase1(scan, outputDir, config,
                new SparkPlacement(sc, fault, config.toJson(), st.ref(outputDir), st), skipped,
                bar.next(place, WorkBar.afterPlacing(scan.frames())));
        MosaicPipeline.requireOneField(frames, config); // separate fields: stopped before any tile, as on one machine

        Progress grouping = bar.next(WorkBar.group(frames), WorkBar.stackFrames(frames));
        Grouping.Result groups = Grouping.group(frames, Grouping.Params.fromConfig(config));
        for (String s : groups.skipped()) LOG.warning("[P2] " + s);
        LOG.info(String.format(Locale.ROOT, "[P2] %d frame(s) → %d group(s) (threshold %.4f°, cap %d)",
                frames.size(), groups.groups().size(), groups.thresholdDeg(), groups.cap()));
        grouping.update(1, "grouped");

        Path tilesDir = Files.createDirectories(outputDir.resolve(MosaicPipeline.TILES_DIR));
        // Resume (tessera-run.json) where the output folder is a path that outlives the run, as on one machine.
        RunManifest run = st.remoteOutput() ? null : RunManifest.begin(outputDir, tilesDir, groups.groups(), config);
        List<FrameGroup> toBuild = run == null ? groups.groups() : run.toBuild(groups.groups());
        Progress building = bar.next(WorkBar.stack(toBuild), WorkBar.coaddAndSave(groups.groups()));
        List<Path> tiles = masterTiles(groups.groups(), toBuild, tilesDir, config, frameReading, skipped, st, run, building);
        building.update(1, tiles.size() + " master tile(s)");

        Outcome o = MosaicPipeline.reproject(outputDir, tiles, config, bar.next(1, 0),
                new SparkBands(sc, outputDir.resolve(".p5_bands"), fault, st));
        skipped.addAll(o.skipped());
        if (run != null) run.complete();
        return new Outcome(outputDir, o.mosaic(), o.coverage(), o.preview(), tiles, List.copyOf(skipped), null, List.of(),
                o.notApplied());
    }

    /**
     * How many times Spark runs a task before failing the job: {@code local[N,F]} says F,
     * {@code local[N]} never retries, a cluster uses {@code spark.task.maxFailures}.
     */
    static int maxTaskAttempts(String master, int clusterMaxFailures) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[\\s*(\\d+|\\*)\\s*,\\s*(\\d+)\\s*]")
                .matcher(master.trim());
        if (m.matches()) return Math.max(1, Integer.parseInt(m.group(2)));
        if (master.trim().startsWith("local")) return 1;
        return Math.max(1, clusterMaxFailures);
    }

    /** Task attempts of this context (see {@link #maxTaskAttempts(String, int)}). */
    static int maxTaskAttempts(JavaSparkContext sc) {
        return maxTaskAttempts(sc.master(), sc.getConf().getInt("spark.task.maxFailures", 4));
    }

    /** Tasks an executor runs at once ({@code spark.executor.cores}, else the default parallelism): each gets that share of the heap. */
    static int taskSlots(JavaSparkContext sc) {
        return Math.max(1, Integer.parseInt(sc.getConf().get("spark.executor.cores", String.valueOf(sc.defaultParallelism()))));
    }

    /**
     * Phase 3: one task per group; each group's outcome collected on the driver, each task's end moving
     * {@code progress} by its group's stack estimate.
     */
    private List<Path> masterTiles(List<FrameGroup> groups, List<FrameGroup> toBuild, Path tilesDir, Config config,
                                   FrameReading reading, List<Skipped> skipped, Staging st, RunManifest run, Progress progress)
            throws IOException {
        AltAzGating gating = AltAzGating.fromConfig(config);
        boolean runFlag = gating.runFlag(groups);
        int slots = taskSlots(sc);
        List<Path> usable = new ArrayList<>();
        if (run != null) // resume: the finished tiles of an interrupted run, verified, as on one machine
            for (RunManifest.Reused t : run.reused().values()) {
                if (!t.empty()) usable.add(t.file());
                else skipped.add(new Skipped(t.file(), "empty master tile (ZMT_EMPT=1): no valid pixel, left out of the mosaic"));
            }
        List<GroupTask> tasks = new ArrayList<>();
        double[] work = new double[toBuild.size()]; // each group's stack: its task's end moves the bar that far
        for (FrameGroup g : toBuild) {
            work[tasks.size()] = WorkBar.stack(List.of(g));
            tasks.add(GroupTask.of(g, gating.tileFlag(g.id(), g, runFlag), reading, tilesDir, config, slots, st));
        }
        LOG.info(String.format(Locale.ROOT, "[P3] %d master tile(s) as Spark tasks (default parallelism %d)",
                tasks.size(), sc.defaultParallelism()));
        TaskFault f = fault;
        int attempts = maxTaskAttempts(sc);
        // each master tile is fetched and recorded as its task ends (resume keeps it if the driver stops later)
        java.util.Map<Integer, Path> fetched = new java.util.concurrent.ConcurrentHashMap<>();
        List<GroupTask.Done> done = SparkTasks.run(sc, tasks, t -> {
                    TaskContext ctx = TaskContext.get();
                    int attempt = ctx == null ? 0 : ctx.attemptNumber();
                    GroupTask.Done d;
                    try {
                        d = t.build();
                        f.after(t.id(), attempt);
                    } catch (IOException | RuntimeException e) {
                        // Spark retries the task (a file system hiccup, a lost executor); on the last
                        // attempt the group fails for good and is reported, the other groups go on.
                        if (attempt + 1 < attempts) throw e;
                        d = new GroupTask.Done(t.id(), null, false, e.toString(), List.of());
                    }
                    return d;
                }, new ProgressParts(progress, work), "master tile", (i, d) -> {
                    if (d.failure() != null) return;
                    Path tile = st.pull(d.tile(), tilesDir.resolve(GroupTask.fileName(d.id()))); // the driver's copy
                    if (run != null) run.tileDone(d.id(), tile, d.empty());
                    fetched.put(d.id(), tile);
                });
        done.sort(Comparator.comparingInt(GroupTask.Done::id));
        List<Skipped> lost = new ArrayList<>();
        java.util.Map<Integer, FrameGroup> byId = new java.util.HashMap<>();
        for (FrameGroup g : groups) byId.put(g.id(), g);
        for (GroupTask.Done d : done) {
            FrameGroup group = byId.get(d.id());
            if (d.failure() != null) {
                LOG.warning("[P3] tile " + d.id() + " failed: " + d.failure());
                skipped.add(new Skipped(tilesDir.resolve(GroupTask.fileName(d.id())), "master tile failed: " + d.failure()));
                for (Frame fr : group.frames())
                    lost.add(new Skipped(((FitsFrame) fr).path(), FrameReports.failedTile(d.failure())));
                continue;
            }
            Path tile = fetched.get(d.id());
            if (d.empty()) skipped.add(new Skipped(tile, "empty master tile (ZMT_EMPT=1): no valid pixel, left out of the mosaic"));
            else usable.add(tile);
            for (GroupTask.Lost l : d.lost())
                lost.add(new Skipped(((FitsFrame) group.frames().get(l.frame())).path(), l.reason()));
        }
        lost.sort(Comparator.comparing(Skipped::file));
        skipped.addAll(lost);
        LOG.info(String.format(Locale.ROOT, "[P3] %d tile(s) done on Spark, %d failed", usable.size(),
                done.stream().filter(d -> d.failure() != null).count()));
        usable.sort(null);
        if (usable.isEmpty()) throw new IOException("Phase 3 produced no usable master tile");
        return usable;
    }

}
