package org.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.command.FakeJobs;
import org.tessera.command.Job;
import org.tessera.command.JobRequest;
import org.tessera.pipeline.AnotherRun;

class MainTest {

    private final FakeJobs jobs = new FakeJobs();
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main(jobs).run(args,
                new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String out() { return outBytes.toString(StandardCharsets.UTF_8); }
    private String err() { return errBytes.toString(StandardCharsets.UTF_8); }

    private static Path frames(Path dir, String... names) throws IOException {
        Path f = Files.createDirectories(dir.resolve("frames"));
        for (String n : names) Files.writeString(f.resolve(n), "x");
        return f;
    }

    @Test
    void mosaicPassesFolderOutputConfigAndSetsToThePipeline(@TempDir Path dir) throws Exception {
        Path in = frames(dir, "a.fits", "b.fit");
        Path out = dir.resolve("out");
        Path cfg = Files.writeString(dir.resolve("cfg.json"),
                "{\"stacking_kappa_low\": 2.0, \"stacking_final_combine_method\": \"median\", \"my_key\": 1}");
        int rc = run("mosaic", in.toString(), out.toString(), "--config", cfg.toString(),
                "--set", "stacking_kappa_low=2.5", "--set=two_pass_coverage_renorm=yes");
        assertEquals(0, rc, err());
        assertEquals(1, jobs.calls.size());
        FakeJobs.Call c = jobs.calls.get(0);
        assertEquals(Job.MOSAIC, c.job());
        assertEquals(List.of(in.toAbsolutePath()), c.inputs(), "the folder itself: the pipeline searches it");
        assertEquals(out.toAbsolutePath(), c.output());
        assertEquals(2.5, c.config().getDouble("stacking_kappa_low"), "--set overrides --config");
        assertEquals("median", c.config().getString("stacking_final_combine_method"));
        assertTrue(c.config().getBoolean("two_pass_coverage_renorm"));
        assertEquals(1L, c.config().get("my_key"), "unknown keys of a config file are kept");
        assertEquals(3.0, c.config().getDouble("stacking_kappa_high"), "defaults fill the rest");

        String o = out();
        assertTrue(o.contains("mosaic:   " + out.toAbsolutePath().resolve("mosaic.fits")), o);
        assertTrue(o.contains("coverage: " + out.toAbsolutePath().resolve("mosaic_coverage.fits")), o);
        assertTrue(o.contains("preview:  " + out.toAbsolutePath().resolve("mosaic_preview.png")), o);
        assertTrue(o.contains("tiles:    2 in " + out.toAbsolutePath().resolve("master_tiles")), o);
        assertTrue(o.contains("log:      " + out.toAbsolutePath().resolve("tessera.log")), o);
        assertTrue(o.contains("INFO [cli] mosaic: 1 input → " + out.toAbsolutePath()), o);
        assertTrue(o.contains("  0% [FAKE] start") && o.contains("100% [FAKE] done"), o);
        // an unknown key of the config file is warned like one of --set (ConfigCompat)
        assertTrue(err().matches("(?s)\\S+ WARNING \\[cli\\] unknown config key 'my_key' \\(kept as given; [^\\n]*\\R"), err());

        String log = Files.readString(out.resolve("tessera.log"));
        assertTrue(log.contains("FINE [pipeline] [FAKE] debug detail"), log);
        assertTrue(log.contains("\"stacking_kappa_low\":2.5") || log.contains("\"stacking_kappa_low\": 2.5"), log);
        assertFalse(o.contains("[FAKE] debug detail"), "FINE stays out of the console without --verbose");
    }

    @Test
    void mosaicWithoutArgumentsIsTheDefaultSkyIntoTesseraOut() throws Exception {
        JobRequest r = Main.request(CommandLine.parse("mosaic"));
        assertEquals(Job.MOSAIC, r.job());
        assertEquals(List.of(), r.inputs());
        assertEquals(Paths.get("tessera-out").toAbsolutePath(), r.output());
        assertTrue(r.describe().contains("the built-in default sky"));
        JobRequest o = Main.request(CommandLine.parse("mosaic", "-o", "elsewhere"));
        assertEquals(List.of(), o.inputs());
        assertEquals(Paths.get("elsewhere").toAbsolutePath(), o.output());
    }

    @Test
    void modeChoosesClassicOrSdsAndMustAgreeWithSet() throws Exception {
        assertFalse(Main.request(CommandLine.parse("mosaic")).config().getBoolean("sds_mode_default"));
        assertTrue(Main.request(CommandLine.parse("mosaic", "--mode", "sds")).config().getBoolean("sds_mode_default"));
        assertTrue(Main.request(CommandLine.parse("mosaic", "--mode=SDS")).config().getBoolean("sds_mode_default"));
        assertFalse(Main.request(CommandLine.parse("mosaic", "--mode", "classic", "--set", "sds_mode_default=false"))
                .config().getBoolean("sds_mode_default"), "agreeing --set is fine");
        assertEquals(2, run("mosaic", "--mode", "sds", "--set", "sds_mode_default=false"));
        assertTrue(err().contains("tessera mosaic: --mode sds and --set sds_mode_default=false contradict each other: "
                + "give one of them"), err());
        errBytes.reset();
        assertEquals(2, run("mosaic", "--mode", "classic", "--set=sds_mode_default=true"));
        assertTrue(err().contains("--mode classic and --set sds_mode_default=true contradict each other"), err());
        assertTrue(jobs.calls.isEmpty());
    }

    @Test
    void defaultSkyRunsWithAnOutputOption(@TempDir Path dir) {
        assertEquals(0, run("mosaic", "--output", dir.resolve("sky").toString(), "-q"));
        assertEquals(List.of(), jobs.calls.get(0).inputs());
        assertFalse(out().contains("[FAKE]"), "quiet: no progress, no INFO");
        assertTrue(out().startsWith("mosaic:   "), "quiet still prints where the outputs are: " + out());
    }

    @Test
    void stackExpandsFoldersToSortedFitsFiles(@TempDir Path dir) throws Exception {
        Path in = frames(dir, "c.fits", "a.FIT", "b.fts", "notes.txt");
        Path extra = Files.writeString(dir.resolve("z.fits"), "x");
        Path tile = dir.resolve("tiles/tile.fits");
        assertEquals(0, run("stack", tile.toString(), in.toString(), extra.toString()), err());
        FakeJobs.Call c = jobs.calls.get(0);
        assertEquals(Job.STACK, c.job());
        assertEquals(List.of(in.resolve("a.FIT"), in.resolve("b.fts"), in.resolve("c.fits"), extra).stream()
                .map(Path::toAbsolutePath).toList(), c.inputs());
        assertEquals(tile.toAbsolutePath(), c.output());
        assertTrue(out().contains("tile:     " + tile.toAbsolutePath()), out());
        assertTrue(Files.exists(dir.resolve("tiles/tessera.log")), "the log goes beside the stacked file");
    }

    @Test
    void reprojectTakesOutputFirstThenImages(@TempDir Path dir) throws Exception {
        Path in = frames(dir, "t1.fits", "t2.fits");
        assertEquals(0, run("reproject", dir.resolve("out").toString(), in.resolve("t2.fits").toString(),
                in.resolve("t1.fits").toString(), "-v"));
        FakeJobs.Call c = jobs.calls.get(0);
        assertEquals(Job.REPROJECT, c.job());
        assertEquals(List.of(in.resolve("t2.fits").toAbsolutePath(), in.resolve("t1.fits").toAbsolutePath()), c.inputs(),
                "explicit files keep the user's order");
        assertTrue(out().contains("FINE [pipeline] [FAKE] debug detail"), "verbose shows debug detail");
    }

    @Test
    void skippedInputsExitWithOneAndAreNamedWithTheReason(@TempDir Path dir) throws Exception {
        Path in = frames(dir, "good.fits", "nowcs_1.fits", "nowcs_2.fits");
        jobs.skipMarker = "nowcs";
        assertEquals(1, run("reproject", dir.resolve("out").toString(), in.toString()));
        String e = err();
        assertTrue(e.contains("skipped " + in.resolve("nowcs_1.fits").toAbsolutePath() + ": no WCS in header"), e);
        assertTrue(e.contains("skipped " + in.resolve("nowcs_2.fits").toAbsolutePath() + ": no WCS in header"), e);
        assertTrue(e.contains("2 input(s) skipped"), e);
        assertFalse(e.contains("good.fits"), e);
        assertTrue(out().contains("mosaic:   "), "the outputs made are still reported");
    }

    /**
     * A skipped input was named twice on the console: by the phase that left it out ("[READ] skipped
     * …") and by the list the run ends with. Once now, in the list; the run log keeps both; a run
     * that fails (no list) shows the phase's line, before the failure.
     */
    @Test
    void aSkippedInputIsNamedOnceOnTheConsoleAndTwiceInTheLog(@TempDir Path dir) throws Exception {
        Path in = frames(dir, "good.fits", "nowcs_1.fits");
        Path bad = in.resolve("nowcs_1.fits").toAbsolutePath();
        jobs.skipMarker = "nowcs";
        assertEquals(1, run("reproject", dir.resolve("out").toString(), in.toString()));
        List<String> named = (out() + err()).lines().filter(l -> l.contains("nowcs_1")).toList();
        assertEquals(1, named.size(), out() + err());
        assertTrue(named.get(0).endsWith(" WARNING [cli] skipped " + bad + ": no WCS in header"), named.get(0));
        List<String> logged = Files.readAllLines(dir.resolve("out/tessera.log")).stream().filter(l -> l.contains("nowcs_1")).toList();
        assertEquals(2, logged.size(), logged.toString());
        assertTrue(logged.get(0).endsWith(" WARNING [io] [READ] skipped " + bad + ": no WCS in header"), logged.get(0));

        outBytes.reset();
        errBytes.reset();
        jobs.failure = new IOException("no usable frame: all 1 input(s) were skipped");
        assertEquals(2, run("-q", "reproject", dir.resolve("out2").toString(), bad.toString()));
        List<String> lines = err().lines().toList();
        assertEquals(2, lines.size(), err());
        assertTrue(lines.get(0).endsWith(" WARNING [io] [READ] skipped " + bad + ": no WCS in header"), err());
        assertTrue(lines.get(1).endsWith(" SEVERE [cli] failed: no usable frame: all 1 input(s) were skipped"), err());
    }

    /**
     * A run refused because another run holds its output (a mosaic owning the folder, a stack writing
     * the file) exits 2 with the one line naming the folder or file, and writes nothing into the
     * other run's tessera.log: the output is held before the log is opened.
     */
    @Test
    void aRefusedRunExitsWithTwoAndLeavesTheHoldersLogAsItWas(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out"), frame = Files.writeString(dir.resolve("f.fits"), "x");
        try (AnotherRun other = AnotherRun.owning(out)) {
            String[][] refused = {{"mosaic", "-o", out.toString()}, {"reproject", out.toString(), frame.toString()},
                    {"stack", out.resolve("t.fits").toString(), frame.toString()},
                    // below the folder the other run owns, a tree it moves aside: refused as well, the folder not made
                    {"mosaic", "-o", out.resolve("sub").toString()}, {"reproject", out.resolve("master_tiles").resolve("x").toString(),
                    frame.toString()}};
            for (String[] args : refused) {
                errBytes.reset();
                assertEquals(Main.ERROR, run(args), err());
                assertTrue(err().startsWith("tessera " + args[0] + ": error: another Tessera run is writing into " + out + " (pid "
                        + ProcessHandle.current().pid() + ", started "), err());
                assertTrue(err().endsWith("): wait for it to end, or choose another output folder" + System.lineSeparator()), err());
                other.assertUntouched();
            }
        }
        Path tile = dir.resolve("stacks").resolve("t.fits");
        try (AnotherRun other = AnotherRun.stacking(tile)) {
            errBytes.reset();
            assertEquals(Main.ERROR, run("stack", tile.toString(), frame.toString()), err());
            assertEquals("tessera stack: error: another Tessera run is writing " + tile + ": wait for it to end, or choose another output file"
                    + System.lineSeparator(), err());
            other.assertUntouched();
        }
        assertEquals(List.of(), jobs.calls, "no refused run started");
        // free again: the next run goes on and logs
        long before = Files.size(out.resolve("tessera.log"));
        assertEquals(Main.OK, run("-q", "mosaic", "-o", out.toString()), err());
        assertTrue(Files.size(out.resolve("tessera.log")) > before);
    }

    @Test
    void pipelineFailureExitsWithTwoOneLineAndTraceOnlyInTheLog(@TempDir Path dir) throws Exception {
        Path in = frames(dir, "a.fits");
        jobs.failure = new IOException(in.resolve("a.fits") + ": FITS header has no END card");
        assertEquals(2, run("mosaic", in.toString(), dir.resolve("out").toString()));
        assertTrue(err().contains("SEVERE [cli] failed: " + in.resolve("a.fits") + ": FITS header has no END card"), err());
        assertFalse(err().contains("\tat "), "no stack trace without --verbose: " + err());
        assertTrue(Files.readString(dir.resolve("out/tessera.log")).contains("\tat org.tessera.cli.MainTest"));

        errBytes.reset();
        jobs.failure = new IllegalStateException("tile 3 is empty");
        assertEquals(2, run("mosaic", in.toString(), dir.resolve("out").toString(), "--verbose"));
        assertTrue(err().contains("failed: tile 3 is empty"), err()); // plain words, no Java class name
        assertTrue(err().contains("\tat org.tessera.cli.MainTest"), "--verbose shows the trace");
    }

    @Test
    void missingInputsAndConfigAreNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nothere");
        assertEquals(2, run("mosaic", missing.toString()));
        assertEquals("tessera mosaic: error: input not found: " + missing.toAbsolutePath() + System.lineSeparator(), err());
        assertTrue(jobs.calls.isEmpty());

        errBytes.reset();
        assertEquals(2, run("reproject", dir.resolve("o").toString(), dir.toString()));
        assertTrue(err().contains("no FITS files (" + org.tessera.io.FrameScanner.FITS_PATTERNS + ") in folder " + dir.toAbsolutePath()), err());

        errBytes.reset();
        assertEquals(2, run("mosaic", "-c", dir.resolve("cfg.json").toString()));
        assertTrue(err().contains("config file not found: " + dir.resolve("cfg.json")), err());
        assertFalse(err().contains("\tat "));
    }

