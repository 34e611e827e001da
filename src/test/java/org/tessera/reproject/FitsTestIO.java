package org.tessera.reproject;

import java.io.IOException;
import java.nio.file.Path;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.FitsException;
import nom.tam.fits.Header;

import org.tessera.image.FloatImage;

/**
 * Reads the 2-D data of a FITS file for tests and benchmarks (the project's reader lives
 * elsewhere): BZERO/BSCALE applied, BLANK → NaN, mono.
 */
public final class FitsTestIO {
    private FitsTestIO() {}

    public record Image(FloatImage image, Header header) {}

    public static Image read(Path file) throws IOException {
        return read(file, 0);
    }

    /** HDU number {@code index} (0 = primary). */
    public static Image read(Path file, int index) throws IOException {
        try (Fits f = new Fits(file.toFile())) {
            BasicHDU<?> hdu = f.readHDU();
            for (int i = 0; i < index && hdu != null; i++) hdu = f.readHDU();
            if (hdu == null) throw new IOException(file + ": no HDU " + index);
            Header h = hdu.getHeader();
            if (h.getIntValue("NAXIS") != 2) throw new IOException(file + ": expected a 2-D image, NAXIS=" + h.getIntValue("NAXIS"));
            int w = h.getIntValue("NAXIS1"), hh = h.getIntValue("NAXIS2");
            double bzero = h.getDoubleValue("BZERO", 0), bscale = h.getDoubleValue("BSCALE", 1);
            boolean hasBlank = h.containsKey("BLANK");
            long blank = hasBlank ? h.getLongValue("BLANK") : 0;
            Object k = hdu.getKernel();
            FloatImage img = new FloatImage(w, hh, 1);
            float[] p = img.plane(0);
            for (int y = 0; y < hh; y++) {
                Object row = ((Object[]) k)[y];
                for (int x = 0; x < w; x++) {
                    double v;
                    boolean isBlank = false;
                    if (row instanceof short[] s) { v = s[x]; isBlank = hasBlank && s[x] == blank; }
                    else if (row instanceof int[] i) { v = i[x]; isBlank = hasBlank && i[x] == blank; }
                    else if (row instanceof byte[] b) { v = b[x] & 0xff; isBlank = hasBlank && (b[x] & 0xff) == blank; }
                    else if (row instanceof float[] fl) v = fl[x];
                    else if (row instanceof double[] d) v = d[x];
                    else if (row instanceof long[] l) { v = l[x]; isBlank = hasBlank && l[x] == blank; }
                    else throw new IOException(file + ": unsupported data type " + row.getClass());
                    p[y * w + x] = isBlank ? Float.NaN : (float) (bzero + bscale * v);
                }
            }
            return new Image(img, h);
        } catch (FitsException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The sub-image [x0, x0+w) × [y0, y0+h). */
    public static FloatImage cut(FloatImage src, int x0, int y0, int w, int h) {
        FloatImage out = new FloatImage(w, h, src.channels());
        for (int c = 0; c < src.channels(); c++)
            for (int y = 0; y < h; y++)
                System.arraycopy(src.plane(c), (y0 + y) * src.width() + x0, out.plane(c), y * w, w);
        return out;
    }
}
