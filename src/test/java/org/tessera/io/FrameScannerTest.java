package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameScannerTest {

    @TempDir
    Path tmp;

    private final List<String> log = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override public void publish(LogRecord r) { log.add(r.getLevel() + " " + r.getMessage()); }
        @Override public void flush() {}
        @Override public void close() {}
    };

    @BeforeEach
    void listen() { Logger.getLogger("org.tessera.io").addHandler(handler); }

    @AfterEach
    void stop() { Logger.getLogger("org.tessera.io").removeHandler(handler); }

    @Test
    void badFilesAreSkippedWithReasonsOthersKept() throws IOException {
        FitsFixtures.assumeData(FitsFixtures.SEESTAR_10S);
        FitsFixtures.assumeData(FitsFixtures.M13);
        Path night = Files.createDirectories(tmp.resolve("in/night1"));
        Path deeper = Files.createDirectories(tmp.resolve("in/night2/sub"));
        Path a = Files.copy(FitsFixtures.SEESTAR_10S, night.resolve("b_good.fit"));
        Path b = Files.copy(FitsFixtures.SEESTAR_20S, deeper.resolve("a_good.FITS"));
        byte[] bytes = Files.readAllBytes(FitsFixtures.SEESTAR_10S);
        Path cut = Files.write(night.resolve("truncated.fit"), Arrays.copyOf(bytes, bytes.length / 2));
        Path text = Files.writeString(tmp.resolve("in/x.fits"), "not an image\n".repeat(300));
        Path m13 = Files.copy(FitsFixtures.M13, tmp.resolve("in/m13.fts"));
        Files.writeString(tmp.resolve("in/notes.txt"), "ignored: not a FITS name");

        FrameScanner.Scan s = FrameScanner.scan(List.of(tmp.resolve("in")), true);

        assertEquals(List.of(a.toAbsolutePath(), b.toAbsolutePath()).stream().sorted().collect(Collectors.toList()),
                s.frames().stream().map(FitsFrame::path).collect(Collectors.toList()), "kept, in path order");
        assertEquals(3, s.skipped().size());
        FrameScanner.Problem pm13 = find(s, m13), pcut = find(s, cut), ptext = find(s, text);
        assertTrue(pm13.reason().startsWith("no usable WCS: no celestial WCS"), pm13.reason());
        assertEquals("data section is truncated: expected " + bytes.length + " bytes, file has " + bytes.length / 2,
                pcut.reason());
        assertEquals("not a FITS file (it does not start with a SIMPLE card)", ptext.reason());
        for (Path p : List.of(m13, cut, text))
            assertTrue(log.stream().anyMatch(l -> l.startsWith("WARNING [READ] skipped " + p.toAbsolutePath() + ": ")),
                    "warning names " + p + " in " + log);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("INFO ")
                && l.contains("eqmode_summary: eq_count=1 altaz_count=0 unknown_count=1")), log.toString());
        // the 2024 frame (older firmware) has no mount key, the 2025 frame carries EQMODE = 1
        assertEquals(MountMode.UNKNOWN, s.frames().get(0).mountMode());
        assertEquals(MountMode.EQ, s.frames().get(1).mountMode());

        // without requireWcs the M13 frame is kept
        FrameScanner.Scan all = FrameScanner.scan(List.of(tmp.resolve("in")), false);
        assertEquals(3, all.frames().size());
        assertEquals(2, all.skipped().size());
    }

    /**
     * .fits.gz and .fz files in a folder are frames like the others (any case; a file of another
     * kind gzip'ed is not); a damaged one is skipped with its reason, as any bad file.
     */
    @Test
    void compressedFilesInAFolderAreReadAsFrames() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("gz"));
        Path plain = FitsFixtures.write(tmp.resolve("frame.fits"), new short[20][30]);
        CompressedFixtures.gzip(plain, in.resolve("a.fits.gz"));
        CompressedFixtures.gzip(plain, in.resolve("b.FIT.GZ"));
        CompressedFixtures.fpack(plain, in.resolve("c.fits.fz"), "RICE_1", null);
        CompressedFixtures.fpack(plain, in.resolve("d.FZ"), "GZIP_2", null);
        Files.writeString(in.resolve("notes.txt.gz"), "not a frame");
        Files.write(in.resolve("e.fts.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0});
        FrameScanner.Scan s = FrameScanner.scan(List.of(in), false);
        assertEquals(List.of("a.fits.gz", "b.FIT.GZ", "c.fits.fz", "d.FZ"), s.frames().stream().map(FitsFrame::name).toList());
        assertEquals(List.of(in.resolve("e.fts.gz") + ": truncated gzip file: it ends inside the gzip header "
                + "(an unfinished copy or download?)"), s.skipped().stream().map(p -> p.file() + ": " + p.reason()).toList());
        assertFalse(log.stream().anyMatch(l -> l.contains("left out")), log.toString());

        // a frame beside its gzip'ed archive is stacked once: the archive is its identical copy
        Path both = Files.createDirectories(tmp.resolve("both"));
        short[][] d = new short[20][30];
        d[2][3] = 77;
        Path f = FitsFixtures.write(both.resolve("f.fits"), d);
        CompressedFixtures.gzip(f, both.resolve("f.fits.gz"));
        FrameScanner.Scan once = FrameScanner.scanFrames(List.of(both), null, FrameReading.AS_STORED, false);
        assertEquals(List.of("f.fits"), once.frames().stream().map(FitsFrame::name).toList());
        assertEquals(List.of(both.resolve("f.fits.gz") + ": an identical copy of " + both.resolve("f.fits").toAbsolutePath()
                + " (the same bytes once uncompressed): a frame is stacked once, this copy is left out"),
                once.skipped().stream().map(p -> p.file() + ": " + p.reason()).toList());
    }

    /**
     * A link inside the input folder to a folder of frames (or to a frame) reached every frame by
     * two paths, and each was stacked twice: 8 frames from 4 files. Each file is read once, by
     * its path without links, and the other path is named among the skipped inputs.
     */
    @Test
    void aFrameReachedThroughALinkIsReadOnceAndTheOtherPathNamed() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("in/real"));
        Path a = FitsFixtures.write(real.resolve("a.fits"), new short[8][8], "EQMODE", 1);
        Path b = FitsFixtures.write(real.resolve("b.fits"), new short[][] {{1, 2}, {3, 4}}, "EQMODE", 1);
        Files.createSymbolicLink(tmp.resolve("in/link"), real);                 // sorts before "real"
        Files.createSymbolicLink(tmp.resolve("in/zz.fits"), a);
        FrameScanner.Scan s = FrameScanner.scan(List.of(tmp.resolve("in")), false);
        assertEquals(List.of(a, b), s.frames().stream().map(FitsFrame::path).toList());
        assertEquals(List.of(tmp.resolve("in/link/a.fits"), tmp.resolve("in/link/b.fits"), tmp.resolve("in/zz.fits")),
                s.skipped().stream().map(FrameScanner.Problem::file).toList());
        assertEquals("the same file as " + a + " (another path to it, through a link): a frame is stacked once, "
                + "this path is left out", s.skipped().get(0).reason());
        assertTrue(log.contains("WARNING [READ] skipped " + tmp.resolve("in/zz.fits") + ": the same file as " + a
                + " (another path to it, through a link): a frame is stacked once, this path is left out"), log.toString());

        // only the link named: it is read (no path without links among the inputs)
        FrameScanner.Scan viaLink = FrameScanner.scan(List.of(tmp.resolve("in/link")), false);
        assertEquals(List.of(tmp.resolve("in/link/a.fits"), tmp.resolve("in/link/b.fits")),
                viaLink.frames().stream().map(FitsFrame::path).toList());
        assertEquals(List.of(), viaLink.skipped());
    }

    /**
     * A frame copied under another name (a night's folder copied twice) was stacked twice. The
     * copy with the same bytes is named and left out; frames of the same header but other pixels,
     * or the same pixels under another header, are frames of their own.
     */
    @Test
    void anIdenticalCopyOfAFrameIsNamedAndLeftOut() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        short[][] px = new short[40][50];
        px[3][4] = 100;
        Path a = FitsFixtures.write(in.resolve("a.fits"), px, "EQMODE", 1, "DATE-OBS", "2025-01-01T20:00:00");
        Path copy = Files.copy(a, Files.createDirectories(in.resolve("night1 - Copy")).resolve("a.fits"));
        short[][] other = new short[40][50];
        other[39][49] = 7; // the same header, the same size: differs only in its last pixel
        Path b = FitsFixtures.write(in.resolve("b.fits"), other, "EQMODE", 1, "DATE-OBS", "2025-01-01T20:00:00");
        Path c = FitsFixtures.write(in.resolve("c.fits"), px, "EQMODE", 1, "DATE-OBS", "2025-01-01T20:00:10");
        Path big = FitsFixtures.write(in.resolve("d.fits"), new short[400][500], "EQMODE", 1);
        Path bigCopy = Files.copy(big, in.resolve("e.fits"));
        FrameScanner.Scan s = FrameScanner.scanFrames(List.of(in), null, FrameReading.AS_STORED, false);
        assertEquals(List.of(a, b, c, big), s.frames().stream().map(FitsFrame::path).toList());
        assertEquals(List.of(new FrameScanner.Problem(bigCopy, "an identical copy of " + big
                        + " (the same bytes): a frame is stacked once, this copy is left out"),
                new FrameScanner.Problem(copy, "an identical copy of " + a
                        + " (the same bytes): a frame is stacked once, this copy is left out")),
                s.skipped().stream().sorted(java.util.Comparator.comparing(p -> p.file().getFileName().toString()
                        .equals("e.fits") ? 0 : 1)).toList());
        assertTrue(log.contains("WARNING [READ] skipped " + copy + ": an identical copy of " + a
                + " (the same bytes): a frame is stacked once, this copy is left out"), log.toString());
        // images to coadd (reproject) are taken as named
        assertEquals(6, FrameScanner.scan(List.of(in), false).frames().size());
    }

    /**
     * A raw frame and its copy plate-solved by another program (the same pixels, the same start time,
     * WCS cards added) were both stacked: one exposure, twice its weight. The copy with the WCS is
     * kept (nothing to solve), the raw one named; a frame of the same start time but other pixels,
     * and one of the same pixels but another start time, stay frames of their own.
     */
    @Test
    void oneExposureUnderTwoHeadersIsStackedOnce() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("solved"));
        short[][] px = new short[40][50];
        for (int y = 0; y < 40; y++) for (int x = 0; x < 50; x++) px[y][x] = (short) ((x * 7 + y * 13) % 101);
        String t = "2025-01-01T20:00:00";
        Path raw = FitsFixtures.write(in.resolve("a.fits"), px, "EQMODE", 1, "DATE-OBS", t, "EXPTIME", 10.0);
        Path solved = FitsFixtures.write(in.resolve("b_solved.fits"), px, "EQMODE", 1, "DATE-OBS", t, "EXPTIME", 10.0,
                "CTYPE1", "RA---TAN", "CTYPE2", "DEC--TAN", "CRVAL1", 150.0, "CRVAL2", 40.0, "CRPIX1", 25.0,
                "CRPIX2", 20.0, "CD1_1", -0.0007, "CD1_2", 0.0, "CD2_1", 0.0, "CD2_2", 0.0007);
        short[][] other = new short[40][50];
        for (int y = 0; y < 40; y++) other[y] = px[y].clone();
        other[20][25] += 1; // one pixel apart: another exposure
        Path sameTime = FitsFixtures.write(in.resolve("c.fits"), other, "EQMODE", 1, "DATE-OBS", t, "EXPTIME", 10.0,
                "OBJECT", "x");
        Path later = FitsFixtures.write(in.resolve("d.fits"), px, "EQMODE", 1, "DATE-OBS", "2025-01-01T20:00:10",
                "EXPTIME", 10.0, "OBJECT", "x");
        FrameScanner.Scan s = FrameScanner.scanFrames(List.of(in), null, FrameReading.AS_STORED, false);
        assertEquals(List.of(solved, sameTime, later), s.frames().stream().map(FitsFrame::path).toList());
        assertEquals(List.of(new FrameScanner.Problem(raw, "the same pixels as " + solved + " under another header (one "
                + "exposure, DATE-OBS " + t + ": a copy solved or edited by another program?): a frame is stacked once, "
                + "this copy is left out (the other has a WCS)")), s.skipped());

        // the same pixels and start time, each with its own WCS: 1' apart (two solves of one frame) is one
        // exposure; 1° apart (a synthetic sky drawing one image at two pointings) are two frames
        Path two = Files.createDirectories(tmp.resolve("two"));
        Object[] at = {"CTYPE1", "RA---TAN", "CTYPE2", "DEC--TAN", "CRPIX1", 25.0, "CRPIX2", 20.0, "CD1_1", -0.0007,
                "CD1_2", 0.0, "CD2_1", 0.0, "CD2_2", 0.0007, "EQMODE", 1, "DATE-OBS", t, "EXPTIME", 10.0};
        java.util.function.BiFunction<String, Double, Path> frame = (name, dec) -> {
            try {
                Object[] cards = java.util.Arrays.copyOf(at, at.length + 4);
                cards[at.length] = "CRVAL1";
                cards[at.length + 1] = 150.0;
                cards[at.length + 2] = "CRVAL2";
                cards[at.length + 3] = dec;
                return FitsFixtures.write(two.resolve(name), px, cards);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        Path p0 = frame.apply("p0.fits", 40.0), near = frame.apply("p1.fits", 40.0 + 0.0007 * 5), far = frame.apply("p2.fits", 41.0);
        FrameScanner.Scan w = FrameScanner.scanFrames(List.of(two), null, FrameReading.AS_STORED, false);
        assertEquals(List.of(p0, far), w.frames().stream().map(FitsFrame::path).toList());
        assertEquals(List.of(near), w.skipped().stream().map(FrameScanner.Problem::file).toList());
    }

    private static FrameScanner.Problem find(FrameScanner.Scan s, Path file) {
        return s.skipped().stream().filter(p -> p.file().equals(file.toAbsolutePath())).findFirst()
                .orElseThrow(() -> new AssertionError(file + " not among skipped " + s.skipped()));
    }

    @Test
    void syntheticMountSummaryAndExplicitFiles() throws IOException {
        short[][] d = new short[8][8];
        Path eq = FitsFixtures.write(tmp.resolve("eq.fits"), d, "EQMODE", 1);
        Path az1 = FitsFixtures.write(tmp.resolve("az1.fit"), d, "EQMODE", 0);
        Path az2 = FitsFixtures.write(tmp.resolve("az2.fit"), d, "EQMODE", 0);
        Path odd = FitsFixtures.write(tmp.resolve("named.dat"), d);
        FrameScanner.Scan s = FrameScanner.scan(List.of(tmp, odd), false);
        assertEquals(4, s.frames().size(), "a file named explicitly is read whatever its extension; no duplicates");
        assertEquals(List.of("az1.fit", "az2.fit", "eq.fits", "named.dat"),
                s.frames().stream().map(FitsFrame::name).collect(Collectors.toList()));
        assertTrue(log.stream().anyMatch(l -> l.contains("eqmode_summary: eq_count=1 altaz_count=2 unknown_count=1")),
                log.toString());
        assertEquals(List.of(), s.skipped());
        assertTrue(Files.exists(eq) && Files.exists(az1) && Files.exists(az2));
    }

    /**
     * A mount card whose value names no mode (MOUNT_MODE = 'GERMAN', EQMODE = 2) leaves its frames
     * UNKNOWN, as a frame without the card: said once, each value with its count, not silently.
     * Frames whose cards are read, or that have none, are not named.
     */
    @Test
    void unrecognisedMountValuesAreSaidOnce() throws IOException {
        short[][] d = new short[8][8];
        Path in = Files.createDirectories(tmp.resolve("mounts"));
        FitsFixtures.write(in.resolve("g1.fits"), d, "HIERARCH.MOUNT_MODE", "GERMAN");
        FitsFixtures.write(in.resolve("g2.fits"), d, "HIERARCH.MOUNT_MODE", "GERMAN");
        FitsFixtures.write(in.resolve("e2.fits"), d, "EQMODE", 2);
        FitsFixtures.write(in.resolve("saved.fits"), d, "HIERARCH.MOUNT_MODE", "FORK", "EQMODE", 1); // EQMODE names it: EQ
        FitsFixtures.write(in.resolve("eq.fits"), d, "HIERARCH.MOUNT_MODE", "equatorial");
        FitsFixtures.write(in.resolve("none.fits"), d);
        FrameScanner.Scan s = FrameScanner.scan(List.of(in), false);
        assertEquals(6, s.frames().size());
        List<String> warned = log.stream().filter(l -> l.contains("mount mode not recognised")).toList();
        assertEquals(List.of("WARNING [READ] mount mode not recognised, taken as UNKNOWN (altaz_unknown_policy decides): "
                + "EQMODE=2 (1 frame), MOUNT_MODE='GERMAN' (2 frames); known values: MOUNT_MODE EQ/EQUATORIAL or "
                + "ALT_AZ/ALTAZ/ALT-AZ/AZ, EQMODE 1 (EQ) or 0 (ALT_AZ)"), warned);
        assertTrue(log.stream().anyMatch(l -> l.contains("eqmode_summary: eq_count=2 altaz_count=0 unknown_count=4")),
                log.toString());
        assertEquals("MOUNT_MODE='X', EQMODE=7", MountMode.unrecognised(java.util.Map.of("MOUNT_MODE", "X", "EQMODE", "7")));
        assertEquals(null, MountMode.unrecognised(java.util.Map.of("EQMODE", "0")));
        assertEquals(null, MountMode.unrecognised(java.util.Map.of()));
    }

    /**
     * A folder of Tessera's own outputs (master tiles) given to a mosaic: left out as always, but
     * with nothing else there each is named with the reason and the command that coadds them,
     * instead of "all 0 input(s) were skipped".
     */
    @Test
    void onlyTesserasOutputsAreNamedWithWhatToRun() throws IOException {
        short[][] d = new short[8][8];
        Path tiles = Files.createDirectories(tmp.resolve("master_tiles"));
        FitsFixtures.write(tiles.resolve("master_tile_000.fits"), d, FrameSelection.ORIGIN_KEY, FrameSelection.ORIGIN_VALUE);
        FitsFixtures.write(tiles.resolve("master_tile_001.fits"), d, FrameSelection.ORIGIN_KEY, FrameSelection.ORIGIN_VALUE);
        FrameScanner.Scan s = FrameScanner.scanFrames(List.of(tiles), tmp.resolve("out"), FrameReading.AS_STORED, false);
        assertEquals(List.of(), s.frames());
        assertEquals(List.of(tiles.resolve("master_tile_000.fits"), tiles.resolve("master_tile_001.fits")),
                s.skipped().stream().map(FrameScanner.Problem::file).sorted().collect(Collectors.toList()));
        for (FrameScanner.Problem p : s.skipped())
            assertEquals("written by Tessera (a master tile or a mosaic: ORIGIN = 'Tessera'), not a raw frame: coadd master "
                    + "tiles with 'tessera reproject OUTPUT tiles...' (Fiji: Reproject and Coadd)", p.reason());

        // beside a frame they are left out quietly, as before
        FitsFixtures.write(tiles.resolve("frame.fits"), d, "EQMODE", 1);
        FrameScanner.Scan mixed = FrameScanner.scanFrames(List.of(tiles), tmp.resolve("out"), FrameReading.AS_STORED, false);
        assertEquals(1, mixed.frames().size());
        assertEquals(List.of(), mixed.skipped());
    }

    @Test
    void emptyFolderIsAnError() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "no frames here");
        IOException e = assertThrows(IOException.class, () -> FrameScanner.scan(List.of(empty), true));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
        IOException missing = assertThrows(IOException.class,
                () -> FrameScanner.scan(List.of(tmp.resolve("nope")), true));
        assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
    }

    @Test
    void seestarSubsetWithNightFolders() throws IOException {
        FitsFixtures.assumeData(FitsFixtures.M94);
        FrameScanner.Scan s = FrameScanner.scan(List.of(FitsFixtures.M94), true);
        assertEquals(12, s.frames().size());
        assertEquals(List.of(), s.skipped());
        for (FitsFrame f : s.frames()) {
            assertTrue(f.seestar());
            assertEquals(3, f.channels());
            assertEquals(MountMode.UNKNOWN, f.mountMode());
        }
        assertTrue(s.frames().get(0).path().toString().contains("night1"));
        assertTrue(s.frames().get(11).path().toString().contains("night3"));
    }

    /** Listing, headers read one by one (as a cluster's executors do) and selection give the scan's frames and reasons. */
    @Test
    void aScanInStepsIsTheScan() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("steps"));
        FitsFixtures.write(dir.resolve("a.fits"), new float[][] {{1, 2}, {3, 4}}, "EXPTIME", 10.0);
        FitsFixtures.write(dir.resolve("b.fits"), new float[][] {{5, 6}, {7, 8}}, "EXPTIME", 20.0);
        Files.writeString(dir.resolve("c.fits"), "not a frame\n".repeat(300));
        FrameScanner.Scan whole = FrameScanner.scanFrames(List.of(dir), null, FrameReading.DEFAULT, false);
        FrameScanner.Listing l = FrameScanner.listFrames(List.of(dir), null);
        assertEquals(3, l.files().size());
        List<FrameScanner.Opened> opened = new ArrayList<>();
        for (Path f : l.files()) opened.add(FrameScanner.opened(f, FrameScanner.readHeaders(f), FrameReading.DEFAULT));
        FrameScanner.Scan steps = FrameScanner.selectFrames(opened, l.problems());
        assertEquals(whole.skipped(), steps.skipped());
        assertEquals(List.of("not a FITS file (it does not start with a SIMPLE card)"),
                steps.skipped().stream().map(FrameScanner.Problem::reason).toList());
        assertEquals(whole.frames().stream().map(FitsFrame::path).toList(), steps.frames().stream().map(FitsFrame::path).toList());
        assertEquals(List.of(10.0, 20.0), steps.frames().stream().map(FitsFrame::exposureSeconds).toList());
        assertTrue(steps.frames().stream().allMatch(f -> f.reading().equals(FrameReading.DEFAULT)));
    }

    /** A header card's bytes from {@code at} (ISO-8859-1 text, one byte per char) written over the file's. */
    private static void patch(Path file, String key, String card) throws IOException {
        byte[] b = Files.readAllBytes(file);
        String head = new String(b, 0, 2880, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = -1;
        for (int c = 0; c < 2880; c += 80) if (head.startsWith(String.format("%-8s", key), c)) at = c;
        assertTrue(at >= 0, key);
        byte[] raw = String.format("%-80s", card).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(raw, 0, b, at, 80);
        Files.write(file, b);
    }

    /**
     * Bytes outside ASCII in a value (OBJECT = 'M31 café' in UTF-8, as some capture programs write
     * it): the frame is read, those bytes as '?', and the scan says so once for the file, naming the
     * card. A byte outside ASCII in a keyword, or a control byte, is a damaged header still refused.
     */
    @Test
    void bytesOutsideAsciiInAValueAreReadAsQuestionMarksAndSaidOnce() throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path cafe = FitsFixtures.write(in.resolve("cafe.fits"), new short[20][30], "OBJECT", "M31 x", "OBSERVER", "me");
        patch(cafe, "OBJECT", "OBJECT  = 'M31 caf\u00c3\u00a9'           / target");
        patch(cafe, "OBSERVER", "OBSERVER= 'J\u00f6rg'");
        Path clean = FitsFixtures.write(in.resolve("clean.fits"), new short[20][30], "OBJECT", "M31");
        Path badKey = FitsFixtures.write(in.resolve("key.fits"), new short[20][30], "OBJECT", "M31");
        patch(badKey, "OBJECT", "OBJ\u00c9CT  = 'M31'");
        Path control = FitsFixtures.write(in.resolve("ctl.fits"), new short[20][30], "OBJECT", "M31");
        patch(control, "OBJECT", "OBJECT  = 'M31\u0001'");

        FrameScanner.Scan s = FrameScanner.scan(List.of(in), false);

        assertEquals(List.of(cafe, clean), s.frames().stream().map(FitsFrame::path).toList());
        FitsFrame f = s.frames().get(0);
        assertEquals("M31 caf??", f.keys().get("OBJECT"));
        assertEquals("J?rg", f.keys().get("OBSERVER"));
        assertEquals("M31 caf??", f.header().getStringValue("OBJECT"), "the header the outputs copy from is text too");
        String note = "cards 7 (OBJECT), 8 (OBSERVER) hold 3 byte(s) outside ASCII (0xC3 0xA9 0xF6), which a FITS header "
                + "may not hold: read as '?', OBJECT = 'M31 caf??' / target";
        assertEquals(List.of(note), f.notes());
        assertEquals(1, log.stream().filter(l -> l.contains("outside ASCII")).count(), log.toString());
        assertTrue(log.contains("WARNING [READ] " + cafe + ": " + note), log.toString());
        // Read on another machine from its cards (the Spark scan): the same frame and note.
        FitsFrame again = FitsFrame.open(cafe, FitsFrame.readHeaders(cafe));
        assertEquals("M31 caf??", again.keys().get("OBJECT"));
        assertEquals(List.of(note), again.notes());

        assertEquals("primary header: card 7 (OBJ?CT) holds the non-text byte 0xC9: a FITS header is plain text, so the "
                + "file is damaged (re-copy it from the camera or the source)", find(s, badKey).reason());
        assertTrue(find(s, control).reason().startsWith("primary header: card 7 (OBJECT) holds the non-text byte 0x01: "),
                find(s, control).reason());
    }
}
