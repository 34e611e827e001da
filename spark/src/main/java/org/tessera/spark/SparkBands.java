package org.tessera.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.tessera.Progress;
import org.tessera.ProgressParts;
import org.tessera.image.RowSink;
import org.tessera.io.FitsFrame;
import org.tessera.pipeline.WorkBar;
import org.tessera.reproject.BandCoadder;
import org.tessera.reproject.CoaddFiles;
import org.tessera.reproject.CoaddInput;
import org.tessera.reproject.CoaddParams;
import org.tessera.reproject.CoaddPlan;
import org.tessera.reproject.CpuBandCoadder;
import org.tessera.reproject.ReprojectCoadd;

/**
 * Phase 5 bands on the executors: the driver has made the {@link CoaddPlan} (survey, grid crop,
 * photometric match); each Spark task reopens the tiles by path and coadds a contiguous range of
 * bands with {@link ReprojectCoadd#coaddBands} (the single-machine code) into a band file of its
 * own (temp file, then rename: a retried or speculative attempt replaces it whole); the driver
 * copies the band files, in any order, into the output FITS at their rows and deletes them.
 * No two processes ever write the same file, which is what keeps this safe on NFS-like shared
 * file systems (concurrent writes from several clients into one file are not).
 */
final class SparkBands implements ReprojectCoadd.Bands {

    private static final Logger LOG = Logger.getLogger("org.tessera.spark");

    private final JavaSparkContext sc;
    private final Path workDir;
    private final SparkMosaic.TaskFault fault;
    private final Staging st;

    SparkBands(JavaSparkContext sc, Path workDir, SparkMosaic.TaskFault fault, Staging st) {
        this.sc = sc;
        this.workDir = workDir;
        this.fault = fault;
        this.st = st;
    }

    /** One task: bands [from, to) of the plan, from the tiles (paths or URIs) into a band file (path or URI). */
    record Range(int index, int from, int to, CoaddPlan plan, List<String> tiles, CoaddParams params, String file,
                 FsAccess fs) implements Serializable {}

    /** A finished range: its band file and the cache's counts. */
    record Done(int index, String file, long blockReads, long cacheHits) implements Serializable {}

