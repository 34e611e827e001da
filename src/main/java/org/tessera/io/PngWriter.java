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
 * <p>
 * An image of more than {@link #SEGMENT} bytes of rows is deflated in segments of that size, in
 * parallel (deflate was half of a small job's preview, on one core): each segment a raw deflate
 * stream ended by a flush to a byte boundary, the last one finished, joined under one zlib header
 * and the Adler-32 of all the rows (combined from the segments'), as pigz does. That is a valid
 * zlib stream every decoder reads; its bytes differ from ImageIO's (each segment starts with an
 * empty window) and depend on the image's size alone, never on the machine's cores.
 */
public final class PngWriter {
    private PngWriter() {}

    /** Deflate level: ImageIO's default for PNG. */
    static final int LEVEL = 4;
    /** Largest IDAT chunk written: ImageIO's. */
    static final int CHUNK = 32768;

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** Rows of deflate input (filter bytes included) per segment of a large image, about 1 MiB. */
    static final int SEGMENT = 1 << 20;

    /** The image's rows, top row first. */
    @FunctionalInterface
    public interface Rows {
        /**
         * Fills {@code dst} with row {@code y} (0 = top): width × channels bytes, channels
         * interleaved. Called from several threads at once, for different rows, on a large image.
         */
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

        byte[] none = {0};
        Idat idat = new Idat(out);
        int segmentRows = Math.max(1, SEGMENT / stride);
        if (height <= segmentRows) {
            byte[] row = new byte[stride - 1];
            Deflater z = new Deflater(LEVEL);
            try {
                for (int y = 0; y < height; y++) {
                    rows.row(y, row);
                    idat.deflate(z, none); // the row's filter type: None
                    idat.deflate(z, row);
                }
                z.finish();
                while (!z.finished()) idat.drain(z);
            } finally {
                z.end();
            }
        } else {
            segmented(idat, height, stride, segmentRows, rows);
        }
        idat.flush();
        chunk(out, "IEND", none, 0);
    }

    /** One segment of a large image: its raw deflate stream and the Adler-32 of its rows. */
    private record Segment(byte[] deflated, long adler, long length) {}

    /** The rows deflated in segments of segmentRows rows, in parallel, written in order. */
    private static void segmented(Idat idat, int height, int stride, int segmentRows, Rows rows) throws IOException {
        int n = (height + segmentRows - 1) / segmentRows;
        idat.write(zlibHeader());
        long[] adler = {1}; // the running Adler-32
        try {
            java.util.stream.IntStream.range(0, n).parallel()
                    .mapToObj(s -> segment(s * segmentRows, Math.min(height, (s + 1) * segmentRows), stride, s == n - 1, rows))
                    .forEachOrdered(seg -> {
                        try {
                            idat.write(seg.deflated());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        adler[0] = adler32Combine(adler[0], seg.adler(), seg.length());
                    });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        long a = adler[0];
        idat.write(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
    }

    private static Segment segment(int y0, int y1, int stride, boolean last, Rows rows) {
        byte[] none = {0}, row = new byte[stride - 1];
        java.util.zip.Adler32 sum = new java.util.zip.Adler32();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((y1 - y0) * stride / 2 + 64);
        byte[] buf = new byte[CHUNK];
        Deflater z = new Deflater(LEVEL, true);
        try {
            for (int y = y0; y < y1; y++) {
                rows.row(y, row);
                for (byte[] in : new byte[][] {none, row}) { // the row's filter type (None), the row
                    sum.update(in);
                    z.setInput(in);
                    while (!z.needsInput()) out.write(buf, 0, z.deflate(buf));
                }
            }
            if (last) {
                z.finish();
                while (!z.finished()) out.write(buf, 0, z.deflate(buf));
            } else { // to a byte boundary, not final: the next segment's blocks follow
                int got;
                do {
                    got = z.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
                    out.write(buf, 0, got);
                } while (got == buf.length);
            }
        } finally {
            z.end();
        }
        return new Segment(out.toByteArray(), sum.getValue(), (long) (y1 - y0) * stride);
    }

    /** The two bytes that open a zlib stream deflated at {@link #LEVEL} (RFC 1950), as Deflater writes them. */
    static byte[] zlibHeader() {
        int cmf = 0x78; // deflate, 32 KiB window
        int flevel = LEVEL < 2 ? 0 : LEVEL < 6 ? 1 : LEVEL == 6 ? 2 : 3;
        int flg = flevel << 6;
        flg += (31 - (cmf * 256 + flg) % 31) % 31; // FCHECK: the pair is a multiple of 31
        return new byte[] {(byte) cmf, (byte) flg};
    }

    /**
     * The Adler-32 of a sequence from those of its two parts (the second {@code len2} bytes long):
     * the sums are linear in the bytes, so the second part's sum of sums gains len2 times the first
     * part's sum (RFC 1950, section 8.2; zlib's adler32_combine).
     */
    static long adler32Combine(long adler1, long adler2, long len2) {
        final long base = 65521;
        long rem = len2 % base;
        long a1 = adler1 & 0xffff, b1 = adler1 >>> 16 & 0xffff, a2 = adler2 & 0xffff, b2 = adler2 >>> 16 & 0xffff;
        long a = (a1 + a2 + base - 1) % base; // both sums start at 1: one 1 too many
        long b = (b1 + b2 + rem * a1 % base + base - rem) % base; // the second part's b counted its own start 1 len2 times
        return b << 16 | a;
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

        void write(byte[] bytes) throws IOException {
            for (int off = 0; off < bytes.length; ) {
                int n = Math.min(CHUNK - fill, bytes.length - off);
                System.arraycopy(bytes, off, buf, fill, n);
                fill += n;
                off += n;
                if (fill == CHUNK) flush();
            }
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
