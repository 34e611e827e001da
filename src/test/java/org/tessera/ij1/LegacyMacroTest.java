package org.tessera.ij1;

import static org.junit.jupiter.api.Assertions.*;
import static org.tessera.ij1.LegacyImageJ.bracket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Macros through Fiji's headless ImageJ 1 layer: menu labels from plugins.config, options read by
 * the GenericDialog, errors stopping the macro and reaching {@link LastRun}. Each case fails during
 * validation, before the pipeline, so it holds whatever the pipeline does; runs on real data are
 * in FrontEndToEndTest.
 */
class LegacyMacroTest {

    @TempDir
    static Path scratch;
    private static LegacyImageJ ij;

    @BeforeAll
    static void startImageJ() throws Exception {
        ij = new LegacyImageJ(scratch);
    }

    @Test
    void exampleMacroReachesTheShimAndReportsAMissingInput(@TempDir Path dir) {
        Path missing = dir.resolve("no_tiles_here");
        ij.runMacroFile(Paths.get("macros/reproject_coadd.ijm"),
                "input=" + bracket(missing) + " output=" + bracket(dir.resolve("out")));
        assertEquals("failed", ij.lastRun("status"));
        assertEquals("input not found: " + missing.toAbsolutePath(), ij.lastRun("error"));
    }

    @Test
    void theExampleMacrosPassAMisspeltKeyOnToBeRefusedNotDropped(@TempDir Path dir) throws Exception {
        // build_mosaic.ijm picked out the keys it knew: inpt=[...] was dropped and the default sky built instead
        for (String macro : List.of("build_mosaic", "stack_frames", "reproject_coadd")) {
            Path out = dir.resolve(macro);
            ij.runMacroFile(Paths.get("macros/" + macro + ".ijm"), "inpt=" + bracket(dir) + " output=" + bracket(out));
            assertEquals("failed", ij.lastRun("status"), macro);
            assertTrue(ij.lastRun("error").startsWith("unknown key 'inpt' in the macro line; "), macro + ": " + ij.lastRun("error"));
            assertFalse(Files.exists(out), macro + ": nothing run");
        }
    }

    @Test
    void macroOptionsReachEveryField(@TempDir Path dir) throws Exception {
        Path frame = Files.writeString(dir.resolve("f.fits"), "x");
        // settings= is read: a mistyped value is named
        ij.runMacro("run(\"Stack Frames...\", \"input=" + bracket(frame) + " output=" + bracket(dir.resolve("t.fits"))
                + " rejection=kappa_sigma combine=median settings=[stacking_kappa_high=2 stacking_kappa_low=abc]\");", "");
        assertEquals("stacking_kappa_low: expected a number, got 'abc'", ij.lastRun("error"));
        // a key given two values in settings= is refused naming both, as --set twice on the command line
        ij.runMacro("run(\"Stack Frames...\", \"input=" + bracket(frame) + " output=" + bracket(dir.resolve("t.fits"))
                + " settings=[stacking_kappa_high=2 stacking_kappa_high=3]\");", "");
        assertEquals("settings: stacking_kappa_high given twice with different values ('2' and '3'): give it once",
                ij.lastRun("error"));
        // a choice no menu offers is refused with the list
        ij.runMacro("run(\"Build Mosaic...\", \"output=" + bracket(dir) + " combine=average\");", "");
        assertEquals("combine: expected one of config, mean, median (or a label: Mean (default), Median), got 'average'", ij.lastRun("error"));
        // mode= is read (recorded as the label)
        ij.runMacro("run(\"Build Mosaic...\", \"output=" + bracket(dir) + " mode=[ZeSupaDupStack]\");", "");
        assertEquals("mode: expected one of config, classic, sds (or a label: Classic (default), SDS (mosaic first)),"
                + " got 'ZeSupaDupStack'", ij.lastRun("error"));
        // config= is read
        ij.runMacro("run(\"Reproject and Coadd...\", \"input=" + bracket(frame) + " output=" + bracket(dir.resolve("o"))
                + " config=" + bracket(dir.resolve("none.json")) + "\");", "");
        assertEquals("config file not found: " + dir.resolve("none.json").toAbsolutePath(), ij.lastRun("error"));
        // output= is read: a stack needs a FITS file name
        ij.runMacro("run(\"Stack Frames...\", \"input=" + bracket(frame) + " output=" + bracket(dir.resolve("t.png")) + "\");", "");
        assertTrue(ij.lastRun("error").startsWith("output must be a FITS file name ending in .fits"), ij.lastRun("error"));
    }