    /**
     * A script's unset variable ({@code tessera mosaic "$IN" "$OUT"}, {@code -o "$OUT"}) gave an empty
     * argument: an empty INPUT_DIR read the current folder and all below it as frames, an empty
     * OUTPUT_DIR or --output wrote the mosaic into the current folder (exit 0), an empty --config
     * said "config file expected, but  is a folder". Each is a usage error naming the argument.
     */
    @Test
    void anEmptyPathArgumentIsAUsageErrorNamingIt(@TempDir Path dir) {
        String[][] lines = {{"mosaic", ""}, {"mosaic", dir.toString(), ""}, {"mosaic", dir.toString(), "-o", ""},
                {"mosaic", "--output=", dir.toString()}, {"mosaic", "-c", ""}, {"stack", " ", dir.toString()},
                {"stack", dir.resolve("t.fits").toString(), ""}, {"reproject", "", dir.toString()}};
        String[] names = {"INPUT_DIR", "OUTPUT_DIR", "--output", "--output", "--config", "OUTPUT.fits", "FRAME", "OUTPUT_DIR"};
        for (int i = 0; i < lines.length; i++) {
            errBytes.reset();
            assertEquals(2, run(lines[i]), String.join("|", lines[i]));
            assertTrue(err().contains(names[i] + " is an empty argument (an unset variable in a script?): name a path"),
                    err());
        }
        assertTrue(jobs.calls.isEmpty());
    }

