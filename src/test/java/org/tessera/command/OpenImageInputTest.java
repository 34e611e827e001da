package org.tessera.command;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import ij.IJ;
import ij.ImagePlus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.tessera.config.Config;
import org.tessera.fiji.MosaicImage;
import org.tessera.io.FitsFrame;

/**
 * Images open in Fiji as input of the SciJava commands: a real WCS plate (DSS) opened as Tessera
 * opens its results, or by ImageJ's own FITS reader, reprojects to the same mosaic, pixel for
 * pixel, as the file itself.
 */
class OpenImageInputTest {

    static final Path PLATE = Paths.get("../shared/data/dss_pair/dss_test1.fits");

    private Context context;

    @BeforeEach
    void setUp() {
        context = new Context(CommandService.class, org.scijava.app.StatusService.class);
    }

    @AfterEach
    void tearDown() {
        context.dispose();
    }

    private CommandModule reproject(Object... inputs) throws Exception {
        Object[] all = new Object[inputs.length + 4];
        System.arraycopy(inputs, 0, all, 0, inputs.length);
        System.arraycopy(new Object[] {"kernel", "bilinear", "gpu", "off"}, 0, all, inputs.length, 4);
        return context.service(CommandService.class).run(ReprojectCoaddCommand.class, true, all).get();
    }

    private static float[][] pixels(Path fits) throws Exception {
        FitsFrame f = FitsFrame.open(fits);
        float[][] buf = f.newBand(f.height());
        f.readRows(0, f.height(), buf);
        assertTrue(f.hasWcs());
        return buf;
    }

    private static void assertSameMosaic(Path expected, Path actual) throws Exception {
        float[][] a = pixels(expected), b = pixels(actual);
        assertEquals(a.length, b.length, "channels");
        assertEquals(a[0].length, b[0].length, "pixels");
        int finite = 0;
        for (int c = 0; c < a.length; c++)
            for (int i = 0; i < a[c].length; i++) {
                if (Float.isFinite(a[c][i])) finite++;
                assertEquals(a[c][i], b[c][i], 1e-5f * Math.max(1f, Math.abs(a[c][i])), "pixel " + i + " of channel " + c);
            }
        assertTrue(finite > a[0].length / 2, "a real mosaic, not an empty one: " + finite);
    }

    @Test
    void anOpenImageGivesTheSameMosaicAsItsFile(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(PLATE), "real test data not found at " + PLATE.toAbsolutePath());
        CommandModule fromFile = reproject("input", PLATE.toFile(), "output", dir.resolve("file").toFile());
        assertFalse(fromFile.isCanceled(), fromFile.getCancelReason());

        ImagePlus tesseraOpened = MosaicImage.open(PLATE, "plate", new Config());
        CommandModule fromImage = reproject("image", tesseraOpened, "output", dir.resolve("image").toFile());
        assertFalse(fromImage.isCanceled(), fromImage.getCancelReason());
        assertSameMosaic(dir.resolve("file/mosaic.fits"), dir.resolve("image/mosaic.fits"));
        assertNotNull(fromImage.getOutput("mosaic"));

        ImagePlus imagejOpened = IJ.openImage(PLATE.toString()); // File › Open: ImageJ's FITS reader
        assertNotNull(imagejOpened);
        CommandModule fromIj = reproject("image", imagejOpened, "output", dir.resolve("ij").toFile());
        assertFalse(fromIj.isCanceled(), fromIj.getCancelReason());
        assertSameMosaic(dir.resolve("file/mosaic.fits"), dir.resolve("ij/mosaic.fits"));
    }

    @Test
    @Tag("heavy") // stacks three 1080×1920 frames first: ~25 s on 2 cores (run with -Pheavy)
    void anOpenMasterTileGivesTheSameMosaicAsItsFile(@TempDir Path dir) throws Exception {
        Path solved = Paths.get("../shared/data/seestar_ngc7023_solved");
        assumeTrue(Files.isDirectory(solved), "real test data not found at " + solved.toAbsolutePath());
        Path frames = Files.createDirectories(dir.resolve("frames"));
        try (var s = Files.list(solved)) {
            for (Path p : s.sorted().limit(3).toList()) Files.createSymbolicLink(frames.resolve(p.getFileName()), p.toAbsolutePath());
        }
        Path tile = dir.resolve("tile.fits");
        CommandModule stacked = context.service(CommandService.class).run(StackFramesCommand.class, true,
                "input", frames.toFile(), "output", tile.toFile(), "gpu", "off").get();
        assertFalse(stacked.isCanceled(), stacked.getCancelReason());

        CommandModule fromFile = reproject("input", tile.toFile(), "output", dir.resolve("file").toFile());
        assertFalse(fromFile.isCanceled(), fromFile.getCancelReason());
        ImagePlus opened = MosaicImage.open(tile, "tile", new Config()); // as Fiji shows the tile: RGB composite
        assertEquals(3, opened.getNChannels());
        CommandModule fromImage = reproject("image", opened, "output", dir.resolve("image").toFile());
        assertFalse(fromImage.isCanceled(), fromImage.getCancelReason());
        assertSameMosaic(dir.resolve("file/mosaic.fits"), dir.resolve("image/mosaic.fits"));
    }

    @Test
    void aRunOnAnOpenImageNamesItByItsTitle(@TempDir Path dir) throws Exception {
        ImagePlus tile = MosaicImage.open(org.tessera.fiji.TestMosaics.write(dir.resolve("t.fits"), 1), "M31 (night 2).fits", new Config());
        StringBuilder noWcs = new StringBuilder(); // the header of a frame never plate-solved
        for (String card : tile.getInfoProperty().split("\n"))
            if (!card.matches("(CTYPE|CRVAL|CRPIX|CD\\d|CDELT|CUNIT|PC\\d).*")) noWcs.append(card).append('\n');
        tile.setProperty("Info", noWcs.toString());
        CommandModule m = reproject("image", tile, "output", dir.resolve("o").toFile());
        assertTrue(m.isCanceled());
        assertEquals("no usable frame: all 1 input(s) were skipped (first: M31 (night 2).fits: no usable WCS: no celestial"
                + " WCS: CTYPE1 and CTYPE2 missing)", m.getCancelReason(), "the image's title, not M31_night_2_.fits");
    }

    @Test
    void anImageWithoutHeaderOrTogetherWithAnInputIsRefusedByName(@TempDir Path dir) throws Exception {
        ImagePlus plain = IJ.createImage("no header", "32-bit black", 20, 10, 1);
        CommandModule m = reproject("image", plain, "output", dir.resolve("o").toFile());
        assertTrue(m.isCanceled());
        assertEquals("image 'no header' carries no FITS header in its Info; open the FITS file with File › Open"
                + " (or give its folder as input)", m.getCancelReason());
        CommandModule both = reproject("input", dir.toFile(), "image", plain, "output", dir.resolve("o").toFile());
        assertEquals("give either an input (folder or file) or an open image, not both", both.getCancelReason());
    }
}
