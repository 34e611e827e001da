package org.tessera.sds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;
import org.tessera.io.FitsImageWriter;
import org.tessera.pipeline.MosaicPipeline;
import org.tessera.synth.SyntheticSky;

/** The mega-tile combine: coverage masking at sds_min_coverage_keep, rejection across mega-tiles. */
class SdsCombineTest {

    @TempDir
    Path dir;

    private static MosaicPipeline.Outcome run(Path frames, Path out, Config c) throws IOException {
        return MosaicPipeline.mosaic(List.of(frames), out, c, Progress.NONE);
    }

    /**
     * Frames dithered by 30 px: coverage falls from 10 frames in the centre to 1 at the corners.
     * The same run with sds_min_coverage_keep 0 and 0.6 (whole grid, no autocrop): every pixel whose
     * coverage is below 0.6 of the maximum is NaN with coverage 0, every other pixel is bit for bit
     * the unmasked run's.
     */
    @Test
    void pixelsBelowTheCoverageKeepAreMaskedOutAndNoOther() throws IOException {
        SyntheticSky sky = SdsFixtures.field(10).dither(30);
        sky.writeFits(dir.resolve("frames"));
        Config base = SdsFixtures.sds().put("sds_coverage_threshold", 0.5).put("sds_target_batch_size", 5)
                .put("global_wcs_autocrop_enabled", false);
        MosaicPipeline.Outcome all = run(dir.resolve("frames"), dir.resolve("all"), base.copy().put("sds_min_coverage_keep", 0.0));
        List<String> log = SdsFixtures.logged(() -> run(dir.resolve("frames"), dir.resolve("kept"),
                base.copy().put("sds_min_coverage_keep", 0.6)));
        FloatImage m0 = FloatImage.copyOf(FitsFrame.open(all.mosaic())), c0 = FloatImage.copyOf(FitsFrame.open(all.coverage()));
        FloatImage m1 = FloatImage.copyOf(FitsFrame.open(dir.resolve("kept/mosaic.fits")));
        FloatImage c1 = FloatImage.copyOf(FitsFrame.open(dir.resolve("kept/mosaic_coverage.fits")));
        assertEquals(m0.width(), m1.width());
        assertEquals(m0.height(), m1.height());
        double max = 0;
        for (float v : c0.plane(0)) max = Math.max(max, v);
        assertEquals(10.0, max, 1e-3);
        long masked = 0, kept = 0, low = 0;
        for (int y = 0; y < m0.height(); y++)
            for (int x = 0; x < m0.width(); x++) {
                float cov = c0.get(0, x, y);
                boolean data = !Float.isNaN(m0.get(1, x, y));
                if (cov < 0.6 * max) {
                    if (cov > 0) low++;
                    assertTrue(Float.isNaN(m1.get(1, x, y)) && c1.get(0, x, y) == 0, "masked at " + x + "," + y + " cov " + cov);
                    if (data) masked++;
                } else {
                    for (int c = 0; c < 3; c++) assertEquals(m0.get(c, x, y), m1.get(c, x, y), 0f, "kept at " + x + "," + y);
                    assertEquals(cov, c1.get(0, x, y), 0f);
                    if (data) kept++;
                }
            }
        String summary = String.format(Locale.ROOT, "%d pixels kept, %d with data masked (%d with 0 < coverage < 0.6 max)", kept, masked, low);
        System.out.println("[SDS test] " + summary);
        assertTrue(masked > 2000 && kept > 20000, summary);
        long n = masked;
        assertTrue(log.stream().anyMatch(s -> s.startsWith("[SDS] 2 mega-tile(s) stacked")
                && s.endsWith("; " + n + " pixel(s) masked below the coverage keep")),
                String.join("\n", log));
    }

    /**
     * 15 frames in five batches of three; one frame of batch 3 carries a satellite trail (+4000 ADU,
     * 3 px wide), so mega-tile 3 holds it at about a third of that. Along the trail, the mosaic
     * stands above the sky beside it by under 5 ADU with kappa_sigma across the mega-tiles (the
     * trail rejected), by over 100 ADU with global_coadd_method=mean (the same run, no rejection).
     */
    @Test
    void aTrailInOneMegaTileIsRejectedByKappaSigma() throws IOException {
        SyntheticSky sky = SdsFixtures.field(15);
        List<Path> files = sky.writeFits(dir.resolve("frames"));
        Path hit = files.get(7);
        FitsFrame f = FitsFrame.open(hit);
        FloatImage img = FloatImage.copyOf(f);
        List<double[]> on = new ArrayList<>();
        for (int x = 20; x < f.width() - 20; x++) {
            double yc = 30 + 0.5 * x;
            for (int y = (int) Math.floor(yc - 1.5); y <= (int) Math.ceil(yc + 1.5); y++)
                if (Math.abs(y - yc) <= 1.5) for (int c = 0; c < 3; c++) img.set(c, x, y, img.get(c, x, y) + 4000f);
            if (x % 3 == 0) on.add(new double[] {x, yc});
        }
        FitsImageWriter.write(hit, img, f.header(), FitsImageWriter.AlphaMode.NONE);

        Config c = SdsFixtures.sds().put("sds_min_batch_size", 3).put("sds_target_batch_size", 3)
                .put("sds_coverage_threshold", 0.85);
        List<String> log = SdsFixtures.logged(() -> run(dir.resolve("frames"), dir.resolve("kappa"), c));
        assertEquals(5, log.stream().filter(s -> s.matches("\\[SDS\\] batch \\d/5: 3 frame\\(s\\).*")).count(), String.join("\n", log));
        run(dir.resolve("frames"), dir.resolve("mean"), c.copy().put("global_coadd_method", "mean"));
        double kappa = excess(dir.resolve("kappa/mosaic.fits"), f, on), mean = excess(dir.resolve("mean/mosaic.fits"), f, on);
        String summary = String.format(Locale.ROOT, "trail excess over the sky beside it: kappa_sigma %.2f ADU, mean %.2f ADU", kappa, mean);
        System.out.println("[SDS test] " + summary);
        assertTrue(Math.abs(kappa) < 5, summary);
        assertTrue(mean > 100, summary);
    }

    /** Median over the trail's points of (mosaic on the trail − mosaic 12 px below it), channel G. */
    private static double excess(Path mosaic, FitsFrame frame, List<double[]> trail) throws IOException {
        FitsFrame m = FitsFrame.open(mosaic);
        FloatImage img = FloatImage.copyOf(m);
        List<Double> d = new ArrayList<>();
        double[] sky = new double[2], p = new double[2], q = new double[2];
        for (double[] t : trail) {
            frame.wcs().pixelToWorld(t[0], t[1], sky);
            m.wcs().worldToPixel(sky[0], sky[1], p);
            frame.wcs().pixelToWorld(t[0], t[1] + 12, sky);
            m.wcs().worldToPixel(sky[0], sky[1], q);
            float a = img.get(1, (int) Math.round(p[0]), (int) Math.round(p[1]));
            float b = img.get(1, (int) Math.round(q[0]), (int) Math.round(q[1]));
            if (!Float.isNaN(a) && !Float.isNaN(b)) d.add((double) (a - b));
        }
        Collections.sort(d);
        assertTrue(d.size() > 40, "trail points measured: " + d.size());
        return d.get(d.size() / 2);
    }
}
