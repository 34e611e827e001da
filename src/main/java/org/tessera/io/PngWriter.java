package org.tessera.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * 8-bit PNG images, grey + alpha (colour type 4) or RGBA (colour type 6), written with
 * {@code java.util.zip} alone, byte for byte as ImageIO writes them: rows unfiltered (filter type
 * 0, ImageIO's choice for every image without a palette), deflate level 4 (ImageIO's default),
 * IDAT chunks of 32 KiB. ImageIO needs AWT and its plug-in registry started first, about 50 ms of
 * a fresh JVM, a tenth of a small job's whole run on the command line. A PNG of this kind is a
 * header chunk, the rows deflated in IDAT chunks and an end chunk (PNG specification, 2nd
 * edition, sections 5 and 11).
 */
public final class PngWriter {
    private PngWriter() {}

    /** Deflate level: ImageIO's default for PNG. */
    static final int LEVEL = 4;
    /** Largest IDAT chunk written: ImageIO's. */
    static final int CHUNK = 32768;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** The image's rows, top row first. */
    @FunctionalInterface
    public interface Rows {
        /** Fills {@code dst} with row {@code y} (0 = top): width × channels bytes, channels interleaved. */
        void row(int y, byte[] dst);
    }

    /**
     * Writes a PNG to {@code out} (not closed).
     *
     * @param channels 2 (grey, alpha) or 4 (red, green, blue, alpha)
     */
    public static void write(OutputStream out, int width, int height, int channels, Rows rows) throws IOException {
        if (channels != 2 && channels != 4) throw new IllegalArgumentException("PNG of 2 or 4 channels, not " + channels);
        if (width < 1 || height < 1) throw new IllegalArgumentException("PNG of " + width + "x" + height + " pixels");
        int stride = Math.addExact(Math.multiplyExact(width, channels), 1);
        out.write(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = 8; // bits per sample
        ihdr[9] = (byte) (channels == 2 ? 4 : 6);
        // compression 0 (deflate), filter method 0, no interlace
        chunk(out, "IHDR", ihdr, ihdr.length);

        byte[] none = {0}, row = new byte[stride - 1];
        Idat idat = new Idat(out);
        Deflater z = new Deflater(LEVEL);
        try {
            for (int y = 0; y < height; y++) {
                rows.row(y, row);
                idat.deflate(z, none); // the row's filter type: None
                idat.deflate(z, row);
            }
            z.finish();
            while (!z.finished()) idat.drain(z);
            idat.flush();
        } finally {
            z.end();
        }
        chunk(out, "IEND", none, 0);
    }

    /** Deflated bytes gathered into IDAT chunks of {@link #CHUNK} bytes. */
    private static final class Idat {
        private final OutputStream out;
        private final byte[] buf = new byte[CHUNK];
        private int fill;

        Idat(OutputStream out) {
            this.out = out;
        }

        void deflate(Deflater z, byte[] input) throws IOException {
            z.setInput(input);
            while (!z.needsInput()) drain(z);
        }

        void drain(Deflater z) throws IOException {
            fill += z.deflate(buf, fill, CHUNK - fill);
            if (fill == CHUNK) flush();
        }

        void flush() throws IOException {
            if (fill > 0) chunk(out, "IDAT", buf, fill);
            fill = 0;
        }
    }

    private static void chunk(OutputStream out, String type, byte[] data, int len) throws IOException {
        byte[] head = new byte[8];
        putInt(head, 0, len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(t, 0, head, 4, 4);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data, 0, len);
        out.write(head);
        out.write(data, 0, len);
        byte[] tail = new byte[4];
        putInt(tail, 0, (int) crc.getValue());
        out.write(tail);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