    /** tessera gpu --config "" read the current folder as the config: "… but  is a folder". */
    @Test
    void anEmptyConfigOfGpuIsTheSameUsageError() {
        for (String[][] line : new String[][][] {{{"gpu", "--config", ""}}, {{"gpu", "--config="}}, {{"-c", " ", "gpu"}}}) {
            outBytes.reset();
            errBytes.reset();
            assertEquals(2, run(line[0]), String.join("|", line[0]));
            assertEquals("tessera gpu: --config is an empty argument (an unset variable in a script?): name a path\n"
                    + "Run 'tessera gpu --help' for usage.\n", err().replace("\r", ""));
            assertEquals("", out());
        }
    }

    /**
     * One key given two values by --set: the last won silently. A usage error naming the key and
     * both values, as --config or --output given twice; the same value twice (3 and 3.0 of a
     * number) is fine, and an alias is its key.
     */
    @Test
    void aKeySetTwiceToDifferentValuesIsAUsageErrorNamingBoth() throws Exception {
        assertEquals(2, run("mosaic", "--set", "stacking_kappa_low=2.5", "-s", "stacking_kappa_low=3"));
        assertTrue(err().contains("tessera mosaic: --set stacking_kappa_low given twice with different values "
                + "('2.5' and '3'): give it once"), err());
        errBytes.reset();
        assertEquals(2, run("stack", "x.fits", "y.fits", "--set=two_pass_sigma_px=40", "--set", "two_pass_cov_sigma_px=50"));
        assertTrue(err().contains("--set two_pass_cov_sigma_px given twice with different values ('40' and '50')"), err());
        errBytes.reset();
        assertEquals(2, run("gpu", "--set", "gpu_simulate=vram_mb:8192", "--set", "gpu_simulate=unavailable"));
        assertTrue(err().contains("tessera gpu: --set gpu_simulate given twice with different values "
                + "('vram_mb:8192' and 'unavailable'): give it once"), err());
        assertEquals("", out());
        assertTrue(jobs.calls.isEmpty());
        assertEquals(3.0, Main.request(CommandLine.parse("mosaic", "--set", "stacking_kappa_low=3", "--set",
                "stacking_kappa_low = 3.0")).config().getDouble("stacking_kappa_low"), 0);
    }

