package org.tessera.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.util.FitsFile;

import org.junit.jupiter.api.Assumptions;

/** Test FITS files written with nom-tam-fits (an independent writer), and the shared real frames. */
final class FitsFixtures {

    static final Path DATA = Paths.get("../shared/data");
    static final Path NGC7023 = DATA.resolve("seestar_ngc7023_solved");
    static final Path SEESTAR_10S = NGC7023.resolve("Light_NGC_7023_10.0s_IRCUT_20240730-224436.fit");
    static final Path SEESTAR_20S = NGC7023.resolve("Light_NGC_7023_20.0s_IRCUT_20250630-023420.fit");
    static final Path M13 = DATA.resolve("m13_raw_frames/M13_blue_0001.fits");
    static final Path M94 = DATA.resolve("seestar_m94_subset");

    private FitsFixtures() {}

    static void assumeData(Path p) {
        Assumptions.assumeTrue(Files.exists(p), "real test data absent (" + p.toAbsolutePath()
                + "): see ../shared/data/README.md");
    }

    /**
     * One w×h image of every BITPIX, filled with the same ramp, with a BLANK value in the 16- and
     * 32-bit images (at x=2,y=1 and x=4,y=3), +∞ in the 32-bit floats (x=1,y=2) and NaN in the
     * 64-bit ones (x=3,y=0); w ≥ 5 and h ≥ 4. Change the arrays before {@link #write} for more.
     */
    static final class EveryBitpix {
        final byte[][] b8;
        final short[][] b16;
        final int[][] b32;
        final long[][] b64;
        final float[][] f32;
        final double[][] f64;

        EveryBitpix(int w, int h) {
            b8 = new byte[h][w];
            b16 = new short[h][w];
            b32 = new int[h][w];
            b64 = new long[h][w];
            f32 = new float[h][w];
            f64 = new double[h][w];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int s = (y * w + x) * 13 - 100;
                    b8[y][x] = (byte) (s & 0xFF);
                    b16[y][x] = (short) (s * 25);
                    b32[y][x] = s * 1_000_003;
                    b64[y][x] = s * 7L;
                    f32[y][x] = s * 0.25f + 1e-3f * x;
                    f64[y][x] = s * 0.125 + 1e-9 * y;
                }
            b16[1][2] = -32768; // BLANK in write
            b32[3][4] = 42; // BLANK in write
            f32[2][1] = Float.POSITIVE_INFINITY;
            f64[0][3] = Double.NaN;
        }

        /**
         * The six files in dir, b8.fits … f64.fits in BITPIX order 8, 16, 32, 64, -32, -64, with
         * BZERO/BSCALE -128/0.5, 32768/1 (BLANK -32768), 10/2 (BLANK 42), 1.5/3, 100/2 and none.
         */
        java.util.List<Path> write(Path dir) throws IOException {
            return java.util.List.of(
                    FitsFixtures.write(dir.resolve("b8.fits"), b8, "BZERO", -128.0, "BSCALE", 0.5),
                    FitsFixtures.write(dir.resolve("b16.fits"), b16, "BZERO", 32768.0, "BSCALE", 1.0, "BLANK", -32768),
                    FitsFixtures.write(dir.resolve("b32.fits"), b32, "BZERO", 10.0, "BSCALE", 2.0, "BLANK", 42),
                    FitsFixtures.write(dir.resolve("b64.fits"), b64, "BZERO", 1.5, "BSCALE", 3.0),
                    FitsFixtures.write(dir.resolve("f32.fits"), f32, "BZERO", 100.0, "BSCALE", 2.0),
                    FitsFixtures.write(dir.resolve("f64.fits"), f64));
        }
    }

    /** Writes a primary image HDU holding {@code data} (e.g. short[h][w]) with extra cards "KEY", value, …. */
    static Path write(Path file, Object data, Object... cards) throws IOException {
        try (Fits f = new Fits()) {
            BasicHDU<?> hdu = Fits.makeHDU(data);
            addCards(hdu.getHeader(), cards);
            f.addHDU(hdu);
            write(f, file);
        } catch (FitsException e) {
            throw new IOException(e);
        }
        return file;
    }

    /** Writes several HDUs: {data, cards[]} pairs; data null gives an empty primary. */
    static Path writeHdus(Path file, Object[]... hdus) throws IOException {
        try (Fits f = new Fits()) {
            for (Object[] h : hdus) {
                BasicHDU<?> hdu = h[0] == null ? new nom.tam.fits.NullDataHDU() : Fits.makeHDU(h[0]);
                Object[] cards = java.util.Arrays.copyOfRange(h, 1, h.length);
                addCards(hdu.getHeader(), cards);
                f.addHDU(hdu);
            }
            write(f, file);
        } catch (FitsException e) {
            throw new IOException(e);
        }
        return file;
    }

    private static void write(Fits f, Path file) throws IOException, FitsException {
        Files.deleteIfExists(file);
        try (FitsFile out = new FitsFile(file.toFile(), "rw")) {
            f.write(out);
        }
    }

    static void addCards(Header h, Object... cards) throws FitsException {
        for (int i = 0; i < cards.length; i += 2) {
            String k = (String) cards[i];
            Object v = cards[i + 1];
            if (v instanceof Number n) h.addLine(new HeaderCard(k, n));
            else if (v instanceof Boolean b) h.addLine(new HeaderCard(k, b));
            else h.addLine(new HeaderCard(k, String.valueOf(v)));
        }
    }

    /** A CFA mosaic of the colour field rgb[c][y][x] sampled with pattern p. */
    static float[][] mosaic(BayerPattern p, double[][][] rgb) {
        int h = rgb[0].length, w = rgb[0][0].length;
        float[][] raw = new float[h][w];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) raw[y][x] = (float) rgb[p.colorAt(x, y)][y][x];
        return raw;
    }

    /** Reads the first HDU's data with nom-tam (no scaling), as a reference. */
    static Object rawData(Path file, int hdu) throws IOException {
        try (Fits f = new Fits(file.toFile())) {
            return f.getHDU(hdu).getKernel();
        } catch (FitsException e) {
            throw new IOException(e);
        }
    }
}
