package org.tessera.ij1;

import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import ij.IJ;
import ij.Macro;
import ij.Prefs;
import ij.gui.GenericDialog;
import ij.plugin.frame.Recorder;
import ij.plugin.PlugIn;
import org.tessera.UserMessages;
import org.tessera.command.Choices;
import org.tessera.command.Errors;
import org.tessera.command.FrontRun;
import org.tessera.command.Job;
import org.tessera.command.JobRequest;
import org.tessera.command.LastRun;
import org.tessera.command.MacroOptions;
import org.tessera.command.Jobs;
import org.tessera.command.OutcomeReport;
import org.tessera.command.ProgressText;
import org.tessera.command.ResultImages;
import org.tessera.command.UserGuide;
import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.pipeline.OutputRun;
import org.tessera.pipeline.RunLog;

/**
 * Base of the ImageJ 1 shims: a GenericDialog (which reads macro options, also headless under
 * Fiji), then the same job the SciJava commands run. Macro keys are the first word of each label,
 * lower-cased, and equal the SciJava commands' field names. Results are readable from macros
 * through {@link LastRun}; a failure shows {@code IJ.error}, which also stops a running macro.
 */
abstract class TesseraPlugIn implements PlugIn {

    private static final Logger LOG = Logger.getLogger("org.tessera.ij1");

    enum Kind { FOLDER, FILE, SAVE, TEXT, CHOICE, CHECK }

    /** One dialog field; {@code key} must be the first word of {@code label}, lower-cased. */
    record Field(String key, String label, Kind kind, List<String> choices) {
        static Field folder(String key, String label) { return new Field(key, label, Kind.FOLDER, List.of()); }
        static Field file(String key, String label) { return new Field(key, label, Kind.FILE, List.of()); }
        /** A FITS file to write: a text field with a Save dialog button. */
        static Field save(String key, String label) { return new Field(key, label, Kind.SAVE, List.of()); }
        static Field text(String key, String label) { return new Field(key, label, Kind.TEXT, List.of()); }
        static Field choice(String key, String label, List<String> values) { return new Field(key, label, Kind.CHOICE, values); }
        static Field check(String key, String label) { return new Field(key, label, Kind.CHECK, List.of()); }

        String defaultValue() {
            return kind == Kind.CHOICE ? choices.get(0) : kind == Kind.CHECK ? "false" : "";
        }
    }

    static final Field CONFIG = Field.file("config", "Config file (JSON, optional)");
    static final Field MODE = Field.choice("mode", "Mode", Choices.MODE);
    static final Field REJECTION = Field.choice("rejection", "Rejection", Choices.REJECTION);
    static final Field COMBINE = Field.choice("combine", "Combine", Choices.COMBINE);
    static final Field DEMOSAIC = Field.choice("demosaic", "Demosaic", Choices.DEMOSAIC);
    static final Field GPU = Field.choice("gpu", "GPU", Choices.GPU);
    static final Field KERNEL = Field.choice("kernel", "Kernel", Choices.KERNEL);
    static final Field SETTINGS = Field.text("settings", "Settings (key=value ...)");
    static final Field COVERAGE = Field.check("coverage", "Coverage map too");

    /** The pipeline; tests swap in a fake. */
    Jobs jobs = Jobs.PIPELINE;

    private final Job job;
    private final String title;
    private final List<Field> fields;

    /** A shim runs {@code job} from a dialog titled {@code title} with {@code fields}, in that order. */
    TesseraPlugIn(Job job, String title, List<Field> fields) {
        this.job = job;
        this.title = title;
        this.fields = fields;
    }

    Job job() {
        return job;
    }

    String title() {
        return title;
    }

    List<Field> fields() {
        return fields;
    }

    /** The menu label macros call, e.g. "Build Mosaic..." for the dialog "Tessera: Build Mosaic". */
    String menuLabel() {
        return title.substring(title.indexOf(':') + 2) + "...";
    }

    @Override
    public void run(String arg) {
        String options = Macro.getOptions();
        if (options == null && startedWithBatch()) { // run("Build Mosaic...") with no keys: a dialog no one sees, blocking for ever
            fail(keysNeededUnderBatch());
            return;
        }
        if (options != null) { // ImageJ would ignore a mistyped key: Build Mosaic's inpt=[...] gave the default sky
            List<String> known = fields().stream().map(Field::key).toList();
            try { // image=: Fiji's, refused below with its own reason, so not listed among the keys taken here
                MacroOptions.check(options, known, List.of("image"), menuLabel());
            } catch (IllegalArgumentException e) {
                fail(e.getMessage());
                return;
            }
        }
        Map<String, String> values = showDialog();
        if (values != null) execute(values);
    }

