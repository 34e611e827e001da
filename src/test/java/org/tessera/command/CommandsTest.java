package org.tessera.command;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.StreamSupport;

import ij.ImagePlus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.ModuleItem;
import org.scijava.service.Service;
import org.tessera.fiji.TestMosaics;

/** The SciJava commands: their macro API, parameters → job mapping, and running in a Context. */
class CommandsTest {

    private Context context;
    private final List<String> logged = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() {
        context = new Context(CommandService.class, StatusService.class, LogService.class);
        context.service(LogService.class).addLogListener(m -> logged.add(LogLevel.prefix(m.level()) + " " + m.text()));
    }

    @AfterEach
    void tearDown() {
        context.dispose();
    }

    private CommandInfo info(Class<? extends org.scijava.command.Command> c) {
        CommandInfo info = context.service(CommandService.class).getCommand(c);
        assertNotNull(info, c + " is indexed as a command");
        return info;
    }

    private static List<String> names(Iterable<? extends ModuleItem<?>> items) {
        return StreamSupport.stream(items.spliterator(), false)
                .filter(i -> !Service.class.isAssignableFrom(i.getType()) && i.getType() != Context.class)
                .filter(i -> i.getType() != org.scijava.widget.Button.class
                        && i.getVisibility() != org.scijava.ItemVisibility.MESSAGE) // dialog-only, no macro key
                .map(ModuleItem::getName).toList();
    }

    @Test
    void macroApiAndMenusAreStable() {
        // Field names are the macro keys (documented in docs/user-guide.md): renaming one breaks users' macros.
        CommandInfo mosaic = info(BuildMosaicCommand.class);
        assertEquals("Plugins>Tessera>Build Mosaic...",
                mosaic.getMenuPath().stream().map(org.scijava.MenuEntry::getName).collect(java.util.stream.Collectors.joining(">")));
        assertEquals(List.of("input", "image", "output", "config", "mode", "rejection", "combine", "demosaic", "gpu", "settings", "coverage"), names(mosaic.inputs()));
        // Fiji shows the outputs in this order: the mosaic last, so that it is the selected image
        // (the next macro line's getTitle(), getPixelSize), as after the ImageJ 1 plugins
        assertEquals(List.of("coverageImage", "mosaic"), names(mosaic.outputs()));
        assertEquals(ImagePlus.class, mosaic.getOutput("mosaic").getType(), "an image Fiji shows, not a File it ignores");

        CommandInfo stack = info(StackFramesCommand.class);
        assertEquals("Stack Frames...", stack.getMenuPath().getLeaf().getName());
        assertEquals(List.of("input", "image", "output", "config", "rejection", "combine", "demosaic", "gpu", "settings"), names(stack.inputs()));
        assertEquals(List.of("tile"), names(stack.outputs()));
        assertEquals(ImagePlus.class, stack.getOutput("tile").getType());

        CommandInfo reproject = info(ReprojectCoaddCommand.class);
        assertEquals("Reproject and Coadd...", reproject.getMenuPath().getLeaf().getName());
        assertEquals(List.of("input", "image", "output", "config", "kernel", "gpu", "settings", "coverage"), names(reproject.inputs()));
        assertEquals(List.of("coverageImage", "mosaic"), names(reproject.outputs()));

        assertEquals("About Tessera", info(AboutTesseraCommand.class).getMenuPath().getLeaf().getName());
        for (CommandInfo i : List.of(mosaic, stack, reproject)) assertTrue(i.canRunHeadless(), i.getTitle());
    }

    @Test
    void dropDownsOfferTheSharedChoices() {
        assertEquals(Choices.REJECTION, info(BuildMosaicCommand.class).getInput("rejection").getChoices());
        assertEquals(Choices.COMBINE, info(BuildMosaicCommand.class).getInput("combine").getChoices());
        assertEquals(Choices.GPU, info(BuildMosaicCommand.class).getInput("gpu").getChoices());
        assertEquals(List.of("Classic (default)", "SDS (mosaic first)"), info(BuildMosaicCommand.class).getInput("mode").getChoices());
        assertEquals(Choices.MODE, info(BuildMosaicCommand.class).getInput("mode").getChoices());
        assertEquals(Choices.REJECTION, info(StackFramesCommand.class).getInput("rejection").getChoices());
        assertEquals(Choices.COMBINE, info(StackFramesCommand.class).getInput("combine").getChoices());
        assertEquals(Choices.DEMOSAIC, info(BuildMosaicCommand.class).getInput("demosaic").getChoices());
        assertEquals(Choices.DEMOSAIC, info(StackFramesCommand.class).getInput("demosaic").getChoices());
        assertEquals(Choices.GPU, info(StackFramesCommand.class).getInput("gpu").getChoices());
        assertEquals(Choices.KERNEL, info(ReprojectCoaddCommand.class).getInput("kernel").getChoices());
        assertEquals(Choices.GPU, info(ReprojectCoaddCommand.class).getInput("gpu").getChoices());
    }

