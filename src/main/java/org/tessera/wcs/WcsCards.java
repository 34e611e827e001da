package org.tessera.wcs;

import java.io.IOException;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.fits.HeaderCardException;
import nom.tam.util.Cursor;

/**
 * A WCS as the text of its FITS cards (80 characters each, the cards {@link Wcs#writeTo} writes),
 * and back: how a WCS travels to another process (a serialized plan, a cluster task). Unlike a
 * file's header, whose numbers nom.tam rounds to 16 digits, every floating-point value is written
 * with 17 significant digits, so the WCS read back is the one written, double for double.
 */
public final class WcsCards {
    private WcsCards() {}

    /** Significant digits that identify any double. */
    private static final int EXACT = 17;

    /** The cards {@link Wcs#writeTo} writes, floating-point values in full precision, concatenated. */
    public static String of(Wcs wcs) throws IOException {
        Header h = new Header() {
            @Override
            public HeaderCard addValue(String key, Number val, String comment) throws HeaderCardException {
                return val instanceof Double || val instanceof Float ? addValue(key, val, EXACT, comment)
                        : super.addValue(key, val, comment);
            }
        };
        try {
            wcs.writeTo(h);
        } catch (HeaderCardException e) {
            throw new IOException("cannot write the WCS as FITS cards: " + e.getMessage(), e);
        }
        StringBuilder cards = new StringBuilder();
        for (Cursor<String, HeaderCard> c = h.iterator(); c.hasNext(); ) cards.append(c.next().toString());
        return cards.toString();
    }

    /** The header holding {@link #of}'s cards. */
    public static Header header(String cards) {
        Header h = new Header();
        for (int i = 0; i + 80 <= cards.length(); i += 80) h.addLine(HeaderCard.create(cards.substring(i, i + 80)));
        return h;
    }

    /** The WCS of {@link #of}'s text. */
    public static Wcs parse(String cards) throws IOException {
        try {
            return Wcs.fromHeader(header(cards));
        } catch (WcsException e) {
            throw new IOException("cannot read the WCS back from its cards: " + e.getMessage(), e);
        }
    }

    /** As {@link #parse}, for the cards of a {@link FitsWcs} (a solved or registered frame's). */
    public static FitsWcs parseFits(String cards) throws IOException {
        try {
            return FitsWcs.fromHeader(header(cards));
        } catch (WcsException e) {
            throw new IOException("cannot read the WCS back from its cards: " + e.getMessage(), e);
        }
    }
}
