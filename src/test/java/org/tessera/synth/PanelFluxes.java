package org.tessera.synth;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.tessera.grid.Aperture;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsFrame;

/**
 * Star photometry of a mosaic of a two-panel synthetic sky, by part: the median of flux / truth
 * (the truth at 1 s: {@link SkyModel.Star#flux}) of its bright isolated stars where only the left
 * panel's frames, only the right one's, or both cover them. The exposure tests' measure of a step
 * between parts of other exposures.
 */
public final class PanelFluxes {
    private PanelFluxes() {}

    /**
     * The exposure tests' sky: two panels 50 % apart, 6 frames of 400 × 300 px each, one seed; only
     * the exposure differs between two such skies (their stars and sky are {@code seconds} × those
     * of 1 s), so frames of 10 s and of 20 s of one field are drawn from two of them.
     */
    public static SyntheticSky twoPanels(String object, double seconds) {
        return new SyntheticSky().seed(20261207L).object(object).centre(150.0, 40.0)
                .panels(2, 1).overlap(0.5).framesPerPanel(6).frameSize(400, 300).pixelScale(2.4)
                .mount(org.tessera.io.MountMode.EQ).dither(4).psfFwhm(3.5).gradient(0).starDensity(2.0)
                .starFlux(300, 60000, 0.5).gainVariation(0).transparencyVariation(0).offsetVariation(20).exposure(seconds)
                .output(SyntheticSky.Output.RGB_FLOAT);
    }

    /**
     * @param left  index in {@code sky.plan()} of a frame of the left panel (every frame of a panel covers the same field, less its dither)
     * @param right likewise, of the right panel
     * @return [left only, right only, both]; each part must hold at least 8 stars
     */
    public static double[] of(Path mosaic, SyntheticSky sky, int left, int right, String label) throws IOException {
        FitsFrame f = FitsFrame.open(mosaic);
        FloatImage img = FloatImage.copyOf(f);
        List<FramePlan> plan = sky.plan();
        List<SkyModel.Star> stars = sky.truthStars();
        List<List<Double>> r = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        double[] p = new double[2];
        for (SkyModel.Star s : stars) {
            if (s.flux(1) < 2000) continue;
            f.wcs().worldToPixel(s.ra(), s.dec(), p);
            if (!TruthStars.isolated(f.wcs(), s, p, stars, 0.01, 16)) continue;
            boolean l = inside(sky, plan.get(left), s), rt = inside(sky, plan.get(right), s);
            int part = l && rt ? 2 : l ? 0 : rt ? 1 : -1;
            if (part < 0) continue;
            double[] a = Aperture.measure(img, 1, p[0], p[1]);
            if (a != null) r.get(part).add(a[2] / s.flux(1));
        }
        double[] m = new double[3];
        for (int k = 0; k < 3; k++) {
            List<Double> v = new ArrayList<>(r.get(k));
            Collections.sort(v);
            m[k] = v.isEmpty() ? Double.NaN : v.get(v.size() / 2);
        }
        System.out.printf(Locale.ROOT, "[panel fluxes] %s: stars/truth left %.4f (%d), right %.4f (%d), both %.4f (%d);"
                + " right/left %.4f%n", label, m[0], r.get(0).size(), m[1], r.get(1).size(), m[2], r.get(2).size(), m[1] / m[0]);
        for (int k = 0; k < 3; k++) assertTrue(r.get(k).size() >= 8, label + ": " + r.get(k).size() + " stars in part " + k);
        return m;
    }

    /** Whether the frame of {@code fp} holds the star 20 px in from its edges. */
    private static boolean inside(SyntheticSky sky, FramePlan fp, SkyModel.Star s) {
        double[] p = new double[2];
        fp.wcs().worldToPixel(s.ra(), s.dec(), p);
        return p[0] >= 20 && p[1] >= 20 && p[0] < sky.frameWidth() - 21 && p[1] < sky.frameHeight() - 21;
    }
}
