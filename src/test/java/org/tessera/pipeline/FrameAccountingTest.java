package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.cli.Main;
import org.tessera.command.Jobs;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;
import org.tessera.synth.SyntheticSky;

/**
 * No frame leaves a mosaic silently (issue 14, items 2 and 5): panels that auto-relax joins keep
 * their whole footprint, far-apart pointings keep every frame, and a frame the stack drops is
 * named by its file, counted out of the tile's header and reported as skipped (exit 1).
 */
class FrameAccountingTest {

    private static SyntheticSky small(String object) {
        return new SyntheticSky().object(object).frameSize(160, 120).pixelScale(2.4).starDensity(0.3).seed(7);
    }

    /** Fraction of each frame's interior (7 x 7 points) where the mosaic holds data. */
    private static double[] coverage(List<Path> frames, Path mosaic) throws IOException {
        FitsFrame m = FitsFrame.open(mosaic);
        float[][] all = m.newBand(m.height());
        m.readRows(0, m.height(), all);
        double[] out = new double[frames.size()];
        double[] p = new double[2];
        for (int i = 0; i < frames.size(); i++) {
            FitsFrame f = FitsFrame.open(frames.get(i));
            int in = 0, n = 0;
            for (int j = 0; j < 7; j++)
                for (int k = 0; k < 7; k++) {
                    n++;
                    f.wcs().pixelToWorld(f.width() * (k + 0.5) / 7, f.height() * (j + 0.5) / 7, p);
                    m.wcs().worldToPixel(p[0], p[1], p);
                    int x = (int) Math.round(p[0]), y = (int) Math.round(p[1]);
                    if (x < 0 || y < 0 || x >= m.width() || y >= m.height()) continue;
                    if (Float.isFinite(all[0][y * m.width() + x]) && all[0][y * m.width() + x] != 0f) in++;
                }
            out[i] = (double) in / n;
        }
        return out;
    }

    @Test
    void threeByTwoPanelsOneFrameEachAllReachTheMosaic(@TempDir Path dir) throws IOException {
        List<Path> frames = small("Panels").panels(3, 2).overlap(0.1).framesPerPanel(1).writeFits(dir.resolve("in"));
        assertEquals(6, frames.size());
        MosaicPipeline.Outcome o = MosaicPipeline.mosaic(List.of(dir.resolve("in")), dir.resolve("out"), new Config(),
                Progress.NONE);
        double[] cov = coverage(frames, o.mosaic());
        for (int i = 0; i < cov.length; i++)
            assertTrue(cov[i] >= 0.95, "panel " + (i + 1) + " covered at " + cov[i] + ": " + Arrays.toString(cov));
        assertEquals(List.of(), o.skipped());
        int stacked = 0;
        for (Path t : o.masterTiles()) stacked += Integer.parseInt(FitsFrame.open(t).keys().get("MT_NFRAMES").trim());
        assertEquals(6, stacked);
    }

