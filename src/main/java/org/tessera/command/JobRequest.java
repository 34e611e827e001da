package org.tessera.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.stream.Stream;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsReadException;
import org.tessera.io.FrameScanner;
import org.tessera.io.FrameSelection;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.pipeline.OutputLock;
import org.tessera.pipeline.OutputRun;

/**
 * One validated job as a front gathered it: what to run, on which inputs, where to, with which
 * settings. Paths are absolute. For {@link Job#STACK} and {@link Job#REPROJECT} folders among the
 * inputs are expanded to their FITS files; {@link Job#MOSAIC} keeps folders as given (the
 * pipeline looks inside them, e.g. for a Grid-mode {@code stack_plan.csv}).
 *
 * @param output the output folder (mosaic, reproject) or the output FITS file (stack)
 * @param warnings notes for the user that do not stop the run (e.g. unknown config keys)
 */
public record JobRequest(Job job, List<Path> inputs, Path output, Config config, List<String> warnings) {

    /** File name endings read as FITS, lower case. */
    public JobRequest {
        inputs = List.copyOf(inputs);
        warnings = List.copyOf(warnings);
    }

    /**
     * Checks and normalises a job.
     * @throws IllegalArgumentException naming the offending path or argument
     * @throws IOException when a folder cannot be listed
     */
    public static JobRequest of(Job job, List<Path> inputs, Path output, Config config, List<String> warnings)
            throws IOException {
        if (output == null) throw new IllegalArgumentException(job.word() + ": no output given");
        Path out = output.toAbsolutePath().normalize();
        // "~/out" in quotes made a folder named "~" in the current folder (a later "rm -rf ~" to tidy it
        // up removes the home folder); a "~" folder that exists already is taken as meant
        if (!tildeHint(output).isEmpty() && !Files.exists(output.getName(0).toAbsolutePath()))
            throw new IllegalArgumentException("output " + output + " would be made in a new folder named '"
                    + output.getName(0) + "' in " + Path.of("").toAbsolutePath() + tildeHint(output));
        List<Path> in = new ArrayList<>();
        for (Path p : inputs) {
            Path a = p.toAbsolutePath().normalize();
            if (!Files.exists(a)) throw new IllegalArgumentException("input not found: " + a + tildeHint(p));
            if (job != Job.MOSAIC && Files.isDirectory(a)) in.addAll(fitsFiles(a));
            else in.add(a);
        }
        switch (job) {
            case MOSAIC, REPROJECT -> {
                if (Files.exists(out) && !Files.isDirectory(out))
                    throw new IllegalArgumentException("output must be a folder, but is a file: " + out);
                refuseToOverwriteAnInput(out, in);
            }
            case STACK -> {
                if (Files.isDirectory(out))
                    throw new IllegalArgumentException("output must be a FITS file name, but is a folder: " + out);
                if (!isFits(out))
                    throw new IllegalArgumentException("output must be a FITS file name ending in .fits, .fit or .fts: " + out);
                refuseToOverwriteAFrame(out, in);
            }
        }
        if (job != Job.MOSAIC && in.isEmpty())
            throw new IllegalArgumentException(job.word() + ": no input " + (job == Job.STACK ? "frames" : "images") + " given");
        return new JobRequest(job, in, out, config, warnings);
    }

    /**
     * A job as the menus gather it: one input (folder or file; none for the default sky), one
     * output, an optional config file, drop-down {@link Choices} and free settings text.
     */
    public static JobRequest fromForm(Job job, Path input, Path output, Path configFile,
                                      Map<String, String> choices, String settings) throws IOException {
        List<String> assignments = JobSettings.split(settings);
        String repeated = JobSettings.repeatedKey(assignments); // as the command line's --set twice
        if (repeated != null) throw new IllegalArgumentException("settings: " + repeated + ": give it once");
        Config cfg = JobSettings.build(configFile, choices, assignments);
        return of(job, input == null ? List.of() : List.of(input), output, cfg, JobSettings.warnings(cfg));
    }

    /** Where the run log goes: the output folder, or the folder of the stacked file. */
    public Path logDir() {
        return job == Job.STACK ? output.getParent() : output;
    }

