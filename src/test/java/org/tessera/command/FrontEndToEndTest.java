package org.tessera.command;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.tessera.ij1.LegacyImageJ.bracket;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.fits.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.script.ScriptService;
import org.tessera.cli.Main;
import org.tessera.ij1.LegacyImageJ;

/**
 * Every front on real frames through the real pipeline: the CLI, a SciJava command through
 * CommandService, an example macro through Fiji's headless ImageJ 1, and the example Groovy and
 * Jython scripts. DSS pair: two 177×177 plates offset by about 72 px in x and 71 px in y, so their
 * coadd is about 249×248 pixels.
 */
class FrontEndToEndTest {

    static final Path DATA = Paths.get("../shared/data");
    static final Path DSS = DATA.resolve("dss_pair");

    private static void assumeData(Path p) {
        assumeTrue(Files.isDirectory(p), "real test data not found at " + p.toAbsolutePath()
                + " (clone the shared data beside the repository as ../shared)");
    }

    /** Header of the primary HDU and whether an ALPHA extension follows. */
    private record FitsInfo(Header primary, boolean alpha) {}

    private static FitsInfo fits(Path file) throws Exception {
        assertTrue(Files.isRegularFile(file), file + " exists");
        try (Fits f = new Fits(file.toFile())) {
            BasicHDU<?>[] hdus = f.read();
            boolean alpha = Stream.of(hdus).skip(1).anyMatch(h -> "ALPHA".equals(h.getHeader().getStringValue("EXTNAME")));
            return new FitsInfo(hdus[0].getHeader(), alpha);
        }
    }