    @Test
    void dialogsShowLabelsWithTheRealDefaultsAHelpButtonAndPickersOfTheRightKind() throws Exception {
        for (Class<? extends org.scijava.command.Command> c : List.of(BuildMosaicCommand.class, StackFramesCommand.class, ReprojectCoaddCommand.class)) {
            CommandInfo i = info(c);
            for (String choice : List.of("mode", "rejection", "combine", "demosaic", "gpu", "kernel")) {
                ModuleItem<?> item = i.getInput(choice);
                if (item == null) continue;
                Object def = c.getDeclaredField(choice).get(c.getDeclaredConstructor().newInstance());
                assertEquals(item.getChoices().get(0), def, c.getSimpleName() + "." + choice + " starts on its default entry");
                assertTrue(((String) def).endsWith("(default)"), (String) def);
                assertFalse(item.getChoices().contains(Choices.KEEP), "no raw 'config' entry");
            }
            assertEquals(org.scijava.widget.Button.class, i.getInput("helpButton").getType());
            assertEquals("help", i.getInput("helpButton").getCallback());
            assertTrue(UserGuide.bundled().startsWith("# Tessera user guide"), "Help has the guide offline (jar resource)");
            assertTrue(((String) i.getInput("helpLine").getDefaultValue() == null
                    ? UserGuide.LINE : (String) i.getInput("helpLine").getDefaultValue()).contains(UserGuide.URL));
            // persist=false everywhere: remembering is RememberedInputs' job, for dialog runs only
            for (ModuleItem<?> item : i.inputs()) if (RememberedInputs.remembered(item)) assertFalse(item.isPersisted(), c.getSimpleName() + "." + item.getName());
        }
        assertEquals("directory", info(BuildMosaicCommand.class).getInput("output").getWidgetStyle());
        assertEquals("directory", info(BuildMosaicCommand.class).getInput("input").getWidgetStyle());
        assertEquals("save", info(StackFramesCommand.class).getInput("output").getWidgetStyle());
        assertEquals("both", info(StackFramesCommand.class).getInput("input").getWidgetStyle());
        assertEquals("directory", info(ReprojectCoaddCommand.class).getInput("output").getWidgetStyle());
    }

