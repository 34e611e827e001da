package org.tessera.reproject;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.util.Cursor;

import org.tessera.UserMessages;
import org.tessera.image.RowSink;
import org.tessera.io.FitsImageWriter;

/**
 * The final background extraction ({@link FinalBackground}) of a mosaic while the coadd writes it:
 * the same result, byte for byte, as {@link FinalBackground#applyToFile} on the finished file, for
 * less. The cell medians are taken from the bands on their way to the file ({@link #sink}), in the
 * coadd's worker threads, instead of reading the mosaic back; the model is fitted once every band
 * is in; the correction is applied in place to the writer's temporary file before it is renamed
 * ({@link #beforeClose}), in parallel bands, instead of reading the finished file and writing a
 * second one. So the mosaic appears once, with its background removed, and nothing is lost when
 * the run stops half way (the temporary file is removed as before). Memory: the cell grid, and
 * the few cell rows that a band edge cuts until their other part arrives.
 * <p>
 * The extraction never costs the user the coadd (it may have taken an hour): a failure before any
 * pixel changed (the samples, the fit, a model that is not finite, the header) keeps the mosaic as
 * coadded, its header saying {@code DBE = F} and why (in place, in the room its writer kept, else
 * by a copy of the closed file with a longer header, the data byte for byte), and
 * {@link #warning()} says so for the run's outcome; so does a failure of the second file when the
 * DBE header did not fit in place ({@link #afterClose}: the complete mosaic stays, without the
 * extraction).
 * <p>
 * In place whatever the header's length: the mosaic's writer ({@link CoaddFiles#mosaicWriter})
 * keeps room for the {@link #HEADER_CARDS} cards the extraction adds, so that the header with
 * them takes the blocks the file already has and the data need not move. A header that fills its
 * last block (the observation cards of a Seestar mosaic, the built-in sky's) would otherwise need
 * another block, and the former path: the file closed, read back whole and written to a second
 * file ({@link FinalBackground#rewrite}), which stays for a writer without that room.
 * <p>
 * A failure while the pixels are corrected in place leaves some bands corrected and others not,
 * and {@code (v - m) + m} in float does not give {@code v} back bit for bit: that file is not
 * kept (the caller aborts the writer, the run fails with a message naming the mosaic; restoring
 * it exactly would need a copy of the whole coadd). The user's cancel (an interrupt) cancels in
 * every case.
 */
public final class CoaddBackground {

    private static final Logger LOG = Logger.getLogger("org.tessera.reproject");

    /**
     * The steps of the extraction, as {@link FinalBackground} does them; a seam for tests that make
     * one of them fail.
     */
    interface Steps {
        /** One band of the coadd's mosaic into the samples (in the coadd's worker threads). */
        default void sample(CellMedians cells, int y0, int rows, float[][] src) {
            cells.writeRows(y0, rows, src);
        }

        default FinalBackground.Model fit(CellMedians cells, FinalBackground.Params p) throws IOException {
            return FinalBackground.fit(cells, p);
        }

        /** Replaces the open writer's header; false when it does not fit in place ({@link FitsImageWriter#replaceHeader}). */
        default boolean header(FitsImageWriter out, Header header) throws IOException {
            return out.replaceHeader(header);
        }

        default void correct(FitsImageWriter out, FinalBackground.Model m, int threads, RowSink also) throws IOException {
            FinalBackground.correctInPlace(out, m, threads, also);
        }

        default void rewrite(Path file, Header header, FinalBackground.Model m, FinalBackground.Params p, long t0,
                             RowSink also) throws IOException {
            FinalBackground.rewrite(file, header, m, p, t0, also);
        }

        /** Gives the closed mosaic a header that needs more blocks ({@link FitsImageWriter#replaceHeaderByCopy}). */
        default void headerByCopy(Path file, int width, int height, int channels, Header header) throws IOException {
            FitsImageWriter.replaceHeaderByCopy(file, width, height, channels, header);
        }
    }

    static final Steps STEPS = new Steps() {};

    /**
     * Steps that stand in for {@link #STEPS} on one thread while {@link #withSteps} runs: how a test
     * of this package makes a step fail in a whole run ({@code MosaicPipeline.reproject}, a front)
     * that reaches {@link CoaddFiles#write} on its thread. Package-private, set by nothing but
     * those tests, and no setting leads to it: no user can make the extraction fail on purpose.
     */
    private static final ThreadLocal<Steps> ON_THREAD = new ThreadLocal<>();

