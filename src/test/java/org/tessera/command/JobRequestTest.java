package org.tessera.command;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.config.Config;

class JobRequestTest {

    @Test
    void mosaicKeepsFoldersStackAndReprojectExpandThem(@TempDir Path dir) throws Exception {
        Path f = Files.createDirectories(dir.resolve("f"));
        for (String n : List.of("b.fits", "a.fts", "c.txt", "d.fits.bak")) Files.writeString(f.resolve(n), "x");
        Files.createDirectories(f.resolve("sub.fits")); // a folder, not a frame
        Config c = new Config();
        assertEquals(List.of(f), JobRequest.of(Job.MOSAIC, List.of(f), dir.resolve("o"), c, List.of()).inputs());
        assertEquals(List.of(f.resolve("a.fts"), f.resolve("b.fits")),
                JobRequest.of(Job.REPROJECT, List.of(f), dir.resolve("o"), c, List.of()).inputs());
        JobRequest s = JobRequest.of(Job.STACK, List.of(f), dir.resolve("t/x.fits"), c, List.of());
        assertEquals(2, s.inputs().size());
        assertEquals(dir.resolve("t"), s.logDir());
        assertEquals("stack: 2 frames → " + dir.resolve("t/x.fits"), s.describe());
    }

    @Test
    void pathsAreAbsoluteAndNormalised(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("a.fits"), "x");
        JobRequest r = JobRequest.of(Job.REPROJECT, List.of(dir.resolve("sub/../a.fits")), dir.resolve("o/./p"),
                new Config(), List.of());
        assertEquals(List.of(f), r.inputs());
        assertEquals(dir.resolve("o/p"), r.output());
        assertEquals(r.output(), r.logDir());
    }

    @Test
    void invalidJobsAreRefusedWithTheReason(@TempDir Path dir) throws Exception {
        Config c = new Config();
        Path file = Files.writeString(dir.resolve("x.fits"), "x");
        assertEquals("mosaic: no output given", assertThrows(IllegalArgumentException.class,
                () -> JobRequest.of(Job.MOSAIC, List.of(), null, c, List.of())).getMessage());
        assertEquals("output must be a folder, but is a file: " + file, assertThrows(IllegalArgumentException.class,
                () -> JobRequest.of(Job.MOSAIC, List.of(), file, c, List.of())).getMessage());
        assertEquals("reproject: no input images given", assertThrows(IllegalArgumentException.class,
                () -> JobRequest.of(Job.REPROJECT, List.of(), dir.resolve("o"), c, List.of())).getMessage());
        assertEquals("stack: no input frames given", assertThrows(IllegalArgumentException.class,
                () -> JobRequest.of(Job.STACK, List.of(), dir.resolve("o.fits"), c, List.of())).getMessage());
    }

    @Test
    void fromFormBuildsConfigAndWarnings(@TempDir Path dir) throws Exception {
        JobRequest r = JobRequest.fromForm(Job.MOSAIC, null, dir, null, Map.of("rejection", "kappa_sigma"),
                "stacking_kappa_high=2.5\nmystery=1");
        assertEquals(List.of(), r.inputs());
        assertEquals("kappa_sigma", r.config().getString("stacking_rejection_algorithm"));
        assertEquals(2.5, r.config().getDouble("stacking_kappa_high"));
        assertEquals(1, r.warnings().size());
        assertTrue(r.warnings().get(0).contains("'mystery'"));
    }
}
