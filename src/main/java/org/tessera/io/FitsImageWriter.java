package org.tessera.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.fits.HeaderCardException;
import nom.tam.util.Cursor;

import org.tessera.UserMessages;
import org.tessera.image.RowSink;
import org.tessera.image.RowSource;

/**
 * Streams a float32 FITS image to disk band by band, in any order and from several threads, with
 * memory proportional to one band.
 * <p>
 * Layout: primary HDU with BITPIX −32, NAXIS1 = width, NAXIS2 = height and NAXIS3 = channels when
 * there is more than one (planes in channel order), then, unless the alpha mode is {@link AlphaMode#NONE},
 * an {@code IMAGE} extension {@code EXTNAME = 'ALPHA'} of uint8 (255 valid, 0 no data). Every offset
 * is known from the shape, so each band goes straight to its place in a temporary file
 * {@code <target>.part} with positional writes. {@link #close()} pads the file to 2880 bytes, checks
 * that every row (and every alpha row) was written and renames the file atomically onto the
 * target: a reader never sees a half-written target. {@link #abort()} deletes the temporary file.
 */
public final class FitsImageWriter implements RowSink, AutoCloseable {

    /** How the ALPHA extension is produced. */
    public enum AlphaMode {
        /** No ALPHA extension; NaN stays NaN in the data. */
        NONE,
        /** ALPHA = 255 where all channels are finite, else 0; NaN stored as 0. */
        FROM_NAN,
        /** ALPHA given by the caller through {@link #writeAlpha}; NaN stored as 0. */
        EXPLICIT
    }

    private static final Logger LOG = Logger.getLogger("org.tessera.io");

    /** Keys the writer sets itself, or that would misdescribe float data; never copied from {@code keys}. */
    private static final Set<String> STRUCTURAL = Set.of("SIMPLE", "BITPIX", "NAXIS", "EXTEND", "XTENSION",
            "PCOUNT", "GCOUNT", "GROUPS", "BZERO", "BSCALE", "BLANK", "END", "EXTNAME", "CHECKSUM", "DATASUM",
            "ZIMAGE", "ZBITPIX", "ZCMPTYPE", "ZQUANTIZ", "ZDITHER0", "ZSIMPLE", "ZEXTEND", "ZBLANK",
            "BAYERPAT", "CFAIMAGE", "XBAYROFF", "YBAYROFF");

    private final Path target;
    private final Path temp;
    private final int width;
    private final int height;
    private final int channels;
    private final AlphaMode alpha;
    private final long dataOffset;
    private final long dataEnd;
    private final long alphaDataOffset;
    private final long fileSize;
    private final FileChannel ch;
    private final BitSet rowsDone = new BitSet();
    private final BitSet alphaDone = new BitSet();
    private boolean closed;

    /**
     * Creates {@code <target>.part} and writes the headers.
     *
     * @param keys cards to copy into the primary header (WCS, OBJECT, history …; may be null);
     *             structural keys are skipped
     */
    public FitsImageWriter(Path target, int width, int height, int channels, Header keys, AlphaMode alpha)
            throws IOException {
        this(target, width, height, channels, keys, alpha, 0);
    }

