package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.UserMessages;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;
import org.tessera.io.FrameReading;
import org.tessera.io.FrameScanner;
import org.tessera.synth.SyntheticSky;

/**
 * Issue 14, the inputs a run may take and the words it uses (items 1, 6, 9, 10): a rerun never
 * stacks its own outputs, a mono frame among colour frames is set aside alone, broken links,
 * damaged headers and unreadable exposures are named, failures read as plain words.
 */
class InputIntegrityTest {

    private static SyntheticSky small() {
        return new SyntheticSky().object("Rerun").frameSize(160, 120).pixelScale(2.4).starDensity(0.3).seed(5)
                .panels(1, 1).framesPerPanel(3);
    }

    /** Messages of the "org.tessera" loggers while it is open. */
    static final class Log extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("org.tessera");
        final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());

        Log() {
            setLevel(Level.ALL);
            logger.addHandler(this);
        }

        @Override public void publish(LogRecord r) { lines.add(r.getLevel() + " " + r.getMessage()); }
        @Override public void flush() { }
        @Override public void close() { logger.removeHandler(this); }

        boolean has(String text) {
            synchronized (lines) {
                return lines.stream().anyMatch(l -> l.contains(text));
            }
        }
    }

    private static int framesStacked(MosaicPipeline.Outcome o) throws IOException {
        int n = 0;
        for (Path t : o.masterTiles()) n += Integer.parseInt(FitsFrame.open(t).keys().get("MT_NFRAMES").trim());
        return n;
    }

    /**
     * {@code tessera mosaic .} in the frames folder, three times: every run stacks the 3 frames and
     * writes the same mosaic, bit for bit; then the outputs copied among the frames are left out too.
     */
    @Test
    void aRerunNeverReadsItsOwnOutputsAsFrames(@TempDir Path dir) throws IOException {
        Path frames = dir.resolve("frames");
        small().writeFits(frames);
        Path out = frames.resolve("tessera-out");
        MosaicPipeline.Outcome first = MosaicPipeline.mosaic(List.of(frames), out, new Config(), Progress.NONE);
        assertEquals(3, framesStacked(first));
        Path firstMosaic = Files.copy(first.mosaic(), dir.resolve("first_mosaic.fits"));
        for (int run = 2; run <= 3; run++) {
            try (Log log = new Log()) {
                MosaicPipeline.Outcome again = MosaicPipeline.mosaic(List.of(frames), out, new Config(), Progress.NONE);
                assertEquals(3, framesStacked(again), "run " + run);
                assertEquals(List.of(), again.skipped());
                assertEquals(-1L, Files.mismatch(firstMosaic, again.mosaic()), "run " + run);
                assertTrue(log.has("[READ] output folder " + out), log.lines.toString());
            }
        }
        // Old outputs copied among the frames (recognised by their header, ORIGIN = 'Tessera'), and the
        // earlier output folder, now run with another output folder: 3 + 3 files left out.
        Files.copy(out.resolve("mosaic.fits"), frames.resolve("old_mosaic.fits"));
        Files.copy(out.resolve("mosaic_coverage.fits"), frames.resolve("old_coverage.fits"));
        Files.copy(out.resolve("master_tiles/master_tile_000.fits"), frames.resolve("old_tile.fits"));
        try (Log log = new Log()) {
            MosaicPipeline.Outcome elsewhere = MosaicPipeline.mosaic(List.of(frames), dir.resolve("elsewhere"),
                    new Config(), Progress.NONE);
            assertEquals(3, framesStacked(elsewhere));
            assertEquals(List.of(), elsewhere.skipped());
            assertTrue(log.has("[READ] left out 6 file(s) that Tessera wrote"), log.lines.toString());
        }
    }

    /** Three colour frames and one mono frame of the same field: the mono frame alone is set aside. */
    @Test
    void oneMonoFrameAmongColourFramesIsSetAsideAlone(@TempDir Path dir) throws IOException {
        Path frames = dir.resolve("frames");
        List<Path> colour = small().writeFits(frames);
        FitsFrame f0 = FitsFrame.open(colour.get(0));
        Header h = new Header();
        f0.wcs().writeTo(h);
        h.addValue("EQMODE", 1, null);
        FloatImage mono = new FloatImage(f0.width(), f0.height(), 1);
        mono.fill(600f);
        Path monoFile = frames.resolve("mono.fits");
        FitsImageWriter.write(monoFile, mono, h, FitsImageWriter.AlphaMode.NONE);

        MosaicPipeline.Outcome o = MosaicPipeline.mosaic(List.of(frames), dir.resolve("out"), new Config(), Progress.NONE);
        assertEquals(1, o.skipped().size(), o.skipped().toString());
        assertEquals(monoFile.toAbsolutePath().normalize(), o.skipped().get(0).file());
        assertEquals("mono (1-channel) frame among 3 colour (3-channel) frame(s): frames of different colour layouts are "
                + "not stacked together, so it is set aside", o.skipped().get(0).reason());
        assertEquals(3, framesStacked(o));
        assertTrue(Files.isRegularFile(o.mosaic()));
    }

    /** Overwrites the header card of {@code key} in the primary header with {@code card} (80 chars). */
    private static void setCard(Path file, String key, String card) throws IOException {
        byte[] b = Files.readAllBytes(file);
        String head = new String(b, 0, 2880 * 4, StandardCharsets.US_ASCII);
        for (int c = 0; c < head.length(); c += 80) {
            if (head.startsWith(String.format(Locale.ROOT, "%-8s", key), c)) {
                byte[] nb = String.format(Locale.ROOT, "%-80s", card).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(nb, 0, b, c, 80);
                Files.write(file, b);
                return;
            }
        }
        throw new IllegalStateException(key + " not found in " + file);
    }

    @Test
    void brokenLinksDamagedHeadersAndUnreadableExposuresAreNamed(@TempDir Path dir) throws IOException {
        Path frames = dir.resolve("frames");
        List<Path> good = small().writeFits(frames);
        Path link = frames.resolve("gone.fits");
        Files.createSymbolicLink(link, dir.resolve("no_such_target.fits"));
        Path binary = frames.resolve("binary.fits");
        Files.copy(good.get(0), binary);
        byte[] b = Files.readAllBytes(binary);
        b[80 * 3 + 40] = 0x01; // inside the fourth card
        Files.write(binary, b);
        Path loop = Files.createSymbolicLink(frames.resolve("loop"), frames); // a folder link to its own parent
        Path ten = good.get(1);
        setCard(ten, "EXPTIME", "EXPTIME = 'ten     '");
        setCard(ten, "EXPOSURE", "EXPOSURE= 'ten     '");

        FrameScanner.Scan scan;
        try (Log log = new Log()) {
            scan = FrameScanner.scanFrames(List.of(frames), dir.resolve("out"), FrameReading.AS_STORED);
            assertTrue(log.has("WARNING [READ] " + ten + ": EXPTIME='ten' is not a number of seconds > 0: exposure taken as 1 s"),
                    log.lines.toString());
        }
        assertEquals(3, scan.frames().size());
        assertEquals(3, scan.skipped().size(), scan.skipped().toString());
        FrameScanner.Problem loopProblem = scan.skipped().stream().filter(p -> p.file().equals(loop)).findFirst().orElseThrow();
        assertEquals("cannot be listed: a folder link points back to a folder above it (link loop): not followed",
                loopProblem.reason());
        FrameScanner.Problem linkProblem = scan.skipped().stream().filter(p -> p.file().endsWith("gone.fits")).findFirst().orElseThrow();
        assertEquals("broken link: its target " + dir.resolve("no_such_target.fits") + " does not exist", linkProblem.reason());
        FrameScanner.Problem binProblem = scan.skipped().stream().filter(p -> p.file().endsWith("binary.fits")).findFirst().orElseThrow();
        assertTrue(binProblem.reason().startsWith("primary header: card 4 ("), binProblem.reason());
        assertTrue(binProblem.reason().contains("holds the non-text byte 0x01"), binProblem.reason());
        FitsFrame tenFrame = scan.frames().stream().filter(f -> f.path().equals(ten.toAbsolutePath().normalize())).findFirst().orElseThrow();
        assertEquals(1.0, tenFrame.exposureSeconds());
        assertEquals(1, tenFrame.notes().size());
    }

    @Test
    void failuresReadAsPlainWordsNamingTheFileAndWhatToDo(@TempDir Path dir) throws IOException {
        String denied = UserMessages.describe(new AccessDeniedException("/data/night1/frame.fits"));
        assertEquals("/data/night1/frame.fits: permission denied (check the file's and its folder's permissions)", denied);
        String loop = UserMessages.describe(new FileSystemLoopException("/data/loop"));
        assertEquals("/data/loop: a folder link points back to a folder above it (link loop): not followed", loop);
        String negative = UserMessages.describe(new IllegalArgumentException("Negative position"));
        assertEquals("the file's header points before the start of the file (damaged header)", negative);
        String full = UserMessages.describe(new FileSystemException("/out/mosaic.fits.part", null, "No space left on device"));
        assertEquals("/out/mosaic.fits.part: the disk is full (No space left on device): free some space or choose "
                + "another output folder", full);
        // A writer's message already says it (FitsImageWriter: "FILE: cannot write: " + problemWith):
        // a full disk under a mosaic run read "the disk is full (…/mosaic.fits: cannot write: the disk
        // is full (No space left on device): free …): free …".
        String written = "/out/mosaic.fits: cannot write: "
                + UserMessages.problemWith(new FileSystemException("/out/mosaic.fits.part", null, "No space left on device"));
        assertEquals("/out/mosaic.fits: cannot write: the disk is full (No space left on device): free some space or "
                + "choose another output folder", UserMessages.describe(new IOException(written)));
        String heap = UserMessages.describe(new OutOfMemoryError("Java heap space"));
        assertTrue(heap.startsWith("out of memory (Java heap of "), heap);
        assertTrue(heap.contains("JAVA_OPTS=-Xmx8g") && heap.contains("Edit > Options > Memory"), heap);
        for (String m : List.of(denied, loop, negative, full, heap)) assertFalse(m.contains("Exception") || m.contains("Error"), m);
        // A move that is denied (an earlier run's tile moved into previous-run/ of a read-only
        // master_tiles/) names both files; the console line showed
        // "… (java.nio.file.AccessDeniedException: A -> B)" after the words.
        AccessDeniedException move = new AccessDeniedException("/out/master_tiles/master_tile_000.fits",
                "/out/previous-run/master_tiles/master_tile_000.fits", null);
        String moved = UserMessages.describe(move);
        assertEquals("/out/master_tiles/master_tile_000.fits -> /out/previous-run/master_tiles/master_tile_000.fits: "
                + "permission denied (check the file's and its folder's permissions)", moved);
        java.util.logging.LogRecord r = new java.util.logging.LogRecord(java.util.logging.Level.SEVERE, "failed: " + moved);
        r.setThrown(move);
        r.setLoggerName("org.tessera.cli");
        String line = new RunLog.LineFormatter(false).format(r);
        assertTrue(line.endsWith(" SEVERE [cli] failed: " + moved + "\n"), line);

        // "cannot read: PATH" now says why.
        Path missing = dir.resolve("missing.fits");
        FrameScanner.Opened o = FrameScanner.open(missing, true);
        assertEquals("cannot read: does not exist", o.problem().reason());

        // A wrong type in a JSON config names the file and the key.
        Path json = dir.resolve("settings.json");
        Files.writeString(json, "{\"stacking_kappa_low\": [1, 2]}");
        IOException e = assertThrows(IOException.class, () -> new Config().load(json));
        assertEquals(json + ": \"stacking_kappa_low\": expected a number, got a list", e.getMessage());
        Files.writeString(json, "{\"stacking_kappa_low\": \"three\"}");
        e = assertThrows(IOException.class, () -> new Config().load(json));
        assertTrue(e.getMessage().startsWith(json + ": stacking_kappa_low: expected a number, got 'three'"), e.getMessage());
    }

    /**
     * Frames whose WCS is in arcseconds (CUNIT1/2 = 'arcsec', CRVAL and CD in arcsec, as FITS allows)
     * make the mosaic of their degree twins: same grid, same pixels within 1e-6 (relative), same
     * frames stacked. They were refused ("CUNIT1 = 'arcsec' is not supported").
     */
    @Test
    void anArcsecondWcsMakesTheMosaicOfItsDegreeTwin(@TempDir Path dir) throws IOException {
        Path deg = dir.resolve("deg"), arcsec = Files.createDirectories(dir.resolve("arcsec"));
        List<Path> frames = small().writeFits(deg);
        for (Path f : frames) {
            byte[] b = Files.readAllBytes(f);
            for (int c = 0; c < 2880 * 4; c += 80) {
                String card = new String(b, c, 80, StandardCharsets.US_ASCII);
                String key = card.substring(0, 8).strip();
                if (key.equals("END")) break;
                String value = null;
                if (key.matches("CRVAL[12]|CD[12]_[12]"))
                    value = String.format(Locale.ROOT, "%-8s= %20s", key,
                            Double.toString(Double.parseDouble(card.substring(10, 30).strip()) * 3600));
                else if (key.matches("CUNIT[12]")) value = String.format(Locale.ROOT, "%-8s= 'arcsec  '", key);
                if (value != null) System.arraycopy(String.format("%-80s", value).getBytes(StandardCharsets.US_ASCII), 0, b, c, 80);
            }
            Files.write(arcsec.resolve(f.getFileName()), b);
        }
        assertEquals(List.of(), FrameScanner.scan(List.of(arcsec), true).skipped(), "read, not refused");
        MosaicPipeline.Outcome a = MosaicPipeline.mosaic(List.of(deg), dir.resolve("out_deg"), new Config(), Progress.NONE);
        MosaicPipeline.Outcome b = MosaicPipeline.mosaic(List.of(arcsec), dir.resolve("out_arcsec"), new Config(), Progress.NONE);
        assertEquals(3, framesStacked(b));
        FitsFrame ma = FitsFrame.open(a.mosaic()), mb = FitsFrame.open(b.mosaic());
        assertEquals(ma.width(), mb.width());
        assertEquals(ma.height(), mb.height());
        double[] wa = new double[2], wb = new double[2];
        ma.wcs().pixelToWorld(0, 0, wa);
        mb.wcs().pixelToWorld(0, 0, wb);
        assertEquals(wa[0], wb[0], 1e-9);
        assertEquals(wa[1], wb[1], 1e-9);
        float[][] ra = ma.newBand(ma.height()), rb = mb.newBand(mb.height());
        ma.readRows(0, ma.height(), ra);
        mb.readRows(0, mb.height(), rb);
        int finite = 0;
        for (int c = 0; c < ra.length; c++)
            for (int i = 0; i < ra[c].length; i++) {
                assertEquals(Float.isNaN(ra[c][i]), Float.isNaN(rb[c][i]), "pixel " + i);
                if (Float.isNaN(ra[c][i])) continue;
                finite++;
                assertEquals(ra[c][i], rb[c][i], 1e-6 * Math.max(1, Math.abs(ra[c][i])), "pixel " + i + " channel " + c);
            }
        assertTrue(finite > ma.width() * ma.height() / 2, "finite: " + finite);
    }
}
