package org.tessera.wcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

/** Separate fields: far-apart groups are found, ordinary mosaics (overlaps, gaps, strips) are one field. */
class SkyFieldsTest {

    /** A 1° × 0.7° north-up frame (1000 × 700 px at 3.6"/px) centred on (ra, dec). */
    static WcsGrid frame(double ra, double dec) {
        return OptimalGridTest.frame(ra, dec, 0, 3.6, 1000, 700);
    }

    /** A frame whose centre lies at (x, y) degrees east and north of (ra0, dec0) on the tangent plane there. */
    static WcsGrid at(double ra0, double dec0, double x, double y) {
        double[] w = new double[2];
        new FitsWcs(Projections.TAN, 0, 0, ra0, dec0, -1, 0, 0, 1).pixelToWorld(-x - 1, y - 1, w);
        return frame(w[0], w[1]);
    }

    static List<String> names(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add("f" + i + ".fits");
        return out;
    }

    @Test
    void twoFarFieldsAreTwoWithTheirFramesAndCentres() {
        // M 94-like and NGC 7023-like fields, interleaved in the input order
        List<WcsGrid> in = new ArrayList<>();
        double[] dx = {-0.05, 0.05, 0, -0.05, 0.05};
        for (int i = 0, a = 0; i < 8; i++) {
            if (i == 2 || i == 4 || i == 6) in.add(frame(315.4, 68.1)); // field 2 at 2, 4, 6
            else in.add(at(192.7, 41.1, dx[a++], 0));
        }
        List<SkyFields.Field> f = SkyFields.of(in);
        assertEquals(2, f.size());
        assertEquals(List.of(0, 1, 3, 5, 7), f.get(0).members());
        assertEquals(List.of(2, 4, 6), f.get(1).members());
        assertEquals(192.7, f.get(0).ra(), 1e-4);
        assertEquals(41.1, f.get(0).dec(), 1e-4);
        assertEquals(315.4, f.get(1).ra(), 1e-9);
        assertEquals(68.1, f.get(1).dec(), 1e-9);
        assertEquals(SkyMath.separationDeg(192.7, 41.1, 315.4, 68.1), SkyFields.apart(f.get(0), f.get(1)), 1e-4);
    }

    @Test
    void overlappingPanelsAreOneField() {
        List<WcsGrid> in = new ArrayList<>();
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 3; i++) in.add(at(83.8, -5.4, i * 0.9, j * 0.63)); // 10 % overlap
        assertEquals(1, SkyFields.of(in).size());
    }

    @Test
    void aRowOfPanelsWithGapsOfHalfAFieldIsOneField() {
        List<WcsGrid> in = new ArrayList<>();
        for (int i = 0; i < 6; i++) in.add(at(10, 40, i * 1.5, 0)); // 0.5° of sky between 1° panels
        List<SkyFields.Field> f = SkyFields.of(in);
        assertEquals(1, f.size());
        assertEquals(6, f.get(0).size());
    }

    /** A diagonal strip leaves most of its north-up grid empty, yet it is one field. */
    @Test
    void aDiagonalStripOfEightPanelsIsOneField() {
        List<WcsGrid> in = new ArrayList<>();
        for (int i = 0; i < 8; i++) in.add(at(150, 40, i * 0.8, i * 0.56));
        WcsGrid grid = OptimalGrid.compute(in, Double.NaN, false);
        double empty = 1 - 8 * 1000.0 * 700 / ((double) grid.width() * grid.height());
        assertTrue(empty > 0.75, "north-up grid of the strip is " + empty + " empty");
        assertEquals(1, SkyFields.of(in).size());
    }

    /** Two frames join up to a gap of GAP_DIAMETERS diameters between their enclosing circles (6 radii between centres). */
    @Test
    void theGapRuleIsTwoDiametersOfTheEnclosingCircles() {
        double r = Footprints.radiusDeg(frame(0, 0)); // half the diagonal of 1° x 0.7°
        assertEquals(Math.hypot(0.5, 0.35), r, 2e-3);
        assertEquals(1, SkyFields.of(List.of(frame(0, 0), at(0, 0, 6 * r - 0.01, 0))).size());
        assertEquals(2, SkyFields.of(List.of(frame(0, 0), at(0, 0, 6 * r + 0.01, 0))).size());
        // a chain joins what a single pair would not
        assertEquals(1, SkyFields.of(List.of(frame(0, 0), at(0, 0, 6 * r + 0.01, 0), at(0, 0, 3 * r, 0))).size());
    }

    @Test
    void theMessageCountsLocatesSizesAndAdvises() {
        List<WcsGrid> in = new ArrayList<>();
        for (int i = 0; i < 3; i++) in.add(frame(10, 20));
        in.add(frame(40, 35));
        in.add(frame(40, 35));
        SkyFields.Separate e = assertThrows(SkyFields.Separate.class,
                () -> SkyFields.requireOne(in, names(5), "frame(s)", 3, "make one mosaic per field", "mosaic", "mosaic.fits"));
        assertEquals("the 5 frame(s) are of 2 separate fields, 30.4 deg apart; one mosaic of them would be a 32498x1179 px "
                + "grid (mosaic.fits about 460 MB), mostly empty. Field 1: 3 frame(s) around RA 10.0000, Dec +20.0000 (first: "
                + "f0.fits); field 2: 2 frame(s) around RA 40.0000, Dec +35.0000 (first: f3.fits). Make one mosaic per field",
                e.getMessage());
        double[] s = OptimalGrid.shape(in);
        assertEquals(32498 * 1179 * 12 / 1e6, s[0] * s[1] * 3 * Float.BYTES / 1e6, 1e-9); // 3 float channels
        assertEquals(30.4, SkyMath.separationDeg(10, 20, 40, 35), 0.05);
        assertEquals(2, e.fields().size());
    }

    @Test
    void threeFieldsNameTheNearestAndAHemisphereHasNoGrid() {
        List<WcsGrid> in = List.of(frame(10, 20), frame(220, -30), frame(30, 20));
        SkyFields.Separate e = assertThrows(SkyFields.Separate.class,
                () -> SkyFields.requireOne(in, names(3), "image(s)", 1, "reproject each field apart", "mosaic", "mosaic.fits"));
        assertNull(OptimalGrid.shape(in));
        assertEquals("the 3 image(s) are of 3 separate fields; no single mosaic grid can hold them (they spread over a "
                + "hemisphere). Field 1: 1 image(s) around RA 10.0000, Dec +20.0000 (first: f0.fits; 18.8 deg from field 3); "
                + "field 2: 1 image(s) around RA 220.0000, Dec -30.0000 (first: f1.fits; 151.1 deg from field 1); field 3: 1 "
                + "image(s) around RA 30.0000, Dec +20.0000 (first: f2.fits; 18.8 deg from field 1). Reproject each field apart",
                e.getMessage());
    }

    @Test
    void oneFieldPasses() {
        SkyFields.requireOne(List.of(frame(10, 20), frame(10.5, 20)), names(2), "frame(s)", 3, "x", "mosaic", "mosaic.fits");
        SkyFields.check(List.of(frame(10, 20), frame(80, 20)), names(2), 3, true, "[P2]", "frame(s)", "x", "mosaic",
                "mosaic.fits", "stacking"); // allowed: logged only
    }
}