    /**
     * Starts this job's run as every front does: holds its output, then opens its run log in
     * {@link #logDir()} with the front's handlers ({@link OutputRun}). A mosaic or reproject job
     * owns its output folder, a stack job its output file (see {@link #run}). A run refused because
     * another holds the output throws here, before it has written anything into that run's log.
     *
     * @throws IOException the refusal (naming the folder or file and the run holding it), or
     *                     "cannot write the run log in …"
     */
    public OutputRun start(Handler... frontHandlers) throws IOException {
        return job == Job.STACK ? OutputRun.file(output, frontHandlers) : OutputRun.folder(output, frontHandlers);
    }

    /**
     * Runs the job through {@code jobs}. A mosaic or reproject job owns its output folder: it holds
     * the folder's {@link OutputLock}, so a second run into it stops at once instead of moving or
     * overwriting this one's files. A stack job holds its output file ({@link OutputLock#acquireFile}):
     * stacks of other files may share its folder, a second stack onto the same file and a mosaic
     * owning the folder (or one above it) may not. The fronts hold it already ({@link #start}): this
     * run re-enters their hold.
     */
    public Outcome run(Jobs jobs, Progress progress) throws IOException {
        if (job == Job.STACK) {
            try (OutputLock lock = OutputLock.acquireFile(output)) {
                return jobs.stack(output, inputs, config, progress);
            }
        }
        try (OutputLock lock = OutputLock.acquire(output)) {
            return job == Job.MOSAIC ? jobs.mosaic(inputs, output, config, progress) : jobs.reproject(output, inputs, config, progress);
        }
    }

    /**
     * What to do after this run was stopped (a cancel in Fiji or ImageJ, Ctrl-C or a kill on the
     * command line), in the words every front uses: what its rerun reuses depends on the job and the
     * mode (Classic its master tiles and plate solutions, SDS its mega-tiles, Grid mode its tiles,
     * {@code resume=off} no tile), and a user who reruns on the strength of it must not lose work
     * they were told was kept.
     */
    public String rerunAdvice() {
        String solutions = "plate solutions (" + MosaicPipeline.SOLVED_WCS_DIR + "/)";
        return switch (job) {
            case STACK -> "rerun the same command to go on (it reuses the " + solutions + ")";
            case REPROJECT -> "rerun the same command to make it again";
            case MOSAIC -> {
                boolean grid = MosaicPipeline.gridPlan(inputs) != null; // its frames carry their WCS: no solutions
                if ("off".equalsIgnoreCase(String.valueOf(config.get("resume")).trim()))
                    yield "rerun the same command to start again (resume=off: every tile is made again"
                            + (grid ? ")" : "; the " + solutions + " are reused)");
                if (grid) yield "rerun the same command to go on (a Grid run reuses its finished tiles)";
                if (config.getBoolean("sds_mode_default"))
                    yield "rerun the same command to go on (an SDS run reuses its finished mega-tiles, or master tiles "
                            + "when it fell back to Classic, and plate solutions)";
                yield "rerun the same command to go on (a mosaic run reuses its finished master tiles and plate solutions)";
            }
        };
    }

    /** One line for the log, e.g. "mosaic: 2 inputs → /data/out". */
    public String describe() {
        String what = switch (job) {
            case MOSAIC -> inputs.isEmpty() ? "the built-in default sky" : count(inputs.size(), "input");
            case STACK -> count(inputs.size(), "frame");
            case REPROJECT -> count(inputs.size(), "image");
        };
        return job.word() + ": " + what + " → " + output;
    }