    /** Runs {@code run} with the extraction's steps {@code steps} on this thread (tests). */
    static <T> T withSteps(Steps steps, java.util.concurrent.Callable<T> run) throws Exception {
        ON_THREAD.set(steps);
        try {
            return run.call();
        } finally {
            ON_THREAD.remove();
        }
    }

    /** The steps of this thread: {@link #STEPS}, unless a test's {@link #withSteps} runs. */
    static Steps steps() {
        Steps s = ON_THREAD.get();
        return s == null ? STEPS : s;
    }

    /** The step a failure leaves out of the mosaic, as the run's outcome names it ({@link #warning()}: why). */
    public static final String STEP = "final background extraction (DBE)";

    /**
     * The cards the extraction adds to the coadd's header, one 80-character card each whatever
     * their values: {@code DBE = T} and {@code DBECELL} ({@link FinalBackground#withCards}), or
     * {@code DBE = F} and one {@code HISTORY} card cut to 71 characters
     * ({@link FinalBackground#withFailureCards}). The room a mosaic's writer keeps for them.
     */
    public static final int HEADER_CARDS = 2;

    private final FinalBackground.Params params;
    private final FitsImageWriter mosaic;
    private final CellMedians cells;
    private final Steps steps;
    /** The first failure of the samples taken in the coadd's workers, or null. */
    private final AtomicReference<Throwable> samplesFailed = new AtomicReference<>();
    private FinalBackground.Model model;
    private long t0;
    private boolean inPlace;
    private boolean rewritten;
    private RowSink corrected;
    private String warning;
    /**
     * The header that did not fit in place, given to the closed file by a copy ({@link #afterClose}):
     * DBE = F and why, or the coadd's own where no model was found (the room kept for the DBE cards
     * took a block it does not need); null: none.
     */
    private Header closedHeader;
    /** What the file is when that copy fails, for the log. */
    private String ifCopyFails;

    /** @param mosaic the mosaic's writer, with {@link FitsImageWriter.AlphaMode#FROM_NAN} */
    public CoaddBackground(FinalBackground.Params params, FitsImageWriter mosaic, int width, int height, int channels) {
        this(params, mosaic, width, height, channels, STEPS);
    }

    CoaddBackground(FinalBackground.Params params, FitsImageWriter mosaic, int width, int height, int channels, Steps steps) {
        this.params = params;
        this.mosaic = mosaic;
        this.steps = steps;
        // FROM_NAN: a pixel not finite in every channel reads back NaN in all of them.
        this.cells = new CellMedians(width, height, channels, params.cellPx(), true);
    }

    /**
     * Where the coadd writes the mosaic's bands: the file, and the samples. A failure of the
     * samples (out of memory in a coadd worker) does not stop the coadd: the samples stop, the
     * file goes on, and {@link #beforeClose} keeps it as coadded.
     */
    public RowSink sink() {
        return (y0, rows, src) -> {
            mosaic.writeRows(y0, rows, src);
            if (samplesFailed.get() != null) return;
            try {
                steps.sample(cells, y0, rows, src);
            } catch (RuntimeException | OutOfMemoryError e) {
                if (cancel(e)) throw e;
                samplesFailed.compareAndSet(null, e);
            }
        };
    }

    /**
     * Every band written, the writer still open: fits the model and removes it from the file in
     * place on {@code threads} threads (header {@code header} plus {@code DBE = T}).
     */
    public void beforeClose(Header header, int threads) throws IOException {
        beforeClose(header, threads, null);
    }

