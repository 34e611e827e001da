package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;

/** The coadd's files: mosaic and coverage always, the PNG preview unless switched off. */
class CoaddFilesTest {

    private static final CoaddFiles.Names NAMES = new CoaddFiles.Names("m.fits", "c.fits", "p.png");

    @Test
    void thePreviewIsWrittenByDefaultAndSkippedWhenSwitchedOff(@TempDir Path dir) throws IOException {
        Path on = Files.createDirectories(dir.resolve("on")), off = Files.createDirectories(dir.resolve("off"));
        CoaddParams p = CoaddParams.plain(Kernel.BILINEAR);
        CoaddFiles.Written a = CoaddFiles.write(ReprojectCoaddTest.rgbTiles(), ReprojectCoaddTest.GRID, p, on, NAMES,
                "mosaic", new Config(), Progress.NONE, Progress.NONE);
        assertEquals(on.resolve("p.png"), a.preview());
        assertTrue(Files.size(a.preview()) > 1000, "a PNG was written");
        CoaddFiles.Written b = CoaddFiles.write(ReprojectCoaddTest.rgbTiles(), ReprojectCoaddTest.GRID, p, off, NAMES,
                "mosaic", new Config().put("preview_png_enabled", false), Progress.NONE, Progress.NONE);
        assertNull(b.preview());
        assertFalse(Files.exists(off.resolve("p.png")));
        assertArrayEquals(Files.readAllBytes(a.mosaic()), Files.readAllBytes(b.mosaic()), "the mosaic does not change");
        assertTrue(Files.exists(b.coverage()));
    }
}