    /** Why a line without keys cannot run under {@code ImageJ -batch}, with a line that can. */
    String keysNeededUnderBatch() {
        String label = menuLabel();
        String example = job() == Job.STACK ? "input=[/data/frames] output=[/data/tile.fits]" : "input=[/data/frames] output=[/data/out]";
        return label + " needs its keys under ImageJ -batch, where no dialog can be answered: e.g. run(\"" + label
                + "\", \"" + example + "\")";
    }

    /** @return the values by macro key, or null when the user cancelled */
    private Map<String, String> showDialog() {
        boolean macro = Macro.getOptions() != null;
        GenericDialog gd = new GenericDialog(title());
        // File and folder fields get a Browse button, except headless where only text fields exist.
        boolean plain = GraphicsEnvironment.isHeadless();
        for (Field f : fields()) {
            String def = initial(job(), f, macro);
            switch (f.kind()) {
                case FOLDER -> { if (plain) gd.addStringField(f.label(), def, 40); else gd.addDirectoryField(f.label(), def, 40); }
                case FILE -> { if (plain) gd.addStringField(f.label(), def, 40); else gd.addFileField(f.label(), def, 40); }
                case SAVE -> {
                    gd.addStringField(f.label(), def, 40);
                    if (!plain && !macro) saveButton(gd, (java.awt.TextField) gd.getStringFields().lastElement());
                }
                case TEXT -> gd.addStringField(f.label(), def, 40);
                case CHOICE -> gd.addChoice(f.label(), f.choices().toArray(new String[0]), def);
                case CHECK -> gd.addCheckbox(f.label(), Boolean.parseBoolean(def));
            }
        }
        gd.addMessage("'(default)' keeps the config file's value when one is given.\n"
                + "Settings: more config keys as key=value pairs separated by spaces, applied last.");
        gd.addHelp(UserGuide.URL); // a Help button; IJ opens the page in the browser
        gd.showDialog();
        if (gd.wasCanceled()) {
            Recorder.disableCommandRecording(); // else the recorder writes a bare run("Build Mosaic...") line
            return null;
        }
        // A Browse button's chooser records its choice as an option of its own ("select=", empty when
        // cancelled), which is no key of this command: drop it; the fields are recorded just below.
        if (!macro && Recorder.record) Recorder.resetCommandOptions();
        Map<String, String> values = new LinkedHashMap<>();
        String options = Macro.getOptions();
        for (Field f : fields()) {
            if (f.kind() == Kind.CHECK) {
                values.put(f.key(), Boolean.toString(ticked(options, f.key(), gd.getNextBoolean())));
                continue;
            }
            if (f.kind() != Kind.CHOICE) {
                values.put(f.key(), gd.getNextString().trim());
                continue;
            }
            String chosen = gd.getNextChoice();
            // Headless dialogs fall back to the default on a value they do not offer; take the
            // macro's own word so that a typo is refused rather than silently replaced.
            String typed = options == null ? null : Macro.getValue(options, f.label(), null);
            values.put(f.key(), typed != null ? typed : chosen);
        }
        // Fiji's commands also take image=<title> (an open image); here it is refused, not dropped.
        String image = options == null ? null : Macro.getValue(options, "image", null);
        if (image != null) values.put("image", image);
        if (!macro) remember(job(), values);
        return values;
    }

    /**
     * What field {@code f} of {@code job}'s dialog starts with: the value of the last dialog a person
     * confirmed (ImageJ's preferences, so also after a restart), or its default; a macro always gets
     * the default, so that a macro line gives the same job on every machine.
     */
    static String initial(Job job, Field f, boolean macro) {
        return macro ? f.defaultValue() : Prefs.get(prefKey(job, f.key()), f.defaultValue());
    }

    /** Keeps a confirmed dialog's values in ij.Prefs, which ImageJ writes to IJ_Prefs.txt when it quits. */
    static void remember(Job job, Map<String, String> values) {
        values.forEach((key, value) -> Prefs.set(prefKey(job, key), value));
    }

    private static String prefKey(Job job, String key) {
        return "tessera." + job.word() + "." + key;
    }

    /**
     * A box as a macro line sets it: ImageJ's bare word ({@code coverage}, which the dialog has already
     * read into {@code dialog}) or {@code coverage=true|false}, the form Fiji records for its commands,
     * so that a line recorded in Fiji replays here.
     */
    static boolean ticked(String options, String key, boolean dialog) {
        String typed = options == null ? null : Macro.getValue(options, key, null);
        return typed != null ? Boolean.parseBoolean(typed.trim()) : dialog;
    }

