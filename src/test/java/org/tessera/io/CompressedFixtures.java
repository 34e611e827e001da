package org.tessera.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.ImageHDU;
import nom.tam.image.compression.hdu.CompressedImageHDU;
import nom.tam.util.FitsFile;

/**
 * Compressed copies of FITS files, written in the test with java.util.zip and nom-tam-fits (no
 * gzip or fpack program needed): a whole file gzip'ed, and every image HDU tile-compressed one row
 * per tile (fpack's default) after an empty primary HDU, as fpack writes them.
 */
public final class CompressedFixtures {

    private CompressedFixtures() {}

    /** {@code src} gzip'ed into {@code dst}. */
    public static Path gzip(Path src, Path dst) throws IOException {
        try (InputStream in = Files.newInputStream(src); OutputStream o = new GZIPOutputStream(Files.newOutputStream(dst))) {
            in.transferTo(o);
        }
        return dst;
    }

    /**
     * {@code src} with each image HDU holding data tile-compressed with {@code algorithm} (RICE_1,
     * GZIP_1, GZIP_2, …), lossless unless {@code quantize} names a quantization (floats only).
     */
    public static Path fpack(Path src, Path dst, String algorithm, String quantize) throws IOException {
        try (Fits in = new Fits(src.toFile()); Fits out = new Fits()) {
            for (BasicHDU<?> h : in.read()) {
                if (h instanceof ImageHDU img && img.getAxes() != null && img.getAxes().length >= 2) {
                    int[] axes = img.getAxes();
                    CompressedImageHDU c = CompressedImageHDU.fromImageHDU(img, axes[axes.length - 1], 1);
                    c.setCompressAlgorithm(algorithm);
                    if (quantize != null) c.setQuantAlgorithm(quantize);
                    c.compress();
                    out.addHDU(c);
                } else {
                    out.addHDU(h);
                }
            }
            Files.deleteIfExists(dst);
            try (FitsFile f = new FitsFile(dst.toFile(), "rw")) {
                out.write(f);
            }
        } catch (FitsException e) {
            throw new IOException(e);
        }
        return dst;
    }
}
