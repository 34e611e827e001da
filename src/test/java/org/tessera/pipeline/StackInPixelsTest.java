package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import nom.tam.fits.Fits;
import nom.tam.fits.Header;
import nom.tam.fits.ImageHDU;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Logged;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.register.FrameRegistrar;
import org.tessera.solve.FrameAligner;
import org.tessera.solve.PlateSolver;
import org.tessera.solve.RawFrameAstrometry;
import org.tessera.solve.SolveHints;
import org.tessera.solve.Solution;
import org.tessera.solve.Solvers;
import org.tessera.solve.WcsCache;
import org.tessera.synth.Psf;
import org.tessera.synth.SkyModel;
import org.tessera.tiles.MasterTileFiles;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projections;
import org.tessera.wcs.Wcs;

/**
 * {@code tessera stack} of frames that have no WCS and nothing to guide a plate solve (no
 * pointing, no scale): registered by their stars in the pixels of one of them, as Siril stacks
 * them. Synthetic frames (the synth package's sky painter) whose true WCS are known: the same
 * frames written with their WCS are stacked on the sky, and both stacks must agree.
 */
class StackInPixelsTest {

    static final int W = 480, H = 360;
    static final double SCALE = 3.0 / 3600, RA = 150, DEC = 30;
    static final SkyModel SKY = SkyModel.random(new SkyModel.StarField(RA, DEC, 0.6, 3000, 400, 40000, 1.2, 0), 42);
    static final Psf PSF = Psf.moffat(9.0, 3);
    /** Noise of one frame (ADU): the yardstick of the comparisons. */
    static final double SIGMA = 5;
    /** Per frame: tangent point offset (px) and rotation (deg): dithers under the 1° canvas limit. */
    static final double[][] DITHERS = {{0, 0, 0}, {7.3, -4.6, 0.2}, {-12.4, 9.1, -0.3}, {3.7, 15.2, 0.1}};

    static Wcs wcs(double[] d) {
        double r = Math.toRadians(d[2]), c = Math.cos(r) * SCALE, s = Math.sin(r) * SCALE;
        return new FitsWcs(Projections.TAN, W / 2.0 + d[0] + 1, H / 2.0 + d[1] + 1, RA, DEC, -c, s, s, c);
    }

    /** A float frame: sky 100 + stars + noise; with its WCS in the header when {@code withWcs}, else no sky card at all. */
    static Path write(Path dir, String name, Wcs w, boolean stars, long seed, boolean withWcs) throws Exception {
        return write(dir, name, w, stars, seed, withWcs, false);
    }

