package org.tessera.synth;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;

class DefaultSkyTest {

    @Test
    void demoHasTwoEqAndTwoAltAzPanelsOfFiveSmallRawFrames() {
        List<InMemoryFrame> frames = DefaultSky.create();
        assertEquals(20, frames.size());
        long eq = frames.stream().filter(f -> f.mountMode() == MountMode.EQ).count();
        long altaz = frames.stream().filter(f -> f.mountMode() == MountMode.ALT_AZ).count();
        assertEquals(10, eq);
        assertEquals(10, altaz);
        float brightest = 0;
        for (InMemoryFrame f : frames) {
            assertEquals(480, f.width());
            assertEquals(320, f.height());
            assertEquals(1, f.channels());
            assertEquals("GRBG", f.keys().get("BAYERPAT"));
            assertEquals(10.0, f.exposureSeconds());
            // Stars stand well above the sky, which sits near pedestal + sky level.
            float[] p = f.image().plane(0);
            float[] sample = new float[p.length / 7];
            float max = 0;
            for (int i = 0; i < p.length; i++) {
                if (i / 7 < sample.length && i % 7 == 0) sample[i / 7] = p[i];
                max = Math.max(max, p[i]);
            }
            java.util.Arrays.sort(sample);
            float median = sample[sample.length / 2];
            assertEquals(500 + 300, median, 120, f.name() + " sky level");
            assertTrue(max > median + 500, f.name() + " has stars above the sky");
            brightest = Math.max(brightest, max);
        }
        assertTrue(brightest > 20000, "some stars are bright: " + brightest);
        // Frames of different panels are distinct pointings; frames of one panel are close.
        double[] a = centre(frames.get(0)), b = centre(frames.get(4)), c = centre(frames.get(5));
        assertTrue(sep(a, b) < 0.01, "dithers are small");
        assertTrue(sep(a, c) > 0.05, "panels are apart");
    }

    @Test
    void demoIsTheSameEveryTime() {
        SyntheticSky s1 = DefaultSky.demo(), s2 = DefaultSky.demo();
        FramePlan p1 = s1.plan().get(13), p2 = s2.plan().get(13);
        assertArrayEquals(s1.render(p1, s1.skyModel()).image().plane(0), s2.render(p2, s2.skyModel()).image().plane(0));
    }

    @Test
    void demoPanelsLeaveNoHoleInsideTheMosaic() {
        SyntheticSky s = DefaultSky.demo();
        List<FramePlan> plan = s.plan();
        org.tessera.wcs.WcsGrid grid = s.fieldGrid();
        // The nominal outline: 2 × 2 frames stepped by 70%, less a margin for the ±3° panel
        // rotations, the 4° of field rotation and the dithers.
        double halfW = (0.7 * 480 + 480) / 2.0 - 45, halfH = (0.7 * 320 + 320) / 2.0 - 45;
        double cx = (grid.width() - 1) / 2.0, cy = (grid.height() - 1) / 2.0;
        double[] w = new double[2], p = new double[2];
        int samples = 0;
        for (double y = cy - halfH; y <= cy + halfH; y += 4)
            for (double x = cx - halfW; x <= cx + halfW; x += 4) {
                grid.wcs().pixelToWorld(x, y, w);
                int cover = 0;
                for (FramePlan fp : plan) {
                    fp.wcs().worldToPixel(w[0], w[1], p);
                    if (p[0] >= 0 && p[0] <= 479 && p[1] >= 0 && p[1] <= 319) cover++;
                }
                assertTrue(cover >= 3, "point (" + x + ", " + y + ") of the field grid covered by " + cover + " frames");
                samples++;
            }
        assertTrue(samples > 20000);
    }

    private static double[] centre(InMemoryFrame f) {
        double[] w = new double[2];
        f.wcs().pixelToWorld((f.width() - 1) / 2.0, (f.height() - 1) / 2.0, w);
        return w;
    }

    private static double sep(double[] a, double[] b) {
        double dra = (a[0] - b[0]) * Math.cos(Math.toRadians(a[1]));
        return Math.hypot(dra, a[1] - b[1]);
    }
}
