package org.tessera.io;

import java.nio.file.Path;
import java.nio.file.Paths;

import nom.tam.fits.Header;

import org.tessera.image.FloatImage;
import org.tessera.io.FitsImageWriter.AlphaMode;

/**
 * Writes the sample read by {@code src/test/resources/fixtures/io/astropy_readback.py} (a manual
 * cross-check of the writer with astropy; tests themselves never need Python):
 * {@code java -cp target/classes:target/test-classes:<nom-tam jar> org.tessera.io.AstropySample out.fits}.
 * Pixel (x, y, c) = 1000 c + 10 y + x / 4, NaN at x = y; a TAN WCS and a few keys.
 */
public final class AstropySample {
    private AstropySample() {}

    public static void main(String[] args) throws Exception {
        Path out = Paths.get(args.length > 0 ? args[0] : "astropy_sample.fits");
        int w = 64, h = 48;
        FloatImage img = new FloatImage(w, h, 3);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) img.set(c, x, y, x == y ? Float.NaN : 1000f * c + 10f * y + x / 4f);
        Header keys = new Header();
        FitsFixtures.addCards(keys, "CTYPE1", "RA---TAN", "CTYPE2", "DEC--TAN", "CRPIX1", 32.5, "CRPIX2", 24.5,
                "CRVAL1", 192.7, "CRVAL2", 41.1, "CD1_1", -6.6e-4, "CD1_2", 1.0e-5, "CD2_1", 1.0e-5, "CD2_2", 6.6e-4,
                "OBJECT", "M 94", "HIERARCH.MOUNT_MODE", "EQ",
                "LONGTEXT", "a long string value that needs more than one card to be written in full, "
                        + "so the CONTINUE convention is used by the writer");
        keys.insertHistory("written by org.tessera.io.AstropySample");
        FitsImageWriter.write(out, img, keys, AlphaMode.FROM_NAN);
        System.out.println("wrote " + out.toAbsolutePath());
    }
}
