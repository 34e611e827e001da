package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.tessera.Logged;
import org.tessera.config.Config;

/**
 * The blend toward neutral (intertile_affine_blend): the original keeps 70 % of every solved
 * gain because its gains come from coarse previews. Tessera, while the key is unset, keeps the
 * whole of a proven gain whose pair ratios were measured at full resolution (the overlap's stars)
 * and blends as the original only the gains a coarse preview's ratio entered; the key set gives
 * the original's rule to every tile. StarRatioTest's two 1800 × 1200-px tiles (preview factor
 * 14), tile B at 1.10 × tile A.
 */
class BlendToNeutralTest {

    static final double PLANTED = 1.10;

    static double[] gains(CoaddPlan p) {
        return new double[] {p.reports().get(0).gain(), p.reports().get(1).gain()};
    }

    @Test
    void aGainMeasuredAtFullResolutionIsKeptWholeAndOneFromCoarsePreviewsIsBlended() throws IOException {
        // Seed 21: the previews alone prove the gain too (StarRatioTest's seeds that they do not: 22, 26, 29, 31).
        List<CoaddInput> in = StarRatioTest.pair(21, PLANTED, 1.6, 1.6);
        CoaddPlan byDefault;
        List<String> log;
        try (Logged.Capture cap = Logged.fine()) {
            byDefault = StarRatioTest.plan(in, new Config());
            log = cap.messages();
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("[P5] blend toward neutral by 0.30: 0 of 2 tiles")), String.join("\n", log));
        double[] d = gains(byDefault), whole = gains(StarRatioTest.plan(in, new Config().put("intertile_affine_blend", 1.0)));
        double err = d[1] * PLANTED / d[0] - 1;
        System.out.printf(Locale.ROOT, "[blend] stars, defaults: gains %.4f %.4f, error %+.2f %%%n", d[0], d[1], 100 * err);
        // The stars' ratio, the whole gain kept: the planted 1.10 undone (with 0.7: 3 % left).
        assertEquals(0, err, 0.01, "planted gain undone by default");
        assertArrayEquals(whole, d, 0, "the defaults keep the whole gain, as intertile_affine_blend=1");
        // The key set to the original's 0.7: 70 % of the same gains, stars or not.
        double[] o = gains(StarRatioTest.plan(in, new Config().put("intertile_affine_blend", 0.7)));
        for (int t = 0; t < 2; t++) assertEquals(1 + 0.7 * (whole[t] - 1), o[t], 1e-12, "original's blend, tile " + t);

        // The previews alone (intertile_star_ratio false): a coarse preview's ratio, blended by default.
        double[] pw = gains(StarRatioTest.plan(in, new Config().put("intertile_star_ratio", false).put("intertile_affine_blend", 1.0)));
        double[] pd = gains(StarRatioTest.plan(in, new Config().put("intertile_star_ratio", false)));
        System.out.printf(Locale.ROOT, "[blend] previews: whole %.4f %.4f, defaults %.4f %.4f%n", pw[0], pw[1], pd[0], pd[1]);
        assertTrue(pw[1] / pw[0] < 0.97, "test premise: the previews prove a gain " + pw[1] / pw[0]);
        for (int t = 0; t < 2; t++) assertEquals(1 + 0.7 * (pw[t] - 1), pd[t], 1e-12, "previews' gain blended, tile " + t);
    }
}
