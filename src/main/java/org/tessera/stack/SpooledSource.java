package org.tessera.stack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.tessera.image.RowSource;
import org.tessera.image.RowSourceView;

/**
 * A source read twice at the price of once: its first whole read, rows in order from the top (a
 * stack's statistics pass), is recorded into a temporary file as it goes, and every later read
 * (the band pass) is served from that file instead of the source. Meant for sources whose rows are
 * expensive to make: a raw frame decoded, debayered, cleaned of hot pixels and resampled onto a
 * tile's grid costs far more per row than reading its floats back.
 * <p>
 * The values read back are the source's own floats, bit for bit. Per row only the span between
 * the first and last pixel that is not the canonical NaN (in any channel) is stored: a frame
 * resampled onto a larger canvas (a rotated alt-az tile) is mostly NaN outside its footprint.
 * Disk: at most 4·W·H·C bytes, released on {@link #close()} (on Linux and macOS the file is
 * unlinked as soon as it is opened, so nothing is left behind even if the JVM dies). Memory: three
 * numbers per row.
 * <p>
 * Until the recording is complete, reads go to the source; a read that does not continue the
 * recording (another row, another thread first) or a failed write (disk full) stops the recording
 * for good, and the source keeps serving every read: the values are the same either way, only the
 * time differs. Thread-safe like any {@link RowSource}.
 */
