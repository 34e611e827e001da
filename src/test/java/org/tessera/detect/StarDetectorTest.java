package org.tessera.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.tessera.image.FloatImage;
import org.tessera.synth.Psf;
import org.tessera.synth.SkyModel;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projections;
import org.tessera.wcs.Wcs;

/** Star detection on a synthetic frame whose star positions, fluxes and PSF are known. */
class StarDetectorTest {

    static final int W = 400, H = 300;

    @Test
    void findsTheBrightStarsAtTheirPositionsWithTheirWidthFluxAndSaturation() {
        Wcs wcs = new FitsWcs(Projections.TAN, W / 2.0, H / 2.0, 80, -20, -3.0 / 3600, 0, 0, 3.0 / 3600);
        SkyModel sky = SkyModel.random(new SkyModel.StarField(80, -20, 0.4, 1500, 300, 60000, 1.2, 0), 17);
        FloatImage img = new FloatImage(W, H, 1);
        sky.render(wcs, W, H, img.planes(), null, Psf.gaussian(10.5), 1.0); // FWHM 3.5 px
        float[] p = img.plane(0);
        Random r = new Random(2);
        // a sky gradient from 200 to 220 under Gaussian noise σ = 4
        for (int i = 0; i < p.length; i++) p[i] += (float) (200 + 20.0 * (i % W) / W + 4 * r.nextGaussian());
        // one star clipped at a ceiling, as a sensor saturates
        double[] pos = new double[2];
        SkyModel.Star brightest = sky.stars().stream().filter(s -> {
            wcs.worldToPixel(s.ra(), s.dec(), pos);
            return pos[0] > 20 && pos[0] < W - 20 && pos[1] > 20 && pos[1] < H - 20;
        }).max((a, b) -> Double.compare(a.meanFlux(), b.meanFlux())).orElseThrow();
        wcs.worldToPixel(brightest.ra(), brightest.dec(), pos);
        double bx = pos[0], by = pos[1];
        float ceiling = p[(int) Math.round(by) * W + (int) Math.round(bx)] * 0.6f;
        for (int i = 0; i < p.length; i++) p[i] = Math.min(p[i], Math.max(ceiling, 1000f));

        BackgroundMesh mesh = BackgroundMesh.measure(p, W, H, 64);
        assertEquals(210, mesh.background(W / 2, H / 2), 1);
        assertEquals(4, mesh.noise(W / 2, H / 2), 0.4);

        List<Star> stars = new StarDetector().detect(img);
        assertTrue(stars.size() >= 50, "stars " + stars.size());
        for (int i = 1; i < stars.size(); i++) assertTrue(stars.get(i).flux() <= stars.get(i - 1).flux(), "sorted by flux");
        // match detected stars to the truth; positions and FWHM of the unsaturated bright ones
        double ss = 0, fwSum = 0;
        int n = 0, nf = 0;
        boolean satFound = false;
        for (Star s : stars) {
            SkyModel.Star best = null;
            double bd = 1.5;
            for (SkyModel.Star t : sky.stars()) {
                wcs.worldToPixel(t.ra(), t.dec(), pos);
                double d = Math.hypot(pos[0] - s.x(), pos[1] - s.y());
                if (d < bd) { bd = d; best = t; }
            }
            if (Math.hypot(s.x() - bx, s.y() - by) < 1.5) {
                assertTrue(s.saturated(), "the clipped star is flagged saturated");
                satFound = true;
                continue;
            }
            assertFalse(s.saturated(), "unclipped star flagged saturated at " + s);
            if (best == null || s.peak() < 40 * 4) continue; // bright: SNR of the peak > 40
            ss += bd * bd;
            n++;
            if (s.fwhm() == s.fwhm()) { fwSum += s.fwhm(); nf++; }
            assertEquals(best.meanFlux(), s.flux(), 0.15 * best.meanFlux() + 200, "flux of the star at " + s);
        }
        double rms = Math.sqrt(ss / n), fwhm = fwSum / nf;
        System.out.printf(Locale.ROOT, "[DET] %d stars, %d bright: centroid RMS %.3f px, mean FWHM %.2f px%n", stars.size(), n, rms, fwhm);
        assertTrue(satFound, "the clipped star was not detected");
        assertTrue(n >= 15, "bright stars " + n);
        assertTrue(rms < 0.05, "centroid RMS " + rms);
        // the profile fit (the stack's noise_fwhm measure) reads pixel-integrated stars ~10 % wide at this sampling
        assertEquals(3.5, fwhm, 0.5);
    }

    /**
     * The cap measures only the regions that can make it (by flux) and gives the same list as
     * measuring every region and cutting after: the first n stars of the uncapped list, field for
     * field.
     */
    @Test
    void theCappedListIsTheHeadOfTheFullList() {
        Wcs wcs = new FitsWcs(Projections.TAN, W / 2.0, H / 2.0, 80, -20, -3.0 / 3600, 0, 0, 3.0 / 3600);
        SkyModel sky = SkyModel.random(new SkyModel.StarField(80, -20, 0.4, 1500, 300, 60000, 1.2, 0), 23);
        FloatImage img = new FloatImage(W, H, 1);
        sky.render(wcs, W, H, img.planes(), null, Psf.gaussian(10.5), 1.0);
        float[] p = img.plane(0);
        Random r = new Random(4);
        for (int i = 0; i < p.length; i++) p[i] += (float) (200 + 4 * r.nextGaussian());
        StarDetector.Params reg = StarDetector.Params.forRegistration();
        List<Star> all = new StarDetector(reg.withMaxStars(0)).detect(img);
        assertTrue(all.size() > 60, "stars " + all.size());
        for (int cap : new int[] {1, 30, all.size() / 2, all.size() - 1, all.size()}) {
            List<Star> capped = new StarDetector(reg.withMaxStars(cap)).detect(img);
            assertEquals(all.subList(0, cap), capped, "cap " + cap);
        }
    }

    @Test
    void noiseAloneGivesNoStars() {
        FloatImage img = new FloatImage(W, H, 1);
        Random r = new Random(8);
        for (int i = 0; i < W * H; i++) img.plane(0)[i] = (float) (500 + 10 * r.nextGaussian());
        assertEquals(0, new StarDetector().detect(img).size());
    }
}