    /**
     * `tessera stack` of frames of two targets (M 94 and NGC 7023) failed with "image too large for
     * memory: 123588x124326", which says neither why nor what to do.
     */
    @Test
    void aStackOfTwoFarFieldsSaysWhyItCannotBeOneTile(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("in");
        List<Path> frames = new java.util.ArrayList<>(small("Near").centre(10, 0).panels(1, 1).framesPerPanel(1).writeFits(in));
        frames.addAll(small("Far").centre(60, 45).panels(1, 1).framesPerPanel(1).writeFits(in));
        // Stopped as separate fields before any stacking, named as a stack and its file.
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> MosaicPipeline.stack(dir.resolve("t.fits"), frames, new Config(), Progress.NONE));
        String m = org.tessera.UserMessages.describe(e);
        assertTrue(m.matches("the 2 frame\\(s\\) are of 2 separate fields, 63\\.0 deg apart; one stack of them would be a "
                + "\\d+x\\d+ px grid \\(t\\.fits about [\\d.]+ [MG]B\\), mostly empty\\. Field 1: 1 frame\\(s\\) around RA 59\\.99\\d\\d, "
                + "Dec \\+45\\.00\\d\\d \\(first: Light_Far_[^)]+\\); field 2: 1 frame\\(s\\) around RA 9\\.99\\d\\d, Dec \\+0\\.00\\d\\d "
                + "\\(first: Light_Near_[^)]+\\)\\. "
                + "Stack the frames of each field apart, each into its own file \\(or set allow_separate_fields=true to make the "
                + "one stack anyway\\)"), m);
        assertTrue(Files.notExists(dir.resolve("t.fits")));
        // Asked to make it anyway: a grid no image can hold still says why, not "out of memory".
        Config anyway = new Config().put(org.tessera.wcs.SkyFields.KEY, true);
        e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> MosaicPipeline.stack(dir.resolve("t.fits"), frames, anyway, Progress.NONE));
        m = org.tessera.UserMessages.describe(e);
        assertTrue(m.matches("the 2 frame\\(s\\) spread over \\d+ times the area of [^ ]+\\.fit[s]?: a \\d+x\\d+ grid, more than "
                + "one image can hold \\(frames of several fields\\?\\); stack the frames of one field, or make a mosaic "
                + "of them \\(tessera mosaic\\)"), m);
        assertTrue(Files.notExists(dir.resolve("t.fits")));
    }

    @Test
    void fourPointingsFarApartKeepAllFourFrames(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("in");
        double[][] centres = {{150, 40}, {150.39, 40}, {150, 40.3}, {150.39, 40.3}}; // 0.3 deg apart
        List<Path> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++)
            frames.addAll(small("Pointing" + i).centre(centres[i][0], centres[i][1]).panels(1, 1).framesPerPanel(1)
                    .writeFits(in));
        MosaicPipeline.Outcome o = MosaicPipeline.mosaic(List.of(in), dir.resolve("out"), new Config(), Progress.NONE);
        assertEquals(List.of(), o.skipped());
        int stacked = 0;
        for (Path t : o.masterTiles()) stacked += Integer.parseInt(FitsFrame.open(t).keys().get("MT_NFRAMES").trim());
        assertEquals(4, stacked);
        double[] cov = coverage(frames, o.mosaic());
        for (double c : cov) assertTrue(c >= 0.95, Arrays.toString(cov));
    }

    /**
     * Three good frames and one of the same field holding only NaN, with a long exposure and a late
     * date: the stack drops it; the tile counts 3 frames, 30 s, 3 exposures and the mean date of the
     * three; the run names the file, says why, and exits 1.
     */
    @Test
    void aDroppedFrameIsNamedCountedOutAndSkipped(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        List<Path> good = small("Dropped").panels(1, 1).framesPerPanel(3).exposure(10).writeFits(in);
        FitsFrame g0 = FitsFrame.open(good.get(0));
        FloatImage nan = new FloatImage(g0.width(), g0.height(), 3);
        for (float[] plane : nan.planes()) Arrays.fill(plane, Float.NaN);
        Header h = new Header();
        g0.wcs().writeTo(h);
        h.addValue("EXPTIME", 100.0, null);
        h.addValue("NEXP", 5, null);
        h.addValue("EQMODE", 1, null); // same mount as the good frames: one group
        h.addValue("DATE-OBS", "2030-01-01T00:00:00", null);
        Path bad = in.resolve("all_nan.fits");
        FitsImageWriter.write(bad, nan, h, FitsImageWriter.AlphaMode.NONE);

        Path out = dir.resolve("out");
        ByteArrayOutputStream so = new ByteArrayOutputStream(), se = new ByteArrayOutputStream();
        int rc = new Main(Jobs.PIPELINE).run(new String[] {"mosaic", in.toString(), out.toString(), "-q"},
                new PrintStream(so, true, StandardCharsets.UTF_8), new PrintStream(se, true, StandardCharsets.UTF_8));
        String text = so.toString(StandardCharsets.UTF_8) + se.toString(StandardCharsets.UTF_8);
        assertEquals(1, rc, text);
        // screened before any grid (io.ConstantFrames), in the stack's words for it
        assertTrue(text.contains("all_nan.fits: finite fraction 0.0000 < 0.02 in channel 0"), text);
        assertTrue(!text.contains("frame #"), "NAMED-FRAME " + text);

        // A stack of the empty frame alone: nothing to stack, so no file (an empty tile would pass for a result), exit 2.
        // (screened before any grid: no usable frame, as for an all-zero frame alone)
        IOException none = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> MosaicPipeline.stack(dir.resolve("stack/none.fits"), List.of(bad), new Config(), Progress.NONE));
        assertEquals("no usable frame: all 1 input(s) were skipped (first: all_nan.fits: finite fraction 0.0000 "
                + "< 0.02 in channel 0)", none.getMessage());
        assertTrue(Files.notExists(dir.resolve("stack/none.fits")));
        so.reset();
        se.reset();
        rc = new Main(Jobs.PIPELINE).run(new String[] {"stack", dir.resolve("stack/none2.fits").toString(), bad.toString(), "-q"},
                new PrintStream(so, true, StandardCharsets.UTF_8), new PrintStream(se, true, StandardCharsets.UTF_8));
        assertEquals(2, rc, so.toString(StandardCharsets.UTF_8) + se.toString(StandardCharsets.UTF_8));
        assertTrue(Files.notExists(dir.resolve("stack/none2.fits")));

        Path mosaicTile = out.resolve("master_tiles/master_tile_000.fits");
        // The stack job reports the same frame and writes the same counts.
        List<Path> all = new java.util.ArrayList<>(good);
        all.add(bad);
        MosaicPipeline.Outcome[] so1 = new MosaicPipeline.Outcome[1];
        List<String> log = org.tessera.Logged.during("org.tessera", () -> so1[0] = MosaicPipeline.stack(dir.resolve("stack/one.fits"),
                all, new Config(), Progress.NONE));
        MosaicPipeline.Outcome st = so1[0];
        assertEquals(1, st.skipped().size(), st.skipped().toString());
        assertEquals(bad.toAbsolutePath().normalize(), st.skipped().get(0).file());
        // The stack's only tile is the file the user named, never "tile 1", in the report and the log.
        assertEquals("finite fraction 0.0000 < 0.02 in channel 0", st.skipped().get(0).reason());
        assertEquals(1, log.stream().filter(m -> m.startsWith("[P3] one.fits: 3 frame(s), 3 stacked, mount=EQ")).count(),
                String.join("\n", log));
        assertEquals(List.of(), log.stream().filter(m -> m.contains("tile 1")).toList());
        for (Path tile : List.of(mosaicTile, dir.resolve("stack/one.fits"))) {
            Map<String, String> k = FitsFrame.open(tile).keys();
            assertEquals(3, Integer.parseInt(k.get("MT_NFRAMES").trim()));
            assertEquals(30.0, Double.parseDouble(k.get("EXPTOTAL").trim()), 1e-9);
            assertEquals(3, Integer.parseInt(k.get("NEXP_SUM").trim()));
            assertTrue(k.get("DATE-AVG").startsWith("2025-03-14T21:00"), k.get("DATE-AVG"));
        }
    }
}
