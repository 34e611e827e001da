package org.tessera.ij1;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ij.Macro;
import ij.plugin.PlugIn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.ItemIO;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.service.Service;
import org.tessera.command.BuildMosaicCommand;
import org.tessera.command.FakeJobs;
import org.tessera.command.Job;
import org.tessera.command.JobRequest;
import org.tessera.command.ReprojectCoaddCommand;
import org.tessera.command.StackFramesCommand;

/** The ImageJ 1 shims without ImageJ running: macro keys, plugins.config, parameters → job. */
class PlugInTest {

    /** Macro keys of a SciJava command: its input @Parameter fields that are not services, buttons or messages. */
    private static List<String> sciJavaKeys(Class<?> command) {
        return Arrays.stream(command.getDeclaredFields())
                .filter(f -> f.isAnnotationPresent(Parameter.class))
                .filter(f -> f.getAnnotation(Parameter.class).type() == ItemIO.INPUT)
                .filter(f -> !Service.class.isAssignableFrom(f.getType()))
                .filter(f -> f.getType() != ij.ImagePlus.class) // open images: SciJava commands only
                .filter(f -> f.getType() != org.scijava.widget.Button.class // dialog-only: Help
                        && f.getAnnotation(Parameter.class).visibility() != org.scijava.ItemVisibility.MESSAGE)
                .map(Field::getName).sorted().toList();
    }

    private static List<String> keys(List<TesseraPlugIn.Field> fields) {
        return fields.stream().map(TesseraPlugIn.Field::key).sorted().toList();
    }

