package org.tessera.grid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.tessera.io.MountMode;

/**
 * A Grid-mode {@code stack_plan.csv} (reference.md §8): one line per FRAME. The delimiter is
 * sniffed among {@code , ; | tab space}; the header is optional (without one the columns are, in
 * order, path, exposure, filter, batch, order, mount); column names have the original's aliases.
 * Relative paths are resolved against the CSV's folder. A line that cannot be used (no path, a bad
 * number, a missing file) is reported with the CSV's name and its line number and left out; only a
 * CSV that cannot be read, or that lists no usable frame at all, is an error.
 */
public final class StackPlan {

    /** One frame of the plan; {@code mount} is null when the CSV does not say. */
    public record Entry(int line, Path path, double exposure, String filter, String batch, double order,
                        MountMode mount) {}

    /** A line that was left out, and why (the reason names the CSV and the line). */
    public record Problem(int line, Path path, String reason) {}

    /** The canonical columns and their aliases, exactly as reference.md §8 lists them. */
    enum Column {
        PATH("file_path", "filepath", "file", "path", "filename", "fits", "raw"),
        EXPOSURE("exposure", "exp", "exptime", "exposure_s"),
        FILTER("filter", "band", "channel"),
        BATCH("batch_id", "batch", "session", "night"),
        ORDER("order", "seq", "sequence", "index"),
        MOUNT("mount", "eqmode", "mount_mode");

        final List<String> aliases;

        Column(String... aliases) { this.aliases = List.of(aliases); }

        static Column of(String header) {
            String h = header.trim().toLowerCase(Locale.ROOT);
            for (Column c : values()) if (c.aliases.contains(h)) return c;
            return null;
        }
    }

    static final char[] DELIMITERS = {',', ';', '|', '\t'};
    static final char SPACE = ' ';
    public static final double DEFAULT_EXPOSURE = 1.0;
    private static final java.util.regex.Pattern EMPTY_ROW = java.util.regex.Pattern.compile("[,;|\\t \"]*");
    /** A number with a decimal comma, as spreadsheets in most of Europe write it beside ';'. */
    private static final java.util.regex.Pattern DECIMAL_COMMA = java.util.regex.Pattern.compile("[-+]?\\d*,\\d+");

    private final Path csv;
    private final char delimiter;
    private final boolean header;
    private final List<Entry> entries;
    private final List<Problem> problems;

    private StackPlan(Path csv, char delimiter, boolean header, List<Entry> entries, List<Problem> problems) {
        this.csv = csv;
        this.delimiter = delimiter;
        this.header = header;
        this.entries = List.copyOf(entries);
        this.problems = List.copyOf(problems);
    }

    public Path csv() { return csv; }

    /** The sniffed delimiter ({@code ' '} = runs of blanks). */
    public char delimiter() { return delimiter; }

    public boolean hasHeader() { return header; }

    /** The usable frames, sorted by the order column when there is one (stable), else in file order. */
    public List<Entry> entries() { return entries; }

    /** The lines left out, in file order. */
    public List<Problem> problems() { return problems; }

