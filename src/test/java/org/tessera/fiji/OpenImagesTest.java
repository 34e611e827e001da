package org.tessera.fiji;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;

import ij.ImagePlus;
import ij.process.ColorProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;

/**
 * An open image written back as a FITS input: an RGB image as its three colours, and an image whose
 * size is no longer the one of its header (a crop, a scale) refused instead of placed by a WCS that
 * is not its own.
 */
class OpenImagesTest {

    private static float[][] read(Path fits) throws Exception {
        FitsFrame f = FitsFrame.open(fits);
        float[][] px = f.newBand(f.height());
        f.readRows(0, f.height(), px);
        return px;
    }

    @Test
    void anRgbImageGivesItsRedGreenAndBlueAsThreeChannels(@TempDir Path dir) throws Exception {
        ImagePlus mono = MosaicImage.open(TestMosaics.write(dir.resolve("m.fits"), 1), "m", new Config());
        ColorProcessor cp = new ColorProcessor(TestMosaics.W, TestMosaics.H);
        cp.putPixel(7, 0, new int[] {200, 100, 3});              // ImageJ row 0 = FITS row H-1
        cp.putPixel(2, TestMosaics.H - 1, new int[] {1, 2, 255});  // ImageJ's last row = FITS row 0
        ImagePlus rgb = new ImagePlus("flattened", cp);
        rgb.setProperty("Info", mono.getInfoProperty()); // as Image › Type › RGB Color keeps it

        List<Path> files = OpenImages.write(rgb, dir);
        FitsFrame f = FitsFrame.open(files.get(0));
        assertEquals(3, f.channels());
        assertTrue(f.hasWcs());
        float[][] px = read(files.get(0));
        int top = (TestMosaics.H - 1) * TestMosaics.W;
        assertArrayEquals(new float[] {200, 100, 3}, new float[] {px[0][top + 7], px[1][top + 7], px[2][top + 7]});
        assertArrayEquals(new float[] {1, 2, 255}, new float[] {px[0][2], px[1][2], px[2][2]});
        assertEquals(0f, px[0][3], "an untouched pixel is black, not a packed 24-bit integer");
    }

    @Test
    void theTemporaryFileIsNamedAfterTheImageTitle() {
        assertEquals("M31 (night 2)", OpenImages.baseName("M31 (night 2).fits"));
        assertEquals("Light_M31_10.0s", OpenImages.baseName("Light_M31_10.0s.FIT"));
        assertEquals("_a_b_c", OpenImages.baseName("../a/b:c"), "no folder, no hidden file");
        assertEquals("image", OpenImages.baseName(" .fits"));
    }

    @Test
    void anImageCroppedOrScaledAfterOpeningIsRefusedNotPlacedByAWcsNotItsOwn(@TempDir Path dir) throws Exception {
        ImagePlus tile = MosaicImage.open(TestMosaics.write(dir.resolve("t.fits"), 3), "tile", new Config());
        tile.setRoi(10, 5, 30, 20);
        ImagePlus crop = tile.crop("stack"); // Image › Crop: the Info stays, the WCS's CRPIX with it
        crop.setProperty("Info", tile.getInfoProperty());
        crop.setTitle("crop");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenImages.write(crop, dir));
        assertEquals("image 'crop' is 30×20 pixels but its FITS header describes 60×40 (cropped, scaled or rotated after"
                + " it was opened?): the header's WCS would place it wrongly on the sky; give the image as it was opened,"
                + " or its FITS file as input", e.getMessage());

        tile.deleteRoi();
        assertEquals(1, OpenImages.write(tile, dir).size(), "the image as opened is taken");
    }
}
