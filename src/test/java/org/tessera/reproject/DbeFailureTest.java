package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;

import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSink;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;

/**
 * The final background extraction never costs the user the coadd: a failure before any pixel
 * changed (the fit, a model that is not finite, the header) and a failure of the second file when
 * the DBE header did not fit in place keep the mosaic as coadded (the pixels of a run with DBE off,
 * bit for bit), with {@code DBE = F} and why in its header where it has room, a {@code [DBE]}
 * warning and {@link CoaddFiles.Written#warning()}; a failure while the pixels are corrected in
 * place fails the run and leaves no half-corrected mosaic; the user's cancel still cancels.
 */
class DbeFailureTest {

    static final CoaddFiles.Names NAMES = new CoaddFiles.Names("m.fits", "c.fits", "p.png");
    static final CoaddParams PARAMS = CoaddParams.plain(Kernel.BILINEAR).withRowsPerBand(37).withWorkers(3);

    static CoaddFiles.Written write(Path dir, Config cfg, CoaddBackground.Steps steps) throws IOException {
        return write(dir, cfg, steps, Progress.NONE);
    }

    /** {@code coadd}: the coadd's progress, which each band's worker reports to once the band is written. */
    static CoaddFiles.Written write(Path dir, Config cfg, CoaddBackground.Steps steps, Progress coadd) throws IOException {
        Files.createDirectories(dir);
        List<CoaddInput> in = ReprojectCoaddTest.rgbTiles();
        return CoaddFiles.write(in, ReprojectCoaddTest.GRID, PARAMS, dir, NAMES, "mosaic", cfg, coadd, Progress.NONE,
                CpuBandCoadder.INSTANCE, ReprojectCoadd.Bands.LOCAL, MosaicProvenance.of(in), steps);
    }

    static Config cfg(boolean dbe) {
        return new Config().put("final_mosaic_dbe_enabled", dbe).put("preview_png_max_dim", 90);
    }

    /** The file from the end of its primary header: the data, the ALPHA extension. */
    static byte[] afterHeader(Path f) throws Exception {
        byte[] b = Files.readAllBytes(f);
        return Arrays.copyOfRange(b, (int) org.tessera.io.FitsHeaderLength.of(f), b.length);
    }

    /** The primary header's cards, as text. */
    static String headerText(Path f) throws Exception {
        return new String(Files.readAllBytes(f), 0, (int) org.tessera.io.FitsHeaderLength.of(f), StandardCharsets.US_ASCII);
    }