    /** The settings as one line of JSON, for the run log. */
    public String configLine() {
        return config.toJson().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * A stack replaces its output file, so that file must not be a frame: `tessera stack
     * frames/*.fits` (the output forgotten) would otherwise name the first raw frame as the output
     * and replace it with the stack of the others, and naming a frame among the inputs replaced it
     * with the stack it was read into. Only a file Tessera wrote (ORIGIN = 'Tessera', e.g. the
     * tile of an earlier stack) or an empty one is replaced. A file Tessera wrote is never read as a
     * frame (io.FrameSelection), so it is replaced also where the inputs hold it: `tessera stack
     * night1/m31.fits night1`, run again, stopped with "output is one of the input frames".
     */
    private static void refuseToOverwriteAFrame(Path out, List<Path> in) throws IOException {
        if (!Files.isRegularFile(out)) return;
        if (Files.size(out) > 0 && writtenByTessera(out)) return;
        for (Path p : in)
            if (Files.isSameFile(p, out))
                throw new IllegalArgumentException("output is one of the input frames: " + out
                        + " (the stack would replace it); choose another output file");
        if (Files.size(out) == 0) return;
        throw new IllegalArgumentException("output exists and is not a file Tessera wrote: " + out
                + " (a frame? the stack would replace it); choose another output file, or delete it first");
    }

    private static boolean writtenByTessera(Path file) {
        try {
            return FrameSelection.writtenByTessera(FitsFrame.open(file).keys());
        } catch (FitsReadException e) {
            return false;
        }
    }

    /**
     * A mosaic or reproject job writes mosaic.fits, mosaic_coverage.fits and mosaic_preview.png
     * into its output folder: an input file at one of those places would be replaced by the
     * result it was read into ('tessera reproject rp rp/mosaic.fits rp/b.fits' replaced the image
     * mosaic.fits, exit 0).
     */
    private static void refuseToOverwriteAnInput(Path out, List<Path> in) throws IOException {
        for (String name : List.of(MosaicPipeline.MOSAIC, MosaicPipeline.COVERAGE, MosaicPipeline.PREVIEW)) {
            Path target = out.resolve(name);
            if (!Files.isRegularFile(target)) continue;
            for (Path p : in)
                if (Files.isRegularFile(p) && Files.isSameFile(p, target))
                    throw new IllegalArgumentException("input " + p + " is where this run writes its " + name
                            + " (it would be replaced); choose another output folder");
        }
    }

    /**
     * " ('~' is …)" when {@code given} starts with "~" (a relative path whose first name does), else
     * "": a shell expands "~" to the home folder only where it is not quoted ({@code "~/m94"} is not),
     * and Fiji's fields and macros never do, so the path was read as a folder named "~" here.
     */
    static String tildeHint(Path given) {
        if (given.isAbsolute() || given.getNameCount() == 0 || !given.getName(0).toString().startsWith("~")) return "";
        String first = given.getName(0).toString();
        String full = first.equals("~") ? Path.of(System.getProperty("user.home"))
                .resolve(given.getNameCount() > 1 ? given.subpath(1, given.getNameCount()) : Path.of("")).toString() : null;
        return " ('~' means the home folder only where a shell expands it, not inside quotes nor in Fiji: write the "
                + "full path" + (full == null ? "" : ", e.g. " + full) + ")";
    }

    /** A FITS name as the folder search takes one ({@link FrameScanner#isFitsName}); false for a root. */
    static boolean isFits(Path p) {
        return p.getFileName() != null && FrameScanner.isFitsName(p);
    }

    /**
     * The FITS files directly inside a folder, sorted by name: *.fit, *.fits, *.fts and those
     * gzip'ed or fpack'ed ({@link FrameScanner#isCompressedFitsName}), any case.
     */
    static List<Path> fitsFiles(Path dir) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.sorted().toList();
        }
        List<Path> files = all.stream().filter(Files::isRegularFile)
                .filter(FrameScanner::isFrameName).toList();
        if (files.isEmpty()) {
            // say what the folder does hold: frames in night sub-folders
            List<Path> subs = all.stream().filter(Files::isDirectory).toList();
            throw new IllegalArgumentException("no FITS files (" + FrameScanner.FITS_PATTERNS + ") in folder " + dir
                    + (subs.isEmpty() ? FrameScanner.otherFiles(all.stream().filter(Files::isRegularFile).toList())
                            : " (stack and reproject read the files of the folder named, not of its "
                            + "subfolders: name them, e.g. " + subs.get(0) + ")"));
        }
        return files;
    }
}