    /** The DSS coadd: one mosaic over the union of both plates, with ALPHA, coverage and preview. */
    private static void assertDssMosaic(Path out) throws Exception {
        FitsInfo m = fits(out.resolve("mosaic.fits"));
        int w = m.primary().getIntValue("NAXIS1"), h = m.primary().getIntValue("NAXIS2");
        // The optimal grid holding both plates is 251×247; the default 3% master-tile crop per side
        // trims about 5 px off each plate's rim, so the covered box is a little smaller.
        assertTrue(w >= 232 && w <= 252 && h >= 228 && h <= 248, "union of the two plates, got " + w + "×" + h);
        assertTrue(m.alpha(), "mosaic.fits carries an ALPHA extension");
        FitsInfo c = fits(out.resolve("mosaic_coverage.fits"));
        assertEquals(w, c.primary().getIntValue("NAXIS1"));
        assertEquals(h, c.primary().getIntValue("NAXIS2"));
        byte[] png = Files.readAllBytes(out.resolve("mosaic_preview.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, StandardCharsets.US_ASCII));
        assertTrue(Files.readString(out.resolve("tessera.log")).contains("INFO"), "the run log was written");
    }

    @Test
    void cliReprojectsTheDssPairAndPrintsWhereTheOutputsAre(@TempDir Path dir) throws Exception {
        assumeData(DSS);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = new Main(Jobs.PIPELINE).run(new String[] {"reproject", dir.toString(), DSS.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("mosaic:   " + dir.toAbsolutePath().resolve("mosaic.fits")));
        assertDssMosaic(dir);
    }

    @Test
    void cliSkipsAFrameWithoutWcsAndExitsWithOne(@TempDir Path dir) throws Exception {
        assumeData(DSS);
        assumeData(DATA.resolve("m13_raw_frames"));
        Path noWcs = DATA.resolve("m13_raw_frames/M13_blue_0001.fits");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = new Main(Jobs.PIPELINE).run(new String[] {"reproject", "-q", dir.toString(), DSS.toString(), noWcs.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, rc, e);
        assertTrue(e.contains("skipped " + noWcs.toAbsolutePath().normalize()), e);
        assertTrue(e.toLowerCase().contains("wcs"), "the reason names the missing WCS: " + e);
        assertDssMosaic(dir);
    }

    @Test
    void cliStacksOneSeestarSession(@TempDir Path dir) throws Exception {
        Path session = DATA.resolve("seestar_ngc7023_solved");
        assumeData(session);
        List<String> args = new java.util.ArrayList<>(List.of("stack", "-q", dir.resolve("tile.fits").toString()));
        try (Stream<Path> s = Files.list(session)) {
            s.filter(p -> p.getFileName().toString().contains("_10.0s_")).sorted().forEach(p -> args.add(p.toString()));
        }
        assertEquals(3 + 4, args.size(), "the four 10 s frames of 2024-07-30");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = new Main(Jobs.PIPELINE).run(args.toArray(new String[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        FitsInfo t = fits(dir.resolve("tile.fits"));
        assertEquals(4, t.primary().getIntValue("HIERARCH.MT_NFRAMES"), "MT_NFRAMES is a HIERARCH card (longer than 8 characters)");
        int w = t.primary().getIntValue("NAXIS1"), h = t.primary().getIntValue("NAXIS2");
        assertTrue(w >= 900 && w <= 1080 && h >= 1700 && h <= 1920, "a 1080×1920 field after the edge trim, got " + w + "×" + h);
        assertTrue(t.alpha(), "the tile carries an ALPHA extension");
    }

    @Test
    void cliBuildsTheDefaultSky(@TempDir Path dir) throws Exception {
        int rc = new Main(Jobs.PIPELINE).run(new String[] {"mosaic", "-q", "--output", dir.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, rc);
        assertTrue(fits(dir.resolve("mosaic.fits")).alpha());
        try (Stream<Path> tiles = Files.list(dir.resolve("master_tiles"))) {
            assertTrue(tiles.anyMatch(p -> p.getFileName().toString().endsWith(".fits")), "master tiles are kept");
        }
    }

    @Test
    void commandServiceRunsReprojectAndCoadd(@TempDir Path dir) throws Exception {
        assumeData(DSS);
        Context context = new Context(CommandService.class, org.scijava.app.StatusService.class);
        try {
            CommandModule m = context.service(CommandService.class).run(ReprojectCoaddCommand.class, true,
                    "input", DSS.toFile(), "output", dir.toFile(), "kernel", "bilinear", "gpu", "off").get();
            assertFalse(m.isCanceled(), m.getCancelReason());
            ij.ImagePlus mosaic = (ij.ImagePlus) m.getOutput("mosaic");
            Header written = fits(dir.resolve("mosaic.fits")).primary();
            assertEquals(written.getIntValue("NAXIS1"), mosaic.getWidth());
            assertEquals(written.getIntValue("NAXIS2"), mosaic.getHeight());
            assertEquals(written.getIntValue("NAXIS") == 3 ? written.getIntValue("NAXIS3") : 1, mosaic.getNChannels());
            assertEquals(org.tessera.wcs.Wcs.fromHeader(written).pixelScaleDeg() * 3600, mosaic.getCalibration().pixelWidth, 1e-9);
            assertEquals(dir.getFileName().toString(), mosaic.getTitle());
            assertDssMosaic(dir);
        } finally {
            context.dispose();
        }
    }

    @Test
    void exampleMacroReprojectsTheDssPair(@TempDir Path dir) throws Exception {
        assumeData(DSS);
        LegacyImageJ ij = new LegacyImageJ(dir.resolve("ij"));
        Path out = dir.resolve("out");
        System.clearProperty("tessera.test.images");
        // the example as written, then a line that reports what it left open; "coverage" is passed on to the run
        ij.runMacro(Files.readString(Paths.get("macros/reproject_coadd.ijm"))
                + "\ncall(\"java.lang.System.setProperty\", \"tessera.test.images\", \"\" + nImages + \" \" + getTitle());",
                "input=" + bracket(DSS) + " output=" + bracket(out) + " coverage");
        assertEquals("ok", ij.lastRun("status"), ij.lastRun("error"));
        assertEquals("2 out", System.getProperty("tessera.test.images"), "the mosaic, selected, and its coverage map");
        assertEquals(out.resolve("mosaic.fits").toAbsolutePath().toString(), ij.lastRun("mosaic"));
        assertEquals("0", ij.lastRun("skipped"));
        assertDssMosaic(out);
    }

    @Test
    void aSecondResultOfTheSameNameGetsItsOwnTitleAsImageJGivesAFileOpenedTwice(@TempDir Path dir) throws Exception {
        assumeData(DSS);
        LegacyImageJ ij = new LegacyImageJ(dir.resolve("ij"));
        System.clearProperty("tessera.test.titles");
        // two targets, one output folder name each: m31/out, m94/out
        String run = "run(\"Reproject and Coadd...\", \"input=" + bracket(DSS) + " output=%s kernel=bilinear gpu=off coverage\");\n";
        ij.runMacro("setBatchMode(true);\n" + String.format(run, bracket(dir.resolve("m31/out")))
                + "first = getTitle();\n" + String.format(run, bracket(dir.resolve("m94/out")))
                + "selectWindow(\"out\"); s = getTitle() + \" \" + getInfo(\"image.directory\");\n"
                + "t = \"\"; for (i = 1; i <= nImages; i++) { selectImage(i); t = t + getTitle() + \";\"; }\n"
                + "call(\"java.lang.System.setProperty\", \"tessera.test.titles\", first + \"|\" + t);", "");
        assertEquals("ok", ij.lastRun("status"), ij.lastRun("error"));
        assertEquals("out|out coverage;out;out-1 coverage;out-1;", System.getProperty("tessera.test.titles"),
                "the second mosaic is out-1: selectWindow(\"out\") keeps meaning the first");
    }

    @Test
    void aMacroRunLeavesTheMosaicOpenSelectedAndCalibrated(@TempDir Path dir) throws Exception {
        assumeData(DSS);
        LegacyImageJ ij = new LegacyImageJ(dir.resolve("ij"));
        Path out = dir.resolve("dss run");
        for (String k : List.of("n", "title", "size", "unit", "pw", "min", "max", "info")) System.clearProperty("tessera.test." + k);
        ij.runMacro("run(\"Reproject and Coadd...\", \"input=" + bracket(DSS) + " output=" + bracket(out)
                + " kernel=bilinear gpu=off coverage settings=[preview_png_p_low=5 preview_png_p_high=95]\");\n"
                + "function put(k, v) { call(\"java.lang.System.setProperty\", \"tessera.test.\" + k, \"\" + v); }\n"
                + "put(\"n\", nImages);\n"
                + "put(\"title\", getTitle());\n" // selected by the run, not by this macro
                + "Stack.getDimensions(ww, hh, cc, zz, tt); put(\"size\", \"\" + ww + \"x\" + hh + \"x\" + cc);\n"
                + "getPixelSize(unit, pw, ph); put(\"unit\", unit); put(\"pw\", d2s(pw, 9));\n"
                + "getMinAndMax(min, max); put(\"min\", d2s(min, 9)); put(\"max\", d2s(max, 9));\n"
                + "put(\"info\", getImageInfo());\n", "");
        assertEquals("ok", ij.lastRun("status"), ij.lastRun("error"));
        assertEquals("2", System.getProperty("tessera.test.n"), "the mosaic and its coverage are open");
        assertEquals("dss run", System.getProperty("tessera.test.title"));
        Header h = fits(out.resolve("mosaic.fits")).primary();
        assertEquals(h.getIntValue("NAXIS1") + "x" + h.getIntValue("NAXIS2") + "x1", System.getProperty("tessera.test.size"));
        assertEquals("arcsec", System.getProperty("tessera.test.unit"));
        double scale = org.tessera.wcs.Wcs.fromHeader(h).pixelScaleDeg() * 3600;
        assertEquals(scale, Double.parseDouble(System.getProperty("tessera.test.pw")), 1e-6);
        double[] window = org.tessera.io.PreviewPng.windows(org.tessera.io.FitsFrame.open(out.resolve("mosaic.fits")), 5, 95, 3200)[0];
        assertEquals(window[0], Double.parseDouble(System.getProperty("tessera.test.min")), 1e-3 * Math.abs(window[0]) + 1e-6);
        assertEquals(window[1], Double.parseDouble(System.getProperty("tessera.test.max")), 1e-3 * Math.abs(window[1]) + 1e-6);
        assertTrue(window[1] > window[0]);
        assertTrue(System.getProperty("tessera.test.info").contains("CTYPE1  = 'RA---TAN'"), System.getProperty("tessera.test.info"));
    }

    @Test
    void exampleScriptsRunThePipeline(@TempDir Path dir) throws Exception {
        assumeData(DSS);
        Context context = new Context(ScriptService.class);
        try {
            ScriptService scripts = context.service(ScriptService.class);
            Path jy = dir.resolve("jython");
            // settings as the guide writes them: ';' or spaces between pairs, a value with spaces in double quotes
            Module j = scripts.run(new File("scripts/Reproject_Coadd.py"), true, "input", DSS.toFile(),
                    "output", jy.toFile(), "kernel", "bilinear",
                    "settings", "use_gpu_phase5=false; astap_data_directory_path=\"/opt/astap data\"").get();
            assertEquals(jy.resolve("mosaic.fits").toAbsolutePath().toString(), j.getOutput("mosaic"));
            assertDssMosaic(jy);

            Path gr = dir.resolve("groovy");
            Module g = scripts.run(new File("scripts/Build_Mosaic.groovy"), true, "input", null,
                    "output", gr.toFile(), "rejection", "kappa_sigma", "settings", "astap_data_directory_path=\"/opt/astap data\"").get();
            assertEquals(gr.resolve("mosaic.fits").toAbsolutePath().toString(), g.getOutput("mosaic"));
            assertTrue(fits(gr.resolve("mosaic.fits")).alpha());
        } finally {
            context.dispose();
        }
    }

    @Test
    void exampleScriptStopsWhenEscIsPressed(@TempDir Path dir) throws Exception {
        Context context = new Context(ScriptService.class);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        // Esc held down for the whole run (the script resets it once when it starts)
        Thread esc = new Thread(() -> {
            while (!done.get()) {
                ij.IJ.setKeyDown(java.awt.event.KeyEvent.VK_ESCAPE);
                try { Thread.sleep(20); } catch (InterruptedException e) { return; }
            }
        });
        try {
            esc.start();
            Module g = context.service(ScriptService.class).run(new File("scripts/Build_Mosaic.groovy"), true,
                    "input", null, "output", dir.toFile(), "rejection", "kappa_sigma", "settings", "").get();
            assertNull(g.getOutput("mosaic"), "a cancelled script sets no mosaic");
            assertFalse(Files.exists(dir.resolve("mosaic.fits")), "the pipeline stopped before the mosaic");
        } finally {
            done.set(true);
            esc.join();
            ij.IJ.resetEscape();
            context.dispose();
        }
    }
}