    @Test
    void anOpenImageLineRecordedInFijiIsRefusedNotRunOnTheDefaultSky(@TempDir Path dir) {
        // Fiji's commands take image=<title>; here it would be dropped and the empty input build the default sky
        ij.runMacro("run(\"Build Mosaic...\", \"image=frames.fits output=" + bracket(dir.resolve("out")) + "\");", "");
        assertEquals("failed", ij.lastRun("status"));
        assertEquals("image=frames.fits: an open image is taken by Fiji's Tessera commands only; in ImageJ 1 give"
                + " the FITS file or its folder as input=[...]", ij.lastRun("error"));
        assertFalse(Files.exists(dir.resolve("out/mosaic.fits")));
    }

    @Test
    void aMistypedKeyIsRefusedNotTakenForTheDefaultSky(@TempDir Path dir) {
        ij.runMacro("run(\"Build Mosaic...\", \"inpt=" + bracket(dir) + " output=" + bracket(dir.resolve("out")) + "\");", "");
        assertEquals("failed", ij.lastRun("status"));
        assertEquals("unknown key 'inpt' in the macro line; Build Mosaic... takes input, output, config, mode, rejection,"
                + " combine, demosaic, gpu, settings, coverage", ij.lastRun("error"));
        assertFalse(Files.exists(dir.resolve("out/mosaic.fits")));
    }

    @Test
    void aPathWithASpaceOutsideBracketsIsRefusedWithTheLineAsMeant(@TempDir Path dir) throws Exception {
        Path frames = Files.createDirectories(dir.resolve("my frames"));
        ij.runMacro("run(\"Stack Frames...\", \"input=" + frames + " output=" + bracket(dir.resolve("t.fits")) + "\");", "");
        assertEquals("failed", ij.lastRun("status"));
        assertEquals("unknown key 'frames' in the macro line; Stack Frames... takes input, output, config, rejection, combine,"
                + " demosaic, gpu, settings; if 'frames' is part of the value before it (a path with spaces), put that value"
                + " in brackets: input=[" + frames + "]", ij.lastRun("error"));
        // settings with spaces, unbracketed: the same hint, over every word up to the next key
        ij.runMacro("run(\"Build Mosaic...\", \"output=" + bracket(dir.resolve("o")) + " settings=stacking_kappa_low=2.5"
                + " stacking_kappa_high=3 coverage\");", "");
        assertEquals("unknown key 'stacking_kappa_high' in the macro line; Build Mosaic... takes input, output, config, mode,"
                + " rejection, combine, demosaic, gpu, settings, coverage; if 'stacking_kappa_high' is part of the value"
                + " before it (a path with spaces), put that value in brackets:"
                + " settings=[stacking_kappa_low=2.5 stacking_kappa_high=3]", ij.lastRun("error"));
    }

    @Test
    void aKeyGivenTwiceIsRefusedNotReadAsItsFirstValue(@TempDir Path dir) throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        ij.runMacro("opts = \"input=" + bracket(dir.resolve("old")) + " output=" + bracket(dir.resolve("o")) + "\";\n"
                + "run(\"Build Mosaic...\", opts + \" input=" + bracket(frames) + "\");", "");
        assertEquals("failed", ij.lastRun("status"));
        assertEquals("key 'input' given twice in the macro line (ImageJ would take the first and ignore the other);"
                + " give it once", ij.lastRun("error"));
        assertFalse(Files.exists(dir.resolve("o")), "nothing run");
    }

    @Test
    void aFailedRunStopsTheMacro(@TempDir Path dir) {
        System.clearProperty("tessera.test.after");
        ij.runMacro("run(\"Build Mosaic...\", \"input=" + bracket(dir.resolve("gone")) + " output=" + bracket(dir) + "\");\n"
                + "call(\"java.lang.System.setProperty\", \"tessera.test.after\", \"reached\");", "");
        assertNull(System.getProperty("tessera.test.after"), "a macro must not go on after a failed run");
        assertEquals("input not found: " + dir.resolve("gone").toAbsolutePath(), ij.lastRun("error"));
    }
}
