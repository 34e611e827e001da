package org.tessera.fiji;

import java.io.IOException;
import java.nio.file.Path;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCardException;
import org.tessera.io.FitsImageWriter;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projections;

/** Small float FITS images with a TAN WCS of {@value #ARCSEC_PER_PIXEL}"/px, as the pipeline writes them. */
public final class TestMosaics {
    private TestMosaics() {}

    public static final int W = 60, H = 40;
    public static final double ARCSEC_PER_PIXEL = 2.5;

    /** Channel c, FITS pixel (x, y): distinct per channel and row, a NaN corner (no data). */
    public static float value(int c, int x, int y) {
        if (x < 5 && y < 5) return Float.NaN;
        return 100f * c + 3f * x + 0.25f * y * y;
    }

    /** Writes a {@link #W}×{@link #H} image of {@code channels} channels of {@link #value}. */
    public static Path write(Path file, int channels) throws IOException {
        Header h = new Header();
        double s = ARCSEC_PER_PIXEL / 3600;
        try {
            new FitsWcs(Projections.TAN, W / 2.0, H / 2.0, 150, 30, -s, 0, 0, s).writeTo(h);
            h.addValue("OBJECT", "test field", "");
        } catch (HeaderCardException e) {
            throw new IOException(e);
        }
        float[][] px = new float[channels][W * H];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) px[c][y * W + x] = value(c, x, y);
        try (FitsImageWriter w = new FitsImageWriter(file, W, H, channels, h, FitsImageWriter.AlphaMode.NONE)) {
            w.writeRows(0, H, px);
        }
        return file;
    }
}
