package org.tessera.sds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.grid.Aperture;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.synth.SkyModel;
import org.tessera.synth.SyntheticSky;
import org.tessera.synth.TruthStars;
import org.tessera.wcs.WcsGrid;

/**
 * SDS mode end to end on a synthetic field shot 15 times: two batches (5 and 10 frames) become
 * two mega-tiles stacked per pixel; the mosaic's stars match Classic's (one master tile of the 15
 * frames) in flux and position, and its files are Classic's (mosaic with ALPHA, coverage).
 */
class SdsModeTest {

    @TempDir
    static Path dir;

    static SyntheticSky sky;
    static MosaicPipeline.Outcome sds, classic;
    static List<String> log;
    static final List<Double> progress = Collections.synchronizedList(new ArrayList<>());
    static final List<String> messages = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void runBoth() throws IOException {
        sky = SdsFixtures.field(15);
        sky.writeFits(dir.resolve("frames"));
        MosaicPipeline.Outcome[] o = new MosaicPipeline.Outcome[1];
        log = SdsFixtures.logged(() -> o[0] = MosaicPipeline.mosaic(List.of(dir.resolve("frames")), dir.resolve("sds"),
                SdsFixtures.sds(), (f, msg) -> {
                    progress.add(f);
                    messages.add(msg);
                }));
        sds = o[0];
        // Classic's master tile normalised by sky level, as SDS matches its mega-tiles: the default linear_fit
        // scales frames by their 25th-90th percentile spread, which on these sky-dominated frames is the
        // noise and puts Classic's stars ~20% above the truth (SDS: within the noise of it).
        classic = MosaicPipeline.mosaic(List.of(dir.resolve("frames")), dir.resolve("classic"),
                SdsFixtures.config().put("stacking_normalize_method", "sky_mean"), Progress.NONE);
    }

