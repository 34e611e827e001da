package org.tessera.synth;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.wcs.Wcs;

class CameraFitsWriterTest {

    @Test
    void rawFramesReadBackAsSeestarLikeFits(@TempDir Path dir) throws Exception {
        SyntheticSky sky = new SyntheticSky().panels(2, 1).framesPerPanel(2).frameSize(60, 40).seed(21)
                .panelMount(1, MountMode.ALT_AZ).starFlux(200, 3e5, 0.9).starDensity(3);
        List<Path> files = sky.writeFits(dir.resolve("raw"));
        List<InMemoryFrame> frames = sky.build();
        assertEquals(4, files.size());
        try (Stream<Path> s = Files.list(dir.resolve("raw"))) {
            assertEquals(4, s.filter(p -> p.toString().endsWith(".fit")).count(), "no temporary files left");
        }
        for (int i = 0; i < files.size(); i++) {
            InMemoryFrame f = frames.get(i);
            assertEquals(f.name(), files.get(i).getFileName().toString());
            try (Fits fits = new Fits(files.get(i).toFile())) {
                BasicHDU<?> hdu = fits.readHDU();
                Header h = hdu.getHeader();
                assertEquals(16, h.getIntValue("BITPIX"));
                assertEquals(2, h.getIntValue("NAXIS"));
                assertEquals(60, h.getIntValue("NAXIS1"));
                assertEquals(40, h.getIntValue("NAXIS2"));
                assertEquals(32768.0, h.getDoubleValue("BZERO"));
                assertEquals(1.0, h.getDoubleValue("BSCALE"));
                assertEquals(i < 2 ? 1 : 0, h.getIntValue("EQMODE"));
                assertEquals("GRBG", h.getStringValue("BAYERPAT").trim());
                assertEquals("Tessera synthetic", h.getStringValue("INSTRUME"));
                assertEquals("Synthetic field", h.getStringValue("OBJECT"));
                assertEquals(10.0, h.getDoubleValue("EXPTIME"));
                assertEquals(f.keys().get("DATE-OBS"), h.getStringValue("DATE-OBS"));
                assertEquals("RA---TAN", h.getStringValue("CTYPE1"));
                assertEquals("DEC--TAN", h.getStringValue("CTYPE2"));
                assertEquals(30.5, h.getDoubleValue("CRPIX1"), 0.0, "CRPIX is 1-based: centre of 60 px");
                assertEquals(20.5, h.getDoubleValue("CRPIX2"), 0.0);
                for (String k : new String[] {"CRVAL1", "CRVAL2", "CD1_1", "CD1_2", "CD2_1", "CD2_2"})
                    assertEquals(Double.parseDouble(f.keys().get(k)), h.getDoubleValue(k), 0.0, k);

                // The WCS read back maps the sky exactly as the frame's.
                Wcs back = Wcs.fromHeader(h);
                double[] w = new double[2], a = new double[2], b = new double[2];
                for (double[] px : new double[][] {{0, 0}, {59, 39}, {12.3, 31.7}}) {
                    f.wcs().pixelToWorld(px[0], px[1], a);
                    back.pixelToWorld(px[0], px[1], b);
                    assertEquals(a[0], b[0], 1e-10);
                    assertEquals(a[1], b[1], 1e-10);
                    back.worldToPixel(a[0], a[1], w);
                    assertEquals(px[0], w[0], 1e-7);
                }

                short[][] raw = (short[][]) hdu.getKernel();
                int saturated = 0;
                for (int y = 0; y < 40; y++)
                    for (int x = 0; x < 60; x++) {
                        int v = raw[y][x] + 32768;
                        assertEquals(f.image().get(0, x, y), (float) v, "pixel (" + x + ", " + y + ")");
                        if (v == 65535) saturated++;
                    }
                assertTrue(saturated < 60 * 40 / 10);
            }
        }
    }

    @Test
    void rgbFramesAreWrittenAsFloatCubes(@TempDir Path dir) throws Exception {
        SyntheticSky sky = new SyntheticSky().panels(1, 1).framesPerPanel(1).frameSize(30, 20).seed(2)
                .output(SyntheticSky.Output.RGB_FLOAT).mount(MountMode.UNKNOWN);
        Path file = sky.writeFits(dir).get(0);
        InMemoryFrame f = sky.build().get(0);
        try (Fits fits = new Fits(file.toFile())) {
            BasicHDU<?> hdu = fits.readHDU();
            Header h = hdu.getHeader();
            assertEquals(-32, h.getIntValue("BITPIX"));
            assertEquals(3, h.getIntValue("NAXIS3"));
            assertFalse(h.containsKey("EQMODE"), "an UNKNOWN mount writes no EQMODE");
            assertFalse(h.containsKey("BAYERPAT"));
            float[][][] cube = (float[][][]) hdu.getKernel();
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 20; y++)
                    for (int x = 0; x < 30; x++) assertEquals(f.image().get(c, x, y), cube[c][y][x]);
        }
    }

    @Test
    void writingTheSameFrameAgainKeepsTheFileAndItsTime(@TempDir Path dir) throws Exception {
        SyntheticSky sky = new SyntheticSky().panels(1, 1).framesPerPanel(2).frameSize(40, 30).seed(5).starDensity(3);
        List<Path> files = sky.writeFits(dir);
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L);
        for (Path f : files) Files.setLastModifiedTime(f, old);
        byte[] before = Files.readAllBytes(files.get(0));
        assertEquals(files, sky.writeFits(dir)); // the demo sky written again, identical
        for (Path f : files) assertEquals(old, Files.getLastModifiedTime(f), "unchanged file kept: " + f);
        assertArrayEquals(before, Files.readAllBytes(files.get(0)));
        // A different frame under the same name replaces it.
        List<Path> other = new SyntheticSky().panels(1, 1).framesPerPanel(2).frameSize(40, 30).seed(6).starDensity(3)
                .writeFits(dir);
        assertEquals(files, other);
        assertNotEquals(old, Files.getLastModifiedTime(files.get(0)));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(2, s.count(), "no temporary files left");
        }
    }
}
