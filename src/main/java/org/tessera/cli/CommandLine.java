package org.tessera.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.tessera.command.Choices;
import org.tessera.command.Job;
import org.tessera.command.JobSettings;

/**
 * The parsed words of {@code tessera [OPTIONS] COMMAND [OPTIONS] ARGS...}. Options may come
 * before or after the command; {@code --} ends them.
 *
 * @param job the command, or null with --help / --version alone
 * @param output {@code -o DIR} (mosaic only), or null
 * @param mode {@code --mode classic|sds} (mosaic only, lower case), or null
 */
record CommandLine(Job job, List<String> arguments, Path config, List<String> sets, Path output, String mode,
                   boolean quiet, boolean verbose, boolean help, boolean version) {

    /** The words {@code --mode} takes: the "mode" choice's entries (classic, sds), as the dialog and macros have them. */
    static final List<String> MODES = Choices.options("mode").stream().map(Choices.Option::value).toList();

    static CommandLine parse(String... args) throws UsageException {
        Job job = null;
        List<String> positional = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        Path config = null;
        Path output = null;
        String mode = null;
        boolean quiet = false, verbose = false, help = false, version = false, options = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (options && a.equals("--")) {
                options = false;
                continue;
            }
            if (options && a.startsWith("-") && a.length() > 1) {
                String name = a, inline = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    name = a.substring(0, eq);
                    inline = a.substring(eq + 1);
                }
                switch (name) {
                    case "-h", "--help" -> help = true;
                    case "-V", "--version" -> version = true;
                    case "-q", "--quiet" -> quiet = true;
                    case "-v", "--verbose" -> verbose = true;
                    case "-c", "--config" -> {
                        String v = inline != null ? inline : value(args, ++i, name);
                        Path p = Main.path(v, "--config");
                        if (config != null && !JobSettings.samePath(config, p)) throw twice("--config", config.toString(), v);
                        if (config == null) config = p;
                    }
                    case "-s", "--set" -> {
                        String v = inline != null ? inline : value(args, ++i, name);
                        if (v.indexOf('=') <= 0) throw new UsageException(name + " expects KEY=VALUE, got '" + v + "'");
                        sets.add(v);
                    }
                    case "-o", "--output" -> {
                        String v = inline != null ? inline : value(args, ++i, name);
                        Path p = Main.path(v, "--output");
                        if (output != null && !JobSettings.samePath(output, p)) throw twice("--output", output.toString(), v);
                        if (output == null) output = p;
                    }
                    case "--mode" -> {
                        String v = (inline != null ? inline : value(args, ++i, name)).trim().toLowerCase(java.util.Locale.ROOT);
                        if (mode != null && !mode.equals(v)) throw twice("--mode", mode, v);
                        if (!MODES.contains(v))
                            throw new UsageException("--mode expects " + String.join(" or ", MODES) + ", got '" + v + "'");
                        mode = v;
                    }
                    default -> throw new UsageException("unknown option: " + a);
                }
                if (inline != null && !(name.equals("--config") || name.equals("--set") || name.equals("--output")
                        || name.equals("--mode")))
                    throw new UsageException("option " + name + " takes no value");
                continue;
            }
            if (job == null && positional.isEmpty()) {
                if (a.equals("help")) {
                    help = true;
                    continue;
                }
                job = command(a);
                if (job != null) continue;
                if (!help && !version) throw new UsageException(unknownCommand(a));
            }
            positional.add(a);
        }
        if (quiet && verbose) throw new UsageException("--quiet and --verbose exclude each other");
        if (job == null && !help && !version) throw new UsageException("no command given (mosaic, stack, reproject or gpu)");
        if (output != null && job != null && job != Job.MOSAIC)
            throw new UsageException("--output is for 'mosaic'; '" + job.word() + "' takes its output as first argument");
        if (mode != null && job != null && job != Job.MOSAIC)
            throw new UsageException("--mode is for 'mosaic' (Classic or SDS mode), not '" + job.word() + "'");
        return new CommandLine(job, List.copyOf(positional), config, List.copyOf(sets), output, mode, quiet, verbose, help, version);
    }

    /**
     * The command a line names, read as {@link #parse} reads it (options and their values skipped),
     * or null: for the messages about a line {@code parse} refused, which name the command they are
     * about ({@code tessera mosaic: unknown option: --bogus}) wherever it stands in the line.
     */
    static Job commandOf(String... args) {
        boolean options = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (options && a.equals("--")) {
                options = false;
            } else if (options && a.startsWith("-") && a.length() > 1) {
                if (List.of("-c", "--config", "-s", "--set", "-o", "--output", "--mode").contains(a)) i++; // and its value
            } else if (!a.equals("help")) {
                return command(a);
            }
        }
        return null;
    }

    private static Job command(String word) {
        for (Job j : Job.values()) if (j.word().equals(word)) return j;
        return null;
    }

    /**
     * The usage error for a first word that is no command, saying what it most likely is: a command
     * misspelt or capitalised ("did you mean 'mosaic'?", at most two letters off and no other as
     * near), or the input given without its command (a folder or file that exists: "tessera ~/m94"),
     * else the list of commands.
     */
    static String unknownCommand(String word) {
        String said = "unknown command '" + word + "'";
        List<String> words = new ArrayList<>();
        for (Job j : Job.values()) words.add(j.word());
        words.add("gpu"); // Main's own command, no Job
        String best = org.tessera.config.ConfigCompat.nearest(word, words);
        if (best != null) return said + ": did you mean '" + best + "'?";
        try {
            Path p = Paths.get(word);
            if (java.nio.file.Files.exists(p))
                return said + ": " + word + " is " + (java.nio.file.Files.isDirectory(p) ? "a folder" : "a file")
                        + "; the command comes first, e.g. tessera mosaic " + word;
        } catch (java.nio.file.InvalidPathException e) {
            // not a path: the list of commands below
        }
        return said + " (expected mosaic, stack, reproject or gpu)";
    }

    /**
     * An option that takes one value, given two values: named with both, as a key {@code --set} twice
     * is, so a script's default and the value meant to replace it are both seen. The same value twice
     * is accepted (scripts that append options repeat them): the same path however written for
     * {@code --config} and {@code --output} ({@link JobSettings#samePath}), the same word in any case for
     * {@code --mode}.
     */
    private static UsageException twice(String option, String first, String second) {
        return new UsageException(JobSettings.givenTwice(option, first, second));
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) throw new UsageException("option " + option + " needs a value");
        return args[i];
    }
}