    @Test
    void sdsRunsMosaicFirstAndWritesClassicsFiles() throws IOException {
        assertEquals(List.of(), sds.skipped());
        assertEquals(List.of(), sds.masterTiles(), "no master tile in SDS");
        assertFalse(Files.exists(dir.resolve("sds").resolve(MosaicPipeline.TILES_DIR)));
        try (java.util.stream.Stream<Path> kept = Files.list(dir.resolve("sds").resolve(SdsMode.WORK_DIR))) {
            assertEquals(List.of("megatile_001.fits", "megatile_001_coverage.fits", "megatile_002.fits",
                    "megatile_002_coverage.fits"), kept.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the mega-tiles are kept for a rerun, as master tiles are");
        }
        assertEquals(dir.resolve("sds").resolve(MosaicPipeline.MOSAIC), sds.mosaic());
        assertEquals(dir.resolve("sds").resolve(MosaicPipeline.COVERAGE), sds.coverage());
        FitsFrame m = FitsFrame.open(sds.mosaic());
        assertTrue(m.hasAlpha() && m.hasWcs() && m.channels() == 3);
        assertTrue(log.contains("[SDS] coverage=0.92, min_size=5, target_size=10: 15 frame(s) in 2 batch(es): 5 (93%), 10 (94%)"),
                String.join("\n", log));
        assertEquals(2, log.stream().filter(s -> s.matches("\\[SDS\\] batch \\d/2: (5|10) frame\\(s\\), coverage 9\\d\\.\\d%: mega-tile .*")).count());
        // Coverage: the sum of the frame weights (1 per frame inside it), 15 where every frame lands.
        FloatImage cov = FloatImage.copyOf(FitsFrame.open(sds.coverage()));
        double max = 0;
        for (float v : cov.plane(0)) max = Math.max(max, v);
        assertEquals(15.0, max, 1e-3);
        // North up at the frames' median scale.
        double[] cd = new double[2], up = new double[2];
        m.wcs().pixelToWorld(m.width() / 2.0, m.height() / 2.0, cd);
        m.wcs().pixelToWorld(m.width() / 2.0, m.height() / 2.0 + 100, up);
        // TAN: a column away from the reference drifts by ~1e-6 deg over 100 px; 0.1 deg of rotation would be 1e-4.
        assertEquals(cd[0], up[0], 2e-5, "north up: a column keeps its RA");
        assertEquals(2.4, m.wcs().pixelScaleDeg() * 3600, 1e-6);
    }

    /**
     * One progress bar for the whole run, ending at 1; its stages never go back (the Phase 5 survey
     * reports its parallel reads as they finish, a step back of well under 1% of the bar).
     */
    /**
     * While the batches are coadded the bar says which mega-tile it is making: the coadd's own
     * words ("[P5] band 4/11") alone read as the final Phase 5 of a run that had barely begun.
     */
    @Test
    void progressNamesTheMegaTileItMakes() {
        List<String> m = new ArrayList<>(messages);
        int n = (int) log.stream().filter(l -> l.startsWith("[SDS] batch ")).count();
        assertTrue(n >= 2, log.toString());
        for (int id = 1; id <= n; id++) {
            String head = "mega-tile " + id + "/" + n + ": ";
            assertTrue(m.stream().anyMatch(s -> s.startsWith(head + "[P5] band ")), head + " in " + m);
            assertTrue(m.contains(head + "done"), head + "done in " + m);
        }
        int lastMegaTile = -1;
        for (int i = 0; i < m.size(); i++) if (m.get(i).startsWith("mega-tile ")) lastMegaTile = i;
        for (int i = 0; i < lastMegaTile; i++)
            assertFalse(m.get(i).startsWith("[P5]"), "a coadd message without its mega-tile: " + m.get(i));
    }

    @Test
    void progressRunsForwardToTheEnd() {
        List<Double> p = new ArrayList<>(progress);
        assertTrue(p.size() > 10, "updates: " + p.size());
        double worstDrop = 0;
        for (int i = 1; i < p.size(); i++) worstDrop = Math.max(worstDrop, p.get(i - 1) - p.get(i));
        assertTrue(worstDrop < 0.01, "progress went back by " + worstDrop);
        assertEquals(1.0, p.get(p.size() - 1), 1e-9);
    }

    /**
     * Every bright isolated star away from the edges, measured (7 px aperture, channel G) in both
     * mosaics at its true sky position: flux ratio SDS / Classic within 2% for every star
     * (median within 0.5%), centroids within 0.1 px of each other.
     */
    @Test
    void starsMatchClassicInFluxAndPosition() throws IOException {
        FitsFrame sf = FitsFrame.open(sds.mosaic()), cf = FitsFrame.open(classic.mosaic());
        FloatImage si = FloatImage.copyOf(sf), ci = FloatImage.copyOf(cf);
        List<SkyModel.Star> stars = sky.truthStars();
        List<Double> ratios = new ArrayList<>();
        double worstPos = 0;
        double[] p = new double[2], q = new double[2];
        for (SkyModel.Star s : stars) {
            if (s.flux(1) < 3000) continue;
            sf.wcs().worldToPixel(s.ra(), s.dec(), p);
            cf.wcs().worldToPixel(s.ra(), s.dec(), q);
            if (!TruthStars.isolated(sf.wcs(), s, p, stars, 0.002, 16)) continue;
            double[] a = Aperture.measure(si, 1, p[0], p[1]), b = Aperture.measure(ci, 1, q[0], q[1]);
            if (a == null || b == null) continue;
            ratios.add(a[2] / b[2]);
            // offsets from the true position in each mosaic's own pixels: the same star, the same place
            worstPos = Math.max(worstPos, Math.hypot((a[0] - p[0]) - (b[0] - q[0]), (a[1] - p[1]) - (b[1] - q[1])));
        }
        Collections.sort(ratios);
        String summary = String.format(Locale.ROOT, "%d stars, flux ratio SDS/Classic %s, worst centroid difference %.3f px",
                ratios.size(), ratios, worstPos);
        System.out.println("[SDS test] " + summary);
        assertTrue(ratios.size() >= 6, summary);
        assertEquals(1.0, ratios.get(ratios.size() / 2), 0.005, summary);
        assertTrue(ratios.get(0) > 0.98 && ratios.get(ratios.size() - 1) < 1.02, summary);
        assertTrue(worstPos < 0.1, summary);
    }

    /**
     * The SDS mosaic's header says what Classic's says of the same 15 frames (10 s each, 12 s apart,
     * in two batches): the object, camera and filter they share, EXPTOTAL 150 s and NEXP_SUM 15, the
     * first start, the last end and the mean mid-exposure time, worked out here from the frames'
     * own DATE-OBS; each mega-tile says the same of its batch.
     */
    @Test
    void theHeaderSaysWhatClassicsSaysOfTheSameFrames() throws IOException {
        List<LocalDateTime> starts = new ArrayList<>();
        try (java.util.stream.Stream<Path> frames = Files.list(dir.resolve("frames"))) {
            for (Path f : frames.sorted().toList()) starts.add(LocalDateTime.parse(FitsFrame.open(f).keys().get("DATE-OBS").trim()));
        }
        Collections.sort(starts);
        assertEquals(15, starts.size());
        LocalDateTime first = starts.get(0), last = starts.get(14);
        long meanMs = 0;
        for (LocalDateTime t : starts) meanMs += java.time.Duration.between(first, t).toMillis();
        String avg = iso(first.plusNanos((meanMs / 15 + 5000) * 1_000_000L)); // 168 s / 2 after the first start, plus 5 s
        assertEquals(84_000, meanMs / 15, "frames 12 s apart: the mean start is 7 intervals after the first");

        Map<String, String> s = FitsFrame.open(sds.mosaic()).keys(), c = FitsFrame.open(classic.mosaic()).keys();
        assertEquals(150.0, Double.parseDouble(s.get("EXPTOTAL")), 1e-9, "15 frames of 10 s");
        assertEquals(15, Long.parseLong(s.get("NEXP_SUM").trim()));
        assertEquals("SDS test field", s.get("OBJECT"));
        assertEquals("Tessera synthetic", s.get("INSTRUME"));
        assertEquals("Tessera synthetic", s.get("TELESCOP"));
        assertEquals(iso(first), s.get("DATE-OBS"));
        assertEquals(iso(last.plusSeconds(10)), s.get("DATE-END"), "the last frame's start plus its 10 s");
        assertEquals(avg, s.get("DATE-AVG"));
        for (String k : List.of("OBJECT", "FILTER", "INSTRUME", "TELESCOP", "EXPTOTAL", "NEXP_SUM", "DATE-AVG", "DATE-OBS", "DATE-END"))
            assertEquals(c.get(k), s.get(k), k + ": SDS as Classic");
        assertEquals(null, FitsFrame.open(sds.coverage()).keys().get("EXPTOTAL"), "the coverage file is no observation");

        // Each mega-tile: its batch (5, then 10 frames in order).
        Map<String, String> m1 = FitsFrame.open(dir.resolve("sds").resolve(SdsMode.WORK_DIR).resolve("megatile_001.fits")).keys(),
                m2 = FitsFrame.open(dir.resolve("sds").resolve(SdsMode.WORK_DIR).resolve("megatile_002.fits")).keys();
        assertEquals(50.0, Double.parseDouble(m1.get("EXPTOTAL")), 1e-9);
        assertEquals(100.0, Double.parseDouble(m2.get("EXPTOTAL")), 1e-9);
        assertEquals(iso(starts.get(4).plusSeconds(10)), m1.get("DATE-END"));
        assertEquals(iso(starts.get(5)), m2.get("DATE-OBS"));
    }

    private static String iso(LocalDateTime t) {
        return t.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT));
    }
}
