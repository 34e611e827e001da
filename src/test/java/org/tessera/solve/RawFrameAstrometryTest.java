package org.tessera.solve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.io.FitsFrame;
import org.tessera.io.FrameScanner;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Wcs;

/**
 * The Phase 1 stage on the raw M 94 frames, with a stand-in solver that answers with the solved
 * twin's WCS (or fails where a test says so) and a registration from the ground truth: what the
 * stage does with solves and registrations — one solve per group, every other frame placed by
 * composition, the next frame tried when a solve fails, failures listed with their reason, the
 * cache making a rerun solve nothing.
 */
class RawFrameAstrometryTest {

    static List<FitsFrame> raw;
    static Map<Path, Wcs> truth = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        M94Data.assumeData();
        raw = M94Data.open(M94Data.RAW);
        for (FitsFrame f : raw) truth.put(f.path(), M94Data.solvedTwin(f).wcs());
    }

    /** Answers with the twin's WCS unless {@code fails} says no; records what it was asked to solve. */
    static final class StandInSolver implements PlateSolver {
        /** Names asked for, in order (solves of different groups may run at once: LocalPlacement). */
        final List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        final Predicate<Path> fails;

        StandInSolver(Predicate<Path> fails) { this.fails = fails; }

        @Override public String name() { return "stand-in"; }

        @Override
        public Solution solve(Path image, SolveHints hints, Path workDir) {
            asked.add(image.getFileName().toString());
            assertTrue(hints.hasPosition() && Math.abs(hints.arcsecPerPixel() - 2.3927) < 1e-3, "header hints: " + hints);
            return fails.test(image) ? Solution.failed("no solution (test)", 0.1) : Solution.solved((FitsWcs) truth.get(image), 0.1);
        }
    }

    static RawFrameAstrometry stage(PlateSolver s, FrameAligner a, Path out) {
        return new RawFrameAstrometry(new Solvers.Choice(s, null), a, new WcsCache(out), 3.0, false, 2);
    }

    @Test
    void oneSolvePerGroupPlacesAllTwelveFramesAndARerunSolvesNothing(@TempDir Path out) throws Exception {
        StandInSolver s = new StandInSolver(p -> false);
        RawFrameAstrometry.Result r = stage(s, M94Data.groundTruthAligner(truth), out).place(raw, Progress.NONE);
        assertEquals(12, r.frames().size(), "all placed: " + r.unplaced());
        assertEquals(List.of(), r.unplaced());
        assertEquals(3, r.solves(), "one solve per group");
        assertEquals(List.of("Light_M_94_10.0s_IRCUT_20250326-212108.fit", "Light_M_94_10.0s_IRCUT_20250327-014513.fit",
                "Light_M_94_10.0s_IRCUT_20250409-225516.fit"), s.asked.stream().sorted().toList(), "the middle frame of each session");
        assertEquals(9, r.registered());
        for (FitsFrame f : r.frames()) {
            double sep = M94Data.maxSeparationArcsec(f.wcs(), truth.get(f.path()), f.width(), f.height());
            assertTrue(sep < 0.05, f.name() + ": WCS within 0.05″ of the solved twin over the frame, was " + sep);
        }

        StandInSolver again = new StandInSolver(p -> false);
        RawFrameAstrometry.Result r2 = stage(again, (a, b) -> { throw new AssertionError("no registration on a rerun"); }, out)
                .place(raw, Progress.NONE);
        assertEquals(List.of(), again.asked, "nothing solved again");
        assertEquals(12, r2.cached());
        for (int i = 0; i < 12; i++) {
            FitsWcs a = (FitsWcs) r.frames().get(i).wcs(), b = (FitsWcs) r2.frames().get(i).wcs();
            assertTrue(M94Data.maxSeparationArcsec(a, b, 1080, 1920) < 1e-6, "cached WCS as found: " + a + " vs " + b);
        }
    }

    @Test
    void aFailedSolveTriesTheNextFrameThenReportsTheGroupUnsolved(@TempDir Path out) throws Exception {
        // night1: its middle frame does not solve, the next does; night3: nothing solves.
        StandInSolver s = new StandInSolver(p -> p.toString().contains("212108") || p.toString().contains("20250409"));
        RawFrameAstrometry.Result r = stage(s, M94Data.groundTruthAligner(truth), out).place(raw, Progress.NONE);
        assertEquals(8, r.frames().size(), "night1 and night2 placed");
        assertEquals(2 + 1 + RawFrameAstrometry.MAX_SOLVE_ATTEMPTS, r.solves());
        assertEquals(List.of("Light_M_94_10.0s_IRCUT_20250326-212108.fit", "Light_M_94_10.0s_IRCUT_20250326-212119.fit"),
                s.asked.stream().filter(n -> n.contains("20250326")).toList(), "the next frame from the middle");
        assertEquals(4, r.unplaced().size());
        for (FrameScanner.Problem p : r.unplaced()) {
            assertTrue(p.file().toString().contains("night3"), p.toString());
            assertTrue(p.reason().startsWith("no celestial WCS in the header; group 3 unsolved: plate solving failed on 3 frame(s) ("),
                    p.reason());
            assertTrue(p.reason().contains("225516.fit: no solution (test)"), p.reason());
        }
    }

    @Test
    void aFrameThatCannotBeRegisteredIsListedAndTheRestArePlaced(@TempDir Path out) throws Exception {
        FrameAligner truthAligner = M94Data.groundTruthAligner(truth);
        FrameAligner a = (ref, mov) -> mov.name().contains("212147")
                ? org.tessera.register.Registration.failed(mov.name(), "3 stars matched, 6 needed") : truthAligner.align(ref, mov);
        RawFrameAstrometry.Result r = stage(new StandInSolver(p -> false), a, out).place(raw, Progress.NONE);
        assertEquals(11, r.frames().size());
        assertEquals(1, r.unplaced().size());
        assertEquals("no celestial WCS in the header; cannot be registered on its group's reference "
                + "Light_M_94_10.0s_IRCUT_20250326-212108.fit: 3 stars matched, 6 needed", r.unplaced().get(0).reason());
    }

    @Test
    void withoutASolverFramesWithWcsGoOnAndTheOthersAreListed(@TempDir Path out) throws Exception {
        List<FitsFrame> mixed = new ArrayList<>(M94Data.open(M94Data.SOLVED.resolve("night1")));
        mixed.addAll(M94Data.open(M94Data.RAW.resolve("night3")));
        RawFrameAstrometry st = new RawFrameAstrometry(new Solvers.Choice(null, "no plate solver found: install …"),
                (x, y) -> { throw new AssertionError(); }, new WcsCache(out), 3.0, false, 2);
        RawFrameAstrometry.Result r = st.place(mixed, Progress.NONE);
        assertEquals(6, r.frames().size());
        for (int i = 0; i < 6; i++) assertSame(mixed.get(i), r.frames().get(i), "a frame with WCS is kept as it is");
        assertEquals(4, r.unplaced().size());
        assertEquals("no celestial WCS in the header; no plate solver found: install …", r.unplaced().get(0).reason());
    }

    /**
     * A frame whose header has WCS cards that are not usable (a singular CD matrix, an unknown
     * projection) is placed like a raw frame: it was done without a word, so a damaged WCS went
     * unnoticed. One warning names them with the reason, and a frame left out says the same.
     */
    @Test
    void framesWithUnusableWcsCardsAreNamed(@TempDir Path dir) throws Exception {
        Path solved = M94Data.open(M94Data.SOLVED.resolve("night1")).get(0).path();
        Path zeroCd = dir.resolve("zerocd.fit"), xyz = dir.resolve("xyz.fit");
        java.nio.file.Files.write(zeroCd, withCards(java.nio.file.Files.readAllBytes(solved),
                Map.of("CD1_1", "0.0", "CD1_2", "0.0", "CD2_1", "0.0", "CD2_2", "0.0")));
        java.nio.file.Files.write(xyz, withCards(java.nio.file.Files.readAllBytes(solved),
                Map.of("CTYPE1", "'RA---XYZ'", "CTYPE2", "'DEC--XYZ'")));
        List<FitsFrame> frames = List.of(FitsFrame.open(zeroCd), FitsFrame.open(xyz), raw.get(0));
        assertEquals(null, raw.get(0).brokenWcs(), "a raw frame has no WCS cards: nothing broken");
        String cd = frames.get(0).brokenWcs(), proj = frames.get(1).brokenWcs();
        assertTrue(cd != null && proj != null, cd + " / " + proj);

        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("org.tessera.solve");
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) warnings.add(r.getMessage());
            }
            @Override public void flush() {}
            @Override public void close() {}
        };
        log.addHandler(h);
        RawFrameAstrometry.Result r;
        try {
            r = new RawFrameAstrometry(new Solvers.Choice(null, "no plate solver found: install …"),
                    (x, y) -> { throw new AssertionError(); }, new WcsCache(dir.resolve("out")), 3.0, false, 2)
                    .place(frames, Progress.NONE);
        } finally {
            log.removeHandler(h);
        }
        assertEquals("[SOLVE] 2 frame(s) with WCS cards that are not usable, placed like frames without WCS: zerocd.fit ("
                + cd + "), xyz.fit (" + proj + ")", warnings.get(0));
        assertEquals("invalid WCS: singular CD matrix", cd);
        assertEquals(Map.of("zerocd.fit", "the WCS in the header is not usable (" + cd + "); no plate solver found: install …",
                "xyz.fit", "the WCS in the header is not usable (" + proj + "); no plate solver found: install …",
                raw.get(0).name(), "no celestial WCS in the header; no plate solver found: install …"),
                r.unplaced().stream().collect(java.util.stream.Collectors.toMap(p -> p.file().getFileName().toString(),
                        FrameScanner.Problem::reason)));
    }

    /** {@code fits} with the values of the given header cards replaced (same card, same width). */
    private static byte[] withCards(byte[] fits, Map<String, String> values) {
        for (int i = 0; i < fits.length; i += 80) {
            String key = new String(fits, i, 8, java.nio.charset.StandardCharsets.US_ASCII).trim();
            if (key.equals("END")) break;
            String v = values.get(key);
            if (v == null) continue;
            byte[] card = String.format("%-8s= %20s", key, v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.util.Arrays.fill(fits, i, i + 80, (byte) ' ');
            System.arraycopy(card, 0, fits, i, card.length);
        }
        return fits;
    }

    @Test
    void cacheEntryIsKeyedByPathSizeAndModificationTime(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("Nuit étoilée 1.fit");
        java.nio.file.Files.copy(raw.get(0).path(), in);
        WcsCache cache = new WcsCache(tmp.resolve("out"));
        FitsWcs w = (FitsWcs) truth.get(raw.get(0).path());
        cache.store(in, w, "solve-field, 1.2″ rms, rotation 178.7°");
        WcsCache.Entry e = cache.lookup(in);
        assertTrue(e != null, "a non-ASCII file name is cached too");
        assertEquals(w.crval1(), e.wcs().crval1(), 0);
        assertEquals("solve-field, 1.2\" rms, rotation 178.7 deg", e.how());
        java.nio.file.Files.setLastModifiedTime(in, java.nio.file.attribute.FileTime.fromMillis(1_600_000_000_000L));
        assertEquals(null, cache.lookup(in), "a file touched since is solved again");
        cache.store(in, w, "again");
        assertTrue(cache.lookup(in) != null);
        java.nio.file.Files.write(in, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        java.nio.file.Files.setLastModifiedTime(in, java.nio.file.attribute.FileTime.fromMillis(1_600_000_000_000L));
        assertEquals(null, cache.lookup(in), "a file of another size is solved again");
    }

    @Test
    void aFrameWithNeitherPointingNorScaleIsNotSolvedBlind(@TempDir Path out) throws Exception {
        Path m13 = M94Data.DATA.resolve("m13_raw_frames/M13_blue_0001.fits");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(m13), "M 13 frame not found");
        StandInSolver s = new StandInSolver(p -> true);
        RawFrameAstrometry.Result r = stage(s, (a, b) -> { throw new AssertionError(); }, out).place(List.of(FitsFrame.open(m13)), Progress.NONE);
        assertEquals(List.of(), s.asked, "no blind solve: it would spend the whole timeout");
        // its header has XPIXSZ = 6.45 but no FOCALLEN: the reason says which
        assertEquals("no celestial WCS in the header; no pointing (RA/DEC or OBJCTRA/OBJCTDEC) and no pixel scale "
                + "(FOCALLEN missing, XPIXSZ 6.4500000000000002) in it to guide a plate solve (add FOCALLEN (mm), or RA/DEC, "
                + "or plate-solve it first with ASTAP or solve-field)", r.unplaced().get(0).reason());
    }

    @Test
    void theReasonNamesTheScaleCardsThatAreThereAndThoseMissing() {
        assertTrue(RawFrameAstrometry.unguided(java.util.Map.of()).contains("(FOCALLEN and XPIXSZ missing)"));
        assertTrue(RawFrameAstrometry.unguided(java.util.Map.of()).contains("(add FOCALLEN and XPIXSZ, or RA/DEC,"));
        assertTrue(RawFrameAstrometry.unguided(java.util.Map.of("FOCALLEN", "250")).contains("(XPIXSZ missing, FOCALLEN 250)"));
        assertTrue(RawFrameAstrometry.unguided(java.util.Map.of("FOCALLEN", "250")).contains("(add XPIXSZ (µm), or RA/DEC,"));
        assertTrue(RawFrameAstrometry.unguided(java.util.Map.of("FOCALLEN", "0", "XPIXSZ", "2.9"))
                .contains("(FOCALLEN 0, XPIXSZ 2.9: not a scale)"));
    }
}
