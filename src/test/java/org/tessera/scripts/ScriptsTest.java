package org.tessera.scripts;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.script.ScriptInfo;
import org.scijava.script.ScriptService;
import org.scijava.service.Service;

/**
 * The example scripts of scripts/ run as Fiji runs them: SciJava's ScriptService parses the
 * {@code #@} parameters, and the JSR-223 engines (Groovy, Jython) run the code. These cases stop
 * at a bad setting, before the pipeline; full runs are in FrontEndToEndTest.
 */
class ScriptsTest {

    static final File GROOVY = new File("scripts/Build_Mosaic.groovy");
    static final File JYTHON = new File("scripts/Reproject_Coadd.py");

    private static Context context;
    private static final List<String> errors = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() {
        context = new Context(ScriptService.class);
        context.service(LogService.class).addLogListener(m -> errors.add(m.text() + " " + m.throwable()));
    }

    @AfterAll
    static void stop() {
        context.dispose();
    }

    @BeforeEach
    void clear() {
        errors.clear();
    }

    private static List<String> names(Iterable<? extends ModuleItem<?>> items) {
        return StreamSupport.stream(items.spliterator(), false)
                .filter(i -> !Service.class.isAssignableFrom(i.getType()))
                .map(ModuleItem::getName).toList();
    }

    /** A copy of {@code script} whose pipeline calls go to {@link StandInPipeline}. */
    private static File withStandIn(File script, String importLine, String replacement, Path dir) throws Exception {
        String text = Files.readString(script.toPath());
        assertTrue(text.contains(importLine + "\n"), script + " imports the pipeline as expected: " + importLine);
        Path copy = dir.resolve(script.getName());
        Files.writeString(copy, text.replace(importLine + "\n", replacement + "\n"));
        return copy.toFile();
    }

    @Test
    void scriptsRunToTheEndOnAStandInPipeline(@TempDir Path dir) throws Exception {
        ScriptService scripts = context.service(ScriptService.class);
        StandInPipeline.JOBS.calls.clear();

        File groovy = withStandIn(GROOVY, "import org.tessera.pipeline.MosaicPipeline",
                "import org.tessera.scripts.StandInPipeline as MosaicPipeline", dir);
        Path out = dir.resolve("groovy-out");
        Module g = scripts.run(groovy, true, "input", null, "output", out.toFile(), "mode", "sds",
                "rejection", "linear_fit_clip", "settings", "stacking_kappa_low=2.5; two_pass_coverage_renorm=true").get();
        assertEquals(List.of(), errors, "the script ran without error");
        assertEquals(out.resolve("mosaic.fits").toString(), g.getOutput("mosaic"));
        assertEquals(out.resolve("mosaic_preview.png").toString(), g.getOutput("preview"));
        var call = StandInPipeline.JOBS.calls.get(0);
        assertEquals(List.of(), call.inputs(), "no input: the default sky");
        assertEquals("linear_fit_clip", call.config().getString("stacking_rejection_algorithm"));
        assertTrue(call.config().getBoolean("sds_mode_default"), "mode sds");
        assertEquals(2.5, call.config().getDouble("stacking_kappa_low"));
        assertTrue(call.config().getBoolean("two_pass_coverage_renorm"));
        assertTrue(Files.readString(out.resolve("tessera.log")).contains("FINE [pipeline] [FAKE] debug detail"));

        Path images = Files.createDirectories(dir.resolve("images"));
        Files.writeString(images.resolve("b.fits"), "x");
        Files.writeString(images.resolve("a.fit"), "x");
        Files.writeString(images.resolve("readme.txt"), "x");
        Files.writeString(images.resolve("c.fits.fz"), "x"); // compressed tiles, as the menu reads them
        Files.writeString(images.resolve("d.FTS.gz"), "x");
        Files.writeString(images.resolve("notes.gz"), "x");
        File jython = withStandIn(JYTHON, "from org.tessera.pipeline import MosaicPipeline, OutputRun",
                "from org.tessera.pipeline import OutputRun\nfrom org.tessera.scripts import StandInPipeline as MosaicPipeline", dir);
        Path jout = dir.resolve("jython-out");
        Module j = scripts.run(jython, true, "input", images.toFile(), "output", jout.toFile(),
                "kernel", "nearest", "settings", "intertile_photometric_match=false").get();
        assertEquals(List.of(), errors, "the script ran without error");
        assertEquals(jout.resolve("mosaic.fits").toString(), j.getOutput("mosaic"));
        assertEquals(jout.resolve("mosaic_coverage.fits").toString(), j.getOutput("coverage"));
        var jcall = StandInPipeline.JOBS.calls.get(1);
        assertEquals(List.of(images.resolve("a.fit"), images.resolve("b.fits"), images.resolve("c.fits.fz"), images.resolve("d.FTS.gz")),
                jcall.inputs());
        assertEquals("nearest", jcall.config().getString("reproject_kernel"));
        assertFalse(jcall.config().getBoolean("intertile_photometric_match"));
        assertTrue(Files.exists(jout.resolve("tessera.log")));
    }

    @Test
    void parametersAreTheDocumentedOnes() {
        ScriptService scripts = context.service(ScriptService.class);
        ScriptInfo groovy = scripts.getScript(GROOVY);
        assertEquals("Groovy", groovy.getLanguage().getLanguageName());
        assertEquals(List.of("input", "output", "mode", "rejection", "settings"), names(groovy.inputs()));
        assertEquals(List.of("classic", "sds"), groovy.getInput("mode").getChoices());
        assertEquals(List.of("mosaic", "preview"), names(groovy.outputs()));
        assertEquals(List.of("winsorized_sigma_clip", "kappa_sigma", "linear_fit_clip", "none"),
                groovy.getInput("rejection").getChoices());
        ScriptInfo jython = scripts.getScript(JYTHON);
        assertEquals(List.of("input", "output", "kernel", "settings"), names(jython.inputs()));
        assertEquals(List.of("mosaic", "coverage"), names(jython.outputs()));
    }

    @Test
    void groovyScriptReadsItsParametersAndUsesTheApi(@TempDir Path dir) throws Exception {
        Module m = context.service(ScriptService.class).run(GROOVY, true, "input", null, "output", dir.toFile(),
                "rejection", "kappa_sigma", "settings", "stacking_kappa_high=2 stacking_kappa_low=abc").get();
        assertNull(m.getOutput("mosaic"));
        assertTrue(errors.stream().anyMatch(e -> e.contains("stacking_kappa_low: expected a number, got 'abc'")), errors.toString());
    }

    @Test
    void jythonScriptReadsItsParametersAndUsesTheApi(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.writeString(images.resolve("t.fits"), "x");
        Module m = context.service(ScriptService.class).run(JYTHON, true, "input", images.toFile(),
                "output", dir.resolve("out").toFile(), "kernel", "lanczos3", "settings", "phase5_chunk_mb=lots").get();
        assertNull(m.getOutput("mosaic"));
        assertTrue(errors.stream().anyMatch(e -> e.contains("phase5_chunk_mb: expected a number, got 'lots'")), errors.toString());

        errors.clear();
        Path empty = Files.createDirectories(dir.resolve("empty"));
        context.service(ScriptService.class).run(JYTHON, true, "input", empty.toFile(),
                "output", dir.resolve("out").toFile(), "kernel", "bilinear", "settings", "").get();
        assertTrue(errors.stream().anyMatch(e -> e.contains("no FITS images in " + empty)), errors.toString());
    }
}
