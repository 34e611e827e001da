package org.tessera.synth;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.image.FloatImage;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;
import org.tessera.wcs.Wcs;

/**
 * Frames written by the generator agree with astropy: the WCS read back from the FITS header maps
 * the sky to astropy's pixels, and rendered stars sit there. Reference positions come from
 * {@code fixtures/synth/make_astropy_positions.py}.
 */
class SyntheticFitsAstropyTest {

    private static List<String[]> csv(String name) throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = SyntheticFitsAstropyTest.class.getResourceAsStream("/fixtures/synth/" + name)) {
            assertNotNull(in, "fixture " + name + " missing");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            r.readLine(); // header
            for (String line; (line = r.readLine()) != null; ) if (!line.isBlank()) rows.add(line.split(","));
        }
        return rows;
    }

    private static double d(String s) { return Double.parseDouble(s); }

    @Test
    void writtenFramesPlaceStarsWhereAstropyDoes(@TempDir Path dir) throws Exception {
        List<String[]> stars = csv("stars.csv");
        int checked = 0;
        for (String[] f : csv("wcs.csv")) {
            String id = f[0];
            int w = Integer.parseInt(f[1]), h = Integer.parseInt(f[2]);
            FitsWcs wcs = new FitsWcs(Projection.forCode("TAN"), d(f[3]), d(f[4]), d(f[5]), d(f[6]),
                    d(f[7]), d(f[8]), d(f[9]), d(f[10]));
            List<String[]> mine = stars.stream().filter(s -> s[0].equals(id)).toList();
            assertTrue(mine.size() >= 20);
            List<SkyModel.Star> list = new ArrayList<>();
            for (String[] s : mine) list.add(new SkyModel.Star(d(s[1]), d(s[2]), d(s[5]), d(s[5]), d(s[5])));
            FloatImage img = new FloatImage(w, h, 3);
            new SkyModel(list, List.of()).render(wcs, w, h, img.planes(), null, Psf.gaussian(3.0 * 2.4), 1.0);
            Path file = dir.resolve("frame_" + id + ".fit");
            CameraFitsWriter.write(new InMemoryFrame("frame_" + id, img, wcs, MountMode.EQ, 10, Map.of("OBJECT", "astropy check")), file);

            try (Fits fits = new Fits(file.toFile())) {
                BasicHDU<?> hdu = fits.readHDU();
                Wcs back = Wcs.fromHeader(hdu.getHeader());
                float[][][] cube = (float[][][]) hdu.getKernel();
                double[] p = new double[2];
                for (String[] s : mine) {
                    double ax = d(s[3]), ay = d(s[4]);
                    back.worldToPixel(d(s[1]), d(s[2]), p);
                    assertEquals(ax, p[0], 1e-6, id + " WCS x of star at " + s[1] + ", " + s[2]);
                    assertEquals(ay, p[1], 1e-6, id + " WCS y");
                    // Centroid of the rendered star in a box around astropy's position.
                    int cx = (int) Math.round(ax), cy = (int) Math.round(ay);
                    double sum = 0, sx = 0, sy = 0;
                    for (int y = cy - 12; y <= cy + 12; y++)
                        for (int x = cx - 12; x <= cx + 12; x++) {
                            if (x < 0 || y < 0 || x >= w || y >= h) continue;
                            double v = cube[1][y][x];
                            sum += v;
                            sx += v * x;
                            sy += v * y;
                        }
                    assertEquals(d(s[5]), sum, 0.005 * d(s[5]), id + " flux");
                    assertEquals(ax, sx / sum, 0.02, id + " centroid x");
                    assertEquals(ay, sy / sum, 0.02, id + " centroid y");
                    checked++;
                }
            }
        }
        assertEquals(49, checked);
    }
}