    /**
     * --config, --output and --mode given two values said only "--output given twice": the user guide
     * (option --set) puts them beside a key set twice, which names both values, and a script's
     * leftover default is found by its value. The command is named first, as in every message about it.
     */
    @Test
    void anOptionGivenTwoValuesNamesBoth() {
        assertEquals(2, run("mosaic", "in", "-o", "out-a", "--output=out-b"));
        assertEquals("tessera mosaic: --output given twice ('out-a' and 'out-b'): give it once\n"
                + "Run 'tessera mosaic --help' for usage.\n", err().replace("\r", ""));
        errBytes.reset();
        assertEquals(2, run("-c", "a.json", "mosaic", "--config", "b.json"));
        assertEquals("tessera mosaic: --config given twice ('a.json' and 'b.json'): give it once\n"
                + "Run 'tessera mosaic --help' for usage.\n", err().replace("\r", ""));
        errBytes.reset();
        assertEquals(2, run("mosaic", "--mode", "sds", "--mode", "Classic"));
        assertEquals("tessera mosaic: --mode given twice ('sds' and 'classic'): give it once\n"
                + "Run 'tessera mosaic --help' for usage.\n", err().replace("\r", ""));
        errBytes.reset();
        assertEquals(2, run("mosaic", "in", "out-a", "-o", "out-b"));
        assertEquals("tessera mosaic: output folder given twice (OUTPUT_DIR 'out-a' and --output 'out-b'): give it once\n"
                + "Run 'tessera mosaic --help' for usage.\n", err().replace("\r", ""));
        errBytes.reset();
        assertEquals(2, run("mosaic", "--set", "stacking_demosaic=MHC", "--set", "stacking_demosaic=bilinear"));
        assertEquals("tessera mosaic: --set stacking_demosaic given twice with different values ('MHC' and 'bilinear'): "
                + "give it once\nRun 'tessera mosaic --help' for usage.\n", err().replace("\r", ""));
        assertTrue(jobs.calls.isEmpty());
    }

