package org.tessera.bench.stack;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;

import org.tessera.image.RowSource;

/**
 * Benchmark-only reader of the primary image of an uncompressed FITS file as raw data: 2-D
 * (1 channel; Seestar frames stay Bayer mosaics here) or 3-D with NAXIS3 channels. nom-tam parses
 * the header and locates the data; rows are then read with positional I/O and scaled by
 * BSCALE/BZERO. (The project's FITS reader lives in the io package.)
 */
final class FitsRowSource implements RowSource, Closeable {
    private final Path file;
    private final FileChannel ch;
    private final int width, height, channels, bitpix, bytes;
    private final long dataOffset;
    private final double bzero, bscale;
    // One buffer per thread for all files: a buffer per file and thread would add up to N × threads.
    private static final ThreadLocal<ByteBuffer> buffers = new ThreadLocal<>();
    private static final ThreadLocal<short[]> shorts = new ThreadLocal<>();

    FitsRowSource(Path file) throws IOException {
        this.file = file;
        try (Fits fits = new Fits(file.toFile())) {
            BasicHDU<?> hdu = fits.readHDU();
            if (hdu == null) throw new IOException(file + ": no HDU");
            Header h = hdu.getHeader();
            int naxis = h.getIntValue("NAXIS");
            if (naxis != 2 && naxis != 3) throw new IOException(file + ": NAXIS=" + naxis + ", expected 2 or 3");
            width = h.getIntValue("NAXIS1");
            height = h.getIntValue("NAXIS2");
            channels = naxis == 3 ? h.getIntValue("NAXIS3") : 1;
            bitpix = h.getIntValue("BITPIX");
            bzero = h.getDoubleValue("BZERO", 0);
            bscale = h.getDoubleValue("BSCALE", 1);
            dataOffset = hdu.getData().getFileOffset();
        } catch (FitsException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        bytes = Math.abs(bitpix) / 8;
        if (bitpix != -32 && bitpix != 16) throw new IOException(file + ": BITPIX " + bitpix + " not supported here");
        if (dataOffset < 0) throw new IOException(file + ": data offset unknown");
        ch = FileChannel.open(file, StandardOpenOption.READ);
    }

    Path file() { return file; }

    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public int channels() { return channels; }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        int n = rows * width;
        ByteBuffer b = buffers.get();
        if (b == null || b.capacity() < n * bytes) {
            b = ByteBuffer.allocateDirect(n * bytes).order(ByteOrder.BIG_ENDIAN);
            buffers.set(b);
        }
        for (int c = 0; c < channels; c++) {
            b.clear().limit(n * bytes);
            long pos = dataOffset + (long) bytes * ((long) c * height + y0) * width;
            while (b.hasRemaining()) {
                if (ch.read(b, pos + b.position()) < 0) throw new IOException(file + ": truncated data");
            }
            b.flip();
            float[] d = dst[c];
            if (bitpix == -32) {
                b.asFloatBuffer().get(d, 0, n);
                if (bscale != 1 || bzero != 0) for (int i = 0; i < n; i++) d[i] = (float) (bscale * d[i] + bzero);
            } else {
                short[] sh = shorts.get();
                if (sh == null || sh.length < n) {
                    sh = new short[n];
                    shorts.set(sh);
                }
                b.asShortBuffer().get(sh, 0, n);
                float sc = (float) bscale, z = (float) bzero; // exact for integer data with BZERO 32768
                for (int i = 0; i < n; i++) d[i] = sc * sh[i] + z;
            }
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
