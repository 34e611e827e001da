package org.tessera.bench.reproject;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import nom.tam.fits.FitsException;
import nom.tam.fits.Header;
import nom.tam.util.FitsOutputStream;

import org.tessera.image.RowSink;
import org.tessera.wcs.WcsGrid;

/**
 * Streams a float32 FITS image band by band, in any order, from several threads (positional
 * writes): memory is one band. Benchmark stand-in for the project's FITS writer.
 */
public final class FitsRowWriter implements RowSink, Closeable {

    private final FileChannel ch;
    private final long dataStart;
    private final int w, h, c;

    public FitsRowWriter(Path file, WcsGrid grid, int channels) throws IOException {
        this.w = grid.width();
        this.h = grid.height();
        this.c = channels;
        try {
            Header hd = new Header();
            hd.addValue("SIMPLE", true, "FITS standard");
            hd.addValue("BITPIX", -32, "32-bit float");
            hd.addValue("NAXIS", channels == 1 ? 2 : 3, "axes");
            hd.addValue("NAXIS1", w, "width");
            hd.addValue("NAXIS2", h, "height");
            if (channels > 1) hd.addValue("NAXIS3", channels, "channels");
            grid.wcs().writeTo(hd);
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (FitsOutputStream fo = new FitsOutputStream(bo)) {
                hd.write(fo);
            }
            byte[] head = bo.toByteArray();
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, StandardOpenOption.READ);
            ch.write(ByteBuffer.wrap(head), 0);
            dataStart = head.length;
        } catch (FitsException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeRows(int y0, int rows, float[][] src) throws IOException {
        // Pieces of at most 256 KiB: no band-sized byte copies.
        int per = Math.max(1, Math.min(rows, (256 << 10) / (4 * w)));
        ByteBuffer buf = ByteBuffer.allocate(per * w * 4).order(ByteOrder.BIG_ENDIAN);
        for (int p = 0; p < c; p++) {
            for (int r = 0; r < rows; r += per) {
                int n = Math.min(per, rows - r);
                buf.clear();
                buf.asFloatBuffer().put(src[p], r * w, n * w);
                buf.limit(n * w * 4);
                long pos = dataStart + ((long) p * h + y0 + r) * w * 4L;
                while (buf.hasRemaining()) ch.write(buf, pos + buf.position());
            }
        }
    }

    @Override
    public void close() throws IOException {
        long end = dataStart + (long) w * h * c * 4;
        long pad = (2880 - end % 2880) % 2880;
        if (pad > 0) ch.write(ByteBuffer.allocate((int) pad), end);
        ch.close();
    }
}
