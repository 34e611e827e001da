package org.tessera.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.tessera.command.Choices;
import org.tessera.command.Errors;
import org.tessera.command.Job;
import org.tessera.command.JobRequest;
import org.tessera.command.JobSettings;
import org.tessera.command.Jobs;
import org.tessera.command.OutcomeReport;
import org.tessera.command.TesseraVersion;
import org.tessera.config.Config;
import org.tessera.gpu.DefaultGpuService;
import org.tessera.gpu.GpuHealth;
import org.tessera.gpu.GpuSettings;
import org.tessera.pipeline.ConsoleProgress;
import org.tessera.pipeline.MosaicPipeline.Outcome;
import org.tessera.pipeline.OutputRun;
import org.tessera.pipeline.RunLog;

/**
 * {@code tessera mosaic|stack|reproject ...}: the command-line front (run by {@code bin/tessera}).
 * Exit status: 0 success, 1 some inputs were skipped or a step was not applied to an output that
 * was kept (the final background extraction after it failed), 2 usage or fatal error.
 */
public final class Main {

    public static final int OK = 0;
    /** Some inputs skipped, or a step not applied to an output that was kept. */
    public static final int SKIPPED = 1;
    public static final int ERROR = 2;

    /** Where {@code tessera mosaic} writes when no output folder is given. */
    public static final Path DEFAULT_OUTPUT = Paths.get("tessera-out");

    /** Not a static field: its first call sets up the JVM's logging, which is left until a job needs it (see {@link #main}). */
    private static Logger log() {
        return Logger.getLogger("org.tessera.cli");
    }
    /**
     * Constants, one per command: printing one allocates next to nothing when the heap is exhausted.
     * Before the command is known, the one without a command word.
     */
    private static final String OUT_OF_MEMORY = outOfMemory(null);
    private static final Map<Job, String> OUT_OF_MEMORY_IN = new java.util.EnumMap<>(Map.of(
            Job.MOSAIC, outOfMemory(Job.MOSAIC), Job.STACK, outOfMemory(Job.STACK), Job.REPROJECT, outOfMemory(Job.REPROJECT)));

    private final Jobs jobs;
    /** What an out-of-memory error says: names the command once the command line has been read. */
    private volatile String outOfMemory = OUT_OF_MEMORY;

    public Main(Jobs jobs) {
        this.jobs = jobs;
    }

    public static void main(String[] args) {
        if (args.length > 0 && !List.of(args).contains("--version") && !List.of(args).contains("-V")
                && !List.of(args).contains("--help") && !List.of(args).contains("-h")) warmUp();
        // exit explicitly: pipeline worker pools must not keep the JVM alive
        System.exit(new Main(Jobs.PIPELINE).exitStatus(args, System.out, System.err));
    }

    /** {@link #run}, and an out-of-memory error that escaped it said in one constant line naming the command. */
    int exitStatus(String[] args, PrintStream out, PrintStream err) {
        try {
            return run(args, out, err);
        } catch (OutOfMemoryError e) { // a heap too small even to report on the run: a constant message
            err.println(outOfMemory);
            return ERROR;
        }
    }

