package org.tessera.solve;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import nom.tam.fits.FitsException;
import nom.tam.fits.Header;
import nom.tam.util.FitsInputStream;
import nom.tam.util.FitsOutputStream;

import org.tessera.io.AtomicFiles;

/**
 * Header-only FITS files: the {@code .wcs} files solvers write (80-character cards, with or without
 * line breaks, with or without padding) and the cache entries of {@link WcsCache}.
 */
final class HeaderFiles {

    private HeaderFiles() {}

    private static final int CARD = 80, BLOCK = 2880;

    /** Reads the first header of a file of 80-character cards; line breaks between cards are tolerated. */
    static Header read(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        ByteArrayOutputStream cards = new ByteArrayOutputStream(raw.length + BLOCK);
        boolean end = false;
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        boolean lines = text.indexOf('\n') >= 0 && text.indexOf('\n') <= CARD;
        if (lines) {
            for (String l : text.split("\\r?\\n")) {
                String c = (l + " ".repeat(CARD)).substring(0, CARD);
                cards.writeBytes(c.getBytes(StandardCharsets.ISO_8859_1));
                if (c.startsWith("END ")) { end = true; break; }
            }
        } else {
            for (int i = 0; i + CARD <= raw.length; i += CARD) {
                cards.write(raw, i, CARD);
                if (new String(raw, i, 4, StandardCharsets.ISO_8859_1).equals("END ")) { end = true; break; }
            }
        }
        if (!end) cards.writeBytes(("END" + " ".repeat(CARD - 3)).getBytes(StandardCharsets.ISO_8859_1));
        byte[] b = cards.toByteArray();
        byte[] padded = Arrays.copyOf(b, (b.length + BLOCK - 1) / BLOCK * BLOCK);
        Arrays.fill(padded, b.length, padded.length, (byte) ' ');
        try {
            return new Header(new FitsInputStream(new ByteArrayInputStream(padded)));
        } catch (RuntimeException e) {
            throw new IOException(file.getFileName() + ": not a FITS header: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code h} (which must begin with SIMPLE, BITPIX, NAXIS) as a header-only FITS file:
     * a temporary file of its own, then an atomic rename. Its own, not one fixed name: two stack
     * runs writing into one folder may cache the same frame's WCS at once, and with one name each
     * would rename (or truncate) the other's half-written file.
     */
    static void write(Header h, Path file) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp");
        try {
            try (FitsOutputStream out = new FitsOutputStream(Files.newOutputStream(tmp))) {
                h.write(out);
            } catch (FitsException e) {
                throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
            }
            AtomicFiles.commit(tmp, file);
        } finally {
            Files.deleteIfExists(tmp); // gone once renamed; else what was left of it
        }
    }

    /** A header holding only SIMPLE, BITPIX = 8, NAXIS = 0, ready for keys. */
    static Header empty() throws IOException {
        try {
            Header h = new Header();
            h.addValue("SIMPLE", true, "header-only FITS file");
            h.addValue("BITPIX", 8, null);
            h.addValue("NAXIS", 0, null);
            return h;
        } catch (FitsException e) {
            throw new IOException(e);
        }
    }
}