    @Test
    void theDefaultLabelKeepsTheConfigFileAndLabelsWorkLikeMacroWords(@TempDir Path dir) throws Exception {
        Path cfg = Files.writeString(dir.resolve("c.json"), "{\"stacking_final_combine_method\": \"median\", \"reproject_kernel\": \"nearest\","
                + " \"stacking_demosaic\": \"bilinear\"}");
        Files.writeString(Files.createDirectories(dir.resolve("frames")).resolve("f1.fits"), "x");
        StackFramesCommand s = new StackFramesCommand();
        s.input = dir.resolve("frames").toFile();
        s.output = dir.resolve("t.fits").toFile();
        s.config = cfg.toFile();
        s.rejection = Choices.REJECTION_KAPPA; // what the recorder writes from the dialog
        JobRequest r = s.request();
        assertEquals("median", r.config().getString("stacking_final_combine_method"), "'Mean (default)' keeps the file's median");
        assertEquals("kappa_sigma", r.config().getString("stacking_rejection_algorithm"));
        s.combine = "mean"; // the macro word still wins over the file
        assertEquals("mean", s.request().config().getString("stacking_final_combine_method"));
        s.combine = "config";
        assertEquals("median", s.request().config().getString("stacking_final_combine_method"));
        assertEquals("bilinear", r.config().getString("stacking_demosaic"), "'Gradient-corrected (default)' keeps the file's bilinear");
        s.demosaic = "mhc";
        assertEquals("mhc", s.request().config().getString("stacking_demosaic"));
        ReprojectCoaddCommand p = new ReprojectCoaddCommand();
        p.input = dir.resolve("frames").toFile();
        p.output = dir.resolve("out").toFile();
        p.kernel = Choices.KERNEL_LANCZOS;
        p.gpu = Choices.GPU_OFF;
        JobRequest q = p.request();
        assertEquals("lanczos3", q.config().getString("reproject_kernel"));
        assertEquals(false, q.config().getBoolean("use_gpu_phase5"));
        p.config = cfg.toFile();
        p.kernel = Choices.KERNEL_DEFAULT;
        assertEquals("nearest", p.request().config().getString("reproject_kernel"));

        // Mode: the SDS entry sets sds_mode_default (what the recorder writes, and the macro word);
        // "Classic (default)" keeps a config file's SDS, the word classic does not.
        Path sdsCfg = Files.writeString(dir.resolve("sds.json"), "{\"sds_mode_default\": true}");
        BuildMosaicCommand b = new BuildMosaicCommand();
        b.output = dir.resolve("m").toFile();
        assertFalse(b.request().config().getBoolean("sds_mode_default"), "Classic by default");
        b.mode = Choices.MODE_SDS;
        assertTrue(b.request().config().getBoolean("sds_mode_default"));
        b.mode = "sds";
        assertTrue(b.request().config().getBoolean("sds_mode_default"));
        b.mode = Choices.MODE_CLASSIC;
        b.config = sdsCfg.toFile();
        assertTrue(b.request().config().getBoolean("sds_mode_default"), "'(default)' keeps the file's SDS");
        b.mode = "classic";
        assertFalse(b.request().config().getBoolean("sds_mode_default"));
        b.mode = "zesupadupstack";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::request);
        assertTrue(e.getMessage().startsWith("mode: expected one of config, classic, sds"), e.getMessage());
    }

    @Test
    void dialogValuesAreRememberedForPeopleButNeverForMacrosOrHeadlessRuns(@TempDir Path dir) throws Exception {
        org.scijava.prefs.PrefService prefs = context.service(org.scijava.prefs.PrefService.class);
        org.scijava.module.ModuleService modules = context.service(org.scijava.module.ModuleService.class);
        try {
            org.scijava.module.Module first = modules.createModule(info(BuildMosaicCommand.class));
            first.setInput("output", dir.resolve("out").toFile());
            first.setInput("combine", Choices.COMBINE_MEDIAN);
            first.setInput("coverage", true);
            RememberedInputs.save(first, prefs);

            org.scijava.module.Module next = modules.createModule(info(BuildMosaicCommand.class));
            next.setInput("settings", "stacking_kappa_low=2");
            next.resolveInput("settings"); // given by the caller: not replaced
            RememberedInputs.load(next, prefs);
            assertEquals(dir.resolve("out").toFile(), next.getInput("output"));
            assertEquals(Choices.COMBINE_MEDIAN, next.getInput("combine"));
            assertEquals(true, next.getInput("coverage"));
            assertEquals(null, next.getInput("input"), "an empty field stays empty (the default sky)");
            assertEquals("stacking_kappa_low=2", next.getInput("settings"));
            // this context is headless, as are macros in -batch and tests: nothing is loaded or saved
            assertFalse(RememberedInputs.interactive(next, context.getService(org.scijava.ui.UIService.class)));
        } finally {
            for (String k : List.of("input", "output", "config", "rejection", "combine", "gpu", "settings", "coverage"))
                prefs.remove(BuildMosaicCommand.class, k);
        }
    }

    @Test
    void aScriptInFijisWindowThatNamesSomeInputsGetsNoDialogAndNoRememberedValues(@TempDir Path dir) throws Exception {
        org.scijava.prefs.PrefService prefs = context.service(org.scijava.prefs.PrefService.class);
        org.scijava.module.ModuleService modules = context.service(org.scijava.module.ModuleService.class);
        // Fiji with its window: the UI is not headless
        org.scijava.ui.UIService desktop = (org.scijava.ui.UIService) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {org.scijava.ui.UIService.class},
                (proxy, m, args) -> m.getName().equals("isHeadless") ? Boolean.FALSE
                        : m.getReturnType() == boolean.class ? Boolean.FALSE : null);
        RememberedInputs.Load load = new RememberedInputs.Load();
        RememberedInputs.Save save = new RememberedInputs.Save();
        load.prefs = save.prefs = prefs;
        load.ui = save.ui = desktop;
        File last = dir.resolve("last dialog").toFile();
        try {
            prefs.put(BuildMosaicCommand.class, "output", last.getPath());
            prefs.put(BuildMosaicCommand.class, "settings", "stacking_kappa_low=2");
            prefs.put(BuildMosaicCommand.class, "combine", Choices.COMBINE_MEDIAN);

            // commands.run(BuildMosaicCommand, true, "output", f): the other fields keep their defaults, no dialog
            org.scijava.module.Module script = modules.createModule(info(BuildMosaicCommand.class));
            File out = dir.resolve("script").toFile();
            script.setInput("output", out);
            script.resolveInput("output");
            load.process(script);
            for (String k : List.of("input", "image", "config", "mode", "rejection", "combine", "demosaic", "gpu", "settings", "coverage"))
                assertTrue(script.isInputResolved(k), k + " is left to no dialog");
            assertEquals("", script.getInput("settings"));
            assertEquals(Choices.COMBINE_DEFAULT, script.getInput("combine"));
            assertEquals(out, script.getInput("output"));
            save.process(script);
            assertEquals(last.getPath(), prefs.get(BuildMosaicCommand.class, "output", null), "a script's values are not remembered");

            // the menu: nothing given, the dialog opens with the last values and remembers the new ones
            org.scijava.module.Module menu = modules.createModule(info(BuildMosaicCommand.class));
            load.process(menu);
            assertFalse(menu.isInputResolved("settings"), "the dialog asks for it");
            assertEquals("stacking_kappa_low=2", menu.getInput("settings"));
            assertEquals(last, menu.getInput("output"));
            File typed = dir.resolve("typed").toFile();
            menu.setInput("output", typed);
            save.process(menu);
            assertEquals(typed.getPath(), prefs.get(BuildMosaicCommand.class, "output", null));
        } finally {
            for (String k : List.of("input", "output", "config", "mode", "rejection", "combine", "gpu", "settings", "coverage"))
                prefs.remove(BuildMosaicCommand.class, k);
        }
    }

    @Test
    void aFijiMacroLineGetsNoDialogForTheKeysItLeavesOutAndTicksBoxesByTheirBareWord(@TempDir Path dir) throws Exception {
        org.scijava.module.ModuleService modules = context.service(org.scijava.module.ModuleService.class);
        RememberedInputs.Load load = new RememberedInputs.Load();
        load.prefs = context.service(org.scijava.prefs.PrefService.class);
        java.util.concurrent.atomic.AtomicReference<Object> result = new java.util.concurrent.atomic.AtomicReference<>();
        // Fiji hands a macro's options to the command's thread (ImageJ 1 reads them on "Run$_" threads)
        Thread macro = new Thread(() -> {
            try {
                ij.Macro.setOptions("input=[/data/tiles] output=[/data/coadd] kernel=lanczos3 coverage");
                org.scijava.module.Module m = modules.createModule(info(ReprojectCoaddCommand.class));
                for (String k : List.of("input", "output", "kernel")) m.resolveInput(k); // imagej-legacy's MacroPreprocessor
                m.setInput("kernel", "lanczos3");
                load.process(m);
                result.set(m);
            } catch (Throwable t) {
                result.set(t);
            } finally {
                ij.Macro.setOptions(null);
            }
        }, "Run$_macro");
        macro.start();
        macro.join();
        if (result.get() instanceof Throwable t) throw new AssertionError(t);
        org.scijava.module.Module m = (org.scijava.module.Module) result.get();
        for (String k : List.of("image", "config", "gpu", "settings", "coverage"))
            assertTrue(m.isInputResolved(k), k + ": no dialog asks for a key the macro left out");
        assertEquals(true, m.getInput("coverage"), "the bare word ticks the box, as in ImageJ 1");
        assertEquals("", m.getInput("settings"));
        assertEquals(Choices.GPU_DEFAULT, m.getInput("gpu"));
        assertEquals("lanczos3", m.getInput("kernel"));
    }

    @Test
    void parametersMapToTheJob(@TempDir Path dir) throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        Files.writeString(frames.resolve("f1.fits"), "x");
        Files.writeString(frames.resolve("f2.fits"), "x");
        Path cfg = Files.writeString(dir.resolve("c.json"), "{\"stacking_kappa_high\": 2.0, \"use_gpu_phase5\": false}");

        BuildMosaicCommand m = new BuildMosaicCommand();
        m.input = frames.toFile();
        m.output = dir.resolve("out").toFile();
        m.config = cfg.toFile();
        m.rejection = "kappa_sigma";
        m.combine = "config";
        m.gpu = "on";
        m.demosaic = Choices.DEMOSAIC_BILINEAR;
        m.settings = "stacking_kappa_low=1.5\nradial_shape_power=3";
        JobRequest r = m.request();
        assertEquals(Job.MOSAIC, r.job());
        assertEquals(List.of(frames), r.inputs());
        assertEquals(dir.resolve("out"), r.output());
        assertEquals("kappa_sigma", r.config().getString("stacking_rejection_algorithm"));
        assertEquals("mean", r.config().getString("stacking_final_combine_method"));
        assertTrue(r.config().getBoolean("use_gpu_phase5"), "the GPU choice overrides the file");
        assertEquals("bilinear", r.config().getString("stacking_demosaic"));
        assertEquals(2.0, r.config().getDouble("stacking_kappa_high"));
        assertEquals(1.5, r.config().getDouble("stacking_kappa_low"));
        assertEquals(3.0, r.config().getDouble("radial_shape_power"));

        m.input = new File(""); // an emptied file field
        assertEquals(List.of(), m.request().inputs(), "empty input: the built-in default sky");

        StackFramesCommand s = new StackFramesCommand();
        s.input = frames.toFile();
        s.output = dir.resolve("tile.fits").toFile();
        s.combine = "median";
        JobRequest sr = s.request();
        assertEquals(List.of(frames.resolve("f1.fits"), frames.resolve("f2.fits")), sr.inputs());
        assertEquals("median", sr.config().getString("stacking_final_combine_method"));
        assertEquals("winsorized_sigma_clip", sr.config().getString("stacking_rejection_algorithm"));
        assertEquals("mhc", sr.config().getString("stacking_demosaic"), "the default entry: the key's default");

        ReprojectCoaddCommand p = new ReprojectCoaddCommand();
        p.input = frames.resolve("f2.fits").toFile();
        p.output = dir.resolve("out").toFile();
        p.kernel = "nearest";
        p.gpu = "off";
        JobRequest pr = p.request();
        assertEquals(List.of(frames.resolve("f2.fits")), pr.inputs());
        assertEquals("nearest", pr.config().getString("reproject_kernel"));
        assertFalse(pr.config().getBoolean("use_gpu_phase5"));
    }

    @Test
    void runSetsOutputsLogsToFijiAndWritesTheRunLog(@TempDir Path dir) throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        Files.writeString(frames.resolve("ok.fits"), "x");
        Files.writeString(frames.resolve("skip_me.fits"), "x");
        FakeJobs fake = new FakeJobs();
        fake.skipMarker = "skip_me";
        ReprojectCoaddCommand c = new ReprojectCoaddCommand();
        context.inject(c);
        c.jobs = fake;
        c.input = frames.toFile();
        c.output = dir.resolve("out").toFile();
        c.settings = "stacking_kapa_low=2 preview_png_p_high=95";
        c.coverage = true;
        c.run();
        assertFalse(c.isCanceled(), c.getCancelReason());
        // the mosaic as an image: composite channels, titled after the output folder, calibrated
        // from the WCS, stretched as the preview of this run's config (p 1 .. 95)
        assertEquals("out", c.mosaic.getTitle());
        assertTrue(c.mosaic.isComposite());
        assertEquals(3, c.mosaic.getNChannels());
        assertEquals(TestMosaics.W, c.mosaic.getWidth());
        assertEquals(TestMosaics.ARCSEC_PER_PIXEL, c.mosaic.getCalibration().pixelWidth, 1e-9);
        assertEquals("arcsec", c.mosaic.getCalibration().getUnit());
        c.mosaic.setC(2);
        float[] green = (float[]) c.mosaic.getStack().getPixels(2);
        assertEquals(org.tessera.fiji.MosaicImageTest.numpyPercentile(green, 95), c.mosaic.getDisplayRangeMax(), 1e-3);
        assertEquals("out coverage", c.coverageImage.getTitle());
        assertEquals(1, c.coverageImage.getNChannels());
        assertEquals(2, fake.calls.get(0).inputs().size());
        assertTrue(logged.contains("INFO [command] reproject: 2 images → " + dir.resolve("out")), logged.toString());
        assertTrue(logged.contains("WARNING [command] skipped " + frames.resolve("skip_me.fits") + ": no WCS in header"), logged.toString());
        // named once: the phase's own line ("[READ] skipped …") stays in tessera.log
        assertEquals(1, logged.stream().filter(l -> l.contains("skip_me")).count(), logged.toString());
        assertTrue(Files.readString(dir.resolve("out/tessera.log")).contains(" WARNING [io] [READ] skipped "
                + frames.resolve("skip_me.fits") + ": no WCS in header"));
        assertTrue(logged.stream().anyMatch(l -> l.startsWith("WARNING [command] unknown config key 'stacking_kapa_low'")));
        assertTrue(logged.stream().noneMatch(l -> l.contains("[FAKE] debug detail")), "FINE stays out of Fiji's log");
        // headless (this context has no UI): no status bar, so the progress reaches the log too
        assertTrue(logged.contains("INFO [command]   0% [FAKE] start"), logged.toString());
        assertTrue(logged.stream().anyMatch(l -> l.startsWith("INFO [command] 100% [FAKE] done  (done in ")), logged.toString());
        String log = Files.readString(dir.resolve("out/tessera.log"));
        assertTrue(log.contains("FINE [pipeline] [FAKE] debug detail"), log);
    }

    /**
     * The final background extraction given up (the mosaic kept without it) is reported as a step not
     * applied, with its own summary line, to Fiji's log and to macros: not as a skipped input.
     */
    @Test
    void aStepNotAppliedIsReportedApartFromSkippedInputs(@TempDir Path dir) throws Exception {
        FakeJobs fake = new FakeJobs();
        fake.dbeNotApplied = "the background fit failed: out of memory; the mosaic was kept without it";
        BuildMosaicCommand c = fake.buildMosaic(context, dir.toFile());
        c.run();
        assertFalse(c.isCanceled(), c.getCancelReason());
        assertNotNull(c.mosaic, "the mosaic kept is shown");
        String line = dir.resolve("mosaic.fits") + ": final background extraction (DBE) not applied, the background fit failed:"
                + " out of memory; the mosaic was kept without it";
        assertTrue(logged.contains("WARNING [command] " + line), logged.toString());
        assertTrue(logged.contains("WARNING [command] 1 step not applied: final background extraction (DBE); see above and "
                + dir.resolve("tessera.log")), logged.toString());
        assertTrue(logged.stream().noneMatch(l -> l.contains("skipped")), logged.toString());
        assertEquals("ok", LastRun.get("status"));
        assertEquals("0", LastRun.get("skipped"));
        assertEquals("1", LastRun.get("not_applied"));
        assertEquals(line, LastRun.get("not_applied_list"));
        assertTrue(Files.readString(dir.resolve("tessera.log")).contains("WARNING [command] 1 step not applied: "));
    }

    @Test
    void stackRunReportsTheTile(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("a.fits"), "x");
        StackFramesCommand c = new StackFramesCommand();
        context.inject(c);
        c.jobs = new FakeJobs();
        c.input = f.toFile();
        c.output = dir.resolve("t/tile.fits").toFile();
        c.run();
        assertEquals("tile", c.tile.getTitle());
        assertEquals(3, c.tile.getNChannels());
        assertEquals(TestMosaics.H, c.tile.getHeight());
        assertTrue(Files.exists(dir.resolve("t/tessera.log")));
    }

    /**
     * The settings field took the last of one key given twice ({@code k=1 k=2}) silently. The
     * command line's rule, from the same code: two values are refused naming the key and both, before
     * anything runs; the same value twice however written is fine.
     */
    @Test
    void aKeyGivenTwoValuesInTheSettingsFieldCancelsNamingBoth(@TempDir Path dir) throws Exception {
        FakeJobs fake = new FakeJobs();
        BuildMosaicCommand c = fake.buildMosaic(context, dir.toFile());
        c.settings = "stacking_kappa_low=2.5\nstacking_kappa_high=3 stacking_kappa_low=3";
        c.run();
        assertTrue(c.isCanceled());
        assertEquals("settings: stacking_kappa_low given twice with different values ('2.5' and '3'): give it once",
                c.getCancelReason());
        assertEquals(List.of(), fake.calls, "nothing ran");

        StackFramesCommand s = new StackFramesCommand();
        s.input = Files.writeString(dir.resolve("f.fits"), "x").toFile();
        s.output = dir.resolve("t.fits").toFile();
        s.settings = "stacking_demosaic=MHC; stacking_demosaic=bilinear";
        assertEquals("settings: stacking_demosaic given twice with different values ('MHC' and 'bilinear'): give it once",
                assertThrows(IllegalArgumentException.class, s::request).getMessage());
        s.settings = "stacking_kappa_low=3 stacking_kappa_low=3.0 stacking_demosaic=MHC stacking_demosaic=mhc "
                + "hot_pixel_correction=yes hot_pixel_correction=true";
        JobRequest r = s.request();
        assertEquals(3.0, r.config().getDouble("stacking_kappa_low"));
        assertTrue(r.config().getBoolean("hot_pixel_correction"));

        BuildMosaicCommand same = fake.buildMosaic(context, dir.resolve("out").toFile());
        same.settings = "preview_png_p_high=95 preview_png_p_high=95.0";
        same.run();
        assertFalse(same.isCanceled(), same.getCancelReason());
        assertEquals(95.0, fake.calls.get(0).config().getDouble("preview_png_p_high"));
    }

    @Test
    void pipelineFailureCancelsWithTheMessage(@TempDir Path dir) throws Exception {
        FakeJobs fake = new FakeJobs();
        fake.failure = new java.io.IOException("a.fits: not a FITS file");
        BuildMosaicCommand c = fake.buildMosaic(context, dir.toFile());
        c.run();
        assertTrue(c.isCanceled());
        assertEquals("a.fits: not a FITS file", c.getCancelReason());
        assertNull(c.mosaic);
        assertTrue(logged.contains("ERROR [command] failed: a.fits: not a FITS file"), logged.toString());
        assertTrue(Files.readString(dir.resolve("tessera.log")).contains("\tat org.tessera.command.CommandsTest"));
    }

    /**
     * A run that skipped every input: Fiji's log names each file once (the phase's lines, shown
     * before the failure) and its "failed:" line says what went wrong without naming the first file
     * again; the error dialog (the cancel reason), which has no other line, names it with its reason.
     */
    @Test
    void aRunThatSkippedEveryInputNamesEachOnceInTheLogAndTheFirstInTheDialog(@TempDir Path dir) throws Exception {
        Path frames = Files.createDirectories(dir.resolve("frames"));
        Files.writeString(frames.resolve("a.fits"), "not a FITS file\n");
        Files.writeString(frames.resolve("b.fits"), "not a FITS file either\n");
        BuildMosaicCommand c = new BuildMosaicCommand();
        context.inject(c);
        c.input = frames.toFile();
        c.output = dir.resolve("out").toFile();
        c.run(); // the real pipeline (Jobs.PIPELINE)
        String notFits = "not a FITS file (it does not start with a SIMPLE card)";
        assertTrue(c.isCanceled());
        assertEquals("no usable frame: all 2 input(s) were skipped (first: a.fits: " + notFits + ")", c.getCancelReason());
        for (String f : List.of("a.fits", "b.fits"))
            assertEquals(1, logged.stream().filter(l -> l.contains(f)).count(), f + " named once: " + logged);
        assertTrue(logged.contains("WARNING [io] [READ] skipped " + frames.resolve("a.fits") + ": " + notFits), logged.toString());
        assertEquals("ERROR [command] failed: no usable frame: all 2 input(s) were skipped",
                logged.get(logged.size() - 1), logged.toString());
        assertEquals("failed", LastRun.get("status"));
    }

    /**
     * A command refused because another run holds its output is cancelled with the one line naming
     * the folder or file, which reaches Fiji's log, and writes nothing into the other run's tessera.log.
     */
    @Test
    void aRefusedRunFailsWithTheMessageAndLeavesTheHoldersLogAsItWas(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        FakeJobs fake = new FakeJobs();
        try (org.tessera.pipeline.AnotherRun other = org.tessera.pipeline.AnotherRun.owning(out)) {
            BuildMosaicCommand c = fake.buildMosaic(context, out.toFile());
            c.run();
            assertTrue(c.isCanceled());
            String refused = "another Tessera run is writing into " + out + " (pid " + ProcessHandle.current().pid() + ", started ";
            assertTrue(c.getCancelReason().startsWith(refused), c.getCancelReason());
            assertTrue(c.getCancelReason().endsWith("): wait for it to end, or choose another output folder"), c.getCancelReason());
            assertTrue(logged.contains("ERROR Tessera: " + c.getCancelReason()), logged.toString()); // Fiji's log
            assertEquals("failed", LastRun.get("status"));
            assertEquals(c.getCancelReason(), LastRun.get("error"));
            assertNull(c.mosaic);
            other.assertUntouched();
            // into a folder below the one the other run owns (a tree it moves aside): refused the same, nothing made
            BuildMosaicCommand below = fake.buildMosaic(context, out.resolve("sub").toFile());
            below.run();
            assertTrue(below.isCanceled());
            assertTrue(below.getCancelReason().startsWith(refused), below.getCancelReason());
            assertFalse(Files.exists(out.resolve("sub")));
            other.assertUntouched();
        }
        Path tile = dir.resolve("stacks").resolve("t.fits");
        try (org.tessera.pipeline.AnotherRun other = org.tessera.pipeline.AnotherRun.stacking(tile)) {
            StackFramesCommand s = new StackFramesCommand();
            context.inject(s);
            s.jobs = fake;
            s.input = Files.writeString(dir.resolve("a.fits"), "x").toFile();
            s.output = tile.toFile();
            s.run();
            assertEquals("another Tessera run is writing " + tile + ": wait for it to end, or choose another output file",
                    s.getCancelReason());
            other.assertUntouched();
        }
        assertEquals(List.of(), fake.calls, "no refused run started");
    }

    @Test
    void aFailureStopsTheMacroThatRanTheCommand(@TempDir Path dir) throws Exception {
        java.lang.reflect.Field abort = ij.Macro.class.getDeclaredField("abort"); // what IJ.run checks when a command returns
        abort.setAccessible(true);
        FakeJobs fake = new FakeJobs();
        fake.failure = new java.io.IOException("a.fits: not a FITS file");
        try {
            abort.setBoolean(null, false);
            BuildMosaicCommand menu = fake.buildMosaic(context, dir.toFile()); // no macro: nothing to stop
            menu.run();
            assertTrue(menu.isCanceled());
            assertFalse(abort.getBoolean(null));

            BuildMosaicCommand line = fake.buildMosaic(context, dir.toFile());
            Thread macro = new Thread(() -> {
                ij.Macro.setOptions("output=[" + dir + "]");
                try { line.run(); } finally { ij.Macro.setOptions(null); }
            }, "Run$_macro");
            macro.start();
            macro.join();
            assertEquals("a.fits: not a FITS file", line.getCancelReason());
            assertTrue(abort.getBoolean(null), "the macro stops after the failed line");
        } finally {
            abort.setBoolean(null, false);
        }
    }

    @Test
    void aSecondCommandStartedWhileOneWorksIsCancelledNamingIt(@TempDir Path dir) throws Exception {
        FakeJobs first = new FakeJobs(), second = new FakeJobs();
        BuildMosaicCommand a = first.buildMosaic(context, dir.resolve("a").toFile());
        BuildMosaicCommand b = second.buildMosaic(context, dir.resolve("b").toFile());
        first.whileRunning = b::run;
        a.run();
        assertFalse(a.isCanceled(), a.getCancelReason());
        assertTrue(b.isCanceled());
        assertEquals("another Tessera run is working in this Fiji (into " + dir.resolve("a") + "): start this one when it"
                + " has ended (Esc cancels it); two at once would write into each other's tessera.log", b.getCancelReason());
        assertEquals(List.of(), second.calls);
    }

    @Test
    void aMacroLineWithAMistypedKeyIsRefusedNamingTheKeys(@TempDir Path dir) throws Exception {
        assertEquals(List.of("input", "output", "coverage", "settings"),
                MacroOptions.keys("input=[/a b=c] output=/d coverage settings=[x=1 y=\"2 3\"]"));
        FakeJobs fake = new FakeJobs();
        BuildMosaicCommand c = fake.buildMosaic(context, dir.toFile());
        Thread macro = new Thread(() -> {
            ij.Macro.setOptions("inpt=[" + dir + "] output=[" + dir + "]");
            try { c.run(); } finally { ij.Macro.setOptions(null); }
        }, "Run$_macro");
        java.lang.reflect.Field abort = ij.Macro.class.getDeclaredField("abort");
        abort.setAccessible(true);
        try {
            macro.start();
            macro.join();
        } finally {
            abort.setBoolean(null, false);
        }
        assertTrue(c.isCanceled());
        assertEquals("unknown key 'inpt' in the macro line; Build Mosaic... takes input, image, output, config, mode,"
                + " rejection, combine, demosaic, gpu, settings, coverage", c.getCancelReason());
        assertEquals(List.of(), fake.calls, "nothing runs: not the default sky for an input the line misspelt");
    }

    @Test
    void aCancelledRunCancelsTheCommandWithoutAnError(@TempDir Path dir) throws Exception {
        FakeJobs fake = new FakeJobs();
        fake.failure = new java.util.concurrent.CancellationException("cancelled by the user during Phase 3");
        BuildMosaicCommand c = fake.buildMosaic(context, dir.toFile());
        c.run();
        assertTrue(c.isCanceled());
        assertEquals("cancelled by the user", c.getCancelReason());
        assertNull(c.mosaic);
        assertTrue(logged.contains("INFO [command] cancelled by the user"), logged.toString());
        // what the rerun reuses, in the command line's words (a Fiji user cancels with Esc)
        assertTrue(logged.contains("INFO [command] rerun the same command to go on (a mosaic run reuses its finished master"
                + " tiles and plate solutions)"), logged.toString());
        assertTrue(logged.stream().noneMatch(l -> l.startsWith("ERROR")), logged.toString());
    }

    @Test
    void escInImageJStopsTheCommandButAnEscPressedBeforeTheRunDoesNot(@TempDir Path dir) throws Exception {
        try {
            // In Fiji the menu runs these commands, not the ImageJ 1 plugins: Esc must reach them too.
            FakeJobs fake = new FakeJobs();
            fake.whileRunning = () -> ij.IJ.setKeyDown(java.awt.event.KeyEvent.VK_ESCAPE);
            BuildMosaicCommand c = fake.buildMosaic(context, dir.resolve("a").toFile());
            c.run();
            assertTrue(c.isCanceled());
            assertEquals("cancelled by the user", c.getCancelReason());
            assertEquals("cancelled", LastRun.get("status"));
            assertFalse(Files.exists(dir.resolve("a/mosaic.fits")));

            ij.IJ.setKeyDown(java.awt.event.KeyEvent.VK_ESCAPE); // pressed before: not meant for this run
            BuildMosaicCommand next = new FakeJobs().buildMosaic(context, dir.resolve("b").toFile());
            next.run();
            assertFalse(next.isCanceled(), next.getCancelReason());
            assertEquals("ok", LastRun.get("status"));
        } finally {
            ij.IJ.resetEscape();
        }
    }

    @Test
    void commandServiceRunsTheCommandsHeadless(@TempDir Path dir) throws Exception {
        CommandService commands = context.service(CommandService.class);
        // Plumbing through CommandService: parameters are injected and the job is validated
        // before the pipeline is called, so a missing input cancels with a message naming it.
        File missing = dir.resolve("no_such_folder").toFile();
        CommandModule m = commands.run(ReprojectCoaddCommand.class, true,
                "input", missing, "output", dir.resolve("out").toFile(), "kernel", "lanczos3").get();
        assertTrue(m.isCanceled());
        assertEquals("input not found: " + missing.getAbsolutePath(), m.getCancelReason());
        assertTrue(logged.contains("ERROR Tessera: input not found: " + missing.getAbsolutePath()), logged.toString());

        Path frame = Files.writeString(dir.resolve("f.fits"), "x");
        CommandModule bad = commands.run(StackFramesCommand.class, true,
                "input", frame.toFile(), "output", dir.resolve("t.fits").toFile(), "rejection", "sigma").get();
        assertTrue(bad.getCancelReason().startsWith("rejection: expected one of config, winsorized_sigma_clip"),
                bad.getCancelReason());

        CommandModule about = commands.run(AboutTesseraCommand.class, true).get();
        assertTrue(((String) about.getOutput("about")).startsWith("Tessera "), (String) about.getOutput("about"));
    }
}
