package org.tessera.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import nom.tam.fits.Header;
import nom.tam.fits.TruncatedFileException;
import nom.tam.util.FitsInputStream;

import org.tessera.UserMessages;

/**
 * The HDU layout of a FITS file read from its headers only: where each header and data section
 * starts and how many bytes the data declares. Data are never read here, so opening thousands of
 * frames costs a few header blocks each, and a truncated file is caught by comparing the declared
 * sizes with the file size.
 */
final class FitsStructure {

    static final int BLOCK = 2880;
    static final int CARD = 80;

    /**
     * One header-data unit. {@code axes[0]} is NAXIS1. {@code cards} holds the non-blank cards as read
     * (bytes outside ASCII included: {@link #header} and every parse of them read those as '?');
     * {@code textNote} says which cards held such bytes ({@link #textNote(byte[])}), or is null.
     */
    record Hdu(int index, String xtension, String extname, int bitpix, long[] axes,
               long dataOffset, long dataBytes, Header header, byte[] cards, String textNote) {

        boolean isImage() { return xtension == null || xtension.equals("IMAGE"); }

        /** Number of axes larger than one counted from NAXIS1, trailing length-1 axes dropped. */
        int effectiveAxes() {
            int n = axes.length;
            while (n > 2 && axes[n - 1] == 1) n--;
            return n;
        }
    }

    private FitsStructure() {}

    /** Reads every header of the file (stops at trailing bytes that are not an extension). */
    static List<Hdu> read(Path file) throws FitsReadException {
        return read(file, file);
    }

