package org.tessera.io;

import java.util.Locale;

/**
 * The colour filter of a one-shot-colour sensor, named by the colours of the 2×2 cell read in
 * file order: (x0,y0) (x1,y0) (x0,y1) (x1,y1), where y0 is the first row stored in the file
 * (the row astropy/numpy index as 0). Colours are channel indices 0 = R, 1 = G, 2 = B.
 */
public enum BayerPattern {
    RGGB(0, 1, 1, 2),
    BGGR(2, 1, 1, 0),
    GRBG(1, 0, 2, 1),
    GBRG(1, 2, 0, 1);

    private final int[] cell;

    BayerPattern(int c00, int c10, int c01, int c11) {
        this.cell = new int[] {c00, c10, c01, c11};
    }

    /** Channel (0 R, 1 G, 2 B) sampled at 0-based pixel (x, y). */
    public int colorAt(int x, int y) {
        return cell[(x & 1) + 2 * (y & 1)];
    }

    /** The same sensor seen from pixel (dx, dy) on, e.g. after a crop by an odd offset. */
    public BayerPattern shifted(int dx, int dy) {
        int a = colorAt(dx, dy), b = colorAt(dx + 1, dy), c = colorAt(dx, dy + 1), d = colorAt(dx + 1, dy + 1);
        for (BayerPattern p : values())
            if (p.cell[0] == a && p.cell[1] == b && p.cell[2] == c && p.cell[3] == d) return p;
        throw new IllegalStateException("no pattern " + a + b + c + d);
    }

    /** Parses "RGGB", "grbg " …; null when the text names none of the four patterns. */
    public static BayerPattern parse(String s) {
        if (s == null) return null;
        String t = s.trim().toUpperCase(Locale.ROOT);
        for (BayerPattern p : values()) if (p.name().equals(t)) return p;
        return null;
    }
}
