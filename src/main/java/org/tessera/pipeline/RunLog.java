package org.tessera.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log of one run: while open, every {@code org.tessera.*} record at FINE and above goes to
 * {@code <outputDir>/tessera.log} (appended, so reruns into one folder keep their history), and
 * to the front's own handlers (a brief console for the CLI, the Fiji log for commands). The FITS
 * library's records (nom-tam-fits: INFO and above) go to the file only, and while a front's
 * handlers are attached not to the JVM's console either.
 *
 * <pre>try (RunLog log = RunLog.start(outputDir, verbose)) { ... }</pre>
 *
 * Several runs may be open at once in one JVM (tests, a batch script): each has its own file and
 * handlers; the shared logger settings are reference-counted and restored when the last run
 * closes. Records are not told apart by run, so overlapping runs see each other's lines.
 */
public final class RunLog implements AutoCloseable {

    /** Name of the log file written in the output folder. */
    public static final String FILE_NAME = "tessera.log";

    /** The logger every Tessera package logs under. */
    static final String ROOT = "org.tessera";

    // Strong reference: JUL holds loggers weakly, and a collected logger forgets its level.
    private static final Logger TESSERA = Logger.getLogger(ROOT);
    /**
     * The FITS library's logger: its warnings (a damaged compressed tile: "decompressing left over
     * some extra bytes", naming no file) reached the console through the JVM's default handler, in
     * its two-line format, beside Tessera's own line naming the file. Kept in the run's file only.
     */
    static final Logger FITS_LIBRARY = Logger.getLogger("nom.tam");
    private static boolean savedLibraryUseParentHandlers;
    private static final Object LOCK = new Object();
    private static int openRuns;
    private static int runsWithFrontHandlers;
    private static Level savedLevel;
    private static boolean savedUseParentHandlers;

    private final Path file;
    private final List<Handler> handlers;
    private final boolean frontHandlers;
    private boolean closed;

    private RunLog(Path file, List<Handler> handlers, boolean frontHandlers) {
        this.file = file;
        this.handlers = handlers;
        this.frontHandlers = frontHandlers;
    }

    /** CLI flavour: file log plus a console on {@link System#out} / {@link System#err}. */
    public static RunLog start(Path outputDir, boolean verbose) throws IOException {
        return start(outputDir, verbose ? Level.FINE : Level.INFO, System.out, System.err);
    }

    /**
     * File log plus a console handler: records below WARNING at or above {@code consoleLevel} go
     * to {@code out}, WARNING and SEVERE to {@code err}. Stack traces reach the console only when
     * {@code consoleLevel} is FINE or finer; the file always has them.
     */
    public static RunLog start(Path outputDir, Level consoleLevel, PrintStream out, PrintStream err) throws IOException {
        return start(outputDir, consoleHandler(consoleLevel, out, err));
    }

    /**
     * File log plus the given front handlers (for example a bridge to the Fiji log). While such a
     * run is open, Tessera records do not also travel to the root logger's handlers, so a user
     * sees each line once.
     */
    public static RunLog start(Path outputDir, Handler... frontHandlers) throws IOException {
        Files.createDirectories(outputDir);
        Path file = outputDir.resolve(FILE_NAME);
        Handler fileHandler = fileHandler(file);
        List<Handler> all = new ArrayList<>();
        all.add(fileHandler);
        all.addAll(List.of(frontHandlers));
        boolean fronts = frontHandlers.length > 0;
        synchronized (LOCK) {
            if (openRuns++ == 0) {
                savedLevel = TESSERA.getLevel();
                savedUseParentHandlers = TESSERA.getUseParentHandlers();
                savedLibraryUseParentHandlers = FITS_LIBRARY.getUseParentHandlers();
            }
            // The file wants debug detail whatever the JVM's logging configuration says.
            if (TESSERA.getLevel() == null || TESSERA.getLevel().intValue() > Level.FINE.intValue())
                TESSERA.setLevel(Level.FINE);
            if (fronts && runsWithFrontHandlers++ == 0) {
                TESSERA.setUseParentHandlers(false);
                FITS_LIBRARY.setUseParentHandlers(false);
            }
            for (Handler h : all) TESSERA.addHandler(h);
            FITS_LIBRARY.addHandler(fileHandler);
        }
        RunLog log = new RunLog(file, all, fronts);
        Logger.getLogger(ROOT + ".pipeline").fine("log opened: " + file.toAbsolutePath());
        return log;
    }

    /** The log file of this run. */
    public Path file() {
        return file;
    }

    /** Detaches this run's handlers and closes its file; idempotent. */
    @Override
    public void close() {
        synchronized (LOCK) {
            if (closed) return;
            closed = true;
            for (Handler h : handlers) TESSERA.removeHandler(h);
            FITS_LIBRARY.removeHandler(handlers.get(0)); // the file's (start puts it first)
            if (frontHandlers && --runsWithFrontHandlers == 0) {
                TESSERA.setUseParentHandlers(savedUseParentHandlers);
                FITS_LIBRARY.setUseParentHandlers(savedLibraryUseParentHandlers);
            }
            if (--openRuns == 0) TESSERA.setLevel(savedLevel);
        }
        for (Handler h : handlers) h.close();
    }

    /** A console handler as {@link #start(Path, Level, PrintStream, PrintStream)} attaches. */
    public static Handler consoleHandler(Level level, PrintStream out, PrintStream err) {
        return new ConsoleHandler(level, out, err, null);
    }

