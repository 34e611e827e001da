package org.tessera.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import nom.tam.fits.BasicHDU;
import nom.tam.fits.Fits;
import nom.tam.image.compression.hdu.CompressedImageHDU;

/**
 * A compressed FITS input written out as the plain FITS file it stands for: a gzip'ed file (the
 * gzip magic bytes decide, whatever the name) and tile-compressed images (fpack; the FITS
 * tiled-image convention: a BINTABLE extension with {@code ZIMAGE = T}), or both (a gzip'ed .fz).
 * <p>
 * A gzip'ed file becomes its uncompressed bytes. Each tile-compressed HDU becomes the image HDU
 * the convention describes: its header is the table's cards, byte for byte, without the table's
 * and the compression's own keys, with {@code ZBITPIX}, {@code ZNAXISn}, {@code ZSIMPLE},
 * {@code ZTENSION} … renamed back (so the keys, WCS and BZERO/BSCALE read as in the file that was
 * compressed); its pixels are the stored values nom-tam-fits decodes (quantized floats dequantized
 * as cfitsio does: {@link CfitsioDequantization}, BSCALE and BZERO applied and their cards left
 * out). The image goes back into
 * the primary HDU when the table says it came from there ({@code ZSIMPLE}, after fpack's empty
 * primary); other HDUs are copied byte for byte. Only {@link DecompressedCopies} calls this.
 */
final class CompressedFits {

    private CompressedFits() {}

    /** The quantizations of floats Tessera dequantizes (the values of ZQUANTIZ, as the FITS standard spells them). */
    static final List<String> QUANTIZATIONS = List.of("NO_DITHER", "SUBTRACTIVE_DITHER_1", "SUBTRACTIVE_DITHER_2");

    /** The algorithms nom-tam-fits decodes (the values of ZCMPTYPE). */
    static final Set<String> ALGORITHMS = Set.of("RICE_1", "RICE_ONE", "GZIP_1", "GZIP_2", "HCOMPRESS_1", "PLIO_1", "NOCOMPRESS");

    /** Keys of the binary table and of the compression that are no part of the image. */
    private static final Set<String> TABLE_KEYS = Set.of("XTENSION", "BITPIX", "NAXIS", "PCOUNT", "GCOUNT", "TFIELDS",
            "THEAP", "ZIMAGE", "ZCMPTYPE", "ZMASKCMP", "ZQUANTIZ", "ZDITHER0", "ZBLANK", "ZSCALE", "ZZERO", "CHECKSUM", "DATASUM", "ZSIMPLE", "ZTENSION", "ZBITPIX", "ZNAXIS", "ZEXTEND",
            "ZPCOUNT", "ZGCOUNT");
    /** The image's keys saved under other names in its place (the table has keys of the same names). */
    private static final java.util.Map<String, String> SAVED = java.util.Map.of(
            "ZBLOCKED", "BLOCKED", "ZHECKSUM", "CHECKSUM", "ZDATASUM", "DATASUM");
    private static final Pattern TABLE_INDEXED = Pattern.compile(
            "(NAXIS|TTYPE|TFORM|TUNIT|TNULL|TSCAL|TZERO|TDISP|TDIM|TBCOL|ZTILE|ZNAME|ZVAL|ZNAXIS)[0-9]+");

    /**
     * Decoded images held at once, in MiB: nom-tam-fits decodes a whole image into memory, so
     * the header reads of a scan (several threads) take turns beyond a quarter of the heap.
     */
    private static final int BUDGET_MIB = (int) Math.max(64, Runtime.getRuntime().maxMemory() / 4 >> 20);
    private static final Semaphore DECODING = new Semaphore(BUDGET_MIB, true);

