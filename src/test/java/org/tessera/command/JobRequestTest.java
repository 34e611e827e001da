package org.tessera.command;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsImageWriter;
import org.tessera.io.FrameSelection;

import nom.tam.fits.Header;

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

    /**
     * A path written "~/m94" in quotes (or in a Fiji field) reaches Tessera as a folder named "~" in the
     * current folder: an input or config "not found" says why and what to write, and an output is
     * refused before a folder "~" is made there.
     */
    @Test
    void aTildeNoShellExpandedIsNamed(@TempDir Path dir) throws Exception {
        Config c = new Config();
        Path cwd = Path.of("").toAbsolutePath();
        String home = System.getProperty("user.home");
        String hint = " ('~' means the home folder only where a shell expands it, not inside quotes nor in Fiji: "
                + "write the full path, e.g. ";
        assertEquals("input not found: " + cwd.resolve("~/m94-qa25") + hint + Path.of(home, "m94-qa25") + ")",
                assertThrows(IllegalArgumentException.class, () -> JobRequest.of(Job.MOSAIC, List.of(Path.of("~/m94-qa25")),
                        dir.resolve("o"), c, List.of())).getMessage());
        assertEquals("input not found: " + cwd.resolve("~bob/m94") + " ('~' means the home folder only where a shell "
                + "expands it, not inside quotes nor in Fiji: write the full path)",
                assertThrows(IllegalArgumentException.class, () -> JobRequest.of(Job.MOSAIC, List.of(Path.of("~bob/m94")),
                        dir.resolve("o"), c, List.of())).getMessage());
        assertEquals("output ~/m94-out would be made in a new folder named '~' in " + cwd + hint + Path.of(home, "m94-out")
                + ")", assertThrows(IllegalArgumentException.class, () -> JobRequest.of(Job.MOSAIC, List.of(dir),
                        Path.of("~/m94-out"), c, List.of())).getMessage());
        assertEquals("output ~/t.fits would be made in a new folder named '~' in " + cwd + hint + Path.of(home, "t.fits")
                + ")", assertThrows(IllegalArgumentException.class, () -> JobRequest.of(Job.STACK, List.of(dir),
                        Path.of("~/t.fits"), c, List.of())).getMessage());
        assertFalse(Files.exists(cwd.resolve("~")));
        assertEquals("config file not found: ~/zemosaic.json" + hint + Path.of(home, "zemosaic.json") + ")",
                assertThrows(java.io.IOException.class, () -> JobSettings.build(Path.of("~/zemosaic.json"), Map.of(),
                        List.of())).getMessage());
        // a path without a leading '~' is named as before
        assertEquals("input not found: " + dir.resolve("m~94"), assertThrows(IllegalArgumentException.class,
                () -> JobRequest.of(Job.MOSAIC, List.of(dir.resolve("m~94")), dir.resolve("o"), c, List.of())).getMessage());
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

    /**
     * A stack replaces its output file: `tessera stack frames/*.fits` (output forgotten) named the
     * first raw frame as the output and replaced it with the stack of the others, exit 0; naming a
     * frame among the inputs replaced it too. Only Tessera's own results (and empty files) may be
     * replaced.
     */
    @Test
    void stackNeverReplacesAFrame(@TempDir Path dir) throws Exception {
        Config c = new Config();
        Path frames = Files.createDirectories(dir.resolve("frames"));
        FloatImage img = new FloatImage(8, 6, 1);
        img.fill(100f);
        Path raw1 = frames.resolve("light_001.fits"), raw2 = frames.resolve("light_002.fits");
        for (Path p : List.of(raw1, raw2)) FitsImageWriter.write(p, img, new Header(), FitsImageWriter.AlphaMode.NONE);
        byte[] before = Files.readAllBytes(raw1);

        // The shell's expansion of frames/*.fits: the first frame becomes the output.
        assertEquals("output exists and is not a file Tessera wrote: " + raw1
                        + " (a frame? the stack would replace it); choose another output file, or delete it first",
                assertThrows(IllegalArgumentException.class,
                        () -> JobRequest.of(Job.STACK, List.of(raw2), raw1, c, List.of())).getMessage());
        // The output named among the inputs, directly or through the folder.
        for (Path input : List.of(raw1, frames))
            assertEquals("output is one of the input frames: " + raw1 + " (the stack would replace it); choose another output file",
                    assertThrows(IllegalArgumentException.class,
                            () -> JobRequest.of(Job.STACK, List.of(input, raw2), raw1, c, List.of())).getMessage());
        assertArrayEquals(before, Files.readAllBytes(raw1));

        // A file Tessera wrote (ORIGIN = 'Tessera': the tile of an earlier stack) and an empty file are replaced.
        Header ours = new Header();
        ours.addValue(FrameSelection.ORIGIN_KEY, FrameSelection.ORIGIN_VALUE, "software");
        Path tile = dir.resolve("tile.fits"), empty = Files.createFile(dir.resolve("empty.fits"));
        FitsImageWriter.write(tile, img, ours, FitsImageWriter.AlphaMode.NONE);
        assertEquals(tile, JobRequest.of(Job.STACK, List.of(frames), tile, c, List.of()).output());
        // ... also where the inputs hold it (the same stack into the folder it stacks, run again): never read as a frame
        Path again = frames.resolve("m31.fits");
        FitsImageWriter.write(again, img, ours, FitsImageWriter.AlphaMode.NONE);
        for (Path input : List.of(frames, again))
            assertEquals(again, JobRequest.of(Job.STACK, List.of(input, raw2), again, c, List.of()).output());
        assertEquals(empty, JobRequest.of(Job.STACK, List.of(frames), empty, c, List.of()).output());
        // A file that is no FITS at all is not Tessera's either.
        Path text = Files.writeString(dir.resolve("notes.fits"), "my notes");
        assertThrows(IllegalArgumentException.class, () -> JobRequest.of(Job.STACK, List.of(frames), text, c, List.of()));
    }

    /**
     * 'tessera reproject rp rp/mosaic.fits rp/b.fits' replaced the input image mosaic.fits with the
     * coadd (exit 0): an input where the run writes an output is refused, for mosaic jobs too.
     */
    @Test
    void mosaicAndReprojectNeverReplaceAnInput(@TempDir Path dir) throws Exception {
        Config c = new Config();
        Path out = Files.createDirectories(dir.resolve("rp"));
        Path image = Files.writeString(out.resolve("mosaic.fits"), "x"), other = Files.writeString(out.resolve("b.fits"), "x");
        for (Job job : List.of(Job.REPROJECT, Job.MOSAIC))
            assertEquals("input " + image + " is where this run writes its mosaic.fits (it would be replaced); choose another output folder",
                    assertThrows(IllegalArgumentException.class,
                            () -> JobRequest.of(job, List.of(image, other), out, c, List.of())).getMessage(), job.word());
        // Through the folder, as 'tessera reproject rp rp' expands it.
        assertThrows(IllegalArgumentException.class, () -> JobRequest.of(Job.REPROJECT, List.of(out), out, c, List.of()));
        Path cov = Files.move(image, out.resolve("mosaic_coverage.fits"));
        assertEquals("input " + cov + " is where this run writes its mosaic_coverage.fits (it would be replaced); choose another output folder",
                assertThrows(IllegalArgumentException.class,
                        () -> JobRequest.of(Job.REPROJECT, List.of(cov), out, c, List.of())).getMessage());
        // Another output folder, or inputs beside outputs that are not inputs, are fine.
        assertEquals(List.of(cov, other), JobRequest.of(Job.REPROJECT, List.of(cov, other), dir.resolve("o2"), c, List.of()).inputs());
        assertEquals(List.of(other), JobRequest.of(Job.REPROJECT, List.of(other), out, c, List.of()).inputs());
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