    /**
     * As {@link #beforeClose(Header, int)}; the corrected bands also go to {@code corrected} (null:
     * nowhere) as they are written (in place, or by {@link #afterClose}), so that the preview needs
     * no read of the file. A failure of the fit or of the header is no failure of the run: the file
     * is left as coadded, with {@code DBE = F} where its header has room, and {@link #warning()}
     * says why. Throws when the file must not be kept (a failure while correcting its pixels, or
     * one that left its header half written) and on the user's cancel: the caller aborts the writer.
     */
    public void beforeClose(Header header, int threads, RowSink corrected) throws IOException {
        t0 = System.nanoTime();
        this.corrected = corrected;
        Header coadd = copy(header);
        if (samplesFailed.get() != null) {
            keep(coadd, "the background samples failed", samplesFailed.get());
            return;
        }
        FinalBackground.Model m;
        try {
            m = steps.fit(cells, params);
            String bad = notFinite(m);
            if (bad != null) throw new ArithmeticException(bad);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            keep(coadd, "the background fit failed", e);
            return;
        }
        model = m;
        if (m.empty()) {
            FinalBackground.skipped(mosaic.target());
            if (!asCoadded(coadd)) {
                closedHeader = coadd;
                ifCopyFails = "as coadded, with " + HEADER_CARDS + " blank cards in its header where the DBE cards would be";
            }
            return;
        }
        boolean fits;
        try {
            fits = steps.header(mosaic, FinalBackground.withCards(copy(coadd), params));
        } catch (IOException | RuntimeException e) {
            // The header may be half written: keep() writes the whole block again, or throws.
            keep(coadd, "the DBE header could not be written", e);
            return;
        }
        if (!fits) { // afterClose rewrites the closed file: until then, the coadd's header where it fits
            asCoadded(coadd);
            return;
        }
        try {
            steps.correct(mosaic, m, threads, corrected);
        } catch (IOException | RuntimeException | Error e) {
            if (cancel(e)) throw e;
            throw new IOException(mosaic.target() + ": the background extraction failed while correcting the mosaic in place ("
                    + UserMessages.describe(e) + "), so some bands were corrected and others not; it was not kept (a corrected"
                    + " pixel does not give the coadd's back exactly). Run again, or set final_mosaic_dbe_enabled=false"
                    + " to keep the coadd without it", e);
        }
        FinalBackground.applied(mosaic.target(), m, t0);
        LOG.fine(() -> "[DBE] " + mosaic.target().getFileName() + ": removed in place, before the rename");
        inPlace = true;
    }

    /** After {@link #beforeClose}: the model was removed in place, every corrected band went to its {@code corrected} sink. */
    public boolean appliedInPlace() {
        return inPlace;
    }

    /**
     * After {@link #afterClose}: the model was removed (in place or by the rewrite) and every
     * corrected band went to the {@code corrected} sink given to {@link #beforeClose}.
     */
    public boolean applied() {
        return inPlace || rewritten;
    }

    /**
     * Null, or why the mosaic was kept without the extraction ({@link #STEP}) after it failed, in
     * words for the run's outcome (e.g. "the background fit failed: out of memory; the mosaic was
     * kept without it"; the log has said it as a {@code [DBE]} warning).
     */
    public String warning() {
        return warning;
    }

    /**
     * The writer closed: where the header with the DBE cards did not fit in the place of the
     * coadd's (a header at the end of a 2880-byte block, in a writer that kept no room for the
     * cards: {@link CoaddFiles#mosaicWriter}), the file is rewritten as
     * {@link FinalBackground#applyToFile} does, with the model already fitted. A failure there (a
     * full disk) leaves the complete mosaic as coadded (the rewrite goes through a temporary file)
     * and is reported by {@link #warning()}; only the user's cancel is thrown.
     */
    public void afterClose(Header header) throws IOException {
        if (closedHeader != null) {
            markByCopy(closedHeader);
            return;
        }
        if (model == null || model.empty() || inPlace || warning != null) return;
        Header coadd = copy(header); // the rewrite adds its DBE cards to the header it is given
        LOG.fine(() -> "[DBE] " + mosaic.target().getFileName() + ": its header needs another block for the DBE cards:"
                + " rewritten after the rename");
        try {
            steps.rewrite(mosaic.target(), copy(coadd), model, params, t0, corrected);
            rewritten = true;
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            if (cancel(e)) throw e;
            String stage = "the rewrite with the DBE header failed";
            warn(stage, e);
            // No room for DBE = F in place either (that is why it was rewritten): a copy, which may fail as the rewrite did.
            markByCopy(FinalBackground.withFailureCards(coadd, stage + ": " + reason(e)));
        }
    }