    /**
     * Fills, on another core, two JDK caches that a job's main thread would otherwise fill itself
     * later while it parses the command line, sets up logging (JUL's first logger: its
     * configuration and a search of every jar for a logger service) and reads the first headers:
     * the locale data behind number formatting (the first {@code String.format} of a fresh JVM)
     * and the time-zone names behind {@code Date.toString()} (nom.tam-fits prints a date while
     * setting up its header keywords). Each costs tens of milliseconds in a fresh JVM, a tenth of
     * a small job. Only JDK classes are touched: initialising Tessera's or a library's classes from
     * two threads at once could deadlock. The run does not wait for this thread, nor depend on it.
     */
    static Thread warmUp() {
        Thread t = new Thread(() -> {
            try {
                String.format(Locale.ROOT, "%d %.1f", 1, 1.0);
                String.valueOf(new java.util.Date());
            } catch (RuntimeException e) {
                // nothing lost: the job meets the same call itself and reports what goes wrong there
            }
        }, "tessera-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Runs one command line; never throws, never exits. */
    public int run(String[] args, PrintStream out, PrintStream err) {
        int gpuAt = gpuCommand(args);
        if (gpuAt >= 0) { // options may come before the command word, as for the other commands
            List<String> rest = new ArrayList<>(List.of(args));
            rest.remove(gpuAt);
            return gpu(rest.toArray(String[]::new), out, err);
        }
        CommandLine cl;
        try {
            cl = CommandLine.parse(args);
        } catch (UsageException e) { // named by its command when the line has one, as every later message is
            String who = who(CommandLine.commandOf(args));
            err.println(who + ": " + e.getMessage());
            err.println("Run '" + who + " --help' for usage.");
            return ERROR;
        }
        String who = who(cl.job());
        if (cl.job() != null) outOfMemory = OUT_OF_MEMORY_IN.get(cl.job());
        if (cl.help()) {
            out.print(Usage.text(cl.job()));
            return OK;
        }
        if (cl.version()) {
            out.println("tessera " + TesseraVersion.get());
            return OK;
        }
        JobRequest request;
        try {
            request = request(cl);
        } catch (UsageException e) {
            err.println(who + ": " + e.getMessage());
            err.println("Run '" + who + " --help' for usage.");
            return ERROR;
        } catch (IOException | RuntimeException e) {
            err.println(who + ": error: " + Errors.describe(e));
            if (cl.verbose()) e.printStackTrace(err);
            return ERROR;
        }
        Level console = cl.quiet() ? Level.WARNING : cl.verbose() ? Level.FINE : Level.INFO;
        // The output held first: a run refused because another holds it writes nothing into that run's log.
        try (OutputRun run = request.start(RunLog.frontConsoleHandler(console, out, err));
             InterruptNotice notice = InterruptNotice.watch(run.log().file(), err, who, InterruptNotice.message(request))) {
            return execute(request, cl, run.log(), out);
        } catch (IOException e) {
            err.println(who + ": error: " + Errors.describe(e));
            if (cl.verbose()) e.printStackTrace(err);
            return ERROR;
        }
    }

    private int execute(JobRequest request, CommandLine cl, RunLog log, PrintStream out) {
        try {
            log().info(request.describe());
            log().fine("tessera " + TesseraVersion.get() + ", config: " + request.configLine());
            for (String w : request.warnings()) log().warning(w);
            Outcome outcome = request.run(jobs, new ConsoleProgress(out, cl.quiet()));
            for (String s : OutcomeReport.skipped(outcome)) log().warning("skipped " + s);
            for (String s : OutcomeReport.notApplied(outcome)) log().warning(s);
            // Output paths go to stdout even with --quiet: scripts read them.
            for (String line : OutcomeReport.outputs(outcome, log.file())) {
                out.println(line);
                log().fine(line);
            }
            List<String> summary = OutcomeReport.summary(outcome, log.file());
            for (String line : summary) log().warning(line);
            return summary.isEmpty() ? OK : SKIPPED;
        } catch (IOException | RuntimeException e) {
            // The file gets the stack trace; the console shows it only with --verbose.
            log().log(Level.SEVERE, "failed: " + Errors.logLine(e), e);
            return ERROR;
        }
    }

    /**
     * "tessera mosaic": the name every message about a command starts with (its usage errors, its
     * fatal errors, the notice of a stopped run), as {@code tessera gpu}'s do; "tessera" before a
     * command is known.
     */
    static String who(Job job) {
        return job == null ? "tessera" : "tessera " + job.word();
    }

    private static String outOfMemory(Job job) {
        return who(job) + ": error: out of memory: " + org.tessera.UserMessages.HEAP_HINT;
    }

    /** Where the command word {@code gpu} stands in {@code args} (after options only), or -1. */
    static int gpuCommand(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("gpu")) return i;
            if (a.equals("-c") || a.equals("--config") || a.equals("-s") || a.equals("--set")) i++; // and its value
            else if (!a.startsWith("-") || a.equals("--")) return -1;
        }
        return -1;
    }