    /**
     * The same value given twice (scripts that append options repeat them) was a usage error for
     * --config, --output and --mode, and for a choice written in two cases by --set: harmless, so
     * accepted silently. The same path however written, the same word in any case, the same setting
     * however written (3 and 3.0, MHC and mhc, yes and true, a key and its alias).
     */
    @Test
    void theSameValueGivenTwiceIsAccepted(@TempDir Path dir) throws Exception {
        Path in = frames(dir, "a.fits");
        Path out = dir.resolve("out");
        Path cfg = Files.writeString(dir.resolve("cfg.json"), "{\"stacking_kappa_low\": 2.0}");
        int rc = run("mosaic", in.toString(), out.toString(), "-o", out + "/", "--output", dir.resolve("x/../out").toString(),
                "--config", cfg.toString(), "-c", dir.resolve(".").resolve("cfg.json").toString(),
                "--mode", "sds", "--mode", "SDS",
                "--set", "stacking_kappa_high=3", "--set", "stacking_kappa_high=3.0",
                "--set", "stacking_demosaic=MHC", "--set", "stacking_demosaic= mhc",
                "--set", "hot_pixel_correction=yes", "--set", "hot_pixel_correction=true",
                "--set", "use_gpu_phase5=false", "--set", "use_gpu_phase5=0");
        assertEquals(0, rc, err());
        assertEquals("", err());
        assertEquals(1, jobs.calls.size());
        FakeJobs.Call c = jobs.calls.get(0);
        assertEquals(out.toAbsolutePath(), c.output());
        assertEquals(2.0, c.config().getDouble("stacking_kappa_low"), "the config file is read");
        assertTrue(c.config().getBoolean("sds_mode_default"));
        assertEquals(3.0, c.config().getDouble("stacking_kappa_high"));
        assertEquals("mhc", c.config().getString("stacking_demosaic").trim().toLowerCase(java.util.Locale.ROOT));
        assertTrue(c.config().getBoolean("hot_pixel_correction"));
        assertFalse(c.config().getBoolean("use_gpu_phase5"));
    }

