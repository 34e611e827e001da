package org.tessera.wcs;

import java.io.IOException;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.fits.HeaderCardException;
import nom.tam.util.Cursor;

/**
 * A WCS as the text of its FITS cards (80 characters each, the cards a FITS header gets), and
 * back: how a WCS travels to another process (a serialized plan, a cluster task). Doubles are
 * written in full precision, so the WCS read back maps pixels as the one written.
 */
public final class WcsCards {
    private WcsCards() {}

    /** The cards {@link Wcs#writeTo} writes, concatenated. */
    public static String of(Wcs wcs) throws IOException {
        Header h = new Header();
        try {
            wcs.writeTo(h);
        } catch (HeaderCardException e) {
            throw new IOException("cannot write the WCS as FITS cards: " + e.getMessage(), e);
        }
        StringBuilder cards = new StringBuilder();
        for (Cursor<String, HeaderCard> c = h.iterator(); c.hasNext(); ) cards.append(c.next().toString());
        return cards.toString();
    }

    /** The WCS of {@link #of}'s text. */
    public static Wcs parse(String cards) throws IOException {
        Header h = new Header();
        for (int i = 0; i + 80 <= cards.length(); i += 80) h.addLine(HeaderCard.create(cards.substring(i, i + 80)));
        try {
            return Wcs.fromHeader(h);
        } catch (WcsException e) {
            throw new IOException("cannot read the WCS back from its cards: " + e.getMessage(), e);
        }
    }
}