    /**
     * Reads a plan.
     *
     * @throws IOException when the CSV cannot be read, has no data line, has a header without a
     *                     path column, or lists no usable frame; the message names the CSV
     */
    public static StackPlan read(Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) throw new IOException(csv + ": stack plan not found");
        // as spreadsheets save it: a byte-order mark, UTF-16 ("Unicode Text"); another code page is named
        List<String> raw = org.tessera.TextFiles.read(csv, "save it as UTF-8 (in Excel: Save As, CSV UTF-8)").lines().toList();
        List<Integer> lineNo = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String l = raw.get(i);
            // Empty rows as spreadsheets write them (",,," below a table) are blank lines, not frames
            if (l.isBlank() || l.stripLeading().startsWith("#") || EMPTY_ROW.matcher(l).matches()) continue;
            lines.add(l);
            lineNo.add(i + 1);
        }
        if (lines.isEmpty()) throw new IOException(csv + ": stack plan has no data line");
        char delim = sniff(lines);
        List<String> first = split(lines.get(0), delim);
        boolean header = false;
        for (String f : first) if (Column.of(f) != null) header = true;

        Map<Column, Integer> col = new HashMap<>();
        if (header) {
            for (int i = 0; i < first.size(); i++) {
                Column c = Column.of(first.get(i));
                if (c != null && !col.containsKey(c)) col.put(c, i);
            }
            if (!col.containsKey(Column.PATH))
                throw new IOException(csv + ": line " + lineNo.get(0) + ": header has no path column (expected one of "
                        + String.join("|", Column.PATH.aliases) + ")");
        } else {
            for (Column c : Column.values()) col.put(c, c.ordinal());
        }

        Path base = csv.toAbsolutePath().getParent();
        List<Entry> entries = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<Path, Integer> seen = new HashMap<>(); // real path → line of its first listing
        for (int k = header ? 1 : 0; k < lines.size(); k++) {
            int n = lineNo.get(k);
            List<String> f = split(lines.get(k), delim);
            String where = csv.getFileName() + ": line " + n + ": ";
            String p = field(f, col.get(Column.PATH));
            if (p.isEmpty()) {
                problems.add(new Problem(n, null, where + "no file path"));
                continue;
            }
            Path path;
            try {
                path = base.resolve(p).normalize();
            } catch (RuntimeException e) {
                problems.add(new Problem(n, null, where + "bad file path '" + p + "': " + e.getMessage()));
                continue;
            }
            String e = field(f, col.get(Column.EXPOSURE));
            double exposure = DEFAULT_EXPOSURE;
            if (!e.isEmpty()) {
                exposure = number(e, delim);
                if (!(exposure > 0) || Double.isInfinite(exposure)) {
                    problems.add(new Problem(n, path, where + "exposure '" + e + "' is not a number > 0"));
                    continue;
                }
            }
            String o = field(f, col.get(Column.ORDER));
            double order = n;
            if (!o.isEmpty()) {
                order = number(o, delim);
                if (Double.isNaN(order)) {
                    problems.add(new Problem(n, path, where + "order '" + o + "' is not a number"));
                    continue;
                }
            }
            String m = field(f, col.get(Column.MOUNT));
            MountMode mount = null;
            if (!m.isEmpty()) {
                mount = MountMode.parse(m);
                if (mount == MountMode.UNKNOWN && !m.equalsIgnoreCase("unknown")) {
                    problems.add(new Problem(n, path, where + "mount '" + m + "' is not EQ, ALT_AZ (or 1, 0) or UNKNOWN"));
                    continue;
                }
            }
            if (!Files.isRegularFile(path) && p.indexOf('\\') >= 0 && java.io.File.separatorChar == '/') {
                // a plan written on Windows ("night1\a.fit"): on Linux a backslash is a letter of a name
                Path slashed = base.resolve(p.replace('\\', '/')).normalize();
                if (Files.isRegularFile(slashed)) path = slashed;
            }
            if (!Files.isRegularFile(path)) {
                problems.add(new Problem(n, path, where + "file not found: " + path
                        + (p.matches("^[A-Za-z]:\\\\.*") ? " (a Windows path: write it relative to the plan's folder)" : "")));
                continue;
            }
            // A frame listed twice (copied lines, "night1/x.fit" and "./night1/x.fit", a link) was
            // stacked twice: twice its weight in every tile and in EXPTOTAL/NEXP_SUM.
            Integer earlier = seen.putIfAbsent(path.toRealPath(), n);
            if (earlier != null) {
                problems.add(new Problem(n, path, where + "the same file as line " + earlier + " (" + path
                        + "): a frame is stacked once, this line is left out"));
                continue;
            }
            entries.add(new Entry(n, path, exposure, emptyToNull(field(f, col.get(Column.FILTER))),
                    emptyToNull(field(f, col.get(Column.BATCH))), order, mount));
        }
        entries.sort(Comparator.comparingDouble(Entry::order)); // stable; without an order, the line number
        if (entries.isEmpty())
            throw new IOException(csv + ": stack plan lists no usable frame (" + problems.size() + " line(s) left out"
                    + (problems.isEmpty() ? "" : ", first: " + problems.get(0).reason()) + ")"
                    // paths written from the folder the user works in, not the plan's
                    + (!problems.isEmpty() && problems.get(0).reason().contains(": file not found: ")
                        ? "; relative paths are read from the plan's folder " + base : ""));
        return new StackPlan(csv, delim, header, entries, problems);
    }

    /**
     * The delimiter that splits the first lines into the same number (&gt; 1) of fields, the
     * most fields winning; else blanks when they split the first line; else a comma (one column).
     */
    static char sniff(List<String> lines) {
        int probe = Math.min(lines.size(), 5);
        char best = 0;
        int bestFields = 1;
        for (char d : DELIMITERS) {
            int fields = split(lines.get(0), d).size();
            boolean same = fields > 1;
            for (int i = 1; same && i < probe; i++) same = split(lines.get(i), d).size() == fields;
            if (same && fields > bestFields) {
                best = d;
                bestFields = fields;
            }
        }
        // "a.fits;12,5": ';' and ',' both split it in two; a ',' between digits is a decimal comma
        if (best == ',' && sameFields(lines, probe, ';', bestFields) && decimalCommasOnly(lines, probe)) return ';';
        if (best != 0) return best;
        return split(lines.get(0), SPACE).size() > 1 ? SPACE : ',';
    }

    private static boolean sameFields(List<String> lines, int probe, char d, int fields) {
        for (int i = 0; i < probe; i++) if (split(lines.get(i), d).size() != fields) return false;
        return true;
    }

    private static boolean decimalCommasOnly(List<String> lines, int probe) {
        for (int i = 0; i < probe; i++) {
            String l = lines.get(i);
            for (int k = l.indexOf(','); k >= 0; k = l.indexOf(',', k + 1))
                if (k == 0 || k == l.length() - 1 || !Character.isDigit(l.charAt(k - 1)) || !Character.isDigit(l.charAt(k + 1)))
                    return false;
        }
        return true;
    }

    /** Fields of a line: double quotes protect delimiters; {@code ' '} splits on runs of blanks. */
    static List<String> split(String line, char delim) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false, any = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                    any = true;
                }
            } else if (!quoted && (delim == SPACE ? Character.isWhitespace(ch) : ch == delim)) {
                if (delim != SPACE || any || cur.length() > 0) out.add(cur.toString().trim());
                cur.setLength(0);
                any = false;
            } else {
                cur.append(ch);
            }
        }
        if (delim != SPACE || any || cur.length() > 0) out.add(cur.toString().trim());
        return out;
    }

    private static String field(List<String> f, Integer i) {
        return i == null || i >= f.size() ? "" : f.get(i).trim();
    }

    /** A number; "12,5" is 12.5 where the delimiter is not a comma (European spreadsheets). */
    private static double number(String s, char delim) {
        String t = s.trim();
        if (delim != ',' && DECIMAL_COMMA.matcher(t).matches()) t = t.replace(',', '.');
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
