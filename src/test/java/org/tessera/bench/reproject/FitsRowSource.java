package org.tessera.bench.reproject;

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

import org.tessera.image.AllFinite;
import org.tessera.image.RowSource;

/**
 * Lazy row reader of the primary image of a FITS file (benchmark stand-in for the project's
 * reader): positional reads of just the rows asked for, BZERO/BSCALE applied, BITPIX 8/16/32/-32/
 * -64, NAXIS3 planes as channels. Thread-safe (positional reads on one channel). Like the project's
 * reader it decodes 16-bit values through a table of the 65536 possible floats, and it tells the
 * coadd that integer data hold no NaN ({@link AllFinite}).
 */
public final class FitsRowSource implements RowSource, AllFinite, Closeable {

    private final Path file;
    private final FileChannel ch;
    private final Header header;
    private final long dataStart;
    private final int w, h, c, bitpix, bytes;
    private final double bzero, bscale;
    /** BITPIX 16: the float of every stored value (index stored + 32768), same formula as below. */
    private final float[] table16;

    public FitsRowSource(Path file) throws IOException {
        this.file = file;
        try (Fits f = new Fits(file.toFile())) {
            BasicHDU<?> hdu = f.readHDU();
            header = hdu.getHeader();
            dataStart = hdu.getData().getFileOffset();
        } catch (FitsException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        int naxis = header.getIntValue("NAXIS");
        if (naxis != 2 && naxis != 3) throw new IOException(file + ": expected a 2-D or 3-D image, NAXIS=" + naxis);
        w = header.getIntValue("NAXIS1");
        h = header.getIntValue("NAXIS2");
        c = naxis == 3 ? header.getIntValue("NAXIS3") : 1;
        bitpix = header.getIntValue("BITPIX");
        bytes = Math.abs(bitpix) / 8;
        bzero = header.getDoubleValue("BZERO", 0);
        bscale = header.getDoubleValue("BSCALE", 1);
        ch = FileChannel.open(file, StandardOpenOption.READ);
        if (bitpix == 16) {
            table16 = new float[65536];
            for (int v = Short.MIN_VALUE; v <= Short.MAX_VALUE; v++) table16[v + 32768] = (float) (bzero + bscale * v);
        } else {
            table16 = null;
        }
    }

    /** Integer data (this reader knows no BLANK) whose scaled range stays finite hold no NaN. */
    @Override
    public boolean allFinite() {
        if (bitpix < 0) return false;
        double range = Math.pow(2, bitpix); // covers the signed and the unsigned (8-bit) ranges
        return Float.isFinite((float) (bzero - bscale * range)) && Float.isFinite((float) (bzero + bscale * range));
    }

    public Header header() { return header; }

    @Override public int width() { return w; }
    @Override public int height() { return h; }
    @Override public int channels() { return c; }

    /** One reusable byte buffer per thread: reading a tile should not churn the heap. */
    private static final ThreadLocal<ByteBuffer[]> BUF = ThreadLocal.withInitial(() -> new ByteBuffer[1]);

    private static ByteBuffer buffer(int n) {
        ByteBuffer[] h = BUF.get();
        if (h[0] == null || h[0].capacity() < n) h[0] = ByteBuffer.allocate(n).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer b = h[0];
        b.clear().limit(n);
        return b;
    }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        int size = rows * w * bytes;
        ByteBuffer buf = buffer(size);
        for (int p = 0; p < c; p++) {
            buf.clear().limit(size);
            long pos = dataStart + ((long) p * h + y0) * w * bytes;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, pos + buf.position());
                if (n < 0) throw new IOException(file + ": truncated data at row " + y0);
            }
            buf.flip();
            float[] out = dst[p];
            int n = rows * w;
            boolean plain = bzero == 0 && bscale == 1;
            switch (bitpix) {
                case -32:
                    if (plain) { buf.asFloatBuffer().get(out, 0, n); break; }
                    for (int i = 0; i < n; i++) out[i] = (float) (bzero + bscale * buf.getFloat()); break;
                case -64: for (int i = 0; i < n; i++) out[i] = (float) (bzero + bscale * buf.getDouble()); break;
                case 16: {
                    java.nio.ShortBuffer sb = buf.asShortBuffer();
                    float[] t = table16;
                    for (int i = 0; i < n; i++) out[i] = t[sb.get(i) + 32768];
                    break;
                }
                case 32: for (int i = 0; i < n; i++) out[i] = (float) (bzero + bscale * buf.getInt()); break;
                case 8: for (int i = 0; i < n; i++) out[i] = (float) (bzero + bscale * (buf.get() & 0xff)); break;
                default: throw new IOException(file + ": unsupported BITPIX " + bitpix);
            }
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
