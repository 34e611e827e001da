package org.tessera.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.tessera.command.Errors;
import org.tessera.command.JobSettings;
import org.tessera.command.OutcomeReport;
import org.tessera.config.Config;
import org.tessera.pipeline.OutputRun;
import org.tessera.pipeline.RunLog;

/**
 * {@code tessera-spark mosaic [INPUT_DIR] [OUTPUT_DIR] [--output DIR] [--config FILE] [--set key=value]...}: the
 * mosaic job on Spark with the same keys, config file and outputs as {@code bin/tessera mosaic}.
 * Run by {@code bin/tessera-spark} (master {@code local[*]} unless {@code --master} or
 * {@code spark.master} says otherwise) or by {@code spark-submit --class org.tessera.spark.Main}.
 */
public final class Main {
    private Main() {}

    static final String USAGE = """
            Usage: tessera-spark mosaic [INPUT_DIR] [OUTPUT_DIR] [options]
              Tessera's Classic mosaic with Phase 3 (one task per group) on Apache Spark; the same
              keys, config file and outputs as 'tessera mosaic'. No INPUT_DIR: the built-in demo sky.
              INPUT_DIR and OUTPUT_DIR: paths on a file system every executor sees, or URIs
              of any Hadoop-compatible file system (hdfs://…, s3a://…, file:…).
            Options:
              -c, --config FILE     JSON settings (as bin/tessera)
              -s, --set KEY=VALUE   one setting (repeatable)
              -o, --output DIR      output folder (as OUTPUT_DIR; default ./tessera-out)
              -m, --master URL      Spark master (default: spark.master, else local[*])
              -h, --help            this text
            """;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, null);
    }

    /** {@code shared}: a running context to use (and leave running: tests share one a JVM), or null to start one. */
    static int run(String[] args, PrintStream out, PrintStream err, JavaSparkContext shared) {
        List<String> positional = new ArrayList<>(), sets = new ArrayList<>();
        Path configFile = null;
        String master = null, outputOption = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help" -> { out.print(USAGE); return 0; }
                    // An option given twice: the same value is fine (scripts append options), two
                    // values are refused naming both, as bin/tessera does.
                    case "-c", "--config" -> configFile = Path.of(once("--config", configFile == null ? null : configFile.toString(),
                            value(args, ++i, a)));
                    case "-s", "--set" -> sets.add(value(args, ++i, a));
                    case "-m", "--master" -> master = once("--master", master, value(args, ++i, a));
                    case "-o", "--output" -> outputOption = once("--output", outputOption, value(args, ++i, a));
                    default -> {
                        if (a.startsWith("-")) throw new IllegalArgumentException("unknown option: " + a);
                        positional.add(a);
                    }
                }
            }
            if (positional.isEmpty() || !positional.get(0).equals("mosaic"))
                throw new IllegalArgumentException("expects the command 'mosaic' (the one job that runs on Spark)");
            if (positional.size() > 3) throw new IllegalArgumentException("expects at most INPUT_DIR and OUTPUT_DIR");
            if (positional.size() == 3 && outputOption != null && !samePlace(positional.get(2), outputOption))
                throw new IllegalArgumentException(JobSettings.outputGivenTwice(positional.get(2), outputOption));
            String repeated = JobSettings.repeatedKey(sets);
            if (repeated != null) throw new IllegalArgumentException("--set " + repeated + ": give it once");
        } catch (IllegalArgumentException e) {
            err.println("tessera-spark: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        List<String> inputs = positional.size() > 1 ? List.of(positional.get(1)) : List.of();
        String output = positional.size() > 2 ? positional.get(2) : outputOption != null ? outputOption : "tessera-out";
        try {
            Config config = JobSettings.build(configFile, Map.of(), sets);
            for (String w : JobSettings.unknownKeyWarnings(sets)) err.println("tessera-spark: warning: " + w);
            for (String in : inputs) // before a Spark context is started for nothing (a URI is checked by the run)
                if (!FsAccess.isUri(in) && !java.nio.file.Files.exists(Path.of(in))) throw new IOException(in + ": input does not exist");
            SparkConf conf = new SparkConf().setAppName("Tessera mosaic").setIfMissing("spark.master", "local[*]");
            if (master != null) conf.setMaster(master);
            // The run log goes to the output folder; for a URI, to a local folder first, put there at the end.
            boolean uri = FsAccess.isUri(output);
            Path logDir = uri ? java.nio.file.Files.createTempDirectory("tessera-spark-log") : Path.of(output);
            SparkMosaic.Result o;
            FsAccess fs;
            // The output folder held before its log is opened: a run refused because another holds it
            // writes nothing into that run's tessera.log (a URI's log folder is this run's own).
            // The console names each skipped input once, in the list at the end (the phases' own
            // warnings about them are held back, and shown before a failure: below).
            try (OutputRun run = OutputRun.folder(logDir, RunLog.frontConsoleHandler(Level.INFO, out, err));
                 JavaSparkContext own = shared == null ? new JavaSparkContext(conf) : null) {
                JavaSparkContext sc = own != null ? own : shared;
                sc.setLogLevel("WARN"); // Tessera's own lines, not Spark's INFO chatter (the Spark UI has it)
                fs = Staging.access(sc);
                try {
                    o = new SparkMosaic(sc).mosaic(inputs, output, config, (f, m) -> { });
                } catch (IOException | RuntimeException e) {
                    // Through the log: the console shows what it held back first, and the file keeps the trace.
                    Logger.getLogger("org.tessera.spark").log(Level.SEVERE, "failed: " + Errors.logLine(e), e);
                    return 2;
                }
                // Through the log, as bin/tessera: the console shows them, tessera.log keeps them.
                Logger log = Logger.getLogger("org.tessera.spark");
                for (SparkMosaic.Skip s : o.skipped()) log.warning("skipped " + s.file() + ": " + s.reason());
                for (SparkMosaic.NotApplied n : o.notApplied()) log.warning(OutcomeReport.notApplied(n.output(), n.step(), n.reason()));
                out.println("mosaic: " + o.mosaic());
                log.fine("mosaic: " + o.mosaic());
                for (String line : OutcomeReport.summary(o.skipped().size(),
                        o.notApplied().stream().map(SparkMosaic.NotApplied::step).toList(), output + "/" + RunLog.FILE_NAME))
                    log.warning(line);
            }
            if (uri) {
                fs.put(logDir.resolve(RunLog.FILE_NAME), output.replaceAll("/+$", "") + "/" + RunLog.FILE_NAME);
                Staging.deleteTree(logDir);
            }
            return o.skipped().isEmpty() && o.notApplied().isEmpty() ? 0 : 1;
        } catch (IOException | RuntimeException e) {
            err.println("tessera-spark: error: " + e.getMessage());
            return 2;
        }
    }

    /** {@code value}, unless {@code before} (the option's earlier value) differs from it. */
    private static String once(String option, String before, String value) {
        if (before != null && !(option.equals("--master") ? before.equals(value) : samePlace(before, value)))
            throw new IllegalArgumentException(JobSettings.givenTwice(option, before, value));
        return value;
    }

    /** Two spellings of one folder or file ({@link JobSettings#samePath}); URIs as written, less a final slash. */
    private static boolean samePlace(String a, String b) {
        if (FsAccess.isUri(a) || FsAccess.isUri(b)) return a.replaceAll("/+$", "").equals(b.replaceAll("/+$", ""));
        return JobSettings.samePath(Path.of(a), Path.of(b));
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException("option " + option + " needs a value");
        return args[i];
    }
}
