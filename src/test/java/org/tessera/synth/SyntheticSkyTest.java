package org.tessera.synth;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.image.FloatImage;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsGrid;

class SyntheticSkyTest {

    private static double rotationOf(Wcs wcs) {
        double[] cd = ((FitsWcs) wcs).cd();
        return Math.toDegrees(Math.atan2(cd[2], cd[0]));
    }

    private static SyntheticSky small() {
        return new SyntheticSky().panels(2, 1).framesPerPanel(3).frameSize(96, 64).seed(7);
    }

    @Test
    void altAzFieldRotationGrowsByTheSetAmountAndEqStaysFixed() {
        List<InMemoryFrame> frames = new SyntheticSky().panels(2, 1).framesPerPanel(5).frameSize(64, 48)
                .rotation(20).panelRotationJitter(4).panelMount(0, MountMode.EQ).panelMount(1, MountMode.ALT_AZ)
                .altAzRotationPerFrame(1.25).build();
        assertEquals(10, frames.size());
        double eq0 = rotationOf(frames.get(0).wcs());
        for (int k = 0; k < 5; k++) {
            InMemoryFrame eq = frames.get(k), az = frames.get(5 + k);
            assertEquals(MountMode.EQ, eq.mountMode());
            assertEquals("1", eq.keys().get("EQMODE"));
            assertEquals(MountMode.ALT_AZ, az.mountMode());
            assertEquals("0", az.keys().get("EQMODE"));
            assertEquals(eq0, rotationOf(eq.wcs()), 1e-9, "EQ frames keep their rotation");
            assertEquals(20, eq0, 4 + 1e-9);
            if (k > 0) assertEquals(1.25, rotationOf(az.wcs()) - rotationOf(frames.get(4 + k).wcs()), 1e-9);
        }
        assertEquals(2.4 / 3600, frames.get(7).wcs().pixelScaleDeg(), 1e-12);
    }

    /** Fraction of frame a's pixels that fall inside frame b. */
    private static double overlapFraction(InMemoryFrame a, InMemoryFrame b) {
        double[] w = new double[2], p = new double[2];
        int in = 0, n = 0;
        for (int y = 0; y < a.height(); y += 2)
            for (int x = 0; x < a.width(); x += 2) {
                a.wcs().pixelToWorld(x, y, w);
                b.wcs().worldToPixel(w[0], w[1], p);
                n++;
                if (p[0] >= -0.5 && p[0] < b.width() - 0.5 && p[1] >= -0.5 && p[1] < b.height() - 0.5) in++;
            }
        return (double) in / n;
    }

    @Test
    void adjacentPanelsOverlapByTheRequestedFraction() {
        for (double f : new double[] {0.2, 0.35}) {
            List<InMemoryFrame> frames = new SyntheticSky().panels(2, 2).overlap(f).framesPerPanel(1)
                    .frameSize(120, 80).rotation(33).centre(280, 62).perfectCamera().starDensity(0).nebula(0)
                    .build();
            // Panels are row-major: 0 1 / 2 3.
            assertEquals(f, overlapFraction(frames.get(0), frames.get(1)), 0.01, "along x, overlap " + f);
            assertEquals(f, overlapFraction(frames.get(0), frames.get(2)), 0.01, "along y, overlap " + f);
            assertEquals(f * f, overlapFraction(frames.get(0), frames.get(3)), 0.01, "diagonal, overlap " + f);
            assertEquals(f, overlapFraction(frames.get(3), frames.get(1)), 0.01);
        }
    }

