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
