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
import org.tessera.ProgressParts;
import org.tessera.UserMessages;
import org.tessera.config.Config;
import org.tessera.grid.GridInputs;
import org.tessera.grid.GridLayout;
import org.tessera.grid.GridMode;
import org.tessera.grid.StackPlan;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;
import org.tessera.io.MountMode;
import org.tessera.plan.IsolatedTasks;
import org.tessera.stack.StackResult;
import org.tessera.stack.TileStackPolicy;
import org.tessera.wcs.WcsCards;
import org.tessera.wcs.WcsGrid;

/**
 * Grid mode's tiles as Spark tasks: the driver reads the stack plan, lays out the raster and
 * assembles the tiles ({@link GridMode#run}, the single-machine code); each task reopens its
 * tile's frames by path and stacks the tile with {@link GridMode#stackTile} into
 * {@code tiles/tile_NNNN.fits} (temp file, then rename: a retried attempt writes it again, whole).
 * A tile that fails on every attempt is reported like a failed tile on one machine
 * ({@code [GRID] Tile N failed with error: …}, its file removed); the other tiles go on.
 */
final class SparkGridTiles implements GridMode.TileTasks {

    private static final Logger LOG = Logger.getLogger("org.tessera.grid");

    private final JavaSparkContext sc;
    private final SparkMosaic.TaskFault fault;
    private final Staging st;

    SparkGridTiles(JavaSparkContext sc, SparkMosaic.TaskFault fault, Staging st) {
        this.sc = sc;
        this.fault = fault;
        this.st = st;
    }

    /** A plan line as it travels: its frame as a path or URI. */
    record Entry(int line, String path, double exposure, String filter, String batch, double order, MountMode mount)
            implements Serializable {
        static Entry of(StackPlan.Entry e, Staging st) {
            return new Entry(e.line(), st.ref(e.path()), e.exposure(), e.filter(), e.batch(), e.order(), e.mount());
        }

        /** The entry with its frame fetched where this process reads it. */
        StackPlan.Entry entry(FsAccess fs) throws IOException {
            return new StackPlan.Entry(line, fs.fetch(path), exposure, filter, batch, order, mount);
        }
    }

    /** One tile: its box and grid (as FITS cards), its frames, where it goes, the run's settings. */
    record Task(int id, int x0, int y0, int width, int height, String wcsCards, List<Entry> frames, List<MountMode> mounts,
                FrameReading reading, String target, String configJson, int slots, FsAccess fs) implements Serializable {

        /**
         * On the executor: reopens the frames (read as the run reads them: hot pixels, demosaic) and
         * stacks the tile; its file's reference (null: none written) and the stack's result.
         */
        Done stack() throws IOException {
            WcsGrid grid = new WcsGrid(WcsCards.parse(wcsCards), width, height);
            List<GridInputs.GridFrame> in = new ArrayList<>();
            List<Integer> indices = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) {
                StackPlan.Entry e = frames.get(i).entry(fs);
                in.add(new GridInputs.GridFrame(e, FitsFrame.open(e.path()).withReading(reading), mounts.get(i)));
                indices.add(i);
            }
            GridLayout.Tile tile = new GridLayout.Tile(id, x0, y0, width, height, grid, indices);
            String name = target.substring(target.lastIndexOf('/') + 1);
            GridMode.StackedTile t = GridMode.stackTile(tile, in, fs.writeDir(target).resolve(name),
                    SparkConfigs.fromJson(configJson), slots);
            if (t.file() != null) fs.put(t.file(), target);
            return new Done(id, t.file() == null ? null : target, null, t.stack());
        }
    }

    /**
     * What came back: the tile file (null: none written) and its stack's result (which frames it
     * used: GridMode.frameUse), or why the tile failed.
     */
    record Done(int id, String file, String failure, StackResult stack) implements Serializable {}

    @Override
    public GridMode.TilesDone stack(GridLayout.Layout layout, List<List<GridInputs.GridFrame>> tileFrames, Path dir,
                                    Config config, int workers, int cores, TileStackPolicy policy, ProgressParts progress,
                                    GridMode.Finished finished) throws IOException {
        FrameReading reading = FrameReading.of(config);
        String json = config.toJson();
        int slots = SparkMosaic.taskSlots(sc);
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < layout.tiles().size(); i++) {
            GridLayout.Tile t = layout.tiles().get(i);
            List<Entry> entries = new ArrayList<>();
            List<MountMode> mounts = new ArrayList<>();
            for (GridInputs.GridFrame f : tileFrames.get(i)) {
                entries.add(Entry.of(f.entry(), st));
                mounts.add(f.mount());
            }
            tasks.add(new Task(t.id(), t.x0(), t.y0(), t.width(), t.height(), WcsCards.of(t.grid().wcs()), entries, mounts,
                    reading, st.ref(dir.resolve(t.fileName())), json, slots, st.fs));
        }
        LOG.info(String.format(Locale.ROOT, "[GRID] %d tile(s) as Spark tasks (default parallelism %d)", tasks.size(),
                sc.defaultParallelism()));
        SparkMosaic.TaskFault f = fault;
        int attempts = SparkMosaic.maxTaskAttempts(sc);
        // each tile's end moves the bar by its expected work as it comes (tile k: part k, the layout's order)
        // each tile's file is fetched and recorded as its task ends (resume keeps it if the driver stops later)
        java.util.Map<Integer, Path> fetched = new java.util.concurrent.ConcurrentHashMap<>();
        List<Done> done = SparkTasks.run(sc, tasks, t -> {
            TaskContext ctx = TaskContext.get();
            int attempt = ctx == null ? 0 : ctx.attemptNumber();
            try {
                Done d = t.stack();
                f.afterGridTile(t.id(), attempt);
                return d;
            } catch (IOException | RuntimeException e) {
                // Spark retries the task; on the last attempt the tile fails for good, as on one machine.
                if (attempt + 1 < attempts) throw e;
                t.fs().delete(t.target()); // never keep a stale tile
                return new Done(t.id(), null, UserMessages.describe(e), null);
            }
        }, progress, "[GRID] tiles done on Spark", (i, d) -> {
            if (d.failure() != null) return;
            Path file = d.file() == null ? null : st.pull(d.file(), dir.resolve(GridLayout.Tile.fileName(d.id())));
            if (file != null) fetched.put(d.id(), file);
            // which frames it used (a frame every tile dropped is a skipped input), and for resume that its file is here
            finished.tile(d.id(), file, d.stack());
        });
        done.sort(Comparator.comparingInt(Done::id));
        List<Path> files = new ArrayList<>();
        List<IsolatedTasks.Failure> failed = new ArrayList<>();
        for (Done d : done) {
            if (d.failure() != null) {
                LOG.warning("[GRID] Tile " + d.id() + " failed with error: " + d.failure());
                failed.add(new IsolatedTasks.Failure(d.id(), d.failure()));
            } else if (fetched.containsKey(d.id())) {
                files.add(fetched.get(d.id()));
            }
        }
        return new GridMode.TilesDone(files, failed, false);
    }
}