    /** As above, with the pointing RA/DEC in the header when {@code pointing} (a solve is then tried). */
    static Path write(Path dir, String name, Wcs w, boolean stars, long seed, boolean withWcs, boolean pointing) throws Exception {
        float[][] planes = {new float[W * H]};
        if (stars) SKY.render(w, W, H, planes, null, PSF, 1.0);
        Random rnd = new Random(seed);
        float[][] data = new float[H][W];
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) data[y][x] = (float) (planes[0][y * W + x] + 100 + SIGMA * rnd.nextGaussian());
        ImageHDU hdu = (ImageHDU) Fits.makeHDU(data);
        Header h = hdu.getHeader();
        h.addValue("DATE-OBS", String.format(Locale.ROOT, "2026-05-01T22:%02d:00", seed % 60), "start");
        h.addValue("EXPTIME", 10.0, "s");
        if (withWcs) ((FitsWcs) w).writeTo(h);
        if (pointing) {
            h.addValue("RA", RA, "pointing (deg)");
            h.addValue("DEC", DEC, "pointing (deg)");
        }
        Files.createDirectories(dir);
        Path f = dir.resolve(name);
        try (Fits fits = new Fits()) {
            fits.addHDU(hdu);
            fits.write(f.toFile());
        }
        return f;
    }

    static List<Path> frames(Path dir, boolean withWcs) throws Exception {
        return frames(dir, withWcs, false);
    }

    static List<Path> frames(Path dir, boolean withWcs, boolean pointing) throws Exception {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < DITHERS.length; i++)
            out.add(write(dir, String.format(Locale.ROOT, "light_%02d.fits", i + 1), wcs(DITHERS[i]), true, i + 1, withWcs, pointing));
        return out;
    }

    record Image(Header header, float[][] data) {}

    static Image read(Path f) throws Exception {
        try (Fits fits = new Fits(f.toFile())) {
            ImageHDU hdu = (ImageHDU) fits.getHDU(0);
            return new Image(hdu.getHeader(), (float[][]) hdu.getKernel());
        }
    }

    @Test
    void framesWithoutAnySkySolutionStackInTheReferencePixelsAsTheyWouldOnTheSky(@TempDir Path tmp) throws Exception {
        Path pixelTile = tmp.resolve("out").resolve("stack.fits"), skyTile = tmp.resolve("sky").resolve("stack.fits");
        List<Path> raw = frames(tmp.resolve("raw"), false), solved = frames(tmp.resolve("solved"), true);
        List<String> log = Logged.during("org.tessera", () -> {
            MosaicPipeline.Outcome o = MosaicPipeline.stack(pixelTile, raw, new Config(), Progress.NONE);
            assertEquals(List.of(), o.skipped(), "every frame registered");
        });
        MosaicPipeline.stack(skyTile, solved, new Config(), Progress.NONE);

        // One warning says why and what: no sky solution, registered in pixels, no WCS.
        List<String> warnings = log.stream().filter(l -> l.contains("stacked in pixels, not on the sky")).toList();
        assertEquals(1, warnings.size(), log.toString());
        assertTrue(warnings.get(0).startsWith("[SOLVE] no celestial WCS in the header and no sky solution: no pointing"), warnings.get(0));
        // light_02 (the middle frame) is the frame registered on; the stack's grid frame (MT_REF) is light_01,
        // checked below: the warning called light_02 "the stack's reference frame" (the user guide's quote showed both).
        assertTrue(warnings.get(0).contains("4 of 4 frame(s) stacked in pixels, not on the sky: the other 3 registered by their "
                + "stars on light_02.fits (the registration reference)")
                && warnings.get(0).endsWith("the stack has no WCS"), warnings.get(0));
        assertFalse(log.stream().anyMatch(l -> l.startsWith("[SOLVE] skipped")), log.toString());
        assertFalse(Files.exists(tmp.resolve("out").resolve("solved_wcs")), "a stand-in is never cached as a sky position");

        Image px = read(pixelTile), sky = read(skyTile);
        Header h = px.header();
        for (String k : List.of("CTYPE1", "CTYPE2", "CRVAL1", "CRVAL2", "CRPIX1", "CRPIX2", "CD1_1", "CD2_2", "PC1_1", "CDELT1",
                "RADESYS", "LONPOLE"))
            assertFalse(h.containsKey(k), k + " must not be written: the stand-in WCS is no sky position");
        String ref = sky.header().getStringValue("MT_REF");
        assertEquals("light_01.fits", ref, "the stack's grid frame differs from the registration reference here");
        assertFalse(warnings.get(0).contains("light_01"), warnings.get(0));
        assertEquals(ref, h.getStringValue("MT_REF"), "the same grid frame as on the sky");
        assertEquals("pixels of " + ref, h.getStringValue(MasterTileFiles.FRAME_KEY));
        assertEquals(4, h.getIntValue("HIERARCH.MT_NFRAMES"));
        assertTrue(sky.header().containsKey("CTYPE1"), "the sky stack keeps its WCS");

        // Same grid: size, and the offset of the trimmed tile in the reference frame.
        assertEquals(sky.data().length, px.data().length);
        assertEquals(sky.data()[0].length, px.data()[0].length);
        assertEquals(-sky.header().getDoubleValue("MT_TRIMX"), h.getDoubleValue("LTV1"), 0);
        assertEquals(-sky.header().getDoubleValue("MT_TRIMY"), h.getDoubleValue("LTV2"), 0);

        // Same pixels but for the registration error: the star registration is within 0.1 px of
        // the truth on such frames (SyntheticRegistrationTest); resampling pure noise (σ = 5,
        // neighbour differences σ√2) 0.1 px off moves a pixel by ≈ 0.1·7 ≈ 0.7 in one frame, ≈ 0.3
        // in a mean of 3 moved frames and the reference: the RMS difference must stay under 0.1 σ
        // of one frame. On a star (FWHM 3 px) the slope reaches ≈ 0.5 of its height per pixel, so
        // 0.1 px moves a pixel by up to 5 % of its height above the sky: no pixel may differ by
        // more than 2 σ + 5 % of that height.
        double sum = 0, max = 0, worst = 0;
        int n = 0;
        for (int y = 0; y < px.data().length; y++)
            for (int x = 0; x < px.data()[0].length; x++) {
                float a = px.data()[y][x], b = sky.data()[y][x];
                if (a == 0 || b == 0) continue; // no data (stored as 0) in either
                double d = a - b;
                sum += d * d;
                max = Math.max(max, Math.abs(d));
                worst = Math.max(worst, Math.abs(d) / (2 * SIGMA + 0.05 * Math.abs(b - 100)));
                n++;
            }
        double rms = Math.sqrt(sum / n);
        System.out.printf(Locale.ROOT, "[PIXELS] %d px compared: rms %.4f, max %.3f ADU (one frame's sigma %.1f), worst/bound %.3f%n",
                n, rms, max, SIGMA, worst);
        assertTrue(n > 0.9 * W * H, "overlap " + n);
        assertTrue(rms < 0.1 * SIGMA, "rms difference " + rms);
        assertTrue(worst < 1, "a pixel differs by " + worst + " of its bound (largest difference " + max + ")");
    }

    @Test
    void onACanvasTheOffsetToTheReferencePixelsIsWhereTheSkyStackPutsIt(@TempDir Path tmp) throws Exception {
        // A frame turned by 2.5° (over the 1° limit) puts the stack on the square canvas, and the
        // edge trim cuts it: the tile's pixel (0, 0) is no longer the reference's.
        double[][] turned = {{0, 0, 0}, {7.3, -4.6, 0.2}, {-12.4, 9.1, 2.5}};
        List<Path> raw = new ArrayList<>(), solved = new ArrayList<>();
        for (int i = 0; i < turned.length; i++) {
            String n = String.format(Locale.ROOT, "light_%02d.fits", i + 1);
            raw.add(write(tmp.resolve("raw"), n, wcs(turned[i]), true, i + 1, false));
            solved.add(write(tmp.resolve("solved"), n, wcs(turned[i]), true, i + 1, true));
        }
        Path pixelTile = tmp.resolve("out").resolve("stack.fits"), skyTile = tmp.resolve("sky").resolve("stack.fits");
        assertEquals(List.of(), MosaicPipeline.stack(pixelTile, raw, new Config(), Progress.NONE).skipped());
        MosaicPipeline.stack(skyTile, solved, new Config(), Progress.NONE);
        Image px = read(pixelTile), sky = read(skyTile);
        assertTrue(sky.header().getBooleanValue("MT_PAD"), "on the canvas");
        assertEquals(sky.data().length, px.data().length);
        assertEquals(sky.data()[0].length, px.data()[0].length);
        // where the sky stack's pixel (0, 0) lies in its reference frame, by the true WCS
        String ref = sky.header().getStringValue("MT_REF");
        assertEquals("pixels of " + ref, px.header().getStringValue(MasterTileFiles.FRAME_KEY));
        double[] p = new double[2];
        FitsWcs.fromHeader(sky.header()).pixelToWorld(0, 0, p);
        wcs(turned[Integer.parseInt(ref.substring(6, 8)) - 1]).worldToPixel(p[0], p[1], p);
        System.out.printf(Locale.ROOT, "[PIXELS] canvas: tile pixel (0, 0) at reference pixel (%.3f, %.3f); LTV %d, %d%n", p[0], p[1],
                px.header().getIntValue("LTV1"), px.header().getIntValue("LTV2"));
        assertTrue(Math.abs(p[0]) > 10 && Math.abs(p[1]) > 10, "a real offset: " + p[0] + ", " + p[1]);
        assertEquals(-Math.round(p[0]), px.header().getIntValue("LTV1"));
        assertEquals(-Math.round(p[1]), px.header().getIntValue("LTV2"));
        assertEquals(p[0], Math.round(p[0]), 1e-6, "the tile is on the reference's pixel grid");
    }

    @Test
    void aFrameThatCannotBeRegisteredIsSkippedWithItsReason(@TempDir Path tmp) throws Exception {
        List<Path> in = new ArrayList<>(frames(tmp.resolve("raw"), false).subList(0, 3));
        in.add(write(tmp.resolve("raw"), "light_99_clouds.fits", wcs(DITHERS[0]), false, 99, false)); // no star at all
        Path tile = tmp.resolve("out").resolve("stack.fits");
        MosaicPipeline.Outcome o = MosaicPipeline.stack(tile, in, new Config(), Progress.NONE);
        assertEquals(1, o.skipped().size(), o.skipped().toString());
        assertEquals(in.get(3), o.skipped().get(0).file());
        String why = o.skipped().get(0).reason();
        assertTrue(why.startsWith("no celestial WCS in the header; no sky solution, and cannot be registered on light_02.fits "
                + "(the registration reference): only 0 stars detected"), why);
        Image t = read(tile);
        assertEquals(3, t.header().getIntValue("HIERARCH.MT_NFRAMES"));
        assertTrue(t.header().getStringValue(MasterTileFiles.FRAME_KEY).startsWith("pixels of light_0"));
        assertFalse(t.header().containsKey("CTYPE1"));
    }

    /** The stage alone ({@link RawFrameAstrometry#inReferencePixels}) on frames with pointing: every solve fails, or no solver. */
    @Test
    void everySolveFailedOrNoSolverAlsoRegistersInPixels(@TempDir Path tmp) throws Exception {
        List<FitsFrame> raw = new ArrayList<>();
        for (Path f : frames(tmp.resolve("raw"), false, true)) raw.add(FitsFrame.open(f));
        assertTrue(SolveHints.fromKeys(raw.get(0).keys(), W, H, 3).hasPosition(), "guided: a solve is tried");
        List<String> asked = new ArrayList<>();
        PlateSolver failing = new PlateSolver() {
            @Override public String name() { return "failing"; }
            @Override public Solution solve(Path image, SolveHints hints, Path workDir) {
                asked.add(image.getFileName().toString());
                return Solution.failed("no solution (test)", 0.1);
            }
        };
        FrameAligner stars = FrameAligner.stars(new FrameRegistrar());
        for (Solvers.Choice c : List.of(new Solvers.Choice(failing, null), new Solvers.Choice(null, "no plate solver found (test)"))) {
            Path out = Files.createDirectories(tmp.resolve("out-" + (c.solver() == null ? "none" : "failing")));
            RawFrameAstrometry stage = new RawFrameAstrometry(c, stars, new WcsCache(out), 3.0, false, 2);
            RawFrameAstrometry.Result sky = stage.place(raw, Progress.NONE);
            assertEquals(0, sky.frames().size(), "a mosaic's stage places none");
            assertNull(sky.pixels());
            List<String> log = new ArrayList<>();
            RawFrameAstrometry.Result[] r = new RawFrameAstrometry.Result[1];
            List<Double> bar = java.util.Collections.synchronizedList(new ArrayList<>());
            log.addAll(Logged.during("org.tessera", () -> {
                try {
                    r[0] = stage.inReferencePixels().place(raw, (f, m) -> bar.add(f));
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }));
            assertEquals(4, r[0].frames().size(), c + ": " + r[0].unplaced());
            // the registrations in pixels come after the failed solves: the bar does not move back for them
            for (int i = 1; i < bar.size(); i++) assertTrue(bar.get(i) >= bar.get(i - 1), "bar went back: " + bar);
            assertFalse(bar.isEmpty());
            assertEquals("light_02.fits", r[0].pixels().reference());
            String why = c.solver() == null ? "no plate solver found (test)"
                    : "group 1 unsolved: plate solving failed on 3 frame(s) (light_02.fits: no solution (test); ";
            assertTrue(r[0].pixels().why().startsWith("no celestial WCS in the header and no sky solution: " + why), r[0].pixels().why());
            // one warning: the group's "unsolved, left out" and the solver's "cannot be placed" are not said as well
            assertEquals(1, log.stream().filter(l -> l.startsWith("[SOLVE]") && (l.contains("left out") || l.contains("cannot be placed")
                    || l.contains("stacked in pixels, not on the sky"))).count(), log.toString());
            assertFalse(Files.exists(out.resolve(WcsCache.DIR)), "nothing cached");
            // the reference's stand-in and a moved frame's composition map the true pixel offsets
            FitsFrame ref = r[0].frames().get(1), moved = r[0].frames().get(2);
            double[] p = new double[2], q = new double[2];
            moved.wcs().pixelToWorld(100, 80, p);
            ref.wcs().worldToPixel(p[0], p[1], p);
            wcs(DITHERS[2]).pixelToWorld(100, 80, q);
            wcs(DITHERS[1]).worldToPixel(q[0], q[1], q);
            assertEquals(q[0], p[0], 0.1, "x on the reference");
            assertEquals(q[1], p[1], 0.1, "y on the reference");
        }
        // each place (the mosaic's, then the stack's) tries three frames, then gives up on the sky
        assertEquals(List.of("light_02.fits", "light_03.fits", "light_01.fits", "light_02.fits", "light_03.fits", "light_01.fits"),
                asked, "three solves tried, then the pixels");
    }

    @Test
    void aMosaicStillRefusesFramesItCannotPlaceOnTheSky(@TempDir Path tmp) throws Exception {
        List<Path> raw = frames(tmp.resolve("raw"), false);
        IOException e = assertThrows(IOException.class,
                () -> MosaicPipeline.mosaic(raw, tmp.resolve("out"), new Config(), Progress.NONE));
        assertTrue(e.getMessage().startsWith("no usable frame: all 4 input(s) were skipped"), e.getMessage());
        assertTrue(e.getMessage().contains("no pointing (RA/DEC or OBJCTRA/OBJCTDEC) and no pixel scale"), e.getMessage());
    }

    @Test
    void aStackWithSomeFramesOnTheSkyLeavesTheOthersOut(@TempDir Path tmp) throws Exception {
        // Today's rule kept: the pixel path is only for a stack where no frame has a place on the sky.
        List<Path> in = new ArrayList<>(frames(tmp.resolve("solved"), true).subList(0, 2));
        in.addAll(frames(tmp.resolve("raw"), false).subList(2, 4));
        Path tile = tmp.resolve("out").resolve("stack.fits");
        MosaicPipeline.Outcome o = MosaicPipeline.stack(tile, in, new Config(), Progress.NONE);
        assertEquals(List.of(in.get(2), in.get(3)), o.skipped().stream().map(MosaicPipeline.Skipped::file).toList());
        Image t = read(tile);
        assertTrue(t.header().containsKey("CTYPE1"), "on the sky");
        assertNull(t.header().getStringValue(MasterTileFiles.FRAME_KEY));
        assertEquals(2, t.header().getIntValue("HIERARCH.MT_NFRAMES"));
    }
}