    @Test
    void sameSeedSamePixelsOtherSeedOtherPixels() {
        List<InMemoryFrame> a = small().build(), b = small().build(), c = small().seed(8).build();
        assertEquals(6, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).image().plane(0), b.get(i).image().plane(0), "frame " + i);
            assertEquals(a.get(i).keys(), b.get(i).keys());
            assertFalse(Arrays.equals(a.get(i).image().plane(0), c.get(i).image().plane(0)));
        }
        // Rendering one planned frame alone gives the same pixels as the whole build.
        SyntheticSky s = small();
        assertArrayEquals(a.get(4).image().plane(0), s.render(s.plan().get(4), s.skyModel()).image().plane(0));
    }

    @Test
    void rawFramesHoldWholeSixteenBitValues() {
        InMemoryFrame f = new SyntheticSky().panels(1, 1).framesPerPanel(1).frameSize(128, 96).seed(3)
                .starFlux(1e5, 2e6, 0.8).build().get(0);
        float max = 0;
        for (float v : f.image().plane(0)) {
            assertEquals(Math.rint(v), v, 0.0);
            assertTrue(v >= 0 && v <= 65535, "value " + v);
            max = Math.max(max, v);
        }
        assertEquals(65535f, max, "the brightest stars saturate");
    }

    @Test
    void perfectRgbFrameEqualsTheTruthPlusSky() {
        SyntheticSky s = new SyntheticSky().panels(1, 1).framesPerPanel(1).frameSize(100, 80).rotation(12)
                .output(SyntheticSky.Output.RGB_FLOAT).perfectCamera().sky(0).seed(11).starDensity(3);
        InMemoryFrame f = s.build().get(0);
        assertEquals(3, f.channels());
        assertNull(f.keys().get("BAYERPAT"));
        FloatImage truth = s.renderTruth(new WcsGrid(f.wcs(), f.width(), f.height()));
        double total = 0;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < truth.plane(c).length; i++) {
                assertEquals(truth.plane(c)[i], f.image().plane(c)[i], 1e-3 + 1e-5 * Math.abs(truth.plane(c)[i]));
                total += truth.plane(c)[i];
            }
        assertTrue(total > 1e4, "the field has stars and nebula: " + total);
    }

    @Test
    void truthStarsCarryPerExposureFluxes() {
        SyntheticSky s = small().exposure(20).starFlux(50, 5000, 1.2);
        List<SkyModel.Star> perSecond = s.skyModel().stars(), truth = s.truthStars();
        assertEquals(perSecond.size(), truth.size());
        assertFalse(truth.isEmpty());
        for (int i = 0; i < truth.size(); i++) {
            assertEquals(20 * perSecond.get(i).fluxG(), truth.get(i).fluxG(), 1e-9);
            assertEquals(perSecond.get(i).ra(), truth.get(i).ra());
            assertTrue(perSecond.get(i).meanFlux() >= 50 * 0.999 && perSecond.get(i).meanFlux() <= 5000 * 1.001);
        }
    }

    @Test
    void fieldGridIsCentredOnTheFieldAndHoldsEveryFrame() {
        SyntheticSky s = new SyntheticSky().panels(3, 2).framesPerPanel(4).frameSize(90, 60).rotation(25)
                .panelRotationJitter(10).mount(MountMode.ALT_AZ).altAzRotationPerFrame(5).dither(6);
        WcsGrid grid = s.fieldGrid();
        double[] centre = grid.centre();
        assertEquals(150.0, centre[0], 1e-6);
        assertEquals(40.0, centre[1], 1e-6);
        double[] w = new double[2], p = new double[2];
        for (FramePlan fp : s.plan())
            for (double[] corner : new double[][] {{-0.5, -0.5}, {89.5, -0.5}, {-0.5, 59.5}, {89.5, 59.5}}) {
                fp.wcs().pixelToWorld(corner[0], corner[1], w);
                grid.wcs().worldToPixel(w[0], w[1], p);
                assertTrue(p[0] > -0.5 && p[0] < grid.width() - 0.5 && p[1] > -0.5 && p[1] < grid.height() - 0.5,
                        fp.name() + " corner outside the field grid");
            }
    }

    @Test
    void noiseMatchesPhotonAndReadNoiseTimesGain() {
        // Flat sky, no stars: std = gain · sqrt(sky e⁻ + read²); mean = pedestal + gain · sky.
        SyntheticSky s = new SyntheticSky().panels(1, 1).framesPerPanel(1).frameSize(200, 200)
                .starDensity(0).nebula(0).gradient(0).skyColour(1, 1, 1).sky(40).exposure(10).readNoise(5)
                .pedestal(300).offsetVariation(0).gainVariation(0.2).skyVariation(0).seed(5);
        InMemoryFrame f = s.build().get(0);
        double gain = Double.parseDouble(f.keys().get("SYNGAIN"));
        assertNotEquals(1.0, gain);
        double sum = 0, sum2 = 0;
        float[] p = f.image().plane(0);
        for (float v : p) { sum += v; sum2 += (double) v * v; }
        double mean = sum / p.length, std = Math.sqrt(sum2 / p.length - mean * mean);
        assertEquals(300 + gain * 400, mean, 0.5);
        // Rounding to whole ADU adds 1/12 ADU² of variance.
        assertEquals(Math.sqrt(gain * gain * (400 + 25) + 1.0 / 12), std, 0.02 * std);
    }

    @Test
    void panelsDifferInGainAndOffsetFramesInTransparency() {
        List<FramePlan> plan = new SyntheticSky().panels(2, 2).framesPerPanel(3).seed(4).plan();
        assertEquals(12, plan.size());
        for (FramePlan fp : plan) {
            FramePlan first = plan.get(fp.panel() * 3);
            assertEquals(first.gain(), fp.gain(), 0.0, "one gain per panel");
            assertEquals(first.pedestal(), fp.pedestal(), 0.0, "one offset per panel");
            assertEquals(1, fp.gain(), 0.08);
            assertEquals(500, fp.pedestal(), 40);
            assertTrue(fp.transparency() <= 1 && fp.transparency() >= 0.97);
        }
        assertNotEquals(plan.get(0).gain(), plan.get(3).gain());
        assertNotEquals(plan.get(0).pedestal(), plan.get(9).pedestal());
        assertNotEquals(plan.get(0).transparency(), plan.get(1).transparency());
        // Frames are in time order.
        for (int i = 1; i < plan.size(); i++)
            assertTrue(plan.get(i).header().get("DATE-OBS").toString()
                    .compareTo(plan.get(i - 1).header().get("DATE-OBS").toString()) > 0);
    }

    @Test
    void starFieldFollowsThePowerLaw() {
        SkyModel m = SkyModel.random(new SkyModel.StarField(10, 20, 0.5, 20000, 10, 10 * 2000, 1.0, 0), 99);
        assertEquals(20000, m.stars().size());
        long bright = m.stars().stream().filter(s -> s.meanFlux() > 100).count();
        // N(>10 Fmin) / N = (0.1 − r) / (1 − r), r = (Fmin/Fmax)^slope.
        double r = 1.0 / 2000, expected = (0.1 - r) / (1 - r);
        assertEquals(expected, bright / 20000.0, 0.01);
        for (SkyModel.Star s : m.stars()) {
            assertEquals(20, s.dec(), 0.71);
            assertTrue(s.meanFlux() >= 10 * (1 - 1e-9) && s.meanFlux() <= 20000 * (1 + 1e-9));
        }
        double[] white = StarColour.factors(6500), cool = StarColour.factors(3500), hot = StarColour.factors(10000);
        assertArrayEquals(new double[] {1, 1, 1}, white, 1e-12);
        assertTrue(cool[0] > cool[2] * 2, "cool stars are red");
        assertTrue(hot[2] > hot[0], "hot stars are blue");
        assertEquals(3, cool[0] + cool[1] + cool[2], 1e-12);
    }
}