    /** What ImageJ's Log showed while {@code p} ran: without an ImageJ window, IJ.log prints to standard output. */
    private static String logShownBy(StackPlugIn p, Map<String, String> fields) {
        java.io.ByteArrayOutputStream shown = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(shown, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            p.execute(fields);
        } finally {
            System.setOut(stdout);
        }
        return shown.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void dialogsPickTheRightKindOfPathAndStartOnTheRealDefaults() {
        assertEquals(TesseraPlugIn.Kind.FOLDER, StackPlugIn.FIELDS.get(0).kind(), "Browse picks the frames folder");
        assertEquals(TesseraPlugIn.Kind.SAVE, StackPlugIn.FIELDS.get(1).kind(), "the stacked tile gets a Save dialog");
        assertEquals(TesseraPlugIn.Kind.FOLDER, ReprojectPlugIn.FIELDS.get(0).kind());
        assertEquals("Winsorized sigma clip (default)", TesseraPlugIn.REJECTION.defaultValue());
        assertEquals("Mean (default)", TesseraPlugIn.COMBINE.defaultValue());
        assertEquals("Bilinear (default)", TesseraPlugIn.KERNEL.defaultValue());
        assertEquals("On when a healthy GPU is found (default)", TesseraPlugIn.GPU.defaultValue());
    }

    @Test
    void macroKeysComeFromLabelsAndMatchTheSciJavaCommands() {
        for (List<TesseraPlugIn.Field> fields : List.of(MosaicPlugIn.FIELDS, StackPlugIn.FIELDS, ReprojectPlugIn.FIELDS))
            for (TesseraPlugIn.Field f : fields)
                assertEquals(f.key(), Macro.trimKey(f.label()), "GenericDialog reads '" + f.label() + "' as key " + f.key());
        // One macro vocabulary for both menus: the same keys as the SciJava commands' fields.
        assertEquals(sciJavaKeys(BuildMosaicCommand.class), keys(MosaicPlugIn.FIELDS));
        assertEquals(sciJavaKeys(StackFramesCommand.class), keys(StackPlugIn.FIELDS));
        assertEquals(sciJavaKeys(ReprojectCoaddCommand.class), keys(ReprojectPlugIn.FIELDS));
    }

    @Test
    void aLineWithoutKeysUnderBatchIsToldWhatToWrite() {
        // ImageJ -batch has no screen for the dialog: the shim ends the macro with this line (scripts/imagej-check.sh)
        assertEquals("Stack Frames... needs its keys under ImageJ -batch, where no dialog can be answered: e.g."
                + " run(\"Stack Frames...\", \"input=[/data/frames] output=[/data/tile.fits]\")", new StackPlugIn().keysNeededUnderBatch());
        assertEquals("Build Mosaic... needs its keys under ImageJ -batch, where no dialog can be answered: e.g."
                + " run(\"Build Mosaic...\", \"input=[/data/frames] output=[/data/out]\")", new MosaicPlugIn().keysNeededUnderBatch());
        assertFalse(TesseraPlugIn.startedWithBatch(), "a test is no ImageJ -batch: the shim shows its dialog as before");
    }

    @Test
    void pluginsConfigListsEveryShimUnderTheLabelOfItsSciJavaCommand() throws Exception {
        Pattern entry = Pattern.compile("^(Plugins>Tessera), \"([^\"]+)\", ([\\w.]+)$");
        Map<String, String> labels = new HashMap<>();
        for (String line : Files.readAllLines(Paths.get("plugins.config"))) {
            if (line.isBlank() || line.startsWith("#")) continue;
            Matcher m = entry.matcher(line);
            assertTrue(m.matches(), "plugins.config line: " + line);
            Class<?> c = Class.forName(m.group(3));
            assertTrue(PlugIn.class.isAssignableFrom(c), c + " is an ImageJ 1 PlugIn");
            labels.put(c.getSimpleName(), m.group(2));
        }
        assertEquals(Map.of("MosaicPlugIn", "Build Mosaic...", "StackPlugIn", "Stack Frames...",
                "ReprojectPlugIn", "Reproject and Coadd..."), labels);
        // The same menu path and label as the SciJava command of the same job: in Fiji the command
        // takes over the item (one entry per job), and a macro line runs in both ImageJ 1 and Fiji.
        Map<String, Class<?>> commands = Map.of("MosaicPlugIn", BuildMosaicCommand.class,
                "StackPlugIn", StackFramesCommand.class, "ReprojectPlugIn", ReprojectCoaddCommand.class);
        for (Map.Entry<String, Class<?>> e : commands.entrySet())
            assertEquals("Plugins>Tessera>" + labels.get(e.getKey()), e.getValue().getAnnotation(Plugin.class).menuPath());
    }

    @Test
    void dialogValuesMapToTheJob(@TempDir Path dir) throws Exception {
        Path frame = Files.writeString(dir.resolve("f.fits"), "x");
        Path cfg = Files.writeString(dir.resolve("c.json"), "{\"reproject_kernel\": \"nearest\"}");
        Map<String, String> v = new HashMap<>();
        v.put("input", frame.toString());
        v.put("output", dir.resolve("out") + " ");
        v.put("config", cfg.toString());
        v.put("kernel", "config");
        v.put("gpu", "off");
        v.put("settings", "intertile_photometric_match=false phase5_chunk_mb=256");
        JobRequest r = new ReprojectPlugIn().request(v);
        assertEquals(Job.REPROJECT, r.job());
        assertEquals(List.of(frame), r.inputs());
        assertEquals(dir.resolve("out"), r.output());
        assertEquals("nearest", r.config().getString("reproject_kernel"), "'config' keeps the file's kernel");
        assertFalse(r.config().getBoolean("use_gpu_phase5"));
        assertFalse(r.config().getBoolean("intertile_photometric_match"));
        assertEquals(256, r.config().getInt("phase5_chunk_mb"));

        Map<String, String> m = new HashMap<>(Map.of("input", "", "output", dir.toString(), "config", "",
                "rejection", "linear_fit_clip", "combine", "median", "gpu", "config", "settings", ""));
        JobRequest mr = new MosaicPlugIn().request(m);
        assertEquals(List.of(), mr.inputs(), "empty input: the default sky");
        assertEquals("linear_fit_clip", mr.config().getString("stacking_rejection_algorithm"));
        assertEquals("median", mr.config().getString("stacking_final_combine_method"));
        assertFalse(mr.config().getBoolean("sds_mode_default"), "no mode given: Classic");
        assertEquals("mhc", mr.config().getString("stacking_demosaic"), "no demosaic given: the default");
        m.put("demosaic", "Bilinear (faster, wider stars)"); // what the recorder writes
        assertEquals("bilinear", new MosaicPlugIn().request(m).config().getString("stacking_demosaic"));
        m.remove("demosaic");
        m.put("mode", "SDS (mosaic first)"); // what the recorder writes
        assertTrue(new MosaicPlugIn().request(m).config().getBoolean("sds_mode_default"));
        m.put("mode", "classic");
        assertFalse(new MosaicPlugIn().request(m).config().getBoolean("sds_mode_default"));

        // a key given twice in settings: the command line's rule (two values refused naming both, one value fine)
        v.put("settings", "phase5_chunk_mb=256 phase5_chunk_mb=128");
        assertEquals("settings: phase5_chunk_mb given twice with different values ('256' and '128'): give it once",
                assertThrows(IllegalArgumentException.class, () -> new ReprojectPlugIn().request(v)).getMessage());
        v.put("settings", "phase5_chunk_mb=256 phase5_chunk_mb=256.0 intertile_photometric_match=no intertile_photometric_match=off");
        assertEquals(256, new ReprojectPlugIn().request(v).config().getInt("phase5_chunk_mb"));
    }

    @Test
    void dialogValuesAreKeptInImageJsPreferencesForTheNextDialogButNeverForMacros() {
        List<String> keys = List.of("tessera.mosaic.output", "tessera.mosaic.combine", "tessera.mosaic.coverage",
                "tessera.mosaic.settings", "tessera.stack.output");
        try {
            TesseraPlugIn.remember(Job.MOSAIC, Map.of("output", "/data/out", "combine", "Median", "coverage", "true",
                    "settings", "stacking_kappa_low=2.5\ntwo_pass_coverage_renorm=true"));
            // in ij.Prefs, which ImageJ writes to IJ_Prefs.txt when it quits: back after a restart
            assertEquals("/data/out", ij.Prefs.get("tessera.mosaic.output", null));
            TesseraPlugIn.Field output = MosaicPlugIn.FIELDS.get(1);
            assertEquals("/data/out", TesseraPlugIn.initial(Job.MOSAIC, output, false));
            assertEquals("Median", TesseraPlugIn.initial(Job.MOSAIC, TesseraPlugIn.COMBINE, false));
            assertEquals("true", TesseraPlugIn.initial(Job.MOSAIC, TesseraPlugIn.COVERAGE, false));
            assertEquals("stacking_kappa_low=2.5\ntwo_pass_coverage_renorm=true",
                    TesseraPlugIn.initial(Job.MOSAIC, TesseraPlugIn.SETTINGS, false));
            assertEquals("Winsorized sigma clip (default)", TesseraPlugIn.initial(Job.MOSAIC, TesseraPlugIn.REJECTION, false),
                    "a field never confirmed starts on its default");
            // a macro starts from the defaults whatever the dialog last had; other commands keep their own
            assertEquals("", TesseraPlugIn.initial(Job.MOSAIC, output, true));
            assertEquals("Mean (default)", TesseraPlugIn.initial(Job.MOSAIC, TesseraPlugIn.COMBINE, true));
            assertEquals("", TesseraPlugIn.initial(Job.STACK, StackPlugIn.FIELDS.get(1), false));
        } finally {
            for (String k : keys) ij.Prefs.set(k, (String) null);
        }
    }

    @Test
    void aBoxIsTickedByItsBareWordOrByKeyEqualsTrueAsFijiRecordsIt() {
        assertTrue(TesseraPlugIn.ticked("input=[/a] output=[/b] coverage=true", "coverage", false), "Fiji's recorded form");
        assertFalse(TesseraPlugIn.ticked("input=[/a] coverage=false", "coverage", true));
        assertTrue(TesseraPlugIn.ticked("input=[/a] output=[/b] coverage", "coverage", true), "ImageJ's bare word, read by the dialog");
        assertFalse(TesseraPlugIn.ticked("input=[/a] output=[/b]", "coverage", false));
        assertTrue(TesseraPlugIn.ticked(null, "coverage", true), "a person's tick");
    }

    @Test
    void executeRecordsTheOutcomeForMacros(@TempDir Path dir) throws IOException {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        Files.writeString(frames.resolve("a.fits"), "x");
        Files.writeString(frames.resolve("bad_b.fits"), "x");
        FakeJobs fake = new FakeJobs();
        fake.skipMarker = "bad_";
        StackPlugIn p = new StackPlugIn();
        p.jobs = fake;
        String shown = logShownBy(p, Map.of("input", frames.toString(), "output", dir.resolve("tile.fits").toString(),
                "config", "", "rejection", "none", "combine", "config", "gpu", "config", "settings", ""));
        // the skipped frame named once in the Log, in the run's closing list (the phase's line stays in tessera.log)
        List<String> named = shown.lines().filter(l -> l.contains("bad_b")).toList();
        assertEquals(1, named.size(), shown);
        assertTrue(named.get(0).endsWith(" WARNING [ij1] skipped " + frames.resolve("bad_b.fits") + ": no WCS in header"), named.get(0));
        assertEquals("none", fake.calls.get(0).config().getString("stacking_rejection_algorithm"));
        assertEquals("ok", LastRun.get("status"));
        assertEquals(dir.resolve("tile.fits").toString(), LastRun.get("tile"));
        assertEquals("1", LastRun.get("tiles"));
        assertEquals("1", LastRun.get("skipped"));
        assertEquals(frames.resolve("bad_b.fits") + ": no WCS in header", LastRun.get("skipped_list"));
        assertEquals(dir.resolve("tessera.log").toString(), LastRun.get("log"));
        assertEquals("", LastRun.get("mosaic"), "a stack makes no mosaic");
        assertEquals("", LastRun.get("error"));
        // no ImageJ window (as under ImageJ -batch): no progress bar, so the progress is logged
        String log = Files.readString(dir.resolve("tessera.log"));
        assertTrue(log.contains(" INFO [ij1]   0% [FAKE] start\n"), log);
        assertTrue(log.contains(" INFO [ij1] 100% [FAKE] done  (done in "), log);
    }

    /**
     * A run that skipped every input (the real pipeline): ImageJ's Log names each file once, the
     * phase's lines shown before the "failed:" line, which names none again; the error (IJ.error's
     * message, the macro's last-run record) names the first with its reason.
     */
    @Test
    void aRunThatSkippedEveryInputNamesEachOnceInTheLog(@TempDir Path dir) throws IOException {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        Files.writeString(frames.resolve("a.fits"), "not a FITS file\n");
        Files.writeString(frames.resolve("b.fits"), "not a FITS file either\n");
        StackPlugIn p = new StackPlugIn(); // Jobs.PIPELINE
        String shown = logShownBy(p, Map.of("input", frames.toString(), "output", dir.resolve("tile.fits").toString(),
                "config", "", "rejection", "config", "combine", "config", "gpu", "config", "settings", ""));
        String notFits = "not a FITS file (it does not start with a SIMPLE card)";
        List<String> logLines = shown.lines()
                .filter(l -> l.matches("\\d\\d:\\d\\d:\\d\\d .*")).toList(); // the Log's lines, not a dialog's text
        for (String f : List.of("a.fits", "b.fits"))
            assertEquals(1, logLines.stream().filter(l -> l.contains(f)).count(), f + " once: " + logLines);
        assertTrue(logLines.get(logLines.size() - 1).endsWith(" SEVERE [ij1] failed: no usable frame: all 2 input(s) were skipped"),
                logLines.toString());
        assertEquals("failed", LastRun.get("status"));
        assertEquals("no usable frame: all 2 input(s) were skipped (first: a.fits: " + notFits + ")", LastRun.get("error"));
    }

    /** A plugin run refused because another run holds its output fails with the one line and writes nothing into that run's log. */
    @Test
    void aRefusedRunFailsAndLeavesTheHoldersLogAsItWas(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        FakeJobs fake = new FakeJobs();
        try (org.tessera.pipeline.AnotherRun other = org.tessera.pipeline.AnotherRun.owning(out)) {
            runMosaic(fake, out);
            assertEquals("failed", LastRun.get("status"));
            assertTrue(LastRun.get("error").startsWith("another Tessera run is writing into " + out + " (pid "), LastRun.get("error"));
            other.assertUntouched();
        }
        assertEquals(List.of(), fake.calls, "the refused run did not start");
    }

    @Test
    void aStepNotAppliedIsRecordedApartFromSkippedInputs(@TempDir Path dir) throws IOException {
        FakeJobs fake = new FakeJobs();
        fake.dbeNotApplied = "the background fit failed: out of memory; the mosaic was kept without it";
        runMosaic(fake, dir);
        assertEquals("ok", LastRun.get("status"));
        assertEquals("0", LastRun.get("skipped"));
        assertEquals("", LastRun.get("skipped_list"));
        assertEquals("1", LastRun.get("not_applied"));
        assertEquals(dir.resolve("mosaic.fits") + ": final background extraction (DBE) not applied, the background fit failed:"
                + " out of memory; the mosaic was kept without it", LastRun.get("not_applied_list"));
        String log = Files.readString(dir.resolve("tessera.log"));
        assertTrue(log.contains(" WARNING [ij1] 1 step not applied: final background extraction (DBE); see above and "
                + dir.resolve("tessera.log") + "\n"), log);
        assertFalse(log.contains("skipped"), log);
    }

    @Test
    void aCancelledRunIsReportedAsCancelledNotFailed(@TempDir Path dir) throws IOException {
        FakeJobs fake = new FakeJobs();
        fake.failure = new java.util.concurrent.CancellationException("stack cancelled");
        runMosaic(fake, dir);
        assertEquals("cancelled", LastRun.get("status"));
        assertEquals("cancelled by the user", LastRun.get("error"));
        assertFalse(Files.exists(dir.resolve("mosaic.fits")));
        // the Log (and tessera.log) says what the rerun reuses, as the command line does after Ctrl-C
        assertTrue(Files.readString(dir.resolve("tessera.log")).contains(" INFO [ij1] rerun the same command to go on (a mosaic run"
                + " reuses its finished master tiles and plate solutions)\n"), Files.readString(dir.resolve("tessera.log")));
    }

    @Test
    void aSecondRunStartedWhileOneWorksIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        FakeJobs first = new FakeJobs(), second = new FakeJobs();
        String[] seen = new String[2];
        first.whileRunning = () -> { // the menu item chosen again while the first run works
            runMosaic(second, dir.resolve("b"));
            seen[0] = LastRun.get("status");
            seen[1] = LastRun.get("error");
        };
        runMosaic(first, dir.resolve("a"));
        assertEquals("failed", seen[0]);
        assertEquals("another Tessera run is working in this Fiji (into " + dir.resolve("a") + "): start this one when it"
                + " has ended (Esc cancels it); two at once would write into each other's tessera.log", seen[1]);
        assertEquals(List.of(), second.calls, "the second run ran nothing");
        assertFalse(Files.exists(dir.resolve("b/tessera.log")));
        assertEquals("ok", LastRun.get("status"), "the first run ends as it would have");
        runMosaic(second, dir.resolve("b")); // once it has ended, the next one runs
        assertEquals("ok", LastRun.get("status"), LastRun.get("error"));
        assertEquals(1, second.calls.size());
    }

    /** Build Mosaic (ImageJ 1 plug-in) on the built-in sky into {@code out}, every choice from the config, through {@code fake}. */
    private static void runMosaic(FakeJobs fake, Path out) {
        MosaicPlugIn p = new MosaicPlugIn();
        p.jobs = fake;
        p.execute(Map.of("input", "", "output", out.toString(), "config", "", "rejection", "config",
                "combine", "config", "gpu", "config", "settings", "", "coverage", "false"));
    }
}
