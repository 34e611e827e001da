package org.tessera.stack;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.tessera.image.RowSink;
import org.tessera.image.RowSource;

/**
 * Test-only image file: C planes of H × W little-endian float32, plane after plane. Read (and
 * written) by rows with positional I/O, so it is safe from several threads and holds no pixels.
 */
final class RawFloatFrame implements RowSource, RowSink, Closeable {
    private final FileChannel ch;
    private final int width, height, channels;
    // One buffer per thread for all files: a buffer per file and thread would add up to N × threads.
    private static final ThreadLocal<ByteBuffer> buffers = new ThreadLocal<>();

    private RawFloatFrame(FileChannel ch, int width, int height, int channels) {
        this.ch = ch;
        this.width = width;
        this.height = height;
        this.channels = channels;
    }

    static RawFloatFrame open(Path file, int width, int height, int channels) throws IOException {
        long expect = 4L * width * height * channels;
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        if (ch.size() != expect) {
            ch.close();
            throw new IOException(file + ": " + ch.size() + " bytes, expected " + expect);
        }
        return new RawFloatFrame(ch, width, height, channels);
    }

    static RawFloatFrame create(Path file, int width, int height, int channels) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new RawFloatFrame(ch, width, height, channels);
    }

    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public int channels() { return channels; }

    private ByteBuffer buffer(int bytes) {
        ByteBuffer b = buffers.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
            buffers.set(b);
        }
        b.clear().limit(bytes);
        return b;
    }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        int n = rows * width;
        for (int c = 0; c < channels; c++) {
            ByteBuffer b = buffer(4 * n);
            long pos = 4L * ((long) c * height + y0) * width;
            while (b.hasRemaining()) {
                int r = ch.read(b, pos + b.position());
                if (r < 0) throw new IOException("unexpected end of file at row " + y0);
            }
            b.flip();
            b.asFloatBuffer().get(dst[c], 0, n);
        }
    }

    @Override
    public void writeRows(int y0, int rows, float[][] src) throws IOException {
        int n = rows * width;
        for (int c = 0; c < channels; c++) {
            ByteBuffer b = buffer(4 * n);
            b.asFloatBuffer().put(src[c], 0, n);
            long pos = 4L * ((long) c * height + y0) * width;
            while (b.hasRemaining()) ch.write(b, pos + b.position());
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
