package org.tessera.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.tessera.UserMessages;
import org.tessera.io.ConstantFrames;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameReading;
import org.tessera.io.FrameScanner;

/**
 * Phase 1's header scan on the executors: the driver lists the input files (a folder walked as
 * {@link FrameScanner#listFrames} walks it, a URI's folder through Hadoop's {@code FileSystem}
 * listing, {@link Staging#listIn}), tasks of consecutive files open each one where it is
 * ({@link FsAccess#fetch}) and send back its headers or why it cannot be used
 * ({@link FrameScanner#readHeaders}, a few kB per frame) and whether its pixels hold data
 * ({@link ConstantFrames#reasons}, its middle row for a frame of data), and the driver builds the
 * frames from those headers ({@link FrameScanner#opened}), selects them and leaves out those of no
 * data as one machine does ({@link FrameScanner#selectFrames}, {@link ConstantFrames#leaveOut}).
 * The driver never reads an input file: a frame named by a URI is known to it by a path that does
 * not exist, which {@link Staging#ref} names by its URI (a screen on the driver could not read such
 * a frame and kept it: an all-zero frame named by URI reached the stack, which dropped it, after
 * it had shaped its tile's grid), and Phase 1 takes this screen as it is for local frames too
 * ({@code MosaicPipeline.phase1(Scan, …)}), rather than reading each one's pixels again.
 */
final class SparkScan {

    private static final Logger LOG = Logger.getLogger("org.tessera.io");

    private SparkScan() {}

    /** One file for a task: its index in the listing and its path or URI. */
    record Item(int index, String ref) implements java.io.Serializable {}

    /** What a task sends back of one file: its headers (or why it cannot be used), and why its pixels hold no data (null: they do). */
    record Read(FrameScanner.HeaderRead headers, String noData) implements java.io.Serializable {}

    /**
     * The scan of {@code local} (paths, listed here) and {@code remote} (files already listed by URI,
     * named by their stand-in paths), read on the executors.
     */
    static FrameScanner.Scan scan(JavaSparkContext sc, List<Path> local, List<Path> remote, Path outputDir,
                                  FrameReading reading, Staging st) throws IOException {
        TreeSet<Path> files = new TreeSet<>(remote);
        List<FrameScanner.Problem> problems = new ArrayList<>();
        if (!local.isEmpty()) {
            FrameScanner.Listing l = FrameScanner.listFrames(local, outputDir);
            files.addAll(l.files());
            problems.addAll(l.problems());
        }
        if (files.isEmpty() && problems.isEmpty())
            throw new IOException("no FITS files (*.fit, *.fits, *.fts) in the inputs "
                    + local.stream().map(Path::toString).collect(Collectors.joining(", ")));
        List<Path> sorted = new ArrayList<>(files);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) items.add(new Item(i, st.ref(sorted.get(i))));
        int slices = Math.max(1, Math.min(items.size(), 4 * sc.defaultParallelism()));
        LOG.info(String.format(Locale.ROOT, "[READ] reading the headers of %d file(s) in %d Spark task(s)", items.size(), slices));
        FsAccess fs = st.fs;
        int attempts = SparkMosaic.maxTaskAttempts(sc);
        List<Read> reads = new ArrayList<>(sc.parallelize(items, slices).mapPartitions(
                (Iterator<Item> it) -> {
                    TaskContext ctx = TaskContext.get();
                    int attempt = ctx == null ? 0 : ctx.attemptNumber();
                    List<Read> out = new ArrayList<>();
                    while (it.hasNext()) out.add(read(it.next(), fs, attempt + 1 >= attempts));
                    return out.iterator();
                }).collect());
        List<FrameScanner.Opened> opened = new ArrayList<>();
        Map<Path, String> noData = new HashMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            opened.add(FrameScanner.opened(sorted.get(i), reads.get(i).headers(), reading));
            if (reads.get(i).noData() != null) noData.put(sorted.get(i), reads.get(i).noData());
        }
        FrameScanner.Scan scan = FrameScanner.selectFrames(opened, problems);
        // one machine's screen (MosaicPipeline's Phase 1), on what the executors read: same reasons, same lines
        List<FrameScanner.Problem> skipped = new ArrayList<>(scan.skipped());
        List<FitsFrame> kept = ConstantFrames.leaveOut(scan.frames(),
                scan.frames().stream().map(f -> noData.get(f.path())).toArray(String[]::new), skipped);
        return new FrameScanner.Scan(kept, skipped);
    }

    /**
     * On the executor: one file's headers. A file that cannot be fetched (a file system hiccup) fails
     * the task, which Spark runs again; on the last attempt it is reported like an unreadable file.
     */
    private static Read read(Item item, FsAccess fs, boolean lastAttempt) throws IOException {
        Path local;
        try {
            local = fs.fetch(item.ref());
        } catch (IOException | RuntimeException e) {
            if (!lastAttempt) throw e;
            return new Read(new FrameScanner.HeaderRead(null, "cannot read: " + UserMessages.problemWith(e),
                    FrameScanner.kind(e)), null);
        }
        FrameScanner.HeaderRead h = FrameScanner.readHeaders(local);
        FitsFrame f = h.headers() == null ? null : FrameScanner.opened(local, h, FrameReading.DEFAULT).frame();
        return new Read(h, f == null ? null : ConstantFrames.reasons(List.of(f))[0]);
    }
}
