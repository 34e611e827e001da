package org.tessera.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.cli.Main;
import org.tessera.command.Jobs;
import org.tessera.config.Config;
import org.tessera.io.FitsFrame;
import org.tessera.sds.SdsMode;
import org.tessera.synth.SyntheticSky;
import org.tessera.wcs.SkyFields;

/**
 * Frames of two far-apart targets stop every kind of run before the expensive work, with exit 2
 * and the fields named (QA: M 94 + NGC 7023 gave a 114820x2123 px, 3.2 GB, almost empty mosaic
 * with exit 0); allow_separate_fields=true builds the one mosaic anyway.
 */
class SeparateFieldsTest {

    static final Path DATA = Paths.get("../shared/data");

    /** Frames of 160 x 120 px at 2.4"/px (0.11° x 0.08°): two fields 1° apart are ~9 frame diagonals apart. */
    private static SyntheticSky small(String object) {
        return new SyntheticSky().object(object).frameSize(160, 120).pixelScale(2.4).starDensity(0.3).seed(7);
    }

    /** Two frames at (10, 0) and one at (11, 0) in {@code in}. */
    private static List<Path> twoFields(Path in) throws IOException {
        List<Path> f = new ArrayList<>(small("A").centre(10, 0).panels(1, 1).framesPerPanel(2).writeFits(in));
        f.addAll(small("B").centre(11, 0).panels(1, 1).framesPerPanel(1).writeFits(in));
        return f;
    }

    private record Run(int rc, String text) {}

    private static Run cli(String... args) {
        ByteArrayOutputStream so = new ByteArrayOutputStream(), se = new ByteArrayOutputStream();
        int rc = new Main(Jobs.PIPELINE).run(args, new PrintStream(so, true, StandardCharsets.UTF_8),
                new PrintStream(se, true, StandardCharsets.UTF_8));
        return new Run(rc, so.toString(StandardCharsets.UTF_8) + se.toString(StandardCharsets.UTF_8));
    }