    /**
     * Errors found while reading the command line said "tessera:", those of the command "tessera
     * mosaic:": once the line names its command, every message about it starts with it (usage
     * errors wherever the command word stands, fatal errors, the out-of-memory line); "tessera:"
     * only before a command is known.
     */
    @Test
    void everyMessageAboutACommandIsNamedByIt(@TempDir Path dir) {
        String[][] lines = {{"--bogus", "mosaic"}, {"stack", "--bogus"}, {"-c", "a.json", "reproject", "--config", "b.json"},
                {"stack", "-o", "x", "out.fits", "f.fits"}, {"reproject", "--mode", "sds", "o", "i.fits"},
                {"mosaic", "-q", "-v"}, {"mosaic", "--config"}, {"frobnicate"}, {}, {"--version=1"}};
        String[] expected = {
            "tessera mosaic: unknown option: --bogus\nRun 'tessera mosaic --help' for usage.\n",
            "tessera stack: unknown option: --bogus\nRun 'tessera stack --help' for usage.\n",
            "tessera reproject: --config given twice ('a.json' and 'b.json'): give it once\nRun 'tessera reproject --help' for usage.\n",
            "tessera stack: --output is for 'mosaic'; 'stack' takes its output as first argument\nRun 'tessera stack --help' for usage.\n",
            "tessera reproject: --mode is for 'mosaic' (Classic or SDS mode), not 'reproject'\nRun 'tessera reproject --help' for usage.\n",
            "tessera mosaic: --quiet and --verbose exclude each other\nRun 'tessera mosaic --help' for usage.\n",
            "tessera mosaic: option --config needs a value\nRun 'tessera mosaic --help' for usage.\n",
            "tessera: unknown command 'frobnicate' (expected mosaic, stack, reproject or gpu)\nRun 'tessera --help' for usage.\n",
            "tessera: no command given (mosaic, stack, reproject or gpu)\nRun 'tessera --help' for usage.\n",
            "tessera: option --version takes no value\nRun 'tessera --help' for usage.\n",
        };
        for (int i = 0; i < lines.length; i++) {
            errBytes.reset();
            assertEquals(2, run(lines[i]), String.join(" ", lines[i]));
            assertEquals(expected[i], err().replace("\r", ""), String.join(" ", lines[i]));
        }
        errBytes.reset();
        assertEquals(2, run("mosaic", "--set", "stacking_kappa_low=abc"));
        assertEquals("tessera mosaic: error: stacking_kappa_low: expected a number, got 'abc'\n", err().replace("\r", ""));
        errBytes.reset();
        assertEquals(2, run("reproject", dir.resolve("o").toString(), dir.resolve("none.fits").toString()));
        assertEquals("tessera reproject: error: input not found: " + dir.resolve("none.fits").toAbsolutePath() + "\n",
                err().replace("\r", ""));
        assertTrue(jobs.calls.isEmpty());

        // A heap too small for the job: the constant line names the command too.
        org.tessera.command.Jobs exhausted = new org.tessera.command.Jobs() {
            @Override public org.tessera.pipeline.MosaicPipeline.Outcome mosaic(List<Path> i, Path o, org.tessera.config.Config c,
                                                                               org.tessera.Progress p) {
                throw new OutOfMemoryError("Java heap space");
            }
            @Override public org.tessera.pipeline.MosaicPipeline.Outcome stack(Path o, List<Path> f, org.tessera.config.Config c,
                                                                              org.tessera.Progress p) {
                throw new OutOfMemoryError("Java heap space");
            }
            @Override public org.tessera.pipeline.MosaicPipeline.Outcome reproject(Path o, List<Path> i, org.tessera.config.Config c,
                                                                                  org.tessera.Progress p) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        errBytes.reset();
        int rc = new Main(exhausted).exitStatus(new String[] {"-q", "mosaic", "-o", dir.resolve("out").toString()},
                new PrintStream(outBytes, true, StandardCharsets.UTF_8), new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        assertEquals(Main.ERROR, rc);
        assertEquals("tessera mosaic: error: out of memory: " + org.tessera.UserMessages.HEAP_HINT + "\n", err().replace("\r", ""));
    }

    /** A folder whose frames lie in night sub-folders is not "empty" for stack and reproject: say so. */
    @Test
    void aFolderWithFramesOnlyInSubfoldersSaysWhy(@TempDir Path dir) throws Exception {
        Path top = Files.createDirectories(dir.resolve("m94"));
        Path night = Files.createDirectories(top.resolve("night1"));
        Files.writeString(night.resolve("a.fits"), "x");
        Files.writeString(top.resolve("notes.txt.gz"), "x");
        assertEquals(2, run("stack", dir.resolve("t.fits").toString(), top.toString()));
        assertTrue(err().contains("no FITS files (*.fit, *.fits, *.fts, or those gzip'ed (.gz) or fpack'ed (.fz)) in folder "
                + top.toAbsolutePath() + " (stack and reproject read the files of the folder named, not of its subfolders: "
                + "name them, e.g. " + night.toAbsolutePath() + ")"), err());
        assertTrue(jobs.calls.isEmpty());
    }

    /** Compressed files in a stack's or reproject's folder are inputs like the others, any case, in name order. */
    @Test
    void compressedFilesInAFolderAreInputs(@TempDir Path dir) throws Exception {
        Path in = frames(dir, "a.fits", "b.fits.fz", "c.FIT.GZ", "d.fts.gz", "e.fz", "notes.txt.gz");
        Path tile = dir.resolve("t.fits");
        assertEquals(0, run("stack", tile.toString(), in.toString()), err());
        assertEquals(List.of(in.resolve("a.fits").toAbsolutePath(), in.resolve("b.fits.fz").toAbsolutePath(),
                in.resolve("c.FIT.GZ").toAbsolutePath(), in.resolve("d.fts.gz").toAbsolutePath(),
                in.resolve("e.fz").toAbsolutePath()), jobs.calls.get(0).inputs());
        assertFalse((out() + err()).contains("left out"), out() + err());
        assertEquals(0, run("reproject", dir.resolve("rp").toString(), in.toString()), err());
        assertEquals(5, jobs.calls.get(1).inputs().size());
    }

    @Test
    void badSettingsAreNamed(@TempDir Path dir) throws Exception {
        Path in = frames(dir, "a.fits");
        assertEquals(2, run("mosaic", in.toString(), "--set", "stacking_kappa_low=abc"));
        assertTrue(err().contains("stacking_kappa_low: expected a number, got 'abc'"), err());

        errBytes.reset();
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"a\": }");
        assertEquals(2, run("mosaic", in.toString(), "--config", bad.toString()));
        assertTrue(err().contains(bad + ": not valid JSON"), err());

        errBytes.reset();
        assertEquals(0, run("mosaic", in.toString(), dir.resolve("out").toString(), "--set", "stacking_kapa_low=2"));
        assertTrue(err().contains("unknown config key 'stacking_kapa_low'"), "a typo is warned about: " + err());
    }

    @Test
    void stackOutputMustBeAFitsFileName(@TempDir Path dir) throws Exception {
        Path in = frames(dir, "a.fits");
        assertEquals(2, run("stack", dir.resolve("tile.png").toString(), in.toString()));
        assertTrue(err().contains("output must be a FITS file name ending in .fits, .fit or .fts"), err());
        errBytes.reset();
        assertEquals(2, run("stack", dir.toString(), in.toString()));
        assertTrue(err().contains("output must be a FITS file name, but is a folder: " + dir.toAbsolutePath()), err());
        assertTrue(jobs.calls.isEmpty());
    }

    @Test
    void usageErrorsExitWithTwo() {
        String[][] cases = {
            {},
            {"frobnicate"},
            {"mosaic", "--bogus"},
            {"mosaic", "a", "b", "c"},
            {"stack", "out.fits"},
            {"reproject"},
            {"mosaic", "--set", "novalue"},
            {"mosaic", "--config"},
            {"mosaic", "-q", "-v"},
            {"stack", "-o", "x", "out.fits", "f.fits"},
            {"mosaic", "--quiet=yes"},
            {"mosaic", "--mode", "grid"},
            {"stack", "--mode", "sds", "out.fits", "f.fits"},
            {"mosaic", "--mode", "sds", "--mode", "classic"},
        };
        String[] expected = {
            "no command given",
            "unknown command 'frobnicate'",
            "unknown option: --bogus",
            "expects at most INPUT_DIR and OUTPUT_DIR, got 3 arguments",
            "expects OUTPUT.fits and at least one FRAME",
            "expects OUTPUT_DIR and at least one IMAGE",
            "--set expects KEY=VALUE, got 'novalue'",
            "option --config needs a value",
            "--quiet and --verbose exclude each other",
            "--output is for 'mosaic'",
            "option --quiet takes no value",
            "--mode expects classic or sds, got 'grid'",
            "--mode is for 'mosaic' (Classic or SDS mode), not 'stack'",
            "--mode given twice",
        };
        for (int i = 0; i < cases.length; i++) {
            errBytes.reset();
            assertEquals(2, run(cases[i]), String.join(" ", cases[i]));
            assertTrue(err().contains(expected[i]), String.join(" ", cases[i]) + " → " + err());
            assertTrue(err().contains("--help"), "points to the help");
        }
        assertTrue(jobs.calls.isEmpty());
        assertEquals("", out());
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("Usage: tessera COMMAND"), out());
        assertTrue(out().contains("stack OUTPUT.fits FRAME...") && out().contains("Exit status: 0 success, 1"));
        outBytes.reset();
        assertEquals(0, run("stack", "--help"));
        assertTrue(out().startsWith("Usage: tessera stack [OPTIONS] OUTPUT.fits FRAME..."), out());
        outBytes.reset();
        assertEquals(0, run("mosaic", "--help"));
        assertTrue(out().contains("--mode classic|sds    Classic (master tiles first) or SDS (mosaic first)"), out());
        outBytes.reset();
        assertEquals(0, run("help", "reproject"));
        assertTrue(out().startsWith("Usage: tessera reproject"), out());
        outBytes.reset();
        assertEquals(0, run("--version"));
        assertTrue(out().matches("tessera \\S.*\\R"), out());
        assertTrue(jobs.calls.isEmpty());
        assertEquals("", err());
    }

