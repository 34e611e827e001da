package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PngWriter} against ImageIO, which wrote the previews before it: the same pixels written
 * both ways give the same file, byte for byte, and decode (ImageIO.read) to the samples given, for
 * grey + alpha and RGBA, on smooth rows and on noise large enough for several IDAT chunks; every
 * chunk's CRC checks.
 */
class PngWriterTest {

    @TempDir
    Path tmp;

    /** Flat rows, ramps, noise, products. */
    private static byte[] pixels(int w, int h, int ch, long seed) {
        Random r = new Random(seed);
        byte[] p = new byte[w * h * ch];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < ch; c++) {
                    int v = switch (y % 4) {
                        case 0 -> 77;
                        case 1 -> 3 * x + 5 * y + c;
                        case 2 -> r.nextInt(256);
                        default -> (x * y) / 3 + 40 * c;
                    };
                    if (c == ch - 1 && (x + y) % 7 == 0) v = 0; // transparent pixels keep their colour
                    p[(y * w + x) * ch + c] = (byte) v;
                }
        return p;
    }

    private static byte[] encode(int w, int h, int ch, byte[] p) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        PngWriter.write(o, w, h, ch, (y, dst) -> System.arraycopy(p, y * w * ch, dst, 0, w * ch));
        return o.toByteArray();
    }

    /** The same pixels through ImageIO, as PreviewPng wrote them before (TYPE_INT_ARGB; grey + alpha raster). */
    private static byte[] imageIo(int w, int h, int ch, byte[] p) throws IOException {
        BufferedImage img;
        if (ch == 4) {
            img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 4;
                    img.setRGB(x, y, (p[i + 3] & 0xFF) << 24 | (p[i] & 0xFF) << 16 | (p[i + 1] & 0xFF) << 8 | (p[i + 2] & 0xFF));
                }
        } else {
            ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                    Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
            WritableRaster r = cm.createCompatibleWritableRaster(w, h);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) r.setPixel(x, y, new int[] {p[(y * w + x) * 2] & 0xFF, p[(y * w + x) * 2 + 1] & 0xFF});
            img = new BufferedImage(cm, r, false, null);
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "png", o));
        return o.toByteArray();
    }

    /** Every sample of the decoded image, row by row. */
    private static int[] decoded(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        return img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
    }

    private record Chunk(String type, byte[] data) {}

    /** The chunks after the signature; asserts each CRC. */
    private static List<Chunk> chunks(byte[] png) {
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, Arrays.copyOf(png, 8));
        ByteBuffer b = ByteBuffer.wrap(png, 8, png.length - 8);
        List<Chunk> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int len = b.getInt();
            byte[] type = new byte[4], data = new byte[len];
            b.get(type).get(data);
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(data);
            assertEquals((int) crc.getValue(), b.getInt(), "CRC of " + new String(type, StandardCharsets.US_ASCII));
            out.add(new Chunk(new String(type, StandardCharsets.US_ASCII), data));
        }
        return out;
    }

    /** Writes p, asserts ImageIO's bytes and the decoded samples, returns the file. */
    private static byte[] writtenAsImageIo(int w, int h, int ch, byte[] p) throws IOException {
        byte[] mine = encode(w, h, ch, p);
        assertArrayEquals(imageIo(w, h, ch, p), mine, "ImageIO's bytes");
        int[] got = decoded(mine);
        assertEquals(w * h * ch, got.length);
        for (int i = 0; i < got.length; i++) assertEquals(p[i] & 0xFF, got[i], "sample " + i);
        return mine;
    }

    @Test
    void greyAlphaDecodesAsImageIoWritesIt() throws IOException {
        int w = 61, h = 37;
        List<Chunk> c = chunks(writtenAsImageIo(w, h, 2, pixels(w, h, 2, 1)));
        assertEquals(List.of("IHDR", "IDAT", "IEND"), c.stream().map(Chunk::type).toList());
        ByteBuffer ihdr = ByteBuffer.wrap(c.get(0).data());
        assertEquals(w, ihdr.getInt());
        assertEquals(h, ihdr.getInt());
        assertArrayEquals(new byte[] {8, 4, 0, 0, 0}, Arrays.copyOfRange(c.get(0).data(), 8, 13));
    }

    @Test
    void rgbaDecodesAsImageIoWritesIt() throws IOException {
        int w = 45, h = 50;
        assertEquals(6, chunks(writtenAsImageIo(w, h, 4, pixels(w, h, 4, 2))).get(0).data()[9], "colour type RGBA");
    }

    @Test
    void noiseSpreadsOverSeveralIdatChunksAndStillDecodes() throws IOException {
        int w = 300, h = 200; // 240 000 bytes of noise: deflate cannot shrink it much
        byte[] p = new byte[w * h * 4];
        new Random(3).nextBytes(p);
        byte[] mine = writtenAsImageIo(w, h, 4, p);
        List<Chunk> c = chunks(mine);
        List<Integer> idat = c.stream().filter(k -> k.type().equals("IDAT")).map(k -> k.data().length).toList();
        assertEquals(8, idat.size(), "IDAT chunks " + idat);
        for (int k = 0; k < 7; k++) assertEquals(32768, idat.get(k));
        assertEquals(List.of("IHDR", "IEND"), List.of(c.get(0).type(), c.get(c.size() - 1).type()));
        Path f = tmp.resolve("noise.png");
        Files.write(f, mine);
        assertEquals(w, ImageIO.read(f.toFile()).getWidth());
    }
    /**
     * An image of more than {@link PngWriter#SEGMENT} bytes is deflated in segments in parallel:
     * a valid zlib stream (the inflater checks the Adler-32 combined from the segments') holding
     * exactly the rows with their filter bytes, ImageIO decodes the samples given, and the bytes do
     * not depend on the threads that ran it (a pool of one thread against the common pool).
     */
    @Test
    void largeImagesDeflatedInParallelSegmentsDecodeExactly() throws Exception {
        for (int ch : new int[] {2, 4}) {
            int w = 1031, h = 2 * PngWriter.SEGMENT / (w * ch + 1) + 37; // three segments, the last short
            byte[] p = pixels(w, h, ch, 5 + ch);
            byte[] mine = encode(w, h, ch, p);
            byte[] single = new java.util.concurrent.ForkJoinPool(1).submit(() -> encode(w, h, ch, p)).get();
            assertArrayEquals(mine, single, "the same bytes on one thread");
            int[] got = decoded(mine);
            assertEquals(w * h * ch, got.length);
            for (int i = 0; i < got.length; i++) assertEquals(p[i] & 0xFF, got[i], "sample " + i);

            ByteArrayOutputStream z = new ByteArrayOutputStream();
            for (Chunk c : chunks(mine)) if (c.type().equals("IDAT")) z.write(c.data());
            byte[] zs = z.toByteArray();
            assertArrayEquals(PngWriter.zlibHeader(), Arrays.copyOf(zs, 2));
            java.util.zip.Inflater inf = new java.util.zip.Inflater();
            inf.setInput(zs);
            byte[] raw = new byte[h * (w * ch + 1) + 1];
            int n = inf.inflate(raw);
            assertTrue(inf.finished(), "the stream ends, its Adler-32 checked");
            assertEquals(h * (w * ch + 1), n);
            for (int y = 0; y < h; y++) {
                assertEquals(0, raw[y * (w * ch + 1)], "filter byte of row " + y);
                assertArrayEquals(Arrays.copyOfRange(p, y * w * ch, (y + 1) * w * ch),
                        Arrays.copyOfRange(raw, y * (w * ch + 1) + 1, (y + 1) * (w * ch + 1)), "row " + y);
            }
        }
    }

    /** The zlib header is Deflater's own at that level; Adler-32s combine as over the whole. */
    @Test
    void zlibHeaderAndAdlerCombine() {
        java.util.zip.Deflater d = new java.util.zip.Deflater(PngWriter.LEVEL);
        d.setInput(new byte[] {1, 2, 3});
        d.finish();
        byte[] out = new byte[64];
        d.deflate(out);
        d.end();
        assertArrayEquals(Arrays.copyOf(out, 2), PngWriter.zlibHeader());
        Random r = new Random(8);
        for (int t = 0; t < 200; t++) {
            byte[] all = new byte[r.nextInt(t < 100 ? 300 : 400_000)];
            if (t % 3 == 0) Arrays.fill(all, (byte) 255); // sums that wrap the modulus fast
            else r.nextBytes(all);
            int cut = all.length == 0 ? 0 : r.nextInt(all.length + 1);
            java.util.zip.Adler32 a = new java.util.zip.Adler32(), b = new java.util.zip.Adler32(), whole = new java.util.zip.Adler32();
            a.update(all, 0, cut);
            b.update(all, cut, all.length - cut);
            whole.update(all);
            assertEquals(whole.getValue(), PngWriter.adler32Combine(a.getValue(), b.getValue(), all.length - cut),
                    "length " + all.length + ", cut " + cut);
        }
    }
}
