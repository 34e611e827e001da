package org.tessera.synth;

import java.util.List;

import org.tessera.wcs.Wcs;

/** Test helpers on a synthetic sky's true stars ({@link SyntheticSky#truthStars}). */
public final class TruthStars {
    private TruthStars() {
    }

    /**
     * Whether star s, at pixel p of {@code wcs}, has no other star of {@code stars} within
     * {@code radiusPx} pixels whose flux (channel 1) reaches {@code share} of its own: an aperture
     * around it then measures its light alone.
     */
    public static boolean isolated(Wcs wcs, SkyModel.Star s, double[] p, List<SkyModel.Star> stars, double share,
                                   double radiusPx) {
        double[] q = new double[2];
        for (SkyModel.Star o : stars) {
            if (o == s || o.flux(1) < share * s.flux(1)) continue;
            wcs.worldToPixel(o.ra(), o.dec(), q);
            if (Math.hypot(q[0] - p[0], q[1] - p[1]) < radiusPx) return false;
        }
        return true;
    }
}