    /**
     * As {@link #FitsImageWriter(Path, int, int, int, Header, AlphaMode)}, with room in the primary
     * header for {@code spareCards} more cards, so that {@link #replaceHeader} of a header of up to
     * that many more cards fits in place whatever its length: the header is written with as many
     * blank cards (blank keyword: commentary) before END, so that it already takes the blocks the
     * longer one will take, and the data start where they will stay (FITS puts them right after
     * the block holding END: an unused block cannot be left empty). The blank cards are meant to be
     * replaced before {@link #close()}; 0: the header of the keys alone.
     */
    public FitsImageWriter(Path target, int width, int height, int channels, Header keys, AlphaMode alpha, int spareCards)
            throws IOException {
        if (spareCards < 0) throw new IllegalArgumentException("spare header cards < 0: " + spareCards);
        if (width <= 0 || height <= 0 || channels <= 0)
            throw new IllegalArgumentException("bad image shape " + width + "x" + height + "x" + channels);
        this.target = target;
        this.temp = target.resolveSibling(target.getFileName() + ".part");
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.alpha = alpha == null ? AlphaMode.NONE : alpha;

        byte[] primary = primaryHeader(target, width, height, channels, keys, spareCards);
        this.dataOffset = primary.length;
        this.dataEnd = dataOffset + 4L * width * height * channels;
        long alphaHeaderOffset = FitsStructure.padded(dataEnd);
        byte[] alphaHeader = this.alpha == AlphaMode.NONE ? new byte[0] : alphaHeader();
        this.alphaDataOffset = alphaHeaderOffset + alphaHeader.length;
        this.fileSize = this.alpha == AlphaMode.NONE ? alphaHeaderOffset
                : FitsStructure.padded(alphaDataOffset + (long) width * height);

        Files.deleteIfExists(temp);
        this.ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ, StandardOpenOption.SPARSE);
        try {
            writeFully(ByteBuffer.wrap(primary), 0);
            if (alphaHeader.length > 0) {
                writeFully(ByteBuffer.allocate((int) (alphaHeaderOffset - dataEnd)), dataEnd); // zero padding
                writeFully(ByteBuffer.wrap(alphaHeader), alphaHeaderOffset);
            }
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    public Path target() { return target; }

    /** The temporary file the data go to until {@link #close()}. */
    public Path tempFile() { return temp; }

    /** Writes rows {@code [y0, y0 + rows)}: {@code src[c][(y − y0)·width + x]}. Thread-safe. */
    @Override
    public void writeRows(int y0, int rows, float[][] src) throws IOException {
        checkBand(y0, rows);
        if (src.length < channels) throw new IllegalArgumentException("band has " + src.length + " channels, image " + channels);
        int n = rows * width;
        boolean zeroNaN = alpha != AlphaMode.NONE;
        // Chunks through this thread's direct buffer: a bulk put (big-endian) and no copy of a
        // heap buffer into the channel's own direct one; the bytes are those of putFloat.
        Chunk chunk = chunkBuffer(n);
        ByteBuffer buf = chunk.buffer;
        FloatBuffer fb = buf.asFloatBuffer();
        float[] zeroed = chunk.floats;
        for (int c = 0; c < channels; c++) {
            float[] p = src[c];
            long pos = dataOffset + ((long) c * height + y0) * width * 4L;
            for (int i0 = 0; i0 < n; ) {
                int k = Math.min(n - i0, fb.capacity());
                fb.clear();
                if (zeroNaN) {
                    zeroNonFinite(p, i0, zeroed, k);
                    fb.put(zeroed, 0, k);
                } else {
                    fb.put(p, i0, k);
                }
                buf.position(0).limit(k * 4);
                writeFully(buf, pos + i0 * 4L);
                i0 += k;
            }
        }
        if (alpha == AlphaMode.FROM_NAN) {
            byte[] a = chunk.bytes;
            for (int i0 = 0; i0 < n; ) {
                int k = Math.min(n - i0, a.length);
                alphaFromFinite(src, channels, i0, a, k);
                buf.clear();
                buf.put(a, 0, k).flip();
                writeFully(buf, alphaDataOffset + (long) y0 * width + i0);
                i0 += k;
            }
            mark(alphaDone, y0, rows);
        }
        mark(rowsDone, y0, rows);
    }

    /**
     * The temporary file as written so far, read back as {@link FitsFrame} reads the finished file:
     * where ALPHA is 0 every channel is NaN, −0 reads +0 (a row not written yet reads as 0). With
     * {@link #replaceHeader} it lets a last pass over the whole image (the final background
     * extraction) rewrite the data in place before {@link #close()}, instead of reading the
     * finished file back and writing a second one. Thread-safe (positional reads).
     */
    public RowSource readBack() {
        return new RowSource() {
            @Override public int width() { return width; }
            @Override public int height() { return height; }
            @Override public int channels() { return channels; }
            @Override public String name() { return target.getFileName().toString(); }

            @Override public void readRows(int y0, int rows, float[][] dst) throws IOException {
                checkBand(y0, rows);
                int n = rows * width;
                Chunk chunk = chunkBuffer(n);
                ByteBuffer buf = chunk.buffer;
                FloatBuffer fb = buf.asFloatBuffer();
                for (int c = 0; c < channels; c++) {
                    long pos = dataOffset + ((long) c * height + y0) * width * 4L;
                    for (int i0 = 0; i0 < n; ) {
                        int k = Math.min(n - i0, fb.capacity());
                        buf.position(0).limit(k * 4);
                        readFully(buf, pos + i0 * 4L);
                        fb.clear();
                        fb.get(dst[c], i0, k);
                        asFitsFrameReads(dst[c], i0, i0 + k);
                        i0 += k;
                    }
                }
                if (alpha == AlphaMode.NONE) return;
                byte[] a = chunk.bytes;
                for (int i0 = 0; i0 < n; ) {
                    int k = Math.min(n - i0, a.length);
                    buf.position(0).limit(k);
                    readFully(buf, alphaDataOffset + (long) y0 * width + i0);
                    buf.flip();
                    buf.get(a, 0, k);
                    nanWhereAlphaZero(a, k, dst, channels, i0);
                    i0 += k;
                }
            }
        };
    }

    /**
     * Replaces the cards of the primary header by those {@code keys} give (as the constructor
     * writes them) when the new header takes as many 2880-byte blocks as the old one (with its
     * spare cards, if the writer was made with some), so that no data moves. Returns false,
     * leaving the file as it is, when it would not fit.
     */
    public boolean replaceHeader(Header keys) throws IOException {
        byte[] primary = primaryHeader(keys);
        if (primary.length != dataOffset) return false;
        checkBand(0, 0); // not closed
        writeFully(ByteBuffer.wrap(primary), 0);
        return true;
    }

    // The loops over a chunk's pixels are small methods of their own, so that the JIT compiles each
    // once, quickly, instead of a large method again and again on the stack (on-stack replacement).

    /** out[i] = p[from + i], or 0 where that is not finite (ALPHA says so). */
    private static void zeroNonFinite(float[] p, int from, float[] out, int k) {
        for (int i = 0; i < k; i++) {
            float v = p[from + i];
            out[i] = Float.isFinite(v) ? v : 0f;
        }
    }

    /** a[i] = 255 where every channel of pixel from + i is finite, else 0. */
    private static void alphaFromFinite(float[][] src, int channels, int from, byte[] a, int k) {
        for (int i = 0; i < k; i++) {
            boolean ok = true;
            for (int c = 0; c < channels && ok; c++) ok = Float.isFinite(src[c][from + i]);
            a[i] = ok ? (byte) 255 : 0;
        }
    }

    /** FitsFrame's rule for float data: non-finite reads NaN, −0 reads +0 (0 + 1 · v). */
    private static void asFitsFrameReads(float[] d, int from, int to) {
        for (int i = from; i < to; i++) {
            float f = d[i];
            d[i] = Float.isFinite(f) ? f + 0f : Float.NaN;
        }
    }

    /** Every channel NaN where ALPHA is 0. */
    private static void nanWhereAlphaZero(byte[] a, int k, float[][] dst, int channels, int from) {
        for (int i = 0; i < k; i++)
            if (a[i] == 0) for (int c = 0; c < channels; c++) dst[c][from + i] = Float.NaN;
    }

    /** Writes the validity of rows {@code [y0, y0 + rows)} as values in [0, 1] (only in EXPLICIT mode). */
    public void writeAlpha(int y0, int rows, float[] alpha01) throws IOException {
        if (alpha != AlphaMode.EXPLICIT) throw new IllegalStateException("writeAlpha needs AlphaMode.EXPLICIT, writer has " + alpha);
        checkBand(y0, rows);
        int n = rows * width;
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
            float v = alpha01[i];
            a[i] = v > 0 ? (byte) Math.round(Math.min(v, 1f) * 255f) : 0; // NaN → 0
        }
        writeFully(ByteBuffer.wrap(a), alphaDataOffset + (long) y0 * width);
        mark(alphaDone, y0, rows);
    }

