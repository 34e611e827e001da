package org.tessera.synth;

import org.tessera.io.BayerPattern;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.tessera.io.InMemoryFrame;

class BayerPatternTest {

    @Test
    void grbgLayout() {
        // Row 0 = G R, row 1 = B G, repeating.
        BayerPattern p = BayerPattern.GRBG;
        assertEquals(1, p.colorAt(0, 0));
        assertEquals(0, p.colorAt(1, 0));
        assertEquals(2, p.colorAt(0, 1));
        assertEquals(1, p.colorAt(1, 1));
        assertEquals(0, p.colorAt(101, 20));
        assertEquals(2, p.colorAt(20, 101));
        assertEquals(0, BayerPattern.RGGB.colorAt(0, 0));
        assertEquals(2, BayerPattern.BGGR.colorAt(0, 0));
        assertEquals(BayerPattern.GRBG, BayerPattern.parse(" grbg "));
    }

    /** A frame of nothing but flat sky of one colour, perfect camera. */
    private static InMemoryFrame flatSky(double r, double g, double b) {
        return new SyntheticSky().panels(1, 1).framesPerPanel(1).frameSize(16, 12)
                .starDensity(0).nebula(0).perfectCamera().gradient(0)
                .sky(100).skyColour(r, g, b).exposure(10)
                .build().get(0);
    }

    @Test
    void pureRedSkyLightsOnlyTheRedSitesOfGrbg() {
        InMemoryFrame f = flatSky(1, 0, 0);
        assertEquals(1, f.channels());
        assertEquals("GRBG", f.keys().get("BAYERPAT"));
        int red = 0;
        for (int y = 0; y < f.height(); y++)
            for (int x = 0; x < f.width(); x++) {
                float v = f.image().get(0, x, y);
                boolean redSite = (y % 2 == 0) && (x % 2 == 1);
                assertEquals(redSite ? 1000f : 0f, v, "pixel (" + x + ", " + y + ")");
                if (redSite) red++;
            }
        assertEquals(16 * 12 / 4, red);
    }

    @Test
    void pureBlueAndGreenSkiesLightTheirSites() {
        InMemoryFrame blue = flatSky(0, 0, 1), green = flatSky(0, 1, 0);
        for (int y = 0; y < 12; y++)
            for (int x = 0; x < 16; x++) {
                boolean blueSite = (y % 2 == 1) && (x % 2 == 0);
                boolean greenSite = (x + y) % 2 == 0;
                assertEquals(blueSite ? 1000f : 0f, blue.image().get(0, x, y), "blue at (" + x + ", " + y + ")");
                assertEquals(greenSite ? 1000f : 0f, green.image().get(0, x, y), "green at (" + x + ", " + y + ")");
            }
    }
}