public final class SpooledSource extends RowSourceView implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("org.tessera.stack");
    private static final int CANONICAL_NAN = Float.floatToRawIntBits(Float.NaN);
    private static final java.util.concurrent.atomic.AtomicBoolean TOLD = new java.util.concurrent.atomic.AtomicBoolean();

    private final Path dir;
    /** The source's shape, read once: the recording and the read-back index by it. */
    private final int w, h, nc;
    /** Per row: first stored pixel, end of the stored span (x1 ≤ x0: nothing stored). */
    private final int[] x0, x1;
    /** Byte offset of each row's record in the file; offset[h] = file length when complete. */
    private final long[] offset;
    private FileChannel file;
    private int recorded;
    /** 0 recording, 1 complete (reads from the file), 2 stopped (reads from the source). */
    private volatile int state;

    /** Records into a temporary file in {@code dir} (the default temporary folder when null). */
    public SpooledSource(RowSource src, Path dir) {
        super(src);
        this.dir = dir;
        this.w = src.width();
        this.h = src.height();
        this.nc = src.channels();
        this.x0 = new int[h];
        this.x1 = new int[h];
        this.offset = new long[h + 1];
    }

    @Override public float[][] newBand(int rows) { return source.newBand(rows); }

    /** Whether later reads come from the file (the first whole read is recorded). */
    public boolean complete() {
        return state == 1;
    }

    /**
     * Where rows [y0, y0 + rows) have data: for row y0 + r, columns [dst[at + 2r], dst[at + 2r + 1])
     * outside which every channel is NaN (an empty span for a row of NaN). Known once the recording
     * is complete and until {@link #close()} (false otherwise, and nothing written): the spans
     * were measured on the source's own values, so they hold for every read in between.
     */
    public boolean spans(int y0, int rows, int[] dst, int at) {
        if (state != 1) return false; // the volatile read that publishes x0, x1
        for (int r = 0; r < rows; r++) {
            int y = y0 + r, a = x0[y], b = x1[y];
            dst[at + 2 * r] = b > a ? a : 0;
            dst[at + 2 * r + 1] = b > a ? b : 0;
        }
        return true;
    }

    /**
     * {@link #spans} of rows [y0, y0 + rows) as soon as the recording has passed them (the statistics
     * pass, which reads the rows as they are recorded, then looks only inside them); false while
     * they are not recorded or after the recording stopped (nothing written then).
     */
    public synchronized boolean recordedSpans(int y0, int rows, int[] dst, int at) {
        if (state == 2 || state == 0 && y0 + rows > recorded) return false;
        for (int r = 0; r < rows; r++) {
            int y = y0 + r, a = x0[y], b = x1[y];
            dst[at + 2 * r] = b > a ? a : 0;
            dst[at + 2 * r + 1] = b > a ? b : 0;
        }
        return true;
    }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        int s = state;
        if (s == 1) {
            readBack(y0, rows, dst);
            return;
        }
        if (s == 2) {
            source.readRows(y0, rows, dst);
            return;
        }
        synchronized (this) {
            if (state == 0 && y0 == recorded && rows > 0) {
                source.readRows(y0, rows, dst);
                record(y0, rows, dst);
                return;
            }
            if (state == 0) stop(null);
        }
        readRows(y0, rows, dst);
    }

    /** Appends rows [y0, y0 + rows) of dst to the file; the recording stops (values unchanged) if the write fails. */
    private void record(int y0, int rows, float[][] dst) {
        try {
            if (file == null) file = open();
            for (int r = 0; r < rows; r++) {
                int base = r * w, a = w, b = 0;
                for (int c = 0; c < nc; c++) { // the union over the channels of the spans that are not all NaN
                    float[] p = dst[c];
                    int lo = 0, hi = w;
                    while (lo < a && Float.floatToRawIntBits(p[base + lo]) == CANONICAL_NAN) lo++;
                    while (hi > b && Float.floatToRawIntBits(p[base + hi - 1]) == CANONICAL_NAN) hi--;
                    a = Math.min(a, lo);
                    b = Math.max(b, hi);
                }
                x0[y0 + r] = a;
                x1[y0 + r] = b;
                offset[y0 + r + 1] = offset[y0 + r] + (b > a ? 4L * nc * (b - a) : 0);
            }
            for (int r = 0; r < rows; ) { // in pieces of at most CHUNK bytes (at least one row)
                int e = piece(y0 + r, y0 + rows) - y0;
                long at = offset[y0 + r];
                ByteBuffer buf = buffer(offset[y0 + e] - at);
                FloatBuffer fb = buf.asFloatBuffer();
                for (; r < e; r++) {
                    int y = y0 + r, a = x0[y], b = x1[y];
                    if (b > a) for (int c = 0; c < nc; c++) fb.put(dst[c], r * w + a, b - a);
                }
                while (buf.hasRemaining()) at += file.write(buf, at);
            }
            recorded = y0 + rows;
            if (recorded >= h) state = 1;
        } catch (IOException | RuntimeException e) {
            stop(e);
        }
    }

    /** Bytes moved per file call at most (one row at least). */
    private static final int CHUNK = 1 << 20;
    /**
     * One direct buffer per thread, reused: no heap buffer per call (each a humongous object) and no
     * copy through the JDK's own temporary direct buffer. 1 MiB of native memory per reading thread.
     */
    private static final ThreadLocal<ByteBuffer> BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.nativeOrder()));

    /** A cleared buffer of exactly {@code bytes} bytes (a row wider than the chunk gets its own). */
    private static ByteBuffer buffer(long bytes) {
        if (bytes > CHUNK) return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        ByteBuffer b = BUFFER.get();
        b.clear().limit((int) bytes);
        return b;
    }

    /** End (exclusive) of the rows from {@code y} that fit one piece, at least one row, at most {@code end}. */
    private int piece(int y, int end) {
        int e = y + 1;
        while (e < end && offset[e + 1] - offset[y] <= CHUNK) e++;
        return e;
    }

    private FileChannel open() throws IOException {
        Path p = dir == null ? Files.createTempFile(PREFIX, SUFFIX) : Files.createTempFile(dir, PREFIX, SUFFIX);
        FileChannel ch = null;
        try {
            // Opened (and so unlinked) first, to keep the window in which a killed JVM leaves the
            // file behind short; the next run in the folder removes such a file (RunManifest).
            ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
            // Leave the folder room to spare (a temporary folder in memory, tmpfs, counts too): below
            // a whole frame plus max(1 GiB, 10 % of the disk, at most 8 GiB) free, the source is read
            // again instead. (10 % alone asked 25 GB free of a 250 GB disk, and 400 GB of a 4 TB one.)
            java.nio.file.FileStore store = Files.getFileStore(p.getParent());
            long need = 4L * w * h * nc + reserve(store.getTotalSpace());
            if (store.getUsableSpace() < need)
                throw new IOException("only " + (store.getUsableSpace() >> 20) + " MiB free in " + p.getParent());
            return ch;
        } catch (IOException | RuntimeException e) {
            if (ch != null) ch.close();
            Files.deleteIfExists(p);
            throw e;
        }
    }

    /** The free space a spool leaves its disk beyond its own frame: max(1 GiB, 10 % of the disk, at most 8 GiB). */
    static long reserve(long diskBytes) {
        return Math.max(1L << 30, Math.min(diskBytes / 10, 8L << 30));
    }

    /** The names of spool files ({@code tessera-spool-*.f32}): a file glob, for a folder's clean-up. */
    public static final String GLOB = "tessera-spool-*.f32";
    private static final String PREFIX = "tessera-spool-", SUFFIX = ".f32";

    /** Stops recording for good: later reads go to the source. */
    private void stop(Exception why) {
        state = 2;
        if (why != null) // said once per JVM at INFO: a disk without room slows every tile the same way
            LOG.log(TOLD.getAndSet(true) ? Level.FINE : Level.INFO, "[STACK] spool of " + name() + " stopped: "
                    + why.getMessage() + " (the band pass makes the frame again: slower, same pixels)", why);
        closeFile();
    }

    private void readBack(int y0, int rows, float[][] dst) throws IOException {
        if (y0 < 0 || rows < 0 || y0 + rows > h)
            throw new IllegalArgumentException("rows " + y0 + ".." + (y0 + rows) + " outside 0.." + h);
        for (int r = 0; r < rows; ) {
            int e = piece(y0 + r, y0 + rows) - y0;
            ByteBuffer buf = buffer(offset[y0 + e] - offset[y0 + r]);
            long at = offset[y0 + r];
            while (buf.hasRemaining()) {
                int n = file.read(buf, at);
                if (n < 0) throw new IOException("spool of " + name() + ": unexpected end of file at byte " + at);
                at += n;
            }
            buf.flip();
            FloatBuffer fb = buf.asFloatBuffer();
            for (; r < e; r++) {
                int y = y0 + r, a = x0[y], b = x1[y], base = r * w;
                for (int c = 0; c < nc; c++) {
                    if (b <= a) {
                        Arrays.fill(dst[c], base, base + w, Float.NaN);
                        continue;
                    }
                    Arrays.fill(dst[c], base, base + a, Float.NaN);
                    fb.get(dst[c], base + a, b - a);
                    Arrays.fill(dst[c], base + b, base + w, Float.NaN);
                }
            }
        }
    }

    private synchronized void closeFile() {
        if (file == null) return;
        try {
            file.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "spool of " + name() + ": close failed", e);
        }
        file = null;
    }

    /** Deletes the file; later reads go to the source. */
    @Override
    public void close() {
        synchronized (this) {
            state = 2;
        }
        closeFile();
    }
}
