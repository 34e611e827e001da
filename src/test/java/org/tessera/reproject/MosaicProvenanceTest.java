package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import nom.tam.fits.Header;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;

/**
 * A mosaic's header names the object, the instrument, the total exposure and the mean date of the
 * frames in it, from its master tiles' cards: an astronomer's software reads them there.
 */
class MosaicProvenanceTest {

    /** A 60 x 40 tile of noise at RA {@code ra}, with {@code cards} (NRAWPROC: the frame count, as MT_NFRAMES). */
    private static Path tile(Path file, double ra, Map<String, Object> cards, long seed) throws Exception {
        FloatImage img = new FloatImage(60, 40, 1);
        Random r = new Random(seed);
        for (int y = 0; y < 40; y++)
            for (int x = 0; x < 60; x++) img.set(0, x, y, (float) (1000 + 10 * r.nextGaussian()));
        Header h = new Header();
        new FitsWcs(Projection.forCode("TAN"), 30.5, 20.5, ra, 41.1, -6.6e-4, 0, 0, 6.6e-4).writeTo(h);
        for (Map.Entry<String, Object> e : cards.entrySet()) {
            if (e.getValue() instanceof String s) h.addValue(e.getKey(), s, null);
            else if (e.getValue() instanceof Integer i) h.addValue(e.getKey(), i, null);
            else h.addValue(e.getKey(), (Double) e.getValue(), null);
        }
        FitsImageWriter.write(file, img, h, FitsImageWriter.AlphaMode.NONE);
        return file;
    }

    @Test
    void theMosaicHeaderSumsExposuresAveragesDatesAndKeepsCommonNames(@TempDir Path dir) throws Exception {
        Path a = tile(dir.resolve("master_tile_000.fits"), 192.70, Map.of("OBJECT", "M 94", "TELESCOP", "Seestar S50",
                "FILTER", "IRCUT", "NRAWPROC", 4, "EXPTOTAL", 40.0, "NEXP_SUM", 4,
                "DATE-AVG", "2025-03-27T01:20:00.000", "DATE-OBS", "2025-03-27T01:19:00.000", "DATE-END", "2025-03-27T01:21:10.000"), 1);
        Path b = tile(dir.resolve("master_tile_001.fits"), 192.72, Map.of("OBJECT", "M 94", "TELESCOP", "Seestar S50",
                "FILTER", "LP", "NRAWPROC", 2, "EXPTOTAL", 40.0, "NEXP_SUM", 2,
                "DATE-AVG", "2025-03-27T02:20:00.000", "DATE-OBS", "2025-03-27T02:19:30.000", "DATE-END", "2025-03-27T02:20:40.000"), 2);
        Path out = dir.resolve("out");
        MosaicPipeline.Outcome o = MosaicPipeline.reproject(out, List.of(a, b), new Config(), Progress.NONE);
        Map<String, String> k = FitsFrame.open(o.mosaic()).keys();
        assertEquals("M 94", k.get("OBJECT"));
        assertEquals("Seestar S50", k.get("TELESCOP"));
        assertNull(k.get("FILTER"), "the tiles' filters differ: no FILTER claimed for the mosaic");
        assertEquals(80.0, Double.parseDouble(k.get("EXPTOTAL")), 1e-9);
        assertEquals("6", k.get("NEXP_SUM").trim());
        // 4 frames around 01:20, 2 around 02:20: the frames' mean is 01:40
        assertEquals("2025-03-27T01:40:00.000", k.get("DATE-AVG"));
        assertEquals("2025-03-27T01:19:00.000", k.get("DATE-OBS"));
        assertEquals("2025-03-27T02:20:40.000", k.get("DATE-END"));
        assertNull(FitsFrame.open(o.coverage()).keys().get("EXPTOTAL"), "the coverage file is no observation");

        // an image without those cards (a survey image) makes the sums and the mean unknown
        Path c = tile(dir.resolve("survey.fits"), 192.71, Map.of("OBJECT", "M 94"), 3);
        Map<String, String> k2 = FitsFrame.open(MosaicPipeline.reproject(dir.resolve("out2"), List.of(a, b, c), new Config(),
                Progress.NONE).mosaic()).keys();
        assertEquals("M 94", k2.get("OBJECT"));
        assertNull(k2.get("EXPTOTAL"));
        assertNull(k2.get("NEXP_SUM"));
        assertNull(k2.get("DATE-AVG"));
        assertNull(k2.get("DATE-OBS"));
    }

    /**
     * M 94: a master tile of both nights' frames (two telescopes) names no TELESCOP but MT_MIXED;
     * the two tiles of night 3 name theirs: the mosaic must not claim night 3's telescope.
     */
    @Test
    void aTileOfMixedFramesVetoesTheName(@TempDir Path dir) throws Exception {
        Path a = tile(dir.resolve("master_tile_000.fits"), 192.70, Map.of("OBJECT", "M 94", "MT_MIXED", "TELESCOP"), 1);
        Path b = tile(dir.resolve("master_tile_001.fits"), 192.72, Map.of("OBJECT", "M 94", "TELESCOP", "S50_12d98769"), 2);
        Path c = tile(dir.resolve("master_tile_002.fits"), 192.71, Map.of("OBJECT", "M 94", "TELESCOP", "S50_12d98769"), 3);
        Map<String, String> k = FitsFrame.open(MosaicPipeline.reproject(dir.resolve("out"), List.of(a, b, c), new Config(),
                Progress.NONE).mosaic()).keys();
        assertNull(k.get("TELESCOP"), "tile 0 holds frames of another telescope");
        assertEquals("M 94", k.get("OBJECT"));
    }