    /** Files under {@code dir} other than the run log and the lock: what a stopped run must not have written. */
    private static List<String> written(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .filter(n -> !n.equals("tessera.log") && !n.equals(".tessera.lock")).sorted().toList();
        }
    }

    @Test
    void aClassicMosaicOfTwoFarFieldsStopsBeforeAnyTile(@TempDir Path dir) throws IOException {
        twoFields(dir.resolve("in"));
        Path out = dir.resolve("out");
        Run r = cli("mosaic", dir.resolve("in").toString(), out.toString());
        assertEquals(2, r.rc(), r.text());
        assertTrue(r.text().matches("(?s).*\\[P2\\] 2 separate fields among 3 frame\\(s\\) \\(1\\.0 deg apart\\): stopped "
                + "before any stacking.*"), r.text());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("failed: the 3 frame\\(s\\) are of 2 separate fields, "
                + "1\\.0 deg apart; one mosaic of them would be a (\\d+)x(\\d+) px grid \\(mosaic\\.fits about (\\d+) MB\\), "
                + "mostly empty\\. Field 1: 2 frame\\(s\\) around RA ([0-9.]+), Dec ([-+0-9.]+) \\(first: Light_A_[^)]+\\.fit\\); "
                + "field 2: 1 frame\\(s\\) around RA ([0-9.]+), Dec ([-+0-9.]+) \\(first: Light_B_[^)]+\\.fit\\)\\. Make one "
                + "mosaic per field: the frames of each field in their own folder \\(or set allow_separate_fields=true to make "
                + "the one mosaic anyway\\)\n").matcher(r.text());
        assertTrue(m.find(), r.text());
        int w = Integer.parseInt(m.group(1)), h = Integer.parseInt(m.group(2));
        assertEquals(1.0 / (2.4 / 3600) + 160, w, 10); // 1° at 2.4"/px plus a frame
        assertEquals(120, h, 5);
        assertEquals(Math.round(w * (double) h * 3 * 4 / 1e6), Integer.parseInt(m.group(3)));
        assertEquals(10, Double.parseDouble(m.group(4)), 0.01);
        assertEquals(0, Double.parseDouble(m.group(5)), 0.01);
        assertEquals(11, Double.parseDouble(m.group(6)), 0.01);
        assertEquals(0, Double.parseDouble(m.group(7)), 0.01);
        assertEquals(List.of(), written(out)); // no master_tiles/, no mosaic.fits
    }

    @Test
    void anSdsMosaicOfTwoFarFieldsStopsBeforeAnyMegaTile(@TempDir Path dir) throws IOException {
        twoFields(dir.resolve("in"));
        Path out = dir.resolve("out");
        Config c = new Config().put("sds_mode_default", true);
        SkyFields.Separate e = assertThrows(SkyFields.Separate.class,
                () -> MosaicPipeline.mosaic(List.of(dir.resolve("in")), out, c, Progress.NONE));
        assertEquals(List.of(2, 1), e.fields().stream().map(SkyFields.Field::size).toList());
        assertTrue(Files.notExists(out.resolve(SdsMode.WORK_DIR)));
        assertEquals(List.of(), written(out));
    }

    @Test
    void aReprojectionOfTwoFarImagesStops(@TempDir Path dir) throws IOException {
        List<Path> f = twoFields(dir.resolve("in"));
        Path out = dir.resolve("out");
        Run r = cli("reproject", out.toString(), f.get(0).toString(), f.get(2).toString());
        assertEquals(2, r.rc(), r.text());
        // reproject stacks nothing: its stop is worded for its own work (it said "before any stacking")
        assertTrue(r.text().contains("[P4] 2 separate fields among 2 image(s) (1.0 deg apart): stopped before any reprojection\n"),
                r.text());
        assertFalse(r.text().contains("stacking"), r.text());
        assertTrue(r.text().contains("failed: the 2 image(s) are of 2 separate fields, 1.0 deg apart; "), r.text());
        assertTrue(!r.text().contains("Make one mosaic") && r.text().contains(". Reproject the images of each field apart, each into its own output folder (or set "
                + "allow_separate_fields=true to make the one mosaic anyway)"), r.text());
        assertEquals(List.of(), written(out));
    }

    @Test
    void aGridPlanOfTwoFarFieldsStopsBeforeTheLayout(@TempDir Path dir) throws IOException {
        List<Path> f = twoFields(dir.resolve("in"));
        StringBuilder sb = new StringBuilder("file_path,exptime\n");
        for (Path p : f) sb.append(dir.relativize(p)).append(",10\n");
        Files.writeString(dir.resolve(MosaicPipeline.STACK_PLAN), sb);
        Path out = dir.resolve("out");
        SkyFields.Separate e = assertThrows(SkyFields.Separate.class,
                () -> MosaicPipeline.mosaic(List.of(dir), out, new Config(), Progress.NONE));
        assertTrue(e.getMessage().endsWith(". Make one stack plan per field, each with its own output folder (or set "
                + "allow_separate_fields=true to make the one mosaic anyway)"), e.getMessage());
        assertEquals(List.of(), written(out));
    }

    @Test
    void allowSeparateFieldsMakesTheOneMosaic(@TempDir Path dir) throws IOException {
        List<Path> f = twoFields(dir.resolve("in"));
        MosaicPipeline.Outcome o = MosaicPipeline.mosaic(List.of(dir.resolve("in")), dir.resolve("out"),
                new Config().put(SkyFields.KEY, true), Progress.NONE);
        assertEquals(List.of(), o.skipped());
        FitsFrame m = FitsFrame.open(o.mosaic());
        // 1° + a frame at 2.4"/px: the grid spans both fields
        assertTrue(m.width() > 1500 && m.width() < 1800, m.width() + "x" + m.height());
        assertEquals(3, f.size());
    }

    @Test
    void anOrdinaryMosaicStillRuns(@TempDir Path dir) throws IOException {
        small("Panels").panels(3, 1).overlap(0.1).framesPerPanel(1).writeFits(dir.resolve("in"));
        Run r = cli("mosaic", dir.resolve("in").toString(), dir.resolve("out").toString(), "-q");
        assertEquals(0, r.rc(), r.text());
        assertTrue(Files.isRegularFile(dir.resolve("out").resolve(MosaicPipeline.MOSAIC)));
    }

    /** The QA reproduction: M 94 (night 2 subset) and NGC 7023 in one folder. */
    @Test
    void m94AndNgc7023AreTwoFields(@TempDir Path dir) throws IOException {
        Path m94 = DATA.resolve("seestar_m94_subset/night2"), ngc = DATA.resolve("seestar_ngc7023_solved");
        Assumptions.assumeTrue(Files.isDirectory(m94) && Files.isDirectory(ngc), "skipped: ../shared/data not found");
        Path mix = Files.createDirectories(dir.resolve("mix"));
        Files.createSymbolicLink(mix.resolve("m94"), m94.toAbsolutePath());
        Files.createSymbolicLink(mix.resolve("ngc"), ngc.toAbsolutePath());
        Path out = dir.resolve("out");
        Run r = cli("mosaic", mix.toString(), out.toString());
        assertEquals(2, r.rc(), r.text());
        assertTrue(r.text().contains("failed: the 8 frame(s) are of 2 separate fields, 62.7 deg apart; one mosaic "
                + "of them would be a 123341x2479 px grid (mosaic.fits about 3.7 GB), mostly empty. Field 1: 2 frame(s) around "
                + "RA 192.7522, Dec +41.1215 (first: Light_M_94_10.0s_IRCUT_20250327-014513.fit); field 2: 6 frame(s) around "
                + "RA 315.4470, Dec +68.1408 (first: Light_NGC_7023_10.0s_IRCUT_20240730-224436.fit)."), r.text());
        assertEquals(List.of(), written(out));
    }
}
