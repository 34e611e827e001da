package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.cli.Main;
import org.tessera.command.Jobs;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameScanner;

/**
 * Issue 2's bad-input acceptance, through the command line as a user runs it: a truncated FITS, a
 * frame without WCS and a text file named {@code .fits} are each reported with the file's path and
 * the reason, and the run goes on with the rest (exit 1, mosaic written); an empty folder, or a
 * folder where every file is bad, stops with exit 2 and a message that names the folder or files.
 */
class BadInputTest {

    static final Path DATA = Paths.get("../shared/data");
    static final Path DSS = DATA.resolve("dss_pair");
    static final Path M13 = DATA.resolve("m13_raw_frames/M13_blue_0001.fits");
    static final Path NGC7023 = DATA.resolve("seestar_ngc7023_solved");

    /** Exit status and what the CLI printed. */
    record Run(int rc, String out, String err) {
        String all() { return out + "\n" + err; }
    }

    /** One bad file and the words its reason must contain. */
    record Bad(Path file, String reasonWord) {}

    private static void assumeData(Path p) {
        assumeTrue(Files.exists(p), "real test data not found at " + p.toAbsolutePath()
                + " (clone the shared data beside the repository as ../shared)");
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = new Main(Jobs.PIPELINE).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The three kinds of bad file, written into {@code dir}: a DSS plate cut off in its data section
     * (an interrupted copy), the M 13 frame (a real image with no WCS at all) and a text file.
     */
    private static List<Bad> writeBadFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path truncated = dir.resolve("truncated.fits");
        byte[] plate = Files.readAllBytes(DSS.resolve("dss_test1.fits"));
        Files.write(truncated, Arrays.copyOf(plate, plate.length / 2));
        Path noWcs = dir.resolve("m13_no_wcs.fits");
        copy(M13, noWcs);
        Path junk = dir.resolve("junk.fits");
        Files.writeString(junk, "this is not a FITS file, only its name says so\n", StandardCharsets.US_ASCII);
        return List.of(new Bad(truncated, "truncated"), new Bad(noWcs, "wcs"), new Bad(junk, "not a fits"));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (InputStream in = Files.newInputStream(from)) {
            Files.copy(in, to); // a plain copy: the shared data is read-only, the copy must not be
        }
    }

    /** Each bad file is named (absolute path) on a line that also gives its reason. */
    private static void assertNamed(Run r, List<Bad> bad) {
        for (Bad b : bad) {
            String path = b.file().toAbsolutePath().normalize().toString();
            boolean named = r.all().lines().anyMatch(l -> l.contains(path) && l.toLowerCase(Locale.ROOT).contains(b.reasonWord()));
            assertTrue(named, "a line names " + path + " with its reason (" + b.reasonWord() + ")\n" + r.all());
        }
    }