    /**
     * The closed mosaic given {@code header} (DBE = F, or the coadd's) by a copy; a failure leaves it
     * as it is, without a DBE card.
     */
    private void markByCopy(Header header) throws IOException {
        try {
            steps.headerByCopy(mosaic.target(), cells.width(), cells.height(), cells.channels(), header);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            if (cancel(e)) throw rethrown(e);
            String name = mosaic.target().getFileName().toString();
            if (ifCopyFails != null)
                LOG.warning("[DBE] " + name + ": its header could not be written without the room kept for the DBE cards ("
                        + UserMessages.describe(e) + "); " + name + " is complete, " + ifCopyFails);
            else
                LOG.warning("[DBE] " + name + ": its header could not be given DBE = F (" + UserMessages.describe(e) + "); "
                        + name + " is complete, without background extraction and without a DBE card");
        }
    }

    /**
     * The open file's header made the coadd's again, in place (where the writer kept room for the
     * DBE cards, the coadd's alone may take a block less: false, and the file is left as it is).
     */
    private boolean asCoadded(Header coadd) throws IOException {
        try {
            return mosaic.replaceHeader(coadd);
        } catch (IOException | RuntimeException e) {
            if (cancel(e)) throw e;
            throw new IOException(mosaic.target() + ": the mosaic's header could not be written again ("
                    + UserMessages.describe(e) + ")", e);
        }
    }

    /**
     * The extraction failed before any pixel changed: the file stays as coadded, its header with
     * {@code DBE = F} and why, in place when it fits (always, in a writer that kept room for the
     * DBE cards), else by a copy once the file is closed ({@link #afterClose}). Rethrows the
     * user's cancel; throws when the header cannot be written whole again.
     */
    private void keep(Header coadd, String stage, Throwable e) throws IOException {
        if (cancel(e)) throw rethrown(e);
        String why = stage + ": " + reason(e);
        try {
            Header failed = FinalBackground.withFailureCards(copy(coadd), why);
            if (!mosaic.replaceHeader(failed)) {
                mosaic.replaceHeader(coadd); // the coadd's header, written again in case the failure touched it
                closedHeader = failed;
            }
        } catch (IOException | RuntimeException f) {
            if (cancel(f)) throw f;
            f.addSuppressed(e);
            throw new IOException(mosaic.target() + ": the background extraction failed (" + why
                    + ") and the mosaic's header could not be written again (" + UserMessages.describe(f) + ")", f);
        }
        warn(stage, e);
    }

    private void warn(String stage, Throwable e) {
        String name = mosaic.target().getFileName().toString();
        warning = stage + ": " + UserMessages.describe(e) + "; the mosaic was kept without it";
        LOG.warning("[DBE] " + name + ": " + stage + ": " + UserMessages.describe(e) + "; " + name
                + " kept without background extraction");
        LOG.log(Level.FINE, "[DBE] the failure, for a report", e); // tessera.log keeps the stack trace
    }

    /** One short phrase for the header's HISTORY card (the log and the outcome have the whole message and what to do). */
    private static String reason(Throwable e) {
        if (e instanceof OutOfMemoryError) return "out of memory";
        String d = UserMessages.describe(e);
        return d.startsWith("the disk is full") ? "disk full" : d;
    }

    /** Why a model cannot be subtracted (a coefficient not finite), or null. */
    private static String notFinite(FinalBackground.Model m) {
        for (int c = 0; c < m.coef().length; c++) {
            double[] a = m.coef()[c];
            if (a == null) continue;
            for (double v : a)
                if (!Double.isFinite(v)) return String.format(Locale.ROOT, "the model of channel %d is not finite (%s)", c, v);
        }
        return null;
    }

    /** The user's cancel: an interrupt (of this thread, or one that stopped an I/O) or a CancellationException. */
    static boolean cancel(Throwable e) {
        if (Thread.currentThread().isInterrupted()) return true;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause())
            if (t instanceof InterruptedIOException || t instanceof ClosedByInterruptException
                    || t instanceof InterruptedException || t instanceof CancellationException) return true;
        return false;
    }

    /** {@code e} to throw as it is (an IOException returned, any other thrown here). */
    private static IOException rethrown(Throwable e) {
        if (e instanceof IOException io) return io;
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error err) throw err;
        return new InterruptedIOException(String.valueOf(e.getMessage()));
    }

    private static Header copy(Header h) {
        Header out = new Header();
        Cursor<String, HeaderCard> it = h.iterator();
        while (it.hasNext()) out.addLine(it.next().copy());
        return out;
    }
}
