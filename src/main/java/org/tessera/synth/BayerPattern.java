package org.tessera.synth;

import java.util.Locale;

/**
 * A 2×2 colour filter array, named as in the FITS key {@code BAYERPAT}: the four letters read row 0
 * left to right, then row 1 (GRBG: row 0 = G R, row 1 = B G). Rows are image rows in file order,
 * so row 0 is the first row of the FITS data (y = 0).
 */
public enum BayerPattern {
    RGGB, GRBG, GBRG, BGGR;

    /** Channel index (0 = R, 1 = G, 2 = B) of the photosite at 0-based pixel (x, y). */
    public int channelAt(int x, int y) {
        char c = name().charAt(((y & 1) << 1) | (x & 1));
        return c == 'R' ? 0 : c == 'G' ? 1 : 2;
    }

    /** Parses a BAYERPAT value (case and surrounding blanks ignored). */
    public static BayerPattern parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