    /** GenericDialog's Browse only opens files: a Save dialog for the output FITS name instead. */
    private static void saveButton(GenericDialog gd, java.awt.TextField field) {
        gd.addButton("Save as…", e -> {
            java.io.File current = new java.io.File(field.getText().trim());
            ij.io.SaveDialog sd = new ij.io.SaveDialog("Stacked tile (FITS)",
                    current.getParent(), current.getName().isEmpty() ? "tile" : current.getName(), ".fits");
            if (sd.getFileName() != null) field.setText(sd.getDirectory() + sd.getFileName());
        });
    }

    /** Runs the job for the dialog values; records the result for {@link LastRun}. */
    void execute(Map<String, String> values) {
        LastRun.clear();
        IJ.resetEscape(); // an Esc pressed before this run must not cancel it
        JobRequest request;
        try {
            request = request(values);
        } catch (IOException | RuntimeException e) {
            fail(Errors.describe(e));
            return;
        }
        // The output held first: a run refused because another holds it writes nothing into that run's log.
        try (FrontRun one = FrontRun.hold(request); OutputRun run = request.start(new IJLogHandler())) {
            RunLog log = run.log();
            try {
                LOG.info(request.describe());
                LOG.fine("config: " + request.configLine());
                for (String w : request.warnings()) LOG.warning(w);
                // No ImageJ window (-batch, headless Fiji): no bar either, so progress goes to the Log.
                Outcome o = request.run(jobs, new IJProgress(ProgressText.headlessLines(IJ.getInstance() == null, LOG::info)));
                for (String line : OutcomeReport.outputs(o, log.file())) LOG.info(line);
                for (String line : OutcomeReport.skipped(o)) LOG.warning("skipped " + line);
                for (String line : OutcomeReport.notApplied(o)) LOG.warning(line);
                for (String line : OutcomeReport.summary(o, log.file())) LOG.warning(line);
                LastRun.succeeded(o, request.output(), log.file(), job() == Job.STACK);
                IJ.showProgress(1.0);
                IJ.showStatus("Tessera: done");
                if (IJ.isMacro() || IJ.getInstance() != null) // a macro or the desktop app; plain Java callers get nothing opened
                    show(ResultImages.open(request, o, Boolean.parseBoolean(values.get("coverage")), LOG::warning));
            } catch (IOException | RuntimeException e) {
                String msg = Errors.describe(e);
                if (UserMessages.isCancel(e)) { // as asked, not a failure: no error dialog, nothing recorded
                    LOG.info(msg);
                    LOG.info(request.rerunAdvice()); // what the stopped run leaves for its rerun, as the command line says
                    LastRun.cancelled(msg);
                    Recorder.disableCommandRecording();
                    IJ.showProgress(1.0);
                    IJ.showStatus("Tessera: " + msg);
                    return;
                }
                LOG.log(Level.SEVERE, "failed: " + Errors.logLine(e), e);
                fail(msg);
            }
        } catch (IOException e) { // refused, or no log: nothing was run
            fail(Errors.describe(e));
        }
    }

    /** The coverage first, so that the mosaic, shown last, is the selected image. */
    private static void show(ResultImages images) {
        if (images.coverage() != null) images.coverage().show();
        if (images.image() != null) images.image().show();
    }

    /** The dialog values (by macro key) as a job. */
    JobRequest request(Map<String, String> values) throws IOException {
        String image = values.get("image");
        if (image != null && !image.isBlank())
            throw new IllegalArgumentException("image=" + image.trim() + ": an open image is taken by Fiji's Tessera commands"
                    + " only; in ImageJ 1 give the FITS file or its folder as input=[...]");
        Map<String, String> choices = new LinkedHashMap<>();
        for (Field f : fields()) if (f.kind() == Kind.CHOICE) choices.put(f.key(), values.get(f.key()));
        return JobRequest.fromForm(job(), path(values.get("input")), path(values.get("output")),
                path(values.get("config")), choices, values.get("settings"));
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Paths.get(s.trim());
    }

    private static void fail(String message) {
        LastRun.failed(message);
        IJ.showProgress(1.0);
        IJ.showStatus("Tessera failed");
        if (startedWithBatch()) {
            // ImageJ -batch: no one can close a dialog, and ImageJ would exit 0 after the macro.
            System.err.println("Tessera: " + message);
            System.err.flush();
            System.exit(1);
        }
        IJ.error("Tessera", message);
    }

    /** Whether ImageJ 1 was started as {@code ImageJ -batch macro} (its own flag; no other way to tell). */
    static boolean startedWithBatch() {
        if (IJ.getInstance() != null) return false;
        try {
            java.lang.reflect.Field f = ij.ImageJ.class.getDeclaredField("batchMode");
            f.setAccessible(true);
            return f.getBoolean(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false; // another ImageJ 1: fall back to IJ.error
        }
    }
}