    /**
     * EXPTIME of a mosaic is one frame's exposure when all agree: a mean of 10 s frames holds counts
     * per 10 s, whatever its EXPTOTAL; photometry divides by it. Tiles of 10 s and 20 s frames give none.
     */
    @Test
    void exptimeIsTheCommonExposureOfOneFrame(@TempDir Path dir) throws Exception {
        Path a = tile(dir.resolve("master_tile_000.fits"), 192.70, Map.of("EXPTIME", 10.0, "EXPTOTAL", 40.0, "NEXP_SUM", 4), 1);
        Path b = tile(dir.resolve("master_tile_001.fits"), 192.72, Map.of("EXPTIME", 10.0, "EXPTOTAL", 20.0, "NEXP_SUM", 2), 2);
        Map<String, String> k = FitsFrame.open(MosaicPipeline.reproject(dir.resolve("out"), List.of(a, b), new Config(),
                Progress.NONE).mosaic()).keys();
        assertEquals(10.0, Double.parseDouble(k.get("EXPTIME")), 0);
        assertEquals(60.0, Double.parseDouble(k.get("EXPTOTAL")), 1e-9);
        Path c = tile(dir.resolve("master_tile_002.fits"), 192.71, Map.of("EXPTIME", 20.0, "EXPTOTAL", 40.0, "NEXP_SUM", 2), 3);
        Map<String, String> k2 = FitsFrame.open(MosaicPipeline.reproject(dir.resolve("out2"), List.of(a, b, c), new Config(),
                Progress.NONE).mosaic()).keys();
        assertNull(k2.get("EXPTIME"), "10 s and 20 s tiles: no EXPTIME");
        assertEquals(100.0, Double.parseDouble(k2.get("EXPTOTAL")), 1e-9);

        // straight from frames (SDS, Grid): the same rule; a frame without an exposure card gives none
        java.util.function.BiFunction<String, Double, org.tessera.io.Frame> frame = (name, exp) -> new org.tessera.io.InMemoryFrame(
                name, new FloatImage(4, 4, 1), null, org.tessera.io.MountMode.EQ, exp == null ? 1.0 : exp,
                exp == null ? Map.of() : Map.of("EXPTIME", String.valueOf(exp)));
        assertEquals(List.of(10.0, 30.0), exptimeAndTotal(MosaicProvenance.ofFrames(List.of(frame.apply("f1", 10.0),
                frame.apply("f2", 10.0), frame.apply("f3", 10.0)))));
        assertNull(exptimeAndTotal(MosaicProvenance.ofFrames(List.of(frame.apply("f1", 10.0), frame.apply("f2", 20.0)))).get(0));
        assertNull(exptimeAndTotal(MosaicProvenance.ofFrames(List.of(frame.apply("f1", 10.0), frame.apply("f2", null)))).get(0));
    }

    private static List<Double> exptimeAndTotal(MosaicProvenance p) {
        Double exptime = null, total = null;
        for (MosaicProvenance.Card c : p.cards()) {
            if (c.key().equals("EXPTIME")) exptime = (Double) c.value();
            if (c.key().equals("EXPTOTAL")) total = (Double) c.value();
        }
        return java.util.Arrays.asList(exptime, total);
    }

    @Test
    void aDateAloneCountsAsItsMidnight(@TempDir Path dir) throws Exception {
        // photographic plates' headers often give DATE-OBS as a date alone
        Path a = tile(dir.resolve("plate_a.fits"), 192.70, Map.of("DATE-AVG", "1995-03-01T00:45:00",
                "DATE-OBS", "1995-03-01", "DATE-END", "1995-03-01T01:30:00Z"), 1);
        Path b = tile(dir.resolve("plate_b.fits"), 192.72, Map.of("DATE-AVG", "1994-11-20T12:00:00",
                "DATE-OBS", "1994-11-20Z", "DATE-END", "1994-11-21"), 2);
        Map<String, String> k = FitsFrame.open(MosaicPipeline.reproject(dir.resolve("out"), List.of(a, b), new Config(),
                Progress.NONE).mosaic()).keys();
        assertEquals("1994-11-20Z", k.get("DATE-OBS"));
        assertEquals("1995-03-01T01:30:00Z", k.get("DATE-END"));
    }

    /** DSS plates give DATE-OBS as dd/mm/yy (FITS' pre-2000 form); some capture programs write more than 9 decimals. */
    @Test
    void oldDateFormAndLongFractionsAreRead() {
        assertEquals(java.time.LocalDateTime.of(1988, 4, 15, 0, 0), org.tessera.io.FitsDates.parse("15/04/88"));
        assertEquals(java.time.LocalDateTime.of(2024, 7, 31, 2, 44, 22, 705_983_123),
                org.tessera.io.FitsDates.parse("2024-07-31T02:44:22.7059831234"));
        assertEquals(java.time.LocalDateTime.of(2024, 7, 31, 2, 44, 22, 705_983_100),
                org.tessera.io.FitsDates.parse("2024-07-31T02:44:22.7059831Z"));
        assertEquals(java.time.LocalDateTime.of(2024, 7, 31, 0, 0), org.tessera.io.FitsDates.parse("2024-07-31"));
        assertNull(org.tessera.io.FitsDates.parse("yesterday"));
        assertNull(org.tessera.io.FitsDates.parse("32/13/88"));
    }
}