    private static List<Path> fitsIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".fits")).sorted().toList();
        }
    }

    @Test
    void reprojectSkipsEachBadFileByNameAndMosaicsTheRest(@TempDir Path tmp) throws Exception {
        assumeData(DSS);
        assumeData(M13);
        Path in = Files.createDirectories(tmp.resolve("in")), good = Files.createDirectories(tmp.resolve("good"));
        for (String n : List.of("dss_test1.fits", "dss_test2.fits")) {
            copy(DSS.resolve(n), in.resolve(n));
            copy(DSS.resolve(n), good.resolve(n));
        }
        List<Bad> bad = writeBadFiles(in);

        Path out = tmp.resolve("out");
        List<String> args = new ArrayList<>(List.of("reproject", out.toString()));
        for (Path p : fitsIn(in)) args.add(p.toString());
        Run r = cli(args.toArray(new String[0]));
        assertEquals(Main.SKIPPED, r.rc(), "exit 1: some inputs were skipped\n" + r.all());
        assertNamed(r, bad);
        assertTrue(r.err().contains("3 input(s) skipped"), r.err());

        // The mosaic of the mixed folder is the mosaic of its two good plates: nothing of the bad
        // files leaked in (same grid, same pixels).
        Path ref = tmp.resolve("ref");
        Run g = cli("reproject", "-q", ref.toString(), good.toString());
        assertEquals(Main.OK, g.rc(), g.all());
        FitsFrame mixed = FitsFrame.open(out.resolve(MosaicPipeline.MOSAIC)), clean = FitsFrame.open(ref.resolve(MosaicPipeline.MOSAIC));
        assertTrue(mixed.hasAlpha(), "mosaic.fits with ALPHA");
        assertTrue(Files.isRegularFile(out.resolve(MosaicPipeline.COVERAGE)) && Files.isRegularFile(out.resolve(MosaicPipeline.PREVIEW)));
        assertEquals(List.of(clean.width(), clean.height()), List.of(mixed.width(), mixed.height()), "same final grid");
        float[][] a = mixed.newBand(mixed.height()), b = clean.newBand(clean.height());
        mixed.readRows(0, mixed.height(), a);
        clean.readRows(0, clean.height(), b);
        int finite = 0;
        for (int i = 0; i < a[0].length; i++) {
            if (Float.isNaN(b[0][i])) {
                assertTrue(Float.isNaN(a[0][i]), "pixel " + i + " has no data in either mosaic");
                continue;
            }
            assertEquals(b[0][i], a[0][i], 1e-3f * Math.max(1f, Math.abs(b[0][i])), "pixel " + i);
            finite++;
        }
        assertTrue(finite > 0.8 * a[0].length, "the good plates fill the mosaic: " + finite + " of " + a[0].length);
    }

    @Test
    void mosaicOfAFolderWithBadFilesGoesOnWithTheGoodFrames(@TempDir Path tmp) throws Exception {
        assumeData(NGC7023);
        assumeData(DSS);
        assumeData(M13);
        Path in = Files.createDirectories(tmp.resolve("frames"));
        // two frames of one session: the quickest real mosaic run
        for (String n : List.of("Light_NGC_7023_10.0s_IRCUT_20240730-224436.fit", "Light_NGC_7023_10.0s_IRCUT_20240730-224448.fit"))
            copy(NGC7023.resolve(n), in.resolve(n));
        List<Bad> bad = writeBadFiles(in.resolve("night2")); // in a sub-folder: the scan is recursive

        Path out = tmp.resolve("out");
        System.gc(); // the automatic frames-per-tile cap reads the heap free now (docs/acceptance.md)
        Run r = cli("mosaic", in.toString(), out.toString());
        assertEquals(Main.SKIPPED, r.rc(), r.all());
        assertNamed(r, bad);
        assertTrue(r.out().contains("mosaic:   " + out.toAbsolutePath().resolve(MosaicPipeline.MOSAIC)), r.out());
        FitsFrame m = FitsFrame.open(out.resolve(MosaicPipeline.MOSAIC));
        assertTrue(m.hasAlpha() && m.hasWcs() && m.channels() == 3, "colour mosaic with ALPHA and WCS");
        // Usually one tile of 2 frames; the automatic frames-per-tile cap follows the heap free at
        // that moment, so after other tests in this JVM it may be two tiles of 1 frame.
        List<Path> tiles = fitsIn(out.resolve(MosaicPipeline.TILES_DIR));
        int stacked = 0;
        for (Path t : tiles) stacked += Integer.parseInt(FitsFrame.open(t).keys().get("MT_NFRAMES").trim());
        assertEquals(2, stacked, "both good frames, nothing else, were stacked: " + tiles);
    }

    /**
     * A skipped frame was named twice on the console: by the phase that left it out ("[READ] skipped
     * …/garbage.fits: …", "[READ] zero.fit left out: …") and again in the list the run ends with. Now
     * once, in that list, with its reason; tessera.log keeps both lines.
     */
    @Test
    void eachSkippedFrameIsNamedOnceOnTheConsole(@TempDir Path tmp) throws Exception {
        assumeData(NGC7023);
        Path in = Files.createDirectories(tmp.resolve("frames"));
        Path good = in.resolve("good.fit"), garbage = in.resolve("garbage.fits"), zero = in.resolve("zero.fit");
        copy(NGC7023.resolve("Light_NGC_7023_10.0s_IRCUT_20240730-224436.fit"), good);
        Files.write(garbage, new java.util.Random(5).ints(5000, 0, 256).collect(java.io.ByteArrayOutputStream::new,
                (o, b) -> o.write(b), (x, y) -> { }).toByteArray());
        // the same frame with every data byte 0: an all-zero readout under a real header
        byte[] frame = Files.readAllBytes(good);
        int end = 0;
        while (!new String(frame, end, 8, StandardCharsets.US_ASCII).equals("END     ")) end += 80;
        Arrays.fill(frame, (end / 2880 + 1) * 2880, frame.length, (byte) 0); // the data start after the END card's block
        Files.write(zero, frame);
        String notFits = "not a FITS file (it does not start with a SIMPLE card)";
        for (String job : List.of("mosaic", "stack")) {
            Path out = tmp.resolve("out-" + job);
            Run r = job.equals("mosaic") ? cli(job, in.toString(), out.toString()) : cli(job, out.resolve("t.fits").toString(), in.toString());
            assertEquals(Main.SKIPPED, r.rc(), job + "\n" + r.all());
            List<String> g = r.all().lines().filter(l -> l.contains("garbage.fits")).toList();
            List<String> z = r.all().lines().filter(l -> l.contains("zero.fit")).toList();
            assertEquals(1, g.size(), job + "\n" + r.all());
            assertEquals(1, z.size(), job + "\n" + r.all());
            assertTrue(g.get(0).endsWith(" WARNING [cli] skipped " + garbage.toAbsolutePath() + ": " + notFits), g.get(0));
            assertTrue(z.get(0).matches(".* WARNING \\[cli\\] skipped " + java.util.regex.Pattern.quote(zero.toAbsolutePath().toString())
                    + ": every pixel holds the same value, \\S+ \\(an all-zero or blank readout\\): no data"), z.get(0));
            assertTrue(r.err().contains("2 input(s) skipped"), r.err());
            String log = Files.readString(out.resolve("tessera.log"));
            assertTrue(log.contains(" WARNING [io] [READ] skipped " + garbage.toAbsolutePath() + ": " + notFits), log);
            assertTrue(log.contains(" WARNING [io] [READ] zero.fit left out: every pixel holds the same value"), log);
        }
    }

    /**
     * A frame the stack drops (a real frame blanked but for its last 10 of 1920 rows: finite
     * fraction 0.0052, which the screen before the grid lets through) was named twice on the
     * console: by the stack's "[STACK] frame … dropped: …" warning and in the closing list. Now once,
     * in that list; tessera.log keeps the stack's line verbatim.
     */
    /**
     * A real NGC 7023 frame (1080x1920, 16-bit) blanked but for its last 10 rows: a BLANK card in
     * place of a comment card, every other pixel stored as that value (NaN when read).
     */
    private static Path mostlyBlank(Path to) throws IOException {
        byte[] frame = Files.readAllBytes(NGC7023.resolve("Light_NGC_7023_10.0s_IRCUT_20240730-224510.fit"));
        int card = 0, end = 0;
        while (!new String(frame, card, 8, StandardCharsets.US_ASCII).equals("COMMENT ")) card += 80;
        byte[] blankCard = String.format(Locale.ROOT, "%-80s", "BLANK   =               -32768").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(blankCard, 0, frame, card, 80);
        while (!new String(frame, end, 8, StandardCharsets.US_ASCII).equals("END     ")) end += 80;
        int data = (end / 2880 + 1) * 2880, rowBytes = 1080 * 2;
        for (int k = data; k < data + (1920 - 10) * rowBytes; k += 2) {
            frame[k] = (byte) 0x80; // -32768 big-endian
            frame[k + 1] = 0;
        }
        return Files.write(to, frame);
    }

    /**
     * A stack of which no frame holds data (one the stack drops, one not FITS) fails naming each once
     * on the console; its failure line names none again (the message, for Fiji's dialog, does).
     */
    @Test
    void aStackOfNoUsableFrameNamesEachOnceOnTheConsole(@TempDir Path tmp) throws Exception {
        assumeData(NGC7023);
        Path in = Files.createDirectories(tmp.resolve("frames"));
        mostlyBlank(in.resolve("mostlyblank.fit"));
        Files.writeString(in.resolve("junk.fits"), "not FITS\n", StandardCharsets.US_ASCII);
        Path out = tmp.resolve("out/t.fits");
        Run r = cli("stack", out.toString(), in.toString());
        assertEquals(Main.ERROR, r.rc(), r.all());
        for (String f : List.of("mostlyblank.fit", "junk.fits")) // (the INFO line of the tile names its reference frame)
            assertEquals(1, r.all().lines().filter(l -> l.contains(f) && !l.contains(" INFO ")).count(), f + "\n" + r.all());
        assertTrue(r.err().stripTrailing().endsWith(" SEVERE [cli] failed: nothing could be stacked into t.fits: no frame holds"
                + " data there; " + out + " was not written"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aFrameTheStackDropsIsNamedOnceOnTheConsole(@TempDir Path tmp) throws Exception {
        assumeData(NGC7023);
        Path in = Files.createDirectories(tmp.resolve("frames"));
        for (String n : List.of("224436", "224448", "224459"))
            copy(NGC7023.resolve("Light_NGC_7023_10.0s_IRCUT_20240730-" + n + ".fit"), in.resolve(n + ".fit"));
        Path blank = mostlyBlank(in.resolve("mostlyblank.fit"));
        String why = "finite fraction 0.0052 < 0.02 in channel 0";
        for (String job : List.of("mosaic", "stack")) {
            Path out = tmp.resolve("out-" + job);
            Run r = job.equals("mosaic") ? cli(job, in.toString(), out.toString()) : cli(job, out.resolve("t.fits").toString(), in.toString());
            assertEquals(Main.SKIPPED, r.rc(), job + "\n" + r.all());
            List<String> named = r.all().lines().filter(l -> l.contains("mostlyblank.fit")).toList();
            assertEquals(1, named.size(), job + "\n" + r.all());
            assertTrue(named.get(0).endsWith(" WARNING [cli] skipped " + blank.toAbsolutePath() + ": dropped from "
                    + (job.equals("mosaic") ? "master tile 0" : "t.fits") + ": " + why), named.get(0));
            String log = Files.readString(out.resolve("tessera.log"));
            assertTrue(log.contains(" WARNING [stack] [STACK] frame mostlyblank.fit dropped: " + why + "\n"), log);
            assertTrue(log.contains(" WARNING [cli] skipped " + blank.toAbsolutePath()), log);
        }
    }

    /**
     * A folder without frames stops with exit 2 naming it, and when it holds files of other names
     * (frames saved as TIFF or XISF, an archive not unpacked) it says so, naming the first three: it
     * said only "no FITS files in FOLDER", which reads as an empty folder.
     */
    @Test
    void emptyFolderStopsWithExitTwoNamingTheFolder(@TempDir Path tmp) throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty night"));
        for (String name : List.of("notes.txt", "M31_001.tif", "frames.zip", "a.xisf")) // not FITS names: not inputs
            Files.writeString(empty.resolve(name), "no frames here\n");
        String folder = empty.toString();
        String holds = " (it holds 4 other file(s), none of them FITS: M31_001.tif, a.xisf, frames.zip, …; "
                + "Tessera reads FITS frames only)";

        Run rep = cli("reproject", tmp.resolve("out1").toString(), folder);
        assertEquals(Main.ERROR, rep.rc(), rep.all());
        assertEquals("tessera reproject: error: no FITS files (" + FrameScanner.FITS_PATTERNS + ") in folder " + folder + holds,
                rep.err().strip());

        Run mos = cli("mosaic", folder, tmp.resolve("out2").toString());
        assertEquals(Main.ERROR, mos.rc(), mos.all());
        assertTrue(mos.err().strip().endsWith(" SEVERE [cli] failed: no FITS files (" + FrameScanner.FITS_PATTERNS + ") in "
                + folder + holds), "names the folder and what it holds: " + mos.err());
        assertFalse(Files.exists(tmp.resolve("out2").resolve(MosaicPipeline.MOSAIC)), "no mosaic");

        // an empty folder: nothing more to say
        Path none = Files.createDirectories(tmp.resolve("nothing"));
        Run nothing = cli("mosaic", none.toString(), tmp.resolve("out3").toString());
        assertEquals(Main.ERROR, nothing.rc(), nothing.all());
        assertTrue(nothing.err().strip().endsWith(" SEVERE [cli] failed: no FITS files (" + FrameScanner.FITS_PATTERNS
                + ") in " + none), nothing.err());
    }

    @Test
    void folderOfOnlyBadFilesStopsWithExitTwoNamingEachFile(@TempDir Path tmp) throws Exception {
        assumeData(DSS);
        assumeData(M13);
        Path in = tmp.resolve("bad");
        List<Bad> bad = writeBadFiles(in);
        // a header cut before its END card as well: the other way a copy gets truncated
        Path cutHeader = in.resolve("cut_header.fits");
        Files.write(cutHeader, Arrays.copyOf(Files.readAllBytes(DSS.resolve("dss_test2.fits")), 1000));
        List<Bad> all = new ArrayList<>(bad);
        all.add(new Bad(cutHeader, "truncated"));

        for (String job : List.of("reproject", "mosaic")) {
            Path out = tmp.resolve("out-" + job);
            Run r = job.equals("reproject") ? cli(job, out.toString(), in.toString()) : cli(job, in.toString(), out.toString());
            assertEquals(Main.ERROR, r.rc(), job + ": exit 2\n" + r.all());
            assertNamed(r, all);
            assertTrue(r.err().contains("no usable frame: all 4 input(s) were skipped"), job + ": a clear final message\n" + r.err());
            // each file once: the phase's lines, shown before the failure line, which names none again
            for (Bad b : all)
                assertEquals(1, r.all().lines().filter(l -> l.contains(b.file().getFileName().toString())).count(), r.all());
            assertTrue(r.err().stripTrailing().endsWith(" SEVERE [cli] failed: no usable frame: all 4 input(s) were skipped"), r.err());
            assertFalse(Files.exists(out.resolve(MosaicPipeline.MOSAIC)), job + ": no mosaic");
        }
    }
}
