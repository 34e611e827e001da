package org.tessera.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.command.CommandService;
import org.scijava.log.LogService;
import org.scijava.run.RunService;

/**
 * What a shell sees of a failed Tessera command in headless Fiji. Fiji's {@code --run} hands the
 * command to scijava's {@code RunService} exactly as here and exits 0 after it whatever happened
 * (the call below returns normally): unless the user asks with {@code TESSERA_EXIT_ON_FAILURE=1} /
 * {@code -Dtessera.exitOnFailure=true}, when the failed command ends the process with status 1
 * after its run log is closed. Never with a user interface shown, never for a run the user cancelled.
 */
class HeadlessExitTest {

    private Context context;
    private final List<Integer> exits = Collections.synchronizedList(new ArrayList<>());
    private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void setUp() {
        context = new Context(RunService.class, CommandService.class, StatusService.class, LogService.class);
        context.service(LogService.class).addLogListener(m -> logged.add(org.scijava.log.LogLevel.prefix(m.level()) + " " + m.text()));
        HeadlessExit.exit = exits::add;
        stderr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setErr(stderr);
        System.clearProperty(HeadlessExit.PROPERTY);
        HeadlessExit.exit = System::exit;
        context.dispose();
    }

    /** As {@code fiji --headless --run org.tessera.command.BuildMosaicCommand 'input="…",output="…"'} runs it. */
    private void runAsFijiRunArgument(Path input, Path output) throws Exception {
        context.service(RunService.class).run(BuildMosaicCommand.class.getName(),
                Map.of("input", input.toString(), "output", output.toString()));
    }

    @Test
    void aFailedRunReturnsNormallyToFijiUnlessTheUserAskedForAnExitStatus(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty-folder")); // the pipeline finds no frame in it
        runAsFijiRunArgument(empty, dir.resolve("out1"));
        assertEquals(List.of(), exits, "not asked: Fiji's --run goes on and exits 0");
        assertTrue(logged.stream().anyMatch(l -> l.startsWith("ERROR") && l.contains("empty-folder")), "it failed: " + logged);

        System.setProperty(HeadlessExit.PROPERTY, "true");
        runAsFijiRunArgument(empty, dir.resolve("out2"));
        assertEquals(List.of(1), exits, "asked: status 1");
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Tessera: ") && text.contains("empty-folder"), text);
        // the exit comes after the run log is closed: its failure line is in the file
        String log = Files.readString(dir.resolve("out2/tessera.log"));
        assertTrue(log.contains("SEVERE") && log.contains("empty-folder"), log);
    }

    @Test
    void aCancelledRunOrAWindowNeverEndsTheProcess(@TempDir Path dir) throws Exception {
        System.setProperty(HeadlessExit.PROPERTY, "1");
        FakeJobs fake = new FakeJobs();
        fake.failure = new java.util.concurrent.CancellationException("cancelled by the user during Phase 3");
        BuildMosaicCommand c = fake.buildMosaic(context, dir.toFile());
        c.run();
        assertTrue(c.isCanceled());
        assertEquals(List.of(), exits, "a cancel is no failure");

        HeadlessExit.failed("a.fits: not a FITS file", false);
        assertEquals(List.of(), exits, "Fiji's window open: never exit");
        HeadlessExit.failed("a.fits: not a FITS file", true);
        assertEquals(List.of(1), exits);
    }

    /**
     * The example scripts call the pipeline themselves (no command): headless Fiji logs their
     * exception and exits 0, so they hand it to {@link HeadlessExit#scriptFailed} before they
     * rethrow it and, asked, end the process with status 1 and the reason, as a failed command.
     */
    @Test
    void theExampleScriptsEndAHeadlessProcessWithStatus1WhenAsked(@TempDir Path dir) throws Exception {
        Context scripting = new Context(org.scijava.script.ScriptService.class);
        try {
            org.scijava.script.ScriptService scripts = scripting.service(org.scijava.script.ScriptService.class);
            java.io.File groovy = new java.io.File("scripts/Build_Mosaic.groovy"), jython = new java.io.File("scripts/Reproject_Coadd.py");
            scripts.run(groovy, true, "input", null, "output", dir.resolve("g0").toFile(), "rejection", "kappa_sigma",
                    "settings", "stacking_kappa_low=abc").get();
            assertEquals(List.of(), exits, "not asked: Fiji exits 0 as before");

            System.setProperty(HeadlessExit.PROPERTY, "true");
            scripts.run(groovy, true, "input", null, "output", dir.resolve("g1").toFile(), "rejection", "kappa_sigma",
                    "settings", "stacking_kappa_low=abc").get();
            assertEquals(List.of(1), exits, "Groovy, a bad setting: status 1");
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("Tessera: stacking_kappa_low: expected a number, got 'abc'\n"),
                    err.toString(StandardCharsets.UTF_8));

            Path images = Files.createDirectories(dir.resolve("no-images"));
            scripts.run(jython, true, "input", images.toFile(), "output", dir.resolve("j1").toFile(), "kernel", "bilinear",
                    "settings", "").get();
            assertEquals(List.of(1, 1), exits, "Jython, its own error: status 1");
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("Tessera: no FITS images in " + images + "\n"),
                    err.toString(StandardCharsets.UTF_8));
            Files.writeString(images.resolve("t.fits"), "x");
            scripts.run(jython, true, "input", images.toFile(), "output", dir.resolve("j2").toFile(), "kernel", "bilinear",
                    "settings", "phase5_chunk_mb=lots").get();
            assertEquals(List.of(1, 1, 1), exits, "Jython, a Java exception: status 1");
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("Tessera: phase5_chunk_mb: expected a number, got 'lots'\n"),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            scripting.dispose();
        }
    }
}