    private synchronized void mark(BitSet set, int y0, int rows) {
        if (closed) throw new IllegalStateException(target.getFileName() + ": writer is closed");
        set.set(y0, y0 + rows);
    }

    private void checkBand(int y0, int rows) {
        if (y0 < 0 || rows < 0 || y0 + rows > height)
            throw new IndexOutOfBoundsException(target.getFileName() + ": rows [" + y0 + ", " + (y0 + rows)
                    + ") outside 0.." + height);
        synchronized (this) {
            if (closed) throw new IllegalStateException(target.getFileName() + ": writer is closed");
        }
    }

    /**
     * Pads, checks that every row was written, and renames the temporary file onto the target.
     * When rows are missing the temporary file is deleted and an IOException names the target.
     */
    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        try {
            String missing = missing(rowsDone, "rows");
            if (missing == null && alpha != AlphaMode.NONE) missing = missing(alphaDone, "ALPHA rows");
            if (missing != null) throw new IOException(target + ": incomplete image, " + missing);
            long padFrom = alpha == AlphaMode.NONE ? dataEnd : alphaDataOffset + (long) width * height;
            writeFully(ByteBuffer.allocate((int) (fileSize - padFrom)), padFrom);
            ch.force(false);
            ch.close();
            AtomicFiles.move(temp, target); // forced above
            LOG.fine(() -> "wrote " + target + " (" + width + "x" + height + "x" + channels + ", alpha " + alpha + ")");
        } catch (IOException | RuntimeException e) {
            discard();
            throw e;
        }
    }

    /** Gives up: deletes the temporary file; the target is left untouched. */
    public void abort() {
        synchronized (this) {
            closed = true;
        }
        discard();
    }

    private void discard() {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing " + temp, e);
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warning("could not delete temporary file " + temp + ": " + e.getMessage());
        }
    }

    private String missing(BitSet done, String what) {
        int first = done.nextClearBit(0);
        if (first >= height) return null;
        int count = height - done.get(0, height).cardinality();
        return what + " not written: " + count + " of " + height + " (first missing row " + first + ")";
    }

    /**
     * This thread's buffers for pixels on their way to or from the file: 1 MiB direct (bulk
     * transfers, no copy into the channel's own direct buffer, no garbage per band), floats that
     * fill it, ALPHA bytes.
     */
    private record Chunk(ByteBuffer buffer, float[] floats, byte[] bytes) {}

    private static final int CHUNK_BYTES = 1 << 20;
    private static final ThreadLocal<Chunk> CHUNK = new ThreadLocal<>();

    /** This thread's chunk, for bands of {@code pixels} per channel: no larger than they need (a small job's RSS), at most 1 MiB. */
    private static Chunk chunkBuffer(int pixels) {
        int bytes = (int) Math.min(CHUNK_BYTES, 4L * Math.max(1, pixels));
        Chunk c = CHUNK.get();
        if (c == null || c.buffer.capacity() < bytes) {
            c = new Chunk(ByteBuffer.allocateDirect(bytes).order(ByteOrder.BIG_ENDIAN), new float[bytes / 4], new byte[bytes]);
            CHUNK.set(c);
        }
        c.buffer.clear();
        return c;
    }

    private void readFully(ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw new IOException(temp + ": unexpected end of file at byte " + pos);
            pos += n;
        }
    }

    private void writeFully(ByteBuffer b, long pos) throws IOException {
        try {
            while (b.hasRemaining()) pos += ch.write(b, pos);
        } catch (IOException e) { // "No space left on device" names no file: name the output
            throw new IOException(target + ": cannot write: " + UserMessages.problemWith(e), e);
        }
    }

    // ---- headers ----

    private byte[] primaryHeader(Header keys) throws IOException {
        return primaryHeader(target, width, height, channels, keys, 0);
    }

    private static byte[] primaryHeader(Path target, int width, int height, int channels, Header keys, int spareCards)
            throws IOException {
        List<HeaderCard> cards = new ArrayList<>();
        try {
            cards.add(new HeaderCard("SIMPLE", true, "conforms to FITS standard"));
            cards.add(new HeaderCard("BITPIX", -32, "32-bit IEEE float"));
            cards.add(new HeaderCard("NAXIS", channels > 1 ? 3 : 2, "number of axes"));
            cards.add(new HeaderCard("NAXIS1", width, "width"));
            cards.add(new HeaderCard("NAXIS2", height, "height"));
            if (channels > 1) cards.add(new HeaderCard("NAXIS3", channels, "channels"));
            cards.add(new HeaderCard("EXTEND", true, "extensions may follow"));
        } catch (HeaderCardException e) {
            throw new IOException(target + ": cannot build header: " + e.getMessage(), e);
        }
        if (keys != null) {
            Cursor<String, HeaderCard> it = keys.iterator();
            while (it.hasNext()) {
                HeaderCard c = it.next();
                String k = c.getKey() == null ? "" : c.getKey().trim().toUpperCase(Locale.ROOT);
                if (STRUCTURAL.contains(k) || k.matches("NAXIS\\d+|ZNAXIS\\d*|ZTILE\\d+|ZNAME\\d+|ZVAL\\d+")) continue;
                if (c.isBlank()) continue;
                cards.add(c);
            }
        }
        declareLongStrings(target, cards);
        return serialize(target, cards, spareCards);
    }

    /**
     * A string value longer than one card (a long reference frame name in MT_REF) is written with
     * CONTINUE cards; the OGIP convention asks for a LONGSTRN card to announce them (fitsverify
     * warns without it). Added once, after the structural cards, only when a card needs it.
     */
    private static void declareLongStrings(Path target, List<HeaderCard> cards) throws IOException {
        boolean continued = false, declared = false;
        for (HeaderCard c : cards) {
            if ("LONGSTRN".equals(c.getKey())) declared = true;
            try {
                if (c.toString().length() > FitsStructure.CARD) continued = true;
            } catch (RuntimeException e) {
                // a card that cannot be written is dropped by serialize
            }
        }
        if (!continued || declared) return;
        int at = 0;
        while (at < cards.size() && (cards.get(at).getKey().startsWith("NAXIS") || List.of("SIMPLE", "BITPIX", "EXTEND")
                .contains(cards.get(at).getKey())))
            at++;
        try {
            cards.add(at, new HeaderCard("LONGSTRN", "OGIP 1.0", "long strings use the CONTINUE convention"));
        } catch (HeaderCardException e) {
            throw new IOException(target + ": cannot build header: " + e.getMessage(), e);
        }
    }

    private byte[] alphaHeader() throws IOException {
        try {
            List<HeaderCard> cards = List.of(
                    new HeaderCard("XTENSION", "IMAGE", "image extension"),
                    new HeaderCard("BITPIX", 8, "uint8"),
                    new HeaderCard("NAXIS", 2, "number of axes"),
                    new HeaderCard("NAXIS1", width, "width"),
                    new HeaderCard("NAXIS2", height, "height"),
                    new HeaderCard("PCOUNT", 0, "no parameters"),
                    new HeaderCard("GCOUNT", 1, "one group"),
                    new HeaderCard("EXTNAME", "ALPHA", "validity: 255 data, 0 no data"));
            return serialize(target, cards, 0);
        } catch (HeaderCardException e) {
            throw new IOException(target + ": cannot build ALPHA header: " + e.getMessage(), e);
        }
    }

    /**
     * Cards as 80-character records, {@code blanks} blank cards, END, space padding to 2880. A card
     * that cannot be written is dropped.
     */
    private static byte[] serialize(Path target, List<HeaderCard> cards, int blanks) {
        StringBuilder sb = new StringBuilder();
        for (HeaderCard c : cards) {
            String s;
            try {
                s = c.toString();
            } catch (RuntimeException e) {
                LOG.fine(() -> target.getFileName() + ": header card " + c.getKey() + " dropped: " + e.getMessage());
                continue;
            }
            if (s.length() % FitsStructure.CARD != 0) continue;
            sb.append(s);
        }
        sb.append(" ".repeat(blanks * FitsStructure.CARD));
        sb.append(String.format(Locale.ROOT, "%-80s", "END"));
        while (sb.length() % FitsStructure.BLOCK != 0) sb.append(' ');
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Gives the finished file {@code target}, written by this class for an image of this shape, the
     * primary header {@code keys} make (as the constructor writes them), however many 2880-byte
     * blocks it takes: through {@code <target>.part}, the header then the rest of the file — data,
     * extensions — copied byte for byte, renamed onto the target. For cards that do not fit in
     * place ({@link #replaceHeader}); a failure leaves the target as it was and no temporary file.
     */
    public static void replaceHeaderByCopy(Path target, int width, int height, int channels, Header keys) throws IOException {
        byte[] primary = primaryHeader(target, width, height, channels, keys, 0);
        Path temp = target.resolveSibling(target.getFileName() + ".part");
        try (FileChannel in = FileChannel.open(target, StandardOpenOption.READ)) {
            long from = FitsStructure.primaryHeaderLength(in, target), size = in.size();
            Files.deleteIfExists(temp);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer h = ByteBuffer.wrap(primary);
                while (h.hasRemaining()) out.write(h);
                for (long p = from; p < size; ) {
                    long n = in.transferTo(p, size - p, out);
                    if (n <= 0) throw new IOException(target + ": unexpected end of file at byte " + p);
                    p += n;
                }
                out.force(false);
            } catch (IOException | RuntimeException | Error e) {
                Files.deleteIfExists(temp);
                if (e instanceof IOException io && !(io instanceof java.io.InterruptedIOException))
                    throw new IOException(target + ": cannot write: " + UserMessages.problemWith(io), io);
                throw e;
            }
        }
        AtomicFiles.move(temp, target); // forced above
    }

    // ---- convenience ----

    /** Writes a whole image (e.g. a {@link org.tessera.image.FloatImage}) band by band. */
    public static void write(Path target, RowSource image, Header keys, AlphaMode alpha) throws IOException {
        if (alpha == AlphaMode.EXPLICIT) throw new IllegalArgumentException("EXPLICIT alpha needs an alpha source");
        write(target, image, null, keys, alpha);
    }

    /** Writes a whole image with an explicit validity image ({@code alpha01}: one channel in [0, 1]). */
    public static void write(Path target, RowSource image, RowSource alpha01, Header keys) throws IOException {
        write(target, image, alpha01, keys, AlphaMode.EXPLICIT);
    }

    private static void write(Path target, RowSource image, RowSource alpha01, Header keys, AlphaMode mode)
            throws IOException {
        int w = image.width(), h = image.height();
        if (alpha01 != null && (alpha01.width() != w || alpha01.height() != h))
            throw new IllegalArgumentException("alpha is " + alpha01.width() + "x" + alpha01.height() + ", image " + w + "x" + h);
        int band = (int) Math.max(1, Math.min(h, (8L << 20) / (4L * w * image.channels())));
        FitsImageWriter out = new FitsImageWriter(target, w, h, image.channels(), keys, mode);
        try {
            float[][] buf = image.newBand(band);
            float[][] abuf = alpha01 == null ? null : alpha01.newBand(band);
            for (int y = 0; y < h; y += band) {
                int n = Math.min(band, h - y);
                image.readRows(y, n, buf);
                out.writeRows(y, n, buf);
                if (abuf != null) {
                    alpha01.readRows(y, n, abuf);
                    out.writeAlpha(y, n, abuf[0]);
                }
            }
            out.close();
        } catch (IOException | RuntimeException | Error e) { // out of memory too: no temporary file left behind
            out.abort();
            throw e;
        }
    }
}