    /**
     * Reads every header of {@code data}, the errors naming {@code file}: the input a user gave,
     * whose decompressed copy ({@link DecompressedCopies}) {@code data} may be.
     */
    static List<Hdu> read(Path data, Path file) throws FitsReadException {
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
            long size = ch.size();
            if (!startsWith(ch, 0, "SIMPLE  =")) {
                // a copy or download that never completed: say so rather than "not FITS"
                if (size == 0) throw new FitsReadException(file, "empty file (0 bytes): not a FITS file (an unfinished copy?)");
                // a .fits.gz named on the command line: say what it is rather than "not FITS"
                if (gzip(ch)) throw new Gzipped(file);
                throw new FitsReadException(file, "not a FITS file (it does not start with a SIMPLE card)");
            }
            List<Hdu> hdus = new ArrayList<>();
            long pos = 0;
            while (pos < size) {
                if (!hdus.isEmpty() && !startsWith(ch, pos, "XTENSION="))
                    break; // trailing bytes after the last HDU: tolerated, as astropy does
                byte[] raw = readHeaderBlocks(ch, pos, size, file, hdus.size());
                Hdu hdu = parse(file, hdus.size(), raw, pos + raw.length);
                if (hdu.dataOffset + hdu.dataBytes > size)
                    throw new FitsReadException(file, "data section is truncated: expected "
                            + (hdu.dataOffset + hdu.dataBytes) + " bytes, file has " + size);
                hdus.add(hdu);
                pos = hdu.dataOffset + padded(hdu.dataBytes);
            }
            return hdus;
        } catch (FitsReadException e) {
            throw e;
        } catch (IOException e) {
            throw new FitsReadException(file, "cannot read: " + UserMessages.problemWith(e), e);
        } catch (ArithmeticException e) {
            throw new FitsReadException(file, "header declares an impossible data size (NAXISn overflow)", e);
        }
    }

    /** The file starts with the gzip magic bytes: {@link FitsFrame} reads it through its decompressed copy. */
    static final class Gzipped extends FitsReadException {
        private static final long serialVersionUID = 1L;

        Gzipped(Path file) {
            super(file, "gzip-compressed file");
        }
    }

    static long padded(long bytes) {
        return (bytes + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** True when the file starts with the gzip magic bytes 1F 8B. */
    static boolean gzip(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2);
        readFully(ch, b, 0);
        return !b.hasRemaining() && (b.get(0) & 0xFF) == 0x1F && (b.get(1) & 0xFF) == 0x8B;
    }

    private static boolean startsWith(FileChannel ch, long pos, String prefix) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(prefix.length());
        readFully(ch, b, pos);
        return !b.hasRemaining() && new String(b.array(), StandardCharsets.US_ASCII).equals(prefix);
    }

    /** The length in bytes of the primary header of {@code file} (open as {@code ch}): its blocks up to the one holding END. */
    static long primaryHeaderLength(FileChannel ch, Path file) throws IOException {
        return readHeaderBlocks(ch, 0, ch.size(), file, 0).length;
    }

    /** Reads 2880-byte blocks from pos up to and including the one holding the END card. */
    private static byte[] readHeaderBlocks(FileChannel ch, long pos, long size, Path file, int index)
            throws IOException {
        ByteBuffer all = ByteBuffer.allocate(BLOCK * 4);
        for (long p = pos; ; p += BLOCK) {
            if (p + BLOCK > size)
                throw new FitsReadException(file, (index == 0 ? "primary header" : "header of HDU " + index)
                        + " is truncated (no END card before the end of the file)");
            if (all.remaining() < BLOCK) {
                ByteBuffer bigger = ByteBuffer.allocate(all.capacity() * 2);
                all.flip();
                bigger.put(all);
                all = bigger;
            }
            int start = all.position();
            all.limit(start + BLOCK);
            readFully(ch, all, p);
            all.limit(all.capacity());
            for (int c = 0; c < BLOCK; c += CARD)
                if (isEnd(all.array(), start + c)) {
                    byte[] out = new byte[start + BLOCK];
                    System.arraycopy(all.array(), 0, out, 0, out.length);
                    return out;
                }
        }
    }

    /**
     * Where a header is damaged: a control byte (below 0x20, or 0x7F) in any card, or a byte outside
     * ASCII in a keyword (columns 1-8, which FITS limits to A-Z, 0-9, '-' and '_'): "card N (KEY)
     * holds the non-text byte 0xNN", or null. A damaged copy (a block of the file overwritten) holds
     * such bytes; a byte from 0x80 up in a value or comment is text that some capture programs write
     * (OBJECT = 'M31 café' in UTF-8 or Latin-1), read as '?' instead ({@link #asText}, {@link #textNote}).
     */
    static String nonText(byte[] raw) {
        int end = cardsEnd(raw);
        for (int i = 0; i < end; i++) {
            int b = raw[i] & 0xff;
            if (b >= 0x20 && b <= 0x7e || b >= 0x80 && i % CARD >= 8) continue;
            int card = i / CARD;
            return String.format(Locale.ROOT, "card %d (%s) holds the non-text byte 0x%02X", card + 1, keyOf(raw, card), b);
        }
        return null;
    }

    /** Where the cards end: the END card, or the end of {@code raw} (what follows END is padding, not cards). */
    private static int cardsEnd(byte[] raw) {
        for (int c = 0; c + CARD <= raw.length; c += CARD)
            if (isEnd(raw, c)) return c;
        return raw.length;
    }

    /** The keyword of card {@code card} (0-based), bytes outside printable ASCII as '?'; "no key" when blank. */
    private static String keyOf(byte[] raw, int card) {
        String key = new String(raw, card * CARD, Math.min(8, raw.length - card * CARD), StandardCharsets.US_ASCII)
                .replaceAll("[^\\x20-\\x7e]", "?").strip();
        return key.isEmpty() ? "no key" : key;
    }

    /**
     * The cards as FITS text: each byte from 0x80 up (in a value or comment: {@link #nonText} refused
     * the others) replaced by '?', so that every card keeps its 80 columns. {@code raw} itself when it
     * holds none.
     */
    static byte[] asText(byte[] raw) {
        byte[] out = raw;
        for (int i = 0; i < raw.length; i++)
            if ((raw[i] & 0x80) != 0) {
                if (out == raw) out = raw.clone();
                out[i] = '?';
            }
        return out;
    }

    /**
     * Which cards hold bytes outside ASCII, once for the header: "card 15 (OBJECT) holds 2 byte(s)
     * outside ASCII (0xC3 0xA9), which a FITS header may not hold: read as '?', OBJECT = 'M31 caf??'
     * / target" (several cards: each named, the bytes counted, the first four shown, the first card
     * shown as read), or null when there are none.
     */
    static String textNote(byte[] raw) {
        int end = cardsEnd(raw);
        List<String> cards = new ArrayList<>();
        StringBuilder bytes = new StringBuilder();
        int count = 0, first = -1;
        for (int c = 0; c < end; c += CARD) {
            boolean here = false;
            for (int i = c; i < Math.min(end, c + CARD); i++)
                if ((raw[i] & 0x80) != 0) {
                    if (count++ < 4) bytes.append(count == 1 ? "" : " ").append(String.format(Locale.ROOT, "0x%02X", raw[i] & 0xff));
                    here = true;
                }
            if (!here) continue;
            if (first < 0) first = c;
            cards.add(String.format(Locale.ROOT, "%d (%s)", c / CARD + 1, keyOf(raw, c / CARD)));
        }
        if (first < 0) return null;
        String shown = new String(asText(java.util.Arrays.copyOfRange(raw, first, first + CARD)), StandardCharsets.US_ASCII)
                .strip().replaceAll(" {2,}", " ");
        return String.format(Locale.ROOT, "%s %s %s %d byte(s) outside ASCII (%s%s), which a FITS header may not hold: "
                        + "read as '?', %s", cards.size() == 1 ? "card" : "cards", String.join(", ", cards),
                cards.size() == 1 ? "holds" : "hold", count, bytes, count > 4 ? " …" : "", shown);
    }

    private static boolean isEnd(byte[] b, int off) {
        if (b[off] != 'E' || b[off + 1] != 'N' || b[off + 2] != 'D') return false;
        for (int i = 3; i < 8; i++) if (b[off + i] != ' ') return false;
        return true;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) return;
            pos += n;
        }
    }

    private static Hdu parse(Path file, int index, byte[] raw, long dataOffset) throws FitsReadException {
        String binary = nonText(raw);
        if (binary != null)
            throw new FitsReadException(file, (index == 0 ? "primary header" : "header of HDU " + index) + ": " + binary
                    + ": a FITS header is plain text, so the file is damaged (re-copy it from the camera or the source)");
        Header h;
        try {
            h = new Header(new FitsInputStream(new ByteArrayInputStream(asText(raw))));
        } catch (TruncatedFileException e) {
            throw new FitsReadException(file, "header of HDU " + index + " is truncated", e);
        } catch (IOException | RuntimeException e) {
            throw new FitsReadException(file, "header of HDU " + index + " is corrupt: " + e.getMessage(), e);
        }
        String xt = index == 0 ? null : upper(h.getStringValue("XTENSION"));
        if (index > 0 && xt == null) throw new FitsReadException(file, "HDU " + index + " has no XTENSION card");
        if (!h.containsKey("BITPIX") || !h.containsKey("NAXIS"))
            throw new FitsReadException(file, "header of HDU " + index + " lacks BITPIX or NAXIS");
        int bitpix = h.getIntValue("BITPIX");
        int naxis = h.getIntValue("NAXIS");
        if (naxis < 0 || naxis > 999) throw new FitsReadException(file, "invalid NAXIS=" + naxis + " in HDU " + index);
        long[] axes = new long[naxis];
        for (int i = 0; i < naxis; i++) {
            axes[i] = h.getLongValue("NAXIS" + (i + 1), -1);
            if (axes[i] < 0) throw new FitsReadException(file, "NAXIS" + (i + 1) + " missing or negative in HDU " + index);
        }
        long bytes = dataBytes(h, bitpix, axes);
        return new Hdu(index, xt, upper(h.getStringValue("EXTNAME")), bitpix, axes, dataOffset, bytes, h,
                nonBlankCards(raw), textNote(raw));
    }

    /** Data size as declared: |BITPIX|/8 · GCOUNT · (PCOUNT + Π NAXISi), random groups skip NAXIS1. */
    private static long dataBytes(Header h, int bitpix, long[] axes) {
        if (axes.length == 0) return 0;
        boolean groups = h.getBooleanValue("GROUPS", false) && axes[0] == 0;
        long n = 1;
        for (int i = groups ? 1 : 0; i < axes.length; i++) n = Math.multiplyExact(n, axes[i]);
        long pcount = h.getLongValue("PCOUNT", 0), gcount = h.getLongValue("GCOUNT", 1);
        return Math.abs(bitpix) / 8L * gcount * (pcount + n);
    }

    /** The header's cards without the blank padding (what FitsFrame keeps per frame). */
    private static byte[] nonBlankCards(byte[] raw) {
        int end = raw.length;
        for (int c = 0; c < raw.length; c += CARD)
            if (isEnd(raw, c)) { end = c; break; }
        byte[] out = new byte[end];
        int n = 0;
        for (int c = 0; c < end; c += CARD) {
            boolean blank = true;
            for (int i = 0; i < CARD && blank; i++) blank = raw[c + i] == ' ';
            if (blank) continue;
            System.arraycopy(raw, c, out, n, CARD);
            n += CARD;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * The HDU {@code index} rebuilt from the cards {@link #read} kept ({@link Hdu#cards}) and its data
     * offset, without the file: a header read on another machine ({@link FitsFrame.Headers}).
     */
    static Hdu reparse(Path file, int index, byte[] cards, long dataOffset) throws FitsReadException {
        return parse(file, index, padded(cards), dataOffset);
    }

    /** Parses cards kept by {@link #nonBlankCards} back into a header. */
    static Header headerOf(byte[] cards) {
        byte[] raw = asText(padded(cards));
        try {
            return new Header(new FitsInputStream(new ByteArrayInputStream(raw)));
        } catch (IOException e) {
            throw new IllegalStateException("header that parsed once no longer parses", e);
        }
    }

    /** Cards, an END card and blank padding to whole blocks: a header as a file holds it. */
    static byte[] padded(byte[] cards) {
        byte[] raw = new byte[(int) padded(cards.length + CARD)];
        System.arraycopy(cards, 0, raw, 0, cards.length);
        java.util.Arrays.fill(raw, cards.length, raw.length, (byte) ' ');
        raw[cards.length] = 'E';
        raw[cards.length + 1] = 'N';
        raw[cards.length + 2] = 'D';
        return raw;
    }

    private static String upper(String s) {
        return s == null ? null : s.trim().toUpperCase(Locale.ROOT);
    }
}