    /**
     * Writes the plain FITS file that {@code file} compresses into {@code target} (created or
     * replaced; {@code scratch} holds a gunzipped .fz between the two steps and is removed).
     *
     * @return false when {@code file} is neither gzip'ed nor holds a tile-compressed image (then
     *         {@code target} is not written)
     * @throws FitsReadException naming {@code file} and the problem: a truncated or damaged gzip
     *         stream, a gzip'ed file that holds no FITS file, a damaged tile, a compressed HDU that
     *         holds no image, an algorithm nom-tam-fits cannot decode
     * @throws IOException a failed write of {@code target} or {@code scratch} (a full disk)
     */
    static boolean decompress(Path file, Path target, Path scratch) throws IOException {
        Path plain = file;
        boolean gzipped;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            gzipped = FitsStructure.gzip(ch);
        }
        try {
            if (gzipped) {
                gunzip(file, scratch);
                plain = scratch;
            }
            List<FitsStructure.Hdu> hdus;
            try {
                hdus = FitsStructure.read(plain, file);
            } catch (FitsStructure.Gzipped e) { // a file gzip'ed twice: once is what any tool writes
                throw new FitsReadException(file, "gzip-compressed twice: uncompressed once, it is still gzip data");
            } catch (FitsReadException e) {
                throw gzipped ? new FitsReadException(file, "gzip-compressed file whose content is not usable FITS: "
                        + e.problem(), e) : e;
            }
            if (hdus.stream().anyMatch(CompressedFits::tiled)) {
                untile(file, plain, hdus, target);
            } else if (gzipped) {
                Files.move(scratch, target, StandardCopyOption.REPLACE_EXISTING);
            } else {
                return false;
            }
            return true;
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    /** True for a tile-compressed image HDU (a BINTABLE with ZIMAGE = T). */
    static boolean tiled(FitsStructure.Hdu h) {
        return "BINTABLE".equals(h.xtension()) && h.header().getBooleanValue("ZIMAGE", false);
    }

    private static void gunzip(Path file, Path target) throws IOException {
        InputStream in;
        try {
            in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
        } catch (EOFException e) {
            throw new FitsReadException(file, "truncated gzip file: it ends inside the gzip header (an unfinished copy or download?)", e);
        } catch (ZipException e) {
            throw new FitsReadException(file, "damaged gzip file: " + e.getMessage(), e);
        }
        try (in; var out = Files.newOutputStream(target)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = read(file, in, buf)) > 0; ) out.write(buf, 0, n);
        }
    }

    /** One read of the gzip stream, its failures worded as the file's problem (a write's stay the target's). */
    private static int read(Path file, InputStream in, byte[] buf) throws FitsReadException {
        try {
            return in.read(buf);
        } catch (EOFException e) {
            throw new FitsReadException(file, "truncated gzip file: it ends before its compressed data do "
                    + "(an unfinished copy or download?)", e);
        } catch (ZipException e) {
            throw new FitsReadException(file, "damaged gzip file: " + e.getMessage() + " (re-copy or download it again)", e);
        } catch (IOException e) {
            throw new FitsReadException(file, "cannot read: " + org.tessera.UserMessages.problemWith(e), e);
        }
    }

    /** Writes {@code plain} (the file's FITS bytes, as {@code hdus} list them) with each tile-compressed HDU restored. */
    private static void untile(Path file, Path plain, List<FitsStructure.Hdu> hdus, Path target) throws IOException {
        // fpack's empty primary goes when the image came from the primary HDU (ZSIMPLE)
        boolean imageWasPrimary = hdus.size() > 1 && hdus.get(0).dataBytes() == 0 && tiled(hdus.get(1))
                && hdus.get(1).header().containsKey("ZSIMPLE");
        try (FileChannel in = FileChannel.open(plain, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING);
             Fits fits = new Fits(plain.toFile())) {
            long start = 0;
            for (FitsStructure.Hdu h : hdus) {
                long end = h.dataOffset() + FitsStructure.padded(h.dataBytes());
                if (imageWasPrimary && h.index() == 0) {
                    // left out
                } else if (tiled(h)) {
                    checkHeap(file, in, h);
                    writeImage(file, fits, h, imageWasPrimary && h.index() == 1, out);
                } else {
                    long n = end - start;
                    for (long p = 0; p < n; ) p += in.transferTo(start + p, n - p, out);
                }
                start = end;
            }
            out.force(false);
        } catch (FitsReadException e) {
            throw e;
        } catch (nom.tam.fits.FitsException e) {
            throw new FitsReadException(file, "damaged tile-compressed file: " + e.getMessage(), e);
        }
    }

    /**
     * True when a float image's tiles hold quantized integers: the table has a column of their
     * scales (ZSCALE; cfitsio also takes a ZZERO column alone, which no writer makes). Without it
     * the floats are stored as they are (lossless), whatever ZQUANTIZ says (a scale given as a keyword is refused in writeImage).
     */
    static boolean quantized(FitsStructure.Hdu h) {
        return column(h, "ZSCALE");
    }

    /** True when the table of {@code h} has a column of that name (TTYPEn, case aside, as cfitsio finds it). */
    static boolean column(FitsStructure.Hdu h, String name) {
        int n = h.header().getIntValue("TFIELDS", 0);
        for (int i = 1; i <= n; i++)
            if (name.equalsIgnoreCase(String.valueOf(h.header().getStringValue("TTYPE" + i)).trim())) return true;
        return false;
    }

    /**
     * Checks that every tile's compressed bytes (the variable-length arrays the table's P and Q
     * columns point to) lie inside the table's heap, before nom-tam-fits reads them: it allocates
     * whatever length a damaged pointer says, and such a file failed as "out of memory", with the
     * advice of a larger heap, instead of as the damaged file it is.
     */
    static void checkHeap(Path file, FileChannel in, FitsStructure.Hdu h) throws IOException {
        checkHeap(file, in, h, TABLE_READ);
    }

    /** As {@link #checkHeap(Path, FileChannel, FitsStructure.Hdu)}, reading at most {@code readBytes} of the table at once. */
    static void checkHeap(Path file, FileChannel in, FitsStructure.Hdu h, int readBytes) throws IOException {
        nom.tam.fits.Header hd = h.header();
        long rowBytes = hd.getLongValue("NAXIS1", 0), rows = hd.getLongValue("NAXIS2", 0);
        long table = rowBytes * rows, heapStart = hd.getLongValue("THEAP", table);
        long heapEnd = table + hd.getLongValue("PCOUNT", 0);
        int fields = hd.getIntValue("TFIELDS", 0);
        int[] at = new int[fields], size = new int[fields];
        boolean[] wide = new boolean[fields];
        int width = 0, pointers = 0;
        for (int i = 0; i < fields; i++) {
            String form = String.valueOf(hd.getStringValue("TFORM" + (i + 1))).trim().toUpperCase(Locale.ROOT);
            java.util.regex.Matcher m = TFORM.matcher(form);
            if (!m.matches()) return; // a form nom-tam-fits will name itself
            long r = m.group(1).isEmpty() ? 1 : Long.parseLong(m.group(1));
            char t = m.group(2).charAt(0);
            at[i] = width;
            if (t == 'P' || t == 'Q') {
                wide[i] = t == 'Q';
                size[i] = elementBytes(m.group(3).isEmpty() ? 'B' : m.group(3).charAt(0));
                if (r > 0) pointers++;
                width += (int) (r * (t == 'Q' ? 16 : 8));
            } else {
                size[i] = 0;
                width += (int) (t == 'X' ? (r + 7) / 8 : r * elementBytes(t));
            }
        }
        if (pointers == 0 || width != rowBytes || rowBytes > Integer.MAX_VALUE) return;
        // the table in one pass, whole rows at a time (all of it at once for any real image: a
        // Seestar frame's 1920 row tiles take 8 to 24 bytes each), not one small read per row
        int perRead = (int) Math.max(1, Math.min(rows, readBytes / rowBytes));
        java.nio.ByteBuffer rowsRead = java.nio.ByteBuffer.allocate((int) (perRead * rowBytes));
        for (long first = 0; first < rows; first += perRead) {
            int count = (int) Math.min(perRead, rows - first);
            rowsRead.clear().limit((int) (count * rowBytes));
            long pos = h.dataOffset() + first * rowBytes;
            boolean end = false;
            while (rowsRead.hasRemaining() && !end) end = in.read(rowsRead, pos + rowsRead.position()) < 0;
            if (end) count = (int) (rowsRead.position() / rowBytes); // truncated (said elsewhere): the rows there are checked
            for (int r = 0; r < count; r++) {
                int row = (int) (r * rowBytes);
                for (int i = 0; i < fields; i++) {
                    if (size[i] == 0) continue;
                    long n = wide[i] ? rowsRead.getLong(row + at[i]) : rowsRead.getInt(row + at[i]);
                    long off = wide[i] ? rowsRead.getLong(row + at[i] + 8) : rowsRead.getInt(row + at[i] + 4);
                    if (n == 0) continue;
                    if (n < 0 || off < 0 || n > (heapEnd - heapStart) / size[i] || heapStart + off + n * size[i] > heapEnd)
                        throw new FitsReadException(file, "damaged tile-compressed image (HDU " + h.index() + "): tile "
                                + (first + r + 1) + " of " + rows + " points outside the table's data (" + n + " value(s) at byte "
                                + off + " of a heap of " + (heapEnd - heapStart) + " bytes): a damaged or altered file");
                }
            }
            if (end) return;
        }
    }

    /** Bytes of the tile table {@link #checkHeap} reads at once at most (whole rows; one row when a row is longer). */
    private static final int TABLE_READ = 1 << 20;

    /** A binary table's TFORM: repeat count, type, and a P or Q column's element type. */
    private static final java.util.regex.Pattern TFORM = java.util.regex.Pattern.compile("(\\d*)([LXBIJKAEDCMPQ])([LXBIJKAEDCM]?).*");

    /** Bytes of one element of a binary table's type code. */
    private static int elementBytes(char t) {
        return switch (t) {
            case 'I' -> 2;
            case 'J', 'E' -> 4;
            case 'K', 'D', 'C' -> 8;
            case 'M' -> 16;
            default -> 1; // L, B, A, X (bits: counted by the caller for fixed columns)
        };
    }

    /** Writes the image HDU that the tile-compressed HDU {@code h} stands for, header then data. */
    private static void writeImage(Path file, Fits fits, FitsStructure.Hdu h, boolean primary, FileChannel out)
            throws IOException {
        String where = "HDU " + h.index();
        String algorithm = h.header().getStringValue("ZCMPTYPE");
        if (algorithm == null || !ALGORITHMS.contains(algorithm.trim().toUpperCase(Locale.ROOT)))
            throw new FitsReadException(file, "tile-compressed image (" + where + ") uses the compression ZCMPTYPE="
                    + (algorithm == null ? "(missing)" : "'" + algorithm.trim() + "'") + ", which Tessera cannot decode "
                    + "(it reads " + String.join(", ", new java.util.TreeSet<>(ALGORITHMS)) + ")");
        int bitpix = h.header().getIntValue("ZBITPIX", 0);
        int naxis = h.header().getIntValue("ZNAXIS", 0);
        long values = naxis > 0 ? 1 : 0;
        for (int i = 1; i <= naxis; i++) values *= Math.max(0, h.header().getLongValue("ZNAXIS" + i, 0));
        if (values == 0)
            throw new FitsReadException(file, "the tile-compressed HDU " + h.index() + " holds no image (ZNAXIS="
                    + naxis + (naxis > 0 ? ", an axis of length 0" : "") + ")");
        if (!PixelCodec.supported(bitpix))
            throw new FitsReadException(file, "tile-compressed image (" + where + ") with an unsupported ZBITPIX=" + bitpix);
        boolean quantized = bitpix < 0 && quantized(h);
        // the convention's columns; as keywords alone cfitsio 4.2 reads the tiles as unquantized
        // floats (the integers' bits) and nom-tam-fits 1.21 decodes every pixel as 0
        if (bitpix < 0 && !column(h, "ZSCALE") && (h.header().containsKey("ZSCALE") || h.header().containsKey("ZZERO")))
            throw new FitsReadException(file, "tile-compressed image (" + where + ") gives its quantization as ZSCALE/ZZERO "
                    + "keywords instead of table columns, which no reader agrees on how to read");
        String method = h.header().containsKey("ZQUANTIZ") ? String.valueOf(h.header().getStringValue("ZQUANTIZ")) : null;
        // cfitsio and nom-tam-fits read any other value as NO_DITHER (a dithered image of a method
        // they do not know would read with the dither left in it, up to a quantization step)
        if (quantized && method != null && !QUANTIZATIONS.contains(method.stripTrailing()))
            throw new FitsReadException(file, "tile-compressed image (" + where + ") quantized with ZQUANTIZ='"
                    + method.stripTrailing() + "', a method Tessera cannot dequantize (it reads "
                    + String.join(", ", QUANTIZATIONS) + ")");
        long bytes = values * Math.abs(bitpix) / 8;
        int permits = (int) Math.min(BUDGET_MIB, Math.max(1, (2 * bytes >> 20) + 1));
        DECODING.acquireUninterruptibly(permits);
        try {
            Buffer data;
            try {
                BasicHDU<?> hdu = fits.getHDU(h.index());
                if (!(hdu instanceof CompressedImageHDU c))
                    throw new FitsReadException(file, "the tile-compressed HDU " + h.index() + " cannot be read as an image");
                // cfitsio and astropy write ZQUANTIZ on losslessly compressed floats too; nom-tam-fits
                // then dequantizes without a scale and every pixel reads 0: stored as they are
                if (bitpix < 0 && !quantized) c.getHeader().deleteKey("ZQUANTIZ");
                // fpack's name for RICE_1 with SUBTRACTIVE_DITHER_2 (so that older readers refuse it):
                // nom-tam-fits decodes it as RICE_1 but logs a warning for each file
                if ("RICE_ONE".equalsIgnoreCase(algorithm.trim())) c.getHeader().findCard("ZCMPTYPE").setValue("RICE_1");
                // quantized floats dequantized as cfitsio does (CfitsioDequantization), integers as decoded
                data = CfitsioDequantization.decode(c);
            } catch (FitsReadException e) {
                throw e;
            } catch (Exception e) {
                // nom-tam's words for a bad tile: an exception of the decoder, with or without a message
                Throwable t = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
                throw new FitsReadException(file, "damaged tile-compressed image (" + where + ", " + algorithm.trim()
                        + "): a tile cannot be decoded (" + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage())
                        + ")", e);
            }
            // cfitsio writes an unsigned 16-bit image (BZERO = 32768) into PLIO tiles as its unsigned
            // values (PLIO holds no negatives) and takes 32768 off when it reads them
            // (imcomp_decompress_tile); nom-tam-fits 1.21 does not: its shorts are the unsigned values'
            // low 16 bits, the stored values with the sign bit flipped
            if ("PLIO_1".equalsIgnoreCase(algorithm.trim()) && bitpix == 16 && data instanceof ShortBuffer s
                    && h.header().getDoubleValue("BZERO", 0) == 32768.0)
                for (int i = 0; i < s.capacity(); i++) s.put(i, (short) (s.get(i) ^ 0x8000));
            if (data == null || data.capacity() != values)
                throw new FitsReadException(file, "damaged tile-compressed image (" + where + "): decoded "
                        + (data == null ? 0 : data.capacity()) + " pixels, the header declares " + values);
            byte[] header;
            try {
                header = header(h, primary, quantized);
            } catch (IllegalStateException e) { // a structural Z-card missing
                throw new FitsReadException(file, "damaged tile-compressed image (" + where + "): " + e.getMessage(), e);
            }
            out.write(ByteBuffer.wrap(header));
            writeValues(data, out);
            long pad = FitsStructure.padded(bytes) - bytes;
            if (pad > 0) out.write(ByteBuffer.allocate((int) pad));
        } finally {
            DECODING.release(permits);
        }
    }

    /**
     * The image header of the tile-compressed HDU {@code h}: the structural cards first, from the
     * Z-keys (their card text kept, the key renamed), then every other card of the table in its
     * order, as the tiled-image convention maps them; END and blank padding. Quantized floats
     * ({@code scaled}) are written with BSCALE and BZERO applied, as cfitsio reads them
     * ({@link CfitsioDequantization#tileScaling}): their cards are left out.
     */
    static byte[] header(FitsStructure.Hdu h, boolean primary, boolean scaled) {
        byte[] cards = h.cards();
        int n = cards.length / FitsStructure.CARD;
        int naxis = h.header().getIntValue("ZNAXIS", 0);
        List<byte[]> head = new ArrayList<>(), rest = new ArrayList<>();
        head.add(primary ? renamed(find(cards, "ZSIMPLE"), "SIMPLE") : renamedOr(cards, "ZTENSION", "XTENSION", "'IMAGE   '"));
        head.add(renamed(find(cards, "ZBITPIX"), "BITPIX"));
        head.add(renamed(find(cards, "ZNAXIS"), "NAXIS"));
        for (int i = 1; i <= naxis; i++) head.add(renamed(find(cards, "ZNAXIS" + i), "NAXIS" + i));
        if (primary) {
            byte[] extend = find(cards, "ZEXTEND");
            if (extend != null) head.add(renamed(extend, "EXTEND"));
        } else {
            head.add(renamedOr(cards, "ZPCOUNT", "PCOUNT", "0"));
            head.add(renamedOr(cards, "ZGCOUNT", "GCOUNT", "1"));
        }
        for (int c = 0; c < n; c++) {
            String key = key(cards, c);
            if (key.equals("END") || TABLE_KEYS.contains(key) || TABLE_INDEXED.matcher(key).matches()) continue;
            if (!primary && key.equals("EXTEND")) continue;
            if (scaled && (key.equals("BSCALE") || key.equals("BZERO"))) continue;
            // the name fpack and astropy give the table when the image had none (funpack drops it too)
            if (key.equals("EXTNAME") && "COMPRESSED_IMAGE".equals(h.extname())) continue;
            byte[] one = new byte[FitsStructure.CARD];
            System.arraycopy(cards, c * FitsStructure.CARD, one, 0, one.length);
            // the image's own keys that the table's would clash with, saved under Z-names: back in place
            String back = SAVED.get(key);
            rest.add(back == null ? one : renamed(one, back));
        }
        head.addAll(rest);
        byte[] all = new byte[head.size() * FitsStructure.CARD];
        for (int i = 0; i < head.size(); i++) System.arraycopy(head.get(i), 0, all, i * FitsStructure.CARD, FitsStructure.CARD);
        return FitsStructure.padded(all); // END and the blank padding
    }

    private static String key(byte[] cards, int c) {
        return new String(cards, c * FitsStructure.CARD, 8, StandardCharsets.US_ASCII).trim().toUpperCase(Locale.ROOT);
    }

    private static byte[] find(byte[] cards, String key) {
        for (int c = 0; c < cards.length / FitsStructure.CARD; c++)
            if (key(cards, c).equals(key)) {
                byte[] one = new byte[FitsStructure.CARD];
                System.arraycopy(cards, c * FitsStructure.CARD, one, 0, one.length);
                return one;
            }
        return null;
    }

    /** The card {@code zKey} under the name {@code key}, or a new card of {@code key} = {@code value} where there is none. */
    private static byte[] renamedOr(byte[] cards, String zKey, String key, String value) {
        byte[] c = find(cards, zKey);
        return c != null ? renamed(c, key) : card(key, value);
    }

    /** The card with its key replaced (value and comment as written). */
    private static byte[] renamed(byte[] card, String key) {
        if (card == null) throw new IllegalStateException("its header has no Z-card for " + key);
        byte[] k = String.format(Locale.ROOT, "%-8s", key).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(k, 0, card, 0, 8);
        return card;
    }

    /** A fixed-format card: a value right-aligned to column 30, a string from column 11. */
    private static byte[] card(String key, String value) {
        String text = String.format(Locale.ROOT, "%-8s= %s", key,
                value.startsWith("'") ? value : String.format(Locale.ROOT, "%20s", value));
        return String.format(Locale.ROOT, "%-80s", text).getBytes(StandardCharsets.US_ASCII);
    }

    /** The decoded values as FITS stores them: big-endian, in chunks. */
    private static void writeValues(Buffer data, FileChannel out) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.BIG_ENDIAN);
        data.rewind();
        while (data.hasRemaining()) {
            chunk.clear();
            if (data instanceof ByteBuffer b) while (chunk.hasRemaining() && b.hasRemaining()) chunk.put(b.get());
            else if (data instanceof ShortBuffer s) while (chunk.remaining() >= 2 && s.hasRemaining()) chunk.putShort(s.get());
            else if (data instanceof IntBuffer i) while (chunk.remaining() >= 4 && i.hasRemaining()) chunk.putInt(i.get());
            else if (data instanceof LongBuffer l) while (chunk.remaining() >= 8 && l.hasRemaining()) chunk.putLong(l.get());
            else if (data instanceof FloatBuffer f) while (chunk.remaining() >= 4 && f.hasRemaining()) chunk.putFloat(f.get());
            else if (data instanceof DoubleBuffer d) while (chunk.remaining() >= 8 && d.hasRemaining()) chunk.putDouble(d.get());
            else throw new IOException("unexpected decoded data " + data.getClass().getSimpleName());
            chunk.flip();
            while (chunk.hasRemaining()) out.write(chunk);
        }
    }
}