    /**
     * A first word that is no command says what it most likely is: a command misspelt or capitalised,
     * or the input folder or file given without its command ("tessera ~/m94 out"); it listed the
     * four commands only. Nothing is run.
     */
    @Test
    void anUnknownCommandSaysWhatItMostLikelyIs(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("m94"));
        Path file = Files.writeString(dir.resolve("a.fits"), "x");
        String[][] lines = {{"mosiac", "in"}, {"Mosaic", "in"}, {"stak", "t.fits", "a.fits"}, {"reprojet", "o"},
                {"GPU"}, {folder.toString(), "out"}, {"-q", file.toString()}, {"frobnicate"}};
        String[] expected = {
            "unknown command 'mosiac': did you mean 'mosaic'?",
            "unknown command 'Mosaic': did you mean 'mosaic'?",
            "unknown command 'stak': did you mean 'stack'?",
            "unknown command 'reprojet': did you mean 'reproject'?",
            "unknown command 'GPU': did you mean 'gpu'?",
            "unknown command '" + folder + "': " + folder + " is a folder; the command comes first, e.g. tessera mosaic " + folder,
            "unknown command '" + file + "': " + file + " is a file; the command comes first, e.g. tessera mosaic " + file,
            "unknown command 'frobnicate' (expected mosaic, stack, reproject or gpu)",
        };
        for (int i = 0; i < lines.length; i++) {
            errBytes.reset();
            assertEquals(2, run(lines[i]), String.join(" ", lines[i]));
            assertEquals("tessera: " + expected[i] + "\nRun 'tessera --help' for usage.\n", err().replace("\r", ""),
                    String.join(" ", lines[i]));
        }
        assertTrue(jobs.calls.isEmpty());
    }

    /** The help lists gpu among the commands, and options may come before a command: so for gpu too. */
    @Test
    void gpuIsACommandLikeTheOthers() {
        String sim = "gpu_simulate=vram_mb:8192";
        for (String[] args : new String[][] {{"gpu", "--set", sim}, {"-q", "gpu", "--set", sim}, {"--set", sim, "gpu", "-v"}}) {
            outBytes.reset();
            errBytes.reset();
            assertEquals(0, run(args), String.join(" ", args) + " → " + err());
            assertTrue(out().startsWith("GPU: healthy"), String.join(" ", args) + " → " + out());
            assertEquals("", err());
        }
        errBytes.reset();
        assertEquals(2, run("frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate' (expected mosaic, stack, reproject or gpu)"), err());
        errBytes.reset();
        assertEquals(2, run("-q"));
        assertTrue(err().contains("no command given (mosaic, stack, reproject or gpu)"), err());
        assertTrue(jobs.calls.isEmpty());
    }

    @Test
    void doubleDashEndsOptions(@TempDir Path dir) throws Exception {
        Path odd = Files.createDirectories(dir.resolve("-frames"));
        Files.writeString(odd.resolve("a.fits"), "x");
        assertEquals(0, run("mosaic", "--", odd.toString(), dir.resolve("out").toString()), err());
        assertEquals(List.of(odd.toAbsolutePath()), jobs.calls.get(0).inputs());
    }

    /** The start-up warm-up never holds the JVM: a daemon thread that ends on its own. */
    @Test
    void warmUpIsADaemonThreadThatEnds() throws InterruptedException {
        Thread t = Main.warmUp();
        assertTrue(t.isDaemon());
        assertEquals("tessera-warm-up", t.getName());
        t.join(30_000);
        assertEquals(Thread.State.TERMINATED, t.getState());
    }
}
