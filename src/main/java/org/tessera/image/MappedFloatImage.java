package org.tessera.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A planar float image kept in a temporary file instead of the heap: for intermediates larger than
 * the memory plan allows (aligned frames of a master tile, accumulators of a big mosaic).
 * <p>
 * Layout: plane after plane, rows in order, native byte order. Bands are moved with positional
 * {@link FileChannel} reads and writes (not memory-mapped: a mapping cannot be released on demand
 * in Java, which would keep the file undeletable on Windows and pin address space). The operating
 * system's page cache keeps hot bands in memory anyway. Pixels never written read as 0 (the file is
 * sparse); call {@link #fill} for another start value. Thread-safe for disjoint and overlapping
 * bands. The file is opened with DELETE_ON_CLOSE: on Linux and macOS it is unlinked right away (its
 * space returns to the disk even if the JVM dies), elsewhere it is deleted on {@link #close()}.
 */
public final class MappedFloatImage implements RowSource, RowSink, AutoCloseable {

    private final int width;
    private final int height;
    private final int channels;
    private final Path file;
    private final FileChannel ch;
    private volatile boolean closed;

    /** Creates a temporary backing file in {@code dir} (the default temporary folder when null). */
    public MappedFloatImage(int width, int height, int channels, Path dir) throws IOException {
        if (width <= 0 || height <= 0 || channels <= 0)
            throw new IllegalArgumentException("bad image shape " + width + "x" + height + "x" + channels);
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.file = dir == null ? Files.createTempFile("tessera-", ".f32") : Files.createTempFile(dir, "tessera-", ".f32");
        FileChannel c;
        try {
            c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE,
                    StandardOpenOption.DELETE_ON_CLOSE);
            // Reserve the full length (a hole on most file systems) so reads of unwritten bands see zeros.
            c.write(ByteBuffer.allocate(1), 4L * width * height * channels - 1);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        this.ch = c;
    }

    /** An image in the default temporary folder. */
    public static MappedFloatImage create(int width, int height, int channels) throws IOException {
        return new MappedFloatImage(width, height, channels, null);
    }

    /** A disk copy of a source, read in bands of {@code bandRows}. */
    public static MappedFloatImage copyOf(RowSource src, Path dir, int bandRows) throws IOException {
        MappedFloatImage m = new MappedFloatImage(src.width(), src.height(), src.channels(), dir);
        try {
            int band = Math.max(1, Math.min(bandRows, src.height()));
            float[][] buf = src.newBand(band);
            for (int y = 0; y < src.height(); y += band) {
                int n = Math.min(band, src.height() - y);
                src.readRows(y, n, buf);
                m.writeRows(y, n, buf);
            }
            return m;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public int channels() { return channels; }

    /** Where the backing file was created (on Unix it is already unlinked: not visible in the folder). */
    public Path file() { return file; }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        inChunks(y0, rows, (b, c, at, n, pos) -> {
            while (b.hasRemaining()) {
                int k = ch.read(b, pos);
                if (k < 0) throw new IOException(file + ": unexpected end of file");
                pos += k;
            }
            b.flip();
            b.asFloatBuffer().get(dst[c], at, n);
        });
    }

    @Override
    public void writeRows(int y0, int rows, float[][] src) throws IOException {
        inChunks(y0, rows, (b, c, at, n, pos) -> {
            b.asFloatBuffer().put(src[c], at, n);
            while (b.hasRemaining()) pos += ch.write(b, pos);
        });
    }

    /** Moves {@code n} floats of channel {@code c} between {@code b} (cleared, limit n·4) and the file at {@code pos}; {@code at}: where they start in the band's plane. */
    private interface Chunk {
        void move(ByteBuffer b, int c, int at, int n, long pos) throws IOException;
    }

    /** Rows [y0, y0 + rows) of every channel, chunk by chunk through one byte buffer of at most {@link #chunkRows()} rows. */
    private void inChunks(int y0, int rows, Chunk chunk) throws IOException {
        check(y0, rows);
        int step = chunkRows();
        ByteBuffer b = ByteBuffer.allocate(Math.min(rows, step) * width * 4).order(ByteOrder.nativeOrder());
        for (int c = 0; c < channels; c++) {
            for (int r = 0; r < rows; r += step) {
                int n = Math.min(step, rows - r) * width;
                b.clear().limit(n * 4);
                chunk.move(b, c, r * width, n, offset(c, y0 + r));
            }
        }
    }

    /** Rows moved per read or write: bounds the temporary byte buffer to about 8 MiB. */
    private int chunkRows() {
        return (int) Math.max(1, (8L << 20) / (4L * width));
    }

    /** Sets every pixel of every channel to v. */
    public void fill(float v) throws IOException {
        int band = (int) Math.max(1, Math.min(height, (4L << 20) / (4L * width)));
        float[][] buf = new float[channels][band * width];
        for (float[] p : buf) Arrays.fill(p, v);
        for (int y = 0; y < height; y += band) writeRows(y, Math.min(band, height - y), buf);
    }

    private long offset(int c, int y) {
        return ((long) c * height + y) * width * 4L;
    }

    private void check(int y0, int rows) {
        if (closed) throw new IllegalStateException(file + ": image is closed");
        if (y0 < 0 || rows < 0 || y0 + rows > height)
            throw new IndexOutOfBoundsException("rows [" + y0 + ", " + (y0 + rows) + ") outside 0.." + height);
    }

    /** Deletes the backing file. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            ch.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
