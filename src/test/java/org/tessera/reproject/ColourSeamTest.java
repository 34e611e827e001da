package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;

/**
 * Colour tiles whose sky differs in colour from tile to tile (another night, another light
 * pollution): a background offset per channel. One offset for all channels (luminance) would
 * leave a colour step at every seam; background matching solves each channel on its own, so the
 * step in every channel is within the noise, while the common gain keeps star colours.
 */
class ColourSeamTest {

    static final double NOISE = CoaddSeamTest.NOISE;
    // Per tile, per channel (R, G, B) sky offsets in ADU: the channels of one tile differ by up to 55.
    static final double[][] OFFSETS = {{0, 0, 0}, {30, -10, -25}, {-20, 25, 5}, {10, 10, -30}};

    static List<CoaddInput> colourTiles(SyntheticMosaic sky) {
        List<CoaddInput> mono = sky.inputs(100);
        List<CoaddInput> rgb = new ArrayList<>();
        for (int k = 0; k < mono.size(); k++) {
            FloatImage m = (FloatImage) mono.get(k).image();
            FloatImage c = new FloatImage(m.width(), m.height(), 3);
            for (int ch = 0; ch < 3; ch++)
                for (int i = 0; i < m.plane(0).length; i++) c.plane(ch)[i] = (float) (m.plane(0)[i] + OFFSETS[k][ch]);
            rgb.add(CoaddInput.of("tile" + k, c, mono.get(k).wcs()));
        }
        return rgb;
    }

    /** Seam steps of one channel, measured as CoaddSeamTest measures the mono mosaic. */
    static List<Double> channelSteps(MemorySinks m, ReprojectCoadd.Result r, int ch) {
        MemorySinks one = new MemorySinks();
        one.grid = m.grid;
        one.mosaic = new FloatImage(m.mosaic.width(), m.mosaic.height(), new float[][] {m.mosaic.plane(ch)});
        one.coverage = m.coverage;
        return CoaddSeamTest.seamSteps(one, r);
    }

    static double worst(List<Double> steps) {
        return steps.stream().mapToDouble(Math::abs).max().orElse(Double.NaN);
    }

    @Test
    void backgroundMatchingRemovesColourStepsPerChannel() throws IOException {
        SyntheticMosaic sky = new SyntheticMosaic(2, 2, 320, 240, 0.75, 200, NOISE, 11);
        List<CoaddInput> tiles = colourTiles(sky);
        MemorySinks plain = new MemorySinks();
        ReprojectCoadd.Result rp = ReprojectCoadd.run(tiles, sky.grid,
                CoaddParams.defaults().withSteps(true, false, false, false).withWorkers(2), plain, Progress.NONE);
        MemorySinks matched = new MemorySinks();
        ReprojectCoadd.Result rm = ReprojectCoadd.run(tiles, sky.grid, CoaddParams.defaults().withWorkers(2), matched,
                Progress.NONE);
        double worstBefore = 0;
        for (int ch = 0; ch < 3; ch++) {
            List<Double> before = channelSteps(plain, rp, ch), after = channelSteps(matched, rm, ch);
            assertTrue(before.size() >= 4 && after.size() == before.size(), "seams found: " + before + " / " + after);
            worstBefore = Math.max(worstBefore, worst(before));
            assertTrue(worst(after) < NOISE, "channel " + ch + ": seam steps after matching must be within the noise ("
                    + NOISE + "): " + after);
        }
        assertTrue(worstBefore > 3 * NOISE, "test premise: colour steps are visible without matching, worst " + worstBefore);
    }

    @Test
    void monoTilesKeepOneOffset() throws IOException {
        // Mono tiles have no per-channel previews: the luminance offset is the offset.
        SyntheticMosaic sky = new SyntheticMosaic(2, 2, 320, 240, 0.75, 200, NOISE, 11);
        double[][] go = {{1, 0}, {1, 60}, {1, -45}, {1, 25}};
        for (int k = 0; k < 4; k++) sky.gainOffset.set(k, go[k]);
        MemorySinks m = new MemorySinks();
        ReprojectCoadd.Result r = ReprojectCoadd.run(sky.inputs(200), sky.grid, CoaddParams.defaults().withWorkers(2), m,
                Progress.NONE);
        assertTrue(worst(CoaddSeamTest.seamSteps(m, r)) < NOISE, "mono seams");
    }
}