    @Override
    public ReprojectCoadd.BandsDone coadd(CoaddPlan plan, List<CoaddInput> inputs, CoaddParams params,
                                          ReprojectCoadd.Sinks out, BandCoadder backend, Progress progress)
            throws IOException {
        List<String> paths = new ArrayList<>();
        for (CoaddInput in : inputs) {
            if (!(in.image() instanceof FitsFrame f) || f.path() == null)
                throw new IOException("[P5] " + in.name() + " is not a file: Spark executors reopen the tiles by path");
            paths.add(st.ref(f.path()));
        }
        Files.createDirectories(workDir);
        int slots = Math.max(1, sc.defaultParallelism());
        int n = Math.max(1, Math.min(plan.bands(), 2 * slots)); // two ranges per task slot: no slot idles at the end
        // Each task's threads: the executor's cores shared between the tasks it runs at once.
        int taskCores = Math.max(1, Integer.parseInt(sc.getConf().get("spark.task.cpus", "1")));
        CoaddParams taskParams = params.withWorkers(taskCores);
        List<Range> ranges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int from = (int) ((long) plan.bands() * i / n), to = (int) ((long) plan.bands() * (i + 1) / n);
            ranges.add(new Range(i, from, to, plan, paths, taskParams,
                    st.ref(workDir.resolve(String.format(Locale.ROOT, "bands_%05d.f32", i))), st.fs));
        }
        LOG.info(String.format(Locale.ROOT, "[P5] %d bands of %d rows as %d Spark tasks", plan.bands(), plan.rowsPerBand(), n));
        SparkMosaic.TaskFault f = fault;
        // the bar: each range's task as it ends, then its merge here (WorkBar's weights: the coadd, the writing)
        List<Double> tileMpx = new ArrayList<>();
        for (CoaddInput in : inputs) tileMpx.add(in.image().width() * (double) in.image().height() / 1e6);
        ProgressParts bar = new ProgressParts(progress, WorkBar.bandRanges(tileMpx,
                plan.grid().width() * (double) plan.grid().height() / 1e6, n));
        List<Done> done = SparkTasks.run(sc, ranges, r -> {
            TaskContext ctx = TaskContext.get();
            Done d = run(r);
            f.afterBands(r.index(), ctx == null ? 0 : ctx.attemptNumber());
            return d;
        }, bar, "[P5] band tasks done");
        long reads = 0, hits = 0;
        int width = plan.grid().width(), planes = plan.channels() + 1;
        for (Done d : done) {
            Range r = ranges.get(d.index());
            Path file = st.pull(d.file(), workDir.resolve(String.format(Locale.ROOT, "bands_%05d.f32", d.index())));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                for (int b = r.from(); b < r.to(); b++) {
                    int y0 = plan.bandY0(b), rows = plan.bandRows(b);
                    float[][] band = read(ch, (long) (y0 - plan.bandY0(r.from())) * planes * width, rows, width, planes);
                    float[][] mosaic = new float[plan.channels()][];
                    System.arraycopy(band, 0, mosaic, 0, plan.channels());
                    out.mosaic().writeRows(y0, rows, mosaic);
                    if (out.coverage() != null) out.coverage().writeRows(y0, rows, new float[][] {band[plan.channels()]});
                }
            }
            Files.delete(file);
            if (FsAccess.isUri(d.file())) st.fs.delete(d.file());
            reads += d.blockReads();
            hits += d.cacheHits();
            bar.update(n + d.index(), 1, "[P5] bands merged");
        }
        Files.deleteIfExists(workDir);
        String dirRef = st.ref(workDir);
        if (FsAccess.isUri(dirRef)) st.fs.delete(dirRef); // the (now empty) folder the tasks put their files in
        return new ReprojectCoadd.BandsDone(reads, hits);
    }

    /** On an executor: reopens the tiles, coadds the range into its band file (rows × [channels…, coverage] × width, float32). */
    static Done run(Range r) throws IOException {
        List<CoaddInput> inputs = new ArrayList<>();
        for (String p : r.tiles()) inputs.add(CoaddFiles.input(FitsFrame.open(r.fs().fetch(p))));
        CoaddPlan plan = r.plan();
        int width = plan.grid().width(), planes = plan.channels() + 1, base = plan.bandY0(r.from());
        String name = r.file().substring(r.file().lastIndexOf('/') + 1);
        Path file = r.fs().writeDir(r.file()).resolve(name);
        TaskContext ctx = TaskContext.get(); // each attempt its own temp file (retries, speculative copies)
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp" + (ctx != null ? ctx.taskAttemptId() : Thread.currentThread().getId()));
        ReprojectCoadd.BandsDone st;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            RowSink mosaic = (y0, rows, src) -> write(ch, y0 - base, rows, width, planes, 0, src);
            RowSink coverage = (y0, rows, src) -> write(ch, y0 - base, rows, width, planes, plan.channels(), src);
            st = ReprojectCoadd.coaddBands(plan, inputs, r.params(), new ReprojectCoadd.Sinks(mosaic, coverage),
                    r.from(), r.to(), CpuBandCoadder.INSTANCE, Progress.NONE);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        r.fs().put(file, r.file());
        return new Done(r.index(), r.file(), st.blockReads(), st.cacheHits());
    }

    /** Rows [row, row + rows) of planes [plane0, plane0 + src.length) at their place in the band file (positional: thread-safe). */
    private static void write(FileChannel ch, int row, int rows, int width, int planes, int plane0, float[][] src)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 * width).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < src.length; c++) {
                buf.clear();
                buf.asFloatBuffer().put(src[c], r * width, width);
                long pos = 4L * ((long) (row + r) * planes + plane0 + c) * width;
                for (int k = 0; buf.hasRemaining(); ) k += ch.write(buf, pos + k);
            }
    }

    private static float[][] read(FileChannel ch, long pixel0, int rows, int width, int planes) throws IOException {
        float[][] band = new float[planes][rows * width];
        ByteBuffer buf = ByteBuffer.allocate(4 * width * planes).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            buf.clear();
            long pos = 4L * (pixel0 + (long) r * planes * width);
            while (buf.hasRemaining()) {
                if (ch.read(buf, pos + buf.position()) < 0) throw new IOException("band file ends early");
            }
            buf.flip();
            java.nio.FloatBuffer fb = buf.asFloatBuffer();
            for (int c = 0; c < planes; c++) fb.get(band[c], r * width, width);
        }
        return band;
    }
}