    static List<String> parts(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".part")).forEach(p -> out.add(p.getFileName().toString()));
        }
        return out;
    }

    /** Steps whose fit throws {@code e}. */
    static CoaddBackground.Steps fitThrows(Throwable e) {
        return new CoaddBackground.Steps() {
            @Override public FinalBackground.Model fit(CellMedians cells, FinalBackground.Params p) throws IOException {
                if (e instanceof IOException io) throw io;
                if (e instanceof RuntimeException r) throw r;
                throw (Error) e;
            }
        };
    }

    /** Checks a mosaic kept as coadded after {@code stage} failed with {@code reason}, against {@code off} (DBE off). */
    static void keptAsCoadded(CoaddFiles.Written w, CoaddFiles.Written off, String stage, String reason, Logged.Capture log)
            throws Exception {
        keptAsCoadded(w, off, stage, reason, log, 2880);
    }

    static void keptAsCoadded(CoaddFiles.Written w, CoaddFiles.Written off, String stage, String reason, Logged.Capture log,
                              int headerBytes) throws Exception {
        keptAsCoadded(w, off, stage, reason, reason, log, headerBytes);
    }

    /** {@code history}: the reason as the HISTORY card gives it (shorter for a full disk, out of memory). */
    static void keptAsCoadded(CoaddFiles.Written w, CoaddFiles.Written off, String stage, String reason, String history,
                              Logged.Capture log, int headerBytes) throws Exception {
        assertTrue(Files.isRegularFile(w.mosaic()), "the mosaic is kept");
        assertArrayEquals(afterHeader(off.mosaic()), afterHeader(w.mosaic()), "the coadd's pixels and ALPHA, bit for bit");
        assertEquals(-1, Files.mismatch(off.coverage(), w.coverage()), "the coverage as usual");
        assertEquals(-1, Files.mismatch(off.preview(), w.preview()), "the preview of the uncorrected mosaic");
        String h = headerText(w.mosaic());
        // The DBE-off header plus two cards, nothing else: DBE = F, and why in one HISTORY card (71 characters at most).
        String offCards = headerText(off.mosaic()).substring(0, headerText(off.mosaic()).indexOf("END     "));
        assertTrue(h.startsWith(failureCards(offCards, stage, history)), h);
        assertEquals(headerBytes, h.length(), "the header's blocks");
        assertTrue(w.warning().startsWith(stage + ": "), w.warning());
        assertTrue(w.warning().contains(reason) && w.warning().endsWith("; the mosaic was kept without it"), w.warning());
        List<String> warnings = log.messages(Level.WARNING);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("[DBE] m.fits: " + stage + ": "), warnings.get(0));
        assertTrue(warnings.get(0).contains(reason) && warnings.get(0).endsWith("; m.fits kept without background extraction"),
                warnings.get(0));
        assertEquals(List.of(), parts(w.mosaic().getParent()));
    }

    /** {@code cards} (a header's cards, before END) with DBE = F and the HISTORY card of {@code stage} and {@code reason}, then END. */
    static String failureCards(String cards, String stage, String reason) {
        String history = "DBE not applied: " + stage + ": " + reason;
        if (history.length() > 71) history = history.substring(0, 68) + "...";
        return cards + String.format("%-80s", "DBE     =                    F / final background extraction failed")
                + String.format("%-80s", "HISTORY  " + history) + String.format("%-80s", "END");
    }

    @Test
    void aFitThatFailsKeepsTheCoaddWithItsHeaderSayingSo(@TempDir Path dir) throws Exception {
        CoaddFiles.Written off = write(dir.resolve("off"), cfg(false), CoaddBackground.STEPS);
        assertNull(off.warning());
        CoaddFiles.Written on = write(dir.resolve("on"), cfg(true), CoaddBackground.STEPS);
        assertNull(on.warning());
        assertFalse(Arrays.equals(afterHeader(off.mosaic()), afterHeader(on.mosaic())), "DBE changes the mosaic when it runs");
        Object[][] cases = {
                {new ArithmeticException("singular system"), "internal error (please report it with tessera.log): singular system"},
                {new IllegalStateException("cell row 3 not written"), "cell row 3 not written"},
                {new IOException("read error at byte 42"), "read error at byte 42"},
                {new OutOfMemoryError("Java heap space"), "out of memory"}};
        for (Object[] c : cases) {
            Path d = dir.resolve("fail" + c[1].hashCode());
            CoaddFiles.Written w;
            try (Logged.Capture log = Logged.capture("org.tessera.reproject", Level.INFO)) {
                w = write(d, cfg(true), fitThrows((Throwable) c[0]));
                keptAsCoadded(w, off, "the background fit failed", (String) c[1], log);
            }
        }
    }

    @Test
    void samplesThatFailInTheCoaddsWorkersKeepTheCoadd(@TempDir Path dir) throws Exception {
        CoaddFiles.Written off = write(dir.resolve("off"), cfg(false), CoaddBackground.STEPS);
        AtomicInteger bands = new AtomicInteger(), after = new AtomicInteger();
        AtomicReference<Thread> failed = new AtomicReference<>();
        // Counted down once the failed worker reports its band: its sink has recorded the failure by then.
        CountDownLatch recorded = new CountDownLatch(1);
        CoaddBackground.Steps oom = new CoaddBackground.Steps() {
            @Override public void sample(CellMedians cells, int y0, int rows, float[][] src) {
                int k = bands.incrementAndGet();
                if (k == 3) {
                    failed.set(Thread.currentThread());
                    throw new OutOfMemoryError("Java heap space"); // a cell row's buffer, in a worker
                }
                if (k > 3) {
                    // Begun after the failure: held until it is recorded. Between the throw and the record the other
                    // workers could otherwise sample any number of bands (a failed worker descheduled under load: 2
                    // runs in 16 sampled more than 2), which no check in the sink can prevent; held here, each
                    // passes the sink's check once before the record at most, as the bound says.
                    try {
                        assertTrue(recorded.await(30, TimeUnit.SECONDS), "the failed worker never reported its band");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    after.incrementAndGet();
                }
                cells.writeRows(y0, rows, src);
            }
        };
        Progress coadd = (f, m) -> {
            if (Thread.currentThread() == failed.get()) recorded.countDown();
        };
        try (Logged.Capture log = Logged.capture("org.tessera.reproject", Level.INFO)) {
            CoaddFiles.Written w = write(dir.resolve("oom"), cfg(true), oom, coadd);
            keptAsCoadded(w, off, "the background samples failed", "out of memory", log);
        }
        assertEquals(0, recorded.getCount());
        // 9 bands of 37 rows; after the failure only the workers already past the check (3 workers: 2 at most) sample.
        assertEquals(9, (332 + 36) / 37);
        assertTrue(after.get() <= 2, "samples after the failure: " + after.get() + " of " + bands.get());
    }

    @Test
    void aModelThatIsNotFiniteIsNeverSubtracted(@TempDir Path dir) throws Exception {
        CoaddFiles.Written off = write(dir.resolve("off"), cfg(false), CoaddBackground.STEPS);
        CoaddBackground.Steps nan = new CoaddBackground.Steps() {
            @Override public FinalBackground.Model fit(CellMedians cells, FinalBackground.Params p) throws IOException {
                FinalBackground.Model m = FinalBackground.fit(cells, p);
                m.coef()[1][4] = Double.NaN; // what a degenerate solve could give: the whole channel would turn NaN
                return m;
            }
        };
        try (Logged.Capture log = Logged.capture("org.tessera.reproject", Level.INFO)) {
            CoaddFiles.Written w = write(dir.resolve("nan"), cfg(true), nan);
            keptAsCoadded(w, off, "the background fit failed",
                    "internal error (please report it with tessera.log): the model of channel 1 is not finite (NaN)", log);
        }
    }

    @Test
    void aHeaderThatCannotBeWrittenKeepsTheCoadd(@TempDir Path dir) throws Exception {
        CoaddFiles.Written off = write(dir.resolve("off"), cfg(false), CoaddBackground.STEPS);
        AtomicInteger calls = new AtomicInteger();
        CoaddBackground.Steps bad = new CoaddBackground.Steps() {
            @Override public boolean header(FitsImageWriter out, Header header) throws IOException {
                calls.incrementAndGet();
                throw new IOException("input/output error");
            }
        };
        try (Logged.Capture log = Logged.capture("org.tessera.reproject", Level.INFO)) {
            CoaddFiles.Written w = write(dir.resolve("hdr"), cfg(true), bad);
            assertEquals(1, calls.get());
            keptAsCoadded(w, off, "the DBE header could not be written", "input/output error", log);
        }
    }

    @Test
    void aFailureWhileCorrectingInPlaceLeavesNoHalfCorrectedMosaic(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectories(dir.resolve("run"));
        // A mosaic of an earlier run stays as it was; no file of this run appears.
        byte[] earlier = "an earlier run's mosaic".getBytes(StandardCharsets.US_ASCII);
        Files.write(d.resolve("m.fits"), earlier);
        AtomicInteger bands = new AtomicInteger(), workers = new AtomicInteger();
        CoaddBackground.Steps failing = new CoaddBackground.Steps() {
            @Override public void correct(FitsImageWriter out, FinalBackground.Model m, int threads, RowSink also)
                    throws IOException {
                workers.set(threads);
                // The real correction (the 400x380 mosaic: two bands a thread), failing once a band went to the file.
                FinalBackground.correctInPlace(out, m, threads, (y0, rows, src) -> {
                    bands.incrementAndGet();
                    throw new IOException(out.target() + ": cannot write: No space left on device");
                });
            }
        };
        IOException e = assertThrows(IOException.class, () -> write(d, cfg(true), failing));
        // Each worker stops at its first band's failure: one band, or one per worker that had started.
        assertTrue(bands.get() >= 1 && bands.get() <= workers.get(),
                "the bands corrected before the failure: " + bands.get() + ", threads " + workers.get());
        String m = e.getMessage();
        assertTrue(m.startsWith(d.resolve("m.fits") + ": the background extraction failed while correcting the mosaic in place ("),
                m);
        assertTrue(m.contains("No space left on device") && m.contains("it was not kept"), m);
        assertTrue(m.endsWith("Run again, or set final_mosaic_dbe_enabled=false to keep the coadd without it"), m);
        assertArrayEquals(earlier, Files.readAllBytes(d.resolve("m.fits")), "the earlier mosaic untouched");
        assertFalse(Files.exists(d.resolve("c.fits")), "no coverage of a mosaic that was not written");
        assertFalse(Files.exists(d.resolve("p.png")));
        assertEquals(List.of(), parts(d));
    }

    @Test
    void aFailedBandStopsTheOtherCorrectionWorkersAndIsWaitedFor(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectories(dir.resolve("run"));
        AtomicInteger begun = new AtomicInteger(), ended = new AtomicInteger();
        AtomicInteger begunAtThrow = new AtomicInteger(-1), endedAtThrow = new AtomicInteger(-1);
        CoaddBackground.Steps failing = new CoaddBackground.Steps() {
            @Override public void correct(FitsImageWriter out, FinalBackground.Model m, int threads, RowSink also)
                    throws IOException {
                // 8 threads: two bands a thread, 16 or more. The first band to arrive fails at once; the
                // others take 150 ms each and, like a write to disk, do not end early when interrupted.
                try {
                    FinalBackground.correctInPlace(out, m, 8, (y0, rows, src) -> {
                        if (begun.getAndIncrement() == 0) throw new IOException("cannot write: No space left on device");
                        long end = System.nanoTime() + 150_000_000L;
                        boolean interrupted = false;
                        for (long left; (left = end - System.nanoTime()) > 0; ) {
                            try {
                                Thread.sleep(left / 1_000_000L, (int) (left % 1_000_000L));
                            } catch (InterruptedException e) {
                                interrupted = true;
                            }
                        }
                        if (interrupted) Thread.currentThread().interrupt();
                        ended.incrementAndGet();
                    });
                } finally {
                    begunAtThrow.set(begun.get());
                    endedAtThrow.set(ended.get());
                }
            }
        };
        assertThrows(IOException.class, () -> write(d, cfg(true), failing));
        // The bands in flight when the first one failed end (one a thread at most) before the failure
        // is thrown; no new one starts (without the stop, every band was corrected first).
        assertTrue(begunAtThrow.get() >= 1 && begunAtThrow.get() <= 8, "bands begun by 8 threads: " + begunAtThrow.get());
        assertEquals(begunAtThrow.get() - 1, endedAtThrow.get(), "bands still being written when the failure was thrown");
        Thread.sleep(400);
        assertEquals(endedAtThrow.get(), ended.get(), "a band written after the failure was thrown");
    }

    @Test
    void aRewriteThatFailsKeepsTheCompleteMosaicWithoutTheExtraction(@TempDir Path dir) throws Exception {
        CoaddFiles.Written off = write(dir.resolve("off"), cfg(false), CoaddBackground.STEPS);
        AtomicInteger rewrites = new AtomicInteger();
        // No room for the DBE cards in the header (as when it ends its 2880-byte block), then the second file fails
        // half way: the real rewrite, its bands failing at the second (a full disk).
        CoaddBackground.Steps full = new CoaddBackground.Steps() {
            @Override public boolean header(FitsImageWriter out, Header header) {
                return false;
            }

            @Override public void rewrite(Path file, Header header, FinalBackground.Model m, FinalBackground.Params p, long t0,
                                          RowSink also) throws IOException {
                rewrites.incrementAndGet();
                AtomicInteger n = new AtomicInteger();
                FinalBackground.rewrite(file, header, m, p, t0, (y0, rows, src) -> {
                    if (n.incrementAndGet() == 1) assertTrue(Files.exists(file.resolveSibling(file.getFileName() + ".part")));
                    throw new IOException(file.resolveSibling(file.getFileName() + ".part") + ": cannot write: No space left on device");
                });
            }
        };
        try (Logged.Capture log = Logged.capture("org.tessera.reproject", Level.INFO)) {
            CoaddFiles.Written w = write(dir.resolve("full"), cfg(true), full);
            assertEquals(1, rewrites.get());
            // The coadd's file, whole (the data, the ALPHA), its header marked DBE = F by a copy; coverage, preview as usual.
            String reason = org.tessera.UserMessages.describe(new IOException(
                    w.mosaic().resolveSibling("m.fits.part") + ": cannot write: No space left on device"));
            assertTrue(reason.startsWith("the disk is full ("), reason);
            keptAsCoadded(w, off, "the rewrite with the DBE header failed", reason, "disk full", log, 2880);
        }
    }

    @Test
    void theUsersCancelStillCancels(@TempDir Path dir) throws Exception {
        Throwable[] cancels = {new InterruptedIOException("interrupted"), new CancellationException("cancelled by the user"),
                new IOException("closed", new java.nio.channels.ClosedByInterruptException())};
        int k = 0;
        for (Throwable c : cancels) {
            Path d = dir.resolve("c" + k++);
            Throwable e = assertThrows(Throwable.class, () -> write(d, cfg(true), fitThrows(c)));
            assertEquals(c, e, "the cancel, as thrown");
            assertFalse(Files.exists(d.resolve("m.fits")), "a cancelled run leaves no mosaic");
            assertFalse(Files.exists(d.resolve("c.fits")));
            assertEquals(List.of(), parts(d));
        }
        // An interrupt flag set while the fit failed otherwise is the cancel too.
        Path d = dir.resolve("flag");
        CoaddBackground.Steps interrupted = new CoaddBackground.Steps() {
            @Override public FinalBackground.Model fit(CellMedians cells, FinalBackground.Params p) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stopped");
            }
        };
        try {
            assertThrows(IllegalStateException.class, () -> write(d, cfg(true), interrupted));
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt kept for the caller"); // and cleared for the next test
        }
        assertFalse(Files.exists(d.resolve("m.fits")));
        // A cancel during the rewrite (the mosaic already complete) is thrown, not taken for a failure.
        Path r = dir.resolve("rewrite");
        CoaddBackground.Steps cancelledRewrite = new CoaddBackground.Steps() {
            @Override public boolean header(FitsImageWriter out, Header header) {
                return false;
            }

            @Override public void rewrite(Path file, Header header, FinalBackground.Model m, FinalBackground.Params p, long t0,
                                          RowSink also) throws IOException {
                throw new InterruptedIOException("[DBE] interrupted");
            }
        };
        assertThrows(InterruptedIOException.class, () -> write(r, cfg(true), cancelledRewrite));
    }

    @Test
    void aHeaderWithoutRoomIsGivenDbeFByACopyOrLeftAsCoadded(@TempDir Path dir) throws Exception {
        // 27 filler cards: the coadd's header fills its 2880-byte block, DBE = F and HISTORY need a second one.
        FloatImage img = CoaddBackgroundTest.input();
        Path ref = dir.resolve("ref.fits");
        FitsImageWriter.write(ref, img, CoaddBackgroundTest.header(27), FitsImageWriter.AlphaMode.FROM_NAN);
        Config cfg = new Config().put("preview_png_max_dim", 100);
        try (Logged.Capture log = Logged.capture("org.tessera.reproject", Level.INFO)) {
            Path[] a = CoaddPreviewTest.run(Files.createDirectories(dir.resolve("a")), img, 27, 64, 2, cfg, false,
                    fitThrows(new IllegalStateException("cell row 3 not written")));
            assertArrayEquals(afterHeader(ref), afterHeader(a[0]), "the coadd's data and ALPHA, byte for byte");
            String h = headerText(a[0]);
            assertEquals(2 * 2880, h.length());
            assertTrue(h.startsWith(failureCards(headerText(ref).substring(0, 35 * 80), "the background fit failed",
                    "cell row 3 not written")), h);
            assertEquals(-1, Files.mismatch(a[3], a[2]), "the preview of the coadd");
            assertEquals(List.of("[DBE] m.fits: the background fit failed: cell row 3 not written; m.fits kept without background"
                    + " extraction"), log.messages(Level.WARNING));
            assertEquals(List.of(), parts(a[0].getParent()));
        }
        // The copy fails too (a full disk): the file stays the coadd's, byte for byte, and the log says it has no DBE card.
        int[] shape = new int[3];
        CoaddBackground.Steps copyFails = new CoaddBackground.Steps() {
            @Override public FinalBackground.Model fit(CellMedians cells, FinalBackground.Params p) {
                throw new IllegalStateException("cell row 3 not written");
            }

            @Override public void headerByCopy(Path file, int width, int height, int channels, Header header) throws IOException {
                shape[0] = width;
                shape[1] = height;
                shape[2] = channels;
                throw new IOException("No space left on device");
            }
        };
        try (Logged.Capture log = Logged.capture("org.tessera.reproject", Level.INFO)) {
            Path[] c = CoaddPreviewTest.run(Files.createDirectories(dir.resolve("c")), img, 27, 64, 2, cfg, false, copyFails);
            assertArrayEquals(new int[] {CoaddBackgroundTest.W, CoaddBackgroundTest.H, 3}, shape);
            assertEquals(-1, Files.mismatch(ref, c[0]), "the coadd's file, header and all");
            assertEquals(-1, Files.mismatch(c[3], c[2]));
            assertEquals(List.of("[DBE] m.fits: the background fit failed: cell row 3 not written; m.fits kept without background"
                    + " extraction", "[DBE] m.fits: its header could not be given DBE = F (the disk is full (No space left on"
                    + " device): free some space or choose another output folder); m.fits is complete, without background"
                    + " extraction and without a DBE card"), log.messages(Level.WARNING));
            assertEquals(List.of(), parts(c[0].getParent()));
        }
    }

    @Test
    void aNonFittingHeaderOnTheStreamedPathKeepsTheCoaddAndItsPreview(@TempDir Path dir) throws Exception {
        // 27 filler cards: the DBE cards need a second block, so the model is removed by a rewrite after the
        // close; that rewrite fails (a full disk) and the file stays the coadd's, byte for byte.
        FloatImage img = CoaddBackgroundTest.input();
        Path ref = dir.resolve("ref.fits");
        FitsImageWriter.write(ref, img, CoaddBackgroundTest.header(27), FitsImageWriter.AlphaMode.FROM_NAN);
        CoaddBackground.Steps full = new CoaddBackground.Steps() {
            @Override public void rewrite(Path file, Header header, FinalBackground.Model m, FinalBackground.Params p, long t0,
                                          RowSink also) throws IOException {
                AtomicInteger n = new AtomicInteger();
                FinalBackground.rewrite(file, header, m, p, t0, (y0, rows, src) -> {
                    also.writeRows(y0, rows, src); // the preview got a part of the corrected bands
                    if (n.incrementAndGet() == 1) throw new IOException("No space left on device");
                });
            }
        };
        Config cfg = new Config().put("preview_png_max_dim", 100);
        Path[] a = CoaddPreviewTest.run(Files.createDirectories(dir.resolve("a")), img, 27, 64, 2, cfg, false, full);
        assertArrayEquals(afterHeader(ref), afterHeader(a[0]), "the coadd's data and ALPHA, byte for byte");
        String cards = headerText(ref).substring(0, headerText(ref).indexOf("END     "));
        assertEquals(35 * 80, cards.length(), "the coadd's header fills its block");
        String h = headerText(a[0]);
        assertEquals(2 * 2880, h.length(), "DBE = F needed a second block: the header was given it by a copy");
        assertTrue(h.startsWith(failureCards(cards, "the rewrite with the DBE header failed", "disk full")), h);
        assertEquals(-1, Files.mismatch(a[3], a[2]), "the preview of the file as kept, not of the partial correction");
        assertEquals(List.of(), parts(a[0].getParent()));
        // and the extraction that works changes both
        Path[] b = CoaddPreviewTest.run(Files.createDirectories(dir.resolve("b")), img, 27, 64, 2, cfg, false,
                CoaddBackground.STEPS);
        assertNotEquals(-1, Files.mismatch(ref, b[0]));
        assertNotEquals(-1, Files.mismatch(a[2], b[2]));
    }

    /** Checks {@code f} as a user would, with fitsverify, where it is installed. */
    static void verified(Path f) throws Exception {
        Path fv = Path.of("/usr/bin/fitsverify");
        if (!Files.isExecutable(fv)) return;
        Process p = new ProcessBuilder(fv.toString(), "-q", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(out.startsWith("verification OK"), f + ": " + out); // -q prints only the verdict
    }

    /** Steps whose fit throws, counting the copies of the closed file's header (the real copy). */
    static CoaddBackground.Steps fitFailsCountingCopies(AtomicInteger copies) {
        return new CoaddBackground.Steps() {
            @Override public FinalBackground.Model fit(CellMedians cells, FinalBackground.Params p) {
                throw new IllegalStateException("cell row 3 not written");
            }

            @Override public void headerByCopy(Path file, int width, int height, int channels, Header header) throws IOException {
                copies.incrementAndGet();
                FitsImageWriter.replaceHeaderByCopy(file, width, height, channels, header);
            }
        };
    }

    @Test
    void withTheRoomItsWriterKeepsAHeaderThatFillsItsBlockIsMarkedDbeFInPlace(@TempDir Path dir) throws Exception {
        // 27 filler cards: DBE = F and HISTORY need a second block. A writer without room: a copy of the closed
        // file; with the room a coadd's writer keeps: in place, the same bytes.
        FloatImage img = CoaddBackgroundTest.input();
        Config cfg = new Config().put("preview_png_max_dim", 100);
        AtomicInteger copies = new AtomicInteger();
        Path[] before = CoaddPreviewTest.run(Files.createDirectories(dir.resolve("plain")), img, 27, 64, 2, cfg, false,
                fitFailsCountingCopies(copies));
        assertEquals(1, copies.get(), "the former path: a copy");
        try (Logged.Capture log = Logged.capture("org.tessera.reproject", Level.INFO)) {
            Path[] now = CoaddPreviewTest.run(Files.createDirectories(dir.resolve("room")), img, 27, 64, 2, cfg, false,
                    fitFailsCountingCopies(copies), CoaddBackground.HEADER_CARDS);
            assertEquals(1, copies.get(), "no copy: DBE = F written in place");
            assertEquals(2 * 2880, org.tessera.io.FitsHeaderLength.of(now[0]));
            assertEquals(-1, Files.mismatch(before[0], now[0]), "the copy's bytes");
            assertEquals(-1, Files.mismatch(before[2], now[2]), "the preview");
            assertEquals(-1, Files.mismatch(now[3], now[2]));
            assertEquals(List.of("[DBE] m.fits: the background fit failed: cell row 3 not written; m.fits kept without background"
                    + " extraction"), log.messages(Level.WARNING));
            assertEquals(List.of(), parts(now[0].getParent()));
            verified(now[0]);
        }
        // Through CoaddFiles.write too (its writer keeps the room): the header with its two cards, in place.
        CoaddFiles.Written off = write(dir.resolve("off"), cfg(false), CoaddBackground.STEPS);
        AtomicInteger none = new AtomicInteger();
        try (Logged.Capture log = Logged.capture("org.tessera.reproject", Level.INFO)) {
            CoaddFiles.Written w = write(dir.resolve("files"), cfg(true), fitFailsCountingCopies(none));
            keptAsCoadded(w, off, "the background fit failed", "cell row 3 not written", log);
            assertEquals(0, none.get());
            verified(w.mosaic());
        }
    }

    @Test
    void withTheRoomKeptAMosaicWithoutAModelGetsTheCoaddsHeaderBack(@TempDir Path dir) throws Exception {
        // No channel with enough sky cells: the file as coadded, byte for byte, as before the room was kept; in place
        // where the coadd's header takes the blocks the room took (0 fillers), else by a copy (27: a block shorter).
        FloatImage img = CoaddBackgroundTest.input();
        Config cfg = new Config().put("preview_png_max_dim", 100);
        for (int filler : new int[] {0, 27}) {
            Path ref = dir.resolve("ref" + filler + ".fits");
            FitsImageWriter.write(ref, img, CoaddBackgroundTest.header(filler), FitsImageWriter.AlphaMode.FROM_NAN);
            AtomicInteger copies = new AtomicInteger();
            CoaddBackground.Steps noModel = new CoaddBackground.Steps() {
                @Override public FinalBackground.Model fit(CellMedians cells, FinalBackground.Params p) {
                    return new FinalBackground.Model(cells.width(), cells.height(), new double[3][], new double[3]);
                }

                @Override public void headerByCopy(Path file, int width, int height, int channels, Header header)
                        throws IOException {
                    copies.incrementAndGet();
                    FitsImageWriter.replaceHeaderByCopy(file, width, height, channels, header);
                }
            };
            Path[] a = CoaddPreviewTest.run(Files.createDirectories(dir.resolve("n" + filler)), img, filler, 64, 2, cfg, false,
                    noModel, CoaddBackground.HEADER_CARDS);
            assertEquals(-1, Files.mismatch(ref, a[0]), filler + " fillers: the coadd's file");
            assertEquals(filler == 0 ? 0 : 1, copies.get(), filler + " fillers");
            assertEquals(-1, Files.mismatch(a[3], a[2]));
            verified(a[0]);
        }
        // The copy failing (a full disk): the complete coadd, two blank cards where the DBE cards would be, and why.
        Path ref = dir.resolve("ref27.fits");
        CoaddBackground.Steps copyFails = new CoaddBackground.Steps() {
            @Override public FinalBackground.Model fit(CellMedians cells, FinalBackground.Params p) {
                return new FinalBackground.Model(cells.width(), cells.height(), new double[3][], new double[3]);
            }

            @Override public void headerByCopy(Path file, int width, int height, int channels, Header header) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        try (Logged.Capture log = Logged.capture("org.tessera.reproject", Level.INFO)) {
            Path[] c = CoaddPreviewTest.run(Files.createDirectories(dir.resolve("full")), img, 27, 64, 2, cfg, false, copyFails,
                    CoaddBackground.HEADER_CARDS);
            assertArrayEquals(afterHeader(ref), afterHeader(c[0]), "the coadd's data and ALPHA");
            String h = headerText(c[0]), r = headerText(ref);
            assertEquals(r.substring(0, 35 * 80) + " ".repeat(160) + String.format("%-80s", "END"), h.substring(0, 38 * 80));
            assertEquals(2 * 2880, h.length());
            assertEquals(List.of("[DBE] skipped: no channel had enough sky cells; m.fits left as coadded",
                    "[DBE] m.fits: its header could not be written without the room kept for the DBE cards (the disk is full"
                    + " (No space left on device): free some space or choose another output folder); m.fits is complete, as"
                    + " coadded, with 2 blank cards in its header where the DBE cards would be"), log.messages(Level.WARNING));
            assertEquals(List.of(), parts(c[0].getParent()));
            verified(c[0]);
        }
    }
}