    /**
     * The console of a front that names the run's skipped inputs when it ends (the command line):
     * {@link org.tessera.SkipNotice}s are {@link org.tessera.SkipNotice.Held held} back, so each
     * skipped input is named once, and shown before a failure.
     */
    public static Handler frontConsoleHandler(Level level, PrintStream out, PrintStream err) {
        return new ConsoleHandler(level, out, err, new org.tessera.SkipNotice.Held());
    }

    private static Handler fileHandler(Path file) throws IOException {
        OutputStream os = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8);
        w.write("---- Tessera run started " + localTime(System.currentTimeMillis()) + " ----\n");
        w.flush();
        Handler h = new WriterHandler(w, new LineFormatter(true));
        h.setLevel(Level.FINE);
        return h;
    }

    /**
     * The local date and time of an instant, to the second, in the default time zone. Through
     * {@link TimeZone}'s offset rather than {@code ZoneId.systemDefault()} and a
     * {@code DateTimeFormatter}: the same time, without the second reading of the time-zone rules
     * and the formatter set-up that cost a fresh JVM about 10 ms before the first log line.
     */
    static LocalDateTime localTime(long millis) {
        int offset = TimeZone.getDefault().getOffset(millis) / 1000;
        return LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), 0, ZoneOffset.ofTotalSeconds(offset));
    }

    /** "HH:mm:ss" of an instant, local time. */
    static String clock(long millis) {
        LocalDateTime t = localTime(millis);
        char[] c = new char[8];
        int[] v = {t.getHour(), t.getMinute(), t.getSecond()};
        for (int i = 0; i < 3; i++) {
            c[3 * i] = (char) ('0' + v[i] / 10);
            c[3 * i + 1] = (char) ('0' + v[i] % 10);
            if (i < 2) c[3 * i + 2] = ':';
        }
        return new String(c);
    }

    /** "HH:mm:ss LEVEL [logger-short] message", optionally followed by the stack trace. */
    public static final class LineFormatter extends Formatter {
        private final boolean stackTraces;

        public LineFormatter(boolean stackTraces) {
            this.stackTraces = stackTraces;
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(96);
            sb.append(clock(r.getMillis()))
              .append(' ').append(r.getLevel().getName())
              .append(" [").append(shortName(r.getLoggerName())).append("] ")
              .append(formatMessage(r));
            Throwable t = r.getThrown();
            if (t != null) {
                if (stackTraces) {
                    StringWriter sw = new StringWriter();
                    t.printStackTrace(new PrintWriter(sw));
                    sb.append('\n').append(sw.toString().stripTrailing());
                } else if (formatMessage(r).indexOf(said(t)) < 0) {
                    sb.append(" (").append(t).append(')');
                }
            }
            return sb.append('\n').toString();
        }

        /**
         * What a line that already words {@code t} holds of it: a file-system failure's file (its
         * reason may be reworded, UserMessages: "read-only file system" said with what to do), else
         * its message; a run that skipped every input, its message without them (they were named
         * just above: {@link org.tessera.SkipNotice.AllSkipped#failureLine}).
         */
        private static String said(Throwable t) {
            if (t instanceof org.tessera.SkipNotice.AllSkipped a) return a.withoutInputs();
            return t instanceof java.nio.file.FileSystemException f && f.getFile() != null ? f.getFile()
                    : String.valueOf(t.getMessage());
        }

        /** "org.tessera.stack" → "stack"; null → "-". */
        static String shortName(String loggerName) {
            if (loggerName == null || loggerName.isEmpty()) return "-";
            return loggerName.substring(loggerName.lastIndexOf('.') + 1);
        }
    }

    /** Writes every record at its level or above to one writer, flushing each line. */
    private static final class WriterHandler extends Handler {
        private final Writer out;

        WriterHandler(Writer out, Formatter f) {
            this.out = out;
            setFormatter(f);
        }

        @Override
        public synchronized void publish(LogRecord r) {
            if (!isLoggable(r)) return;
            try {
                out.write(getFormatter().format(r));
                out.flush();
            } catch (IOException | RuntimeException e) {
                reportError("cannot write the run log", e, ErrorManager.WRITE_FAILURE);
            }
        }

        @Override
        public synchronized void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                reportError("cannot flush the run log", e, ErrorManager.FLUSH_FAILURE);
            }
        }

        @Override
        public synchronized void close() {
            try {
                out.close();
            } catch (IOException e) {
                reportError("cannot close the run log", e, ErrorManager.CLOSE_FAILURE);
            }
        }
    }

    /** Brief console: INFO on out, WARNING and SEVERE on err. */
    private static final class ConsoleHandler extends Handler {
        private final PrintStream out;
        private final PrintStream err;
        private final org.tessera.SkipNotice.Held held; // null: every record as it comes

        ConsoleHandler(Level level, PrintStream out, PrintStream err, org.tessera.SkipNotice.Held held) {
            this.out = out;
            this.err = err;
            this.held = held;
            setLevel(level);
            setFormatter(new LineFormatter(level.intValue() <= Level.FINE.intValue()));
        }

        @Override
        public synchronized void publish(LogRecord r) {
            if (!isLoggable(r)) return;
            for (LogRecord shown : held == null ? List.of(r) : held.admit(r)) {
                PrintStream s = shown.getLevel().intValue() >= Level.WARNING.intValue() ? err : out;
                s.print(getFormatter().format(shown));
                s.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
            err.flush();
        }

        @Override
        public void close() {
            flush(); // the streams belong to the caller
        }
    }
}