    /**
     * {@code tessera gpu [--config FILE] [--set KEY=VALUE]...}: the GPU health report (driver,
     * device, the tiny allocation and kernel, VRAM). Exit 0 when the GPU is usable, 1 when not.
     */
    static int gpu(String[] args, PrintStream out, PrintStream err) {
        Path config = null;
        List<String> sets = new ArrayList<>();
        boolean verbose = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-v") || a.equals("--verbose")) verbose = true;
                else if ((a.equals("-c") || a.equals("--config")) && i + 1 < args.length) config = path(args[++i], "--config");
                else if ((a.equals("-s") || a.equals("--set")) && i + 1 < args.length) sets.add(args[++i]);
                else if (a.startsWith("--config=")) config = path(a.substring(9), "--config");
                else if (a.startsWith("--set=")) sets.add(a.substring(6));
                else if (a.equals("-q") || a.equals("--quiet")) continue; // warnings only: the default here
                else if (a.equals("-h") || a.equals("--help")) {
                    out.print(Usage.GPU);
                    return OK;
                } else throw new UsageException("unexpected argument '" + a + "'");
            }
            repeatedSets(sets);
        } catch (UsageException e) {
            err.println("tessera gpu: " + e.getMessage());
            err.println("Run 'tessera gpu --help' for usage.");
            return ERROR;
        }
        // The check's own warnings (a kernel image refused, say) in the CLI's format on stderr, not
        // in JUL's default two-line one; stdout keeps only the report. -v adds the debug lines.
        Logger tessera = Logger.getLogger("org.tessera");
        Level savedLevel = tessera.getLevel();
        boolean savedParents = tessera.getUseParentHandlers();
        java.util.logging.Handler console = RunLog.consoleHandler(verbose ? Level.FINE : Level.WARNING, err, err);
        tessera.addHandler(console);
        tessera.setUseParentHandlers(false);
        if (verbose) tessera.setLevel(Level.FINE);
        try {
            Config c = JobSettings.build(config, Map.of(), sets);
            GpuHealth h = DefaultGpuService.create().health(c);
            out.print(h.report(GpuSettings.fromConfig(c)));
            return h.healthy() ? OK : SKIPPED;
        } catch (IOException | RuntimeException e) {
            err.println("tessera gpu: error: " + Errors.describe(e));
            return ERROR;
        } finally {
            tessera.removeHandler(console);
            tessera.setUseParentHandlers(savedParents);
            tessera.setLevel(savedLevel);
        }
    }

    /**
     * A path argument; an empty one is refused. A script's unset variable ({@code tessera mosaic
     * "$IN" "$OUT"}) gave "": an empty INPUT_DIR read the current folder and everything under it as
     * frames, an empty OUTPUT_DIR wrote the mosaic into it.
     */
    static Path path(String arg, String name) throws UsageException {
        if (arg.isBlank()) throw new UsageException(name + " is an empty argument (an unset variable in a script?): name a path");
        return Paths.get(arg);
    }

    /**
     * Refuses one key given values that differ by two {@code --set}s ({@link JobSettings#repeatedKey},
     * the rule of the menus' settings field too), as {@code --config} or {@code --output} given two
     * values are refused. The same value twice is accepted.
     */
    static void repeatedSets(List<String> sets) throws UsageException {
        String repeated = JobSettings.repeatedKey(sets);
        if (repeated != null) throw new UsageException("--set " + repeated + ": give it once");
    }

    /** The command line as a validated job. */
    static JobRequest request(CommandLine cl) throws UsageException, IOException {
        List<String> args = cl.arguments();
        Job job = cl.job();
        List<Path> inputs = new ArrayList<>();
        Path output;
        switch (job) {
            case MOSAIC -> {
                if (args.size() > 2)
                    throw new UsageException("expects at most INPUT_DIR and OUTPUT_DIR, got " + args.size() + " arguments");
                if (args.size() == 2 && cl.output() != null && !JobSettings.samePath(path(args.get(1), "OUTPUT_DIR"), cl.output()))
                    throw new UsageException(JobSettings.outputGivenTwice(args.get(1), cl.output().toString()));
                if (!args.isEmpty()) inputs.add(path(args.get(0), "INPUT_DIR"));
                output = args.size() == 2 ? path(args.get(1), "OUTPUT_DIR") : cl.output() != null ? cl.output() : DEFAULT_OUTPUT;
            }
            case STACK, REPROJECT -> {
                if (args.size() < 2) {
                    throw new UsageException(job == Job.STACK
                            ? "expects OUTPUT.fits and at least one FRAME"
                            : "expects OUTPUT_DIR and at least one IMAGE");
                }
                output = path(args.get(0), job == Job.STACK ? "OUTPUT.fits" : "OUTPUT_DIR");
                for (String a : args.subList(1, args.size())) inputs.add(path(a, job == Job.STACK ? "FRAME" : "IMAGE"));
            }
            default -> throw new IllegalStateException(job.toString());
        }
        repeatedSets(cl.sets());
        // --mode is the "mode" choice of the Build Mosaic dialog; it and a --set of its key must agree.
        String clash = Choices.conflicting("mode", cl.mode(), cl.sets());
        if (clash != null)
            throw new UsageException("--mode " + cl.mode() + " and --set " + clash + " contradict each other: give one of them");
        Map<String, String> choices = cl.mode() == null ? Map.of() : Map.of("mode", cl.mode());
        Config config = JobSettings.build(cl.config(), choices, cl.sets());
        return JobRequest.of(job, inputs, output, config, JobSettings.warnings(config));
    }
}
