package org.tessera.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.util.Cursor;

import org.tessera.image.AllFinite;
import org.tessera.image.RowSource;
import org.tessera.image.StableRows;
import org.tessera.image.ThreadFloats;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsException;

/**
 * A FITS image on disk seen as a {@link Frame}.
 * <p>
 * {@link #open} reads the headers only and keeps no file handle: a pipeline can hold thousands of
 * frames. Each {@link #readRows} call opens the file, reads just the rows it needs with positional
 * reads (rows are contiguous in a FITS data section) and closes it again, so calls from several
 * threads are independent.
 * <p>
 * Pixels are physical values ({@code BZERO + BSCALE · stored}); BLANK, non-finite values and pixels
 * whose {@code ALPHA} extension value is 0 read as NaN. Channels: 1 for a mono frame, 3 for a colour
 * cube (NAXIS3 = 3, planes R, G, B) or a Bayer frame (demosaiced on the fly, {@link Debayer}). A 2-D frame
 * is Bayer when its header has {@code BAYERPAT} or {@code CFAIMAGE} naming a pattern, or when it is a
 * Seestar frame (then GRBG unless a key says otherwise).
 */
public final class FitsFrame implements Frame, AllFinite, StableRows {

    private enum Layout { MONO, CUBE, BAYER }

    /** Values of BAYERPAT / CFAIMAGE that say "no colour filter". */
    private static final Set<String> NO_CFA = Set.of("", "NONE", "MONO", "F", "FALSE", "0");

    /** Bytes read per positional read: bounds the temporary buffer of a band. */
    private static final int CHUNK_BYTES = 8 << 20;
    private static final ThreadLocal<ByteBuffer> READ_BUFFER = new ThreadLocal<>();

    private final Path path;
    /** True for a compressed file (.fits.gz, .fz): rows are read from its {@link DecompressedCopies} copy. */
    private final boolean compressed;
    private final String name;
    private final byte[] headerCards;
    private final Map<String, String> keys;
    private final int width;
    private final int height;
    private final Layout layout;
    private final BayerPattern bayer;
    private final PixelCodec codec;
    private final long dataOffset;
    private final long alphaOffset;
    private final Wcs wcs;
    private final String wcsProblem;
    private final MountMode mount;
    private final double exposure;
    private final List<String> notes;
    private final boolean seestar;
    private final boolean primaryImage;
    /** How the pixels are read: Phase 1 hot-pixel correction ({@link HotPixels}), a Bayer frame's demosaic. */
    private final FrameReading reading;
    /** The hot-pixel corrections found by an earlier read, shared by the copies with the same hot-pixel setting. */
    private final HotPixelMemo hotMemo;

    /** The same file with another WCS or reading (headers are shared, not re-read). */
    private FitsFrame(FitsFrame o, Wcs wcs, String wcsProblem, FrameReading reading) {
        this.path = o.path;
        this.compressed = o.compressed;
        this.name = o.name;
        this.headerCards = o.headerCards;
        this.keys = o.keys;
        this.width = o.width;
        this.height = o.height;
        this.layout = o.layout;
        this.bayer = o.bayer;
        this.codec = o.codec;
        this.dataOffset = o.dataOffset;
        this.alphaOffset = o.alphaOffset;
        this.wcs = wcs;
        this.wcsProblem = wcsProblem;
        this.mount = o.mount;
        this.exposure = o.exposure;
        this.seestar = o.seestar;
        this.primaryImage = o.primaryImage;
        this.notes = o.notes;
        this.reading = reading;
        // the fixes are found on the raw planes, before any demosaic: only the hot-pixel switch matters
        this.hotMemo = reading.hotPixels() == o.reading.hotPixels() ? o.hotMemo : new HotPixelMemo();
    }

    private FitsFrame(Path path, boolean compressed, FitsStructure.Hdu primary, FitsStructure.Hdu image,
                      FitsStructure.Hdu alpha) throws FitsReadException {
        this.path = path;
        this.compressed = compressed;
        this.name = path.getFileName().toString();
        this.headerCards = image.cards();
        this.primaryImage = primary == image;
        Header h = image.header();

        Map<String, String> k = new LinkedHashMap<>();
        if (primary != image) putKeys(primary.header(), k); // extension inherits the primary's keys
        putKeys(h, k);
        this.keys = Collections.unmodifiableMap(k);

        if (!PixelCodec.supported(image.bitpix()))
            throw new FitsReadException(path, "unsupported BITPIX=" + image.bitpix()
                    + " (supported: 8, 16, 32, 64, -32, -64)");
        Long blank = h.containsKey("BLANK") ? h.getLongValue("BLANK") : null;
        this.codec = new PixelCodec(image.bitpix(), h.getDoubleValue("BZERO", 0.0), h.getDoubleValue("BSCALE", 1.0), blank);

        long[] ax = image.axes();
        int n = image.effectiveAxes();
        if (n > 3 || n == 3 && ax[2] != 3)
            throw new FitsReadException(path, "unsupported image shape " + shape(ax)
                    + " (need 2-D, or 3-D with NAXIS3 = 3 colour planes)");
        if (ax[0] < 1 || ax[1] < 1 || ax[0] > (1 << 26) || ax[1] > Integer.MAX_VALUE)
            throw new FitsReadException(path, "unsupported image size " + shape(ax));
        this.width = (int) ax[0];
        this.height = (int) ax[1];
        this.dataOffset = image.dataOffset();

        String ins = keys.getOrDefault("INSTRUME", "") + " | " + keys.getOrDefault("CREATOR", "");
        String low = ins.toLowerCase(Locale.ROOT);
        this.seestar = low.contains("seestar") || low.contains("s30") || low.contains("s50");

        if (n == 3) {
            this.layout = Layout.CUBE;
            this.bayer = null;
        } else {
            this.bayer = bayerPattern(path, keys, seestar);
            this.layout = bayer == null ? Layout.MONO : Layout.BAYER;
        }

        if (alpha != null) {
            long[] a = alpha.axes();
            if (alpha.bitpix() != 8 || alpha.effectiveAxes() != 2 || a[0] != width || a[1] != height)
                throw new FitsReadException(path, "ALPHA extension must be a uint8 image of " + width + "x" + height
                        + ", found BITPIX=" + alpha.bitpix() + " " + shape(a));
            this.alphaOffset = alpha.dataOffset();
        } else {
            this.alphaOffset = -1;
        }

        Wcs w = null;
        String problem = null;
        try {
            w = Wcs.fromHeader(h);
        } catch (WcsException | RuntimeException e) {
            problem = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        this.wcs = w;
        this.wcsProblem = problem;
        this.mount = MountMode.fromKeys(keys);
        String expKey = exposureKey(keys);
        double minutes = exposureInMinutes(expKey, h, primary == image ? null : primary.header());
        this.exposure = (expKey == null ? 1.0 : parseDouble(keys.get(expKey), Double.NaN)) * minutes;
        String expNote = exposureNote(keys, exposure);
        String minNote = minutes == 1 ? null : String.format(Locale.ROOT, "%s=%s is in minutes (its comment says so): "
                + "exposure taken as %s s", expKey, keys.get(expKey), Double.toString(exposure));
        this.notes = java.util.stream.Stream.of(textNote(primary, image, alpha), expNote, minNote)
                .filter(java.util.Objects::nonNull).toList();
        this.reading = FrameReading.AS_STORED;
        this.hotMemo = new HotPixelMemo();
    }

    /**
     * One note for the headers a frame is read from that held bytes outside ASCII (read as '?'),
     * each header named when it is not the primary one; null when they held none.
     */
    private static String textNote(FitsStructure.Hdu primary, FitsStructure.Hdu image, FitsStructure.Hdu alpha) {
        List<String> parts = new java.util.ArrayList<>();
        for (FitsStructure.Hdu h : new FitsStructure.Hdu[] {primary, image == primary ? null : image, alpha})
            if (h != null && h.textNote() != null)
                parts.add(h.index() == 0 ? h.textNote() : "header of HDU " + h.index() + ": " + h.textNote());
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /**
     * The same file placed on the sky by {@code wcs}, for a frame whose header has none (the file
     * itself is never modified: raw inputs stay as the telescope wrote them).
     */
    public FitsFrame withWcs(Wcs wcs) {
        if (wcs == null) throw new IllegalArgumentException(name + ": no WCS given");
        return new FitsFrame(this, wcs, null, reading);
    }

    /** True when the image is the primary HDU (an external solver reads such a file as it is). */
    public boolean imageInPrimaryHdu() { return primaryImage; }

    /**
     * This frame read as {@code r} says: Phase 1 hot-pixel correction on or off ({@link HotPixels}: a
     * Bayer frame's raw CFA rows before demosaicing, other frames each channel of the rows read, with
     * the rows of context read around the band), and a Bayer frame demosaiced by the gradient-corrected
     * filters ({@link Debayer#demosaic}) or the original's bilinear rule ({@link Debayer#bilinear}; no
     * effect on mono frames and cubes). Frames from {@link #open} are read {@link FrameReading#AS_STORED};
     * {@link FrameScanner#scanFrames} reads raw input frames as the run's config says; registration
     * detects stars on {@link FrameReading#STAR_DETECTION} pixels.
     */
    public FitsFrame withReading(FrameReading r) {
        if (r == null) throw new IllegalArgumentException(name + ": no frame reading given");
        return r.equals(reading) ? this : new FitsFrame(this, wcs, wcsProblem, r);
    }

    /** How the pixels are read (hot-pixel correction, demosaic). */
    public FrameReading reading() { return reading; }

    /**
     * Reads the headers of a FITS file. Throws a {@link FitsReadException} ("name: problem") for a
     * file that is not FITS, is truncated, has no usable image HDU or an unsupported pixel type. A
     * compressed file (gzip'ed, or a tile-compressed image: .fits.gz, .fz) is read from its
     * decompressed copy ({@link DecompressedCopies}), made here; the frame keeps the file's own
     * path and name.
     */
    public static FitsFrame open(Path file) throws FitsReadException {
        Read r = read(file);
        return new FitsFrame(file, r.compressed, r.used[0], r.used[1], r.used[2]);
    }

    /** The HDUs a frame is read from, and whether they are those of the file's decompressed copy. */
    private record Read(FitsStructure.Hdu[] used, boolean compressed) {}

    private static Read read(Path file) throws FitsReadException {
        List<FitsStructure.Hdu> hdus;
        try {
            hdus = FitsStructure.read(file);
        } catch (FitsStructure.Gzipped e) {
            return new Read(used(file, FitsStructure.read(copyOf(file), file)), true);
        }
        if (hdus.stream().anyMatch(CompressedFits::tiled) && image(hdus) == null)
            return new Read(used(file, FitsStructure.read(copyOf(file), file)), true);
        return new Read(used(file, hdus), false);
    }

    /**
     * What {@link #open} needs from a file's headers, detached from the file so that it can be read
     * on one machine and the frame built on another ({@link #open(Path, Headers)}): the non-blank
     * cards of the primary HDU, of the image HDU and of an ALPHA extension, with their HDU index and
     * data offset (a few kB per frame). The file's structure (truncation, sizes) was checked where
     * the headers were read.
     *
     * @param imageIndex 0 when the image is the primary HDU ({@code image} then null)
     * @param alphaIndex -1 without an ALPHA extension
     * @param compressed the file is compressed: the cards and offsets are those of its decompressed
     *                   copy, which the machine that reads its pixels makes again (the same bytes)
     */
    public record Headers(byte[] primary, long primaryData, int imageIndex, byte[] image, long imageData,
                          int alphaIndex, byte[] alpha, long alphaData, boolean compressed) implements java.io.Serializable {
        private static final long serialVersionUID = 2L;
    }

    /** Reads the headers {@link #open} uses (same checks, same exceptions), without building the frame. */
    public static Headers readHeaders(Path file) throws FitsReadException {
        Read r = read(file);
        FitsStructure.Hdu[] u = r.used;
        boolean inPrimary = u[1] == u[0];
        return new Headers(u[0].cards(), u[0].dataOffset(), inPrimary ? 0 : u[1].index(), inPrimary ? null : u[1].cards(),
                u[1].dataOffset(), u[2] == null ? -1 : u[2].index(), u[2] == null ? null : u[2].cards(),
                u[2] == null ? 0 : u[2].dataOffset(), r.compressed);
    }

    /**
     * The frame of {@code file} built from headers read elsewhere ({@link #readHeaders}, e.g. on a
     * cluster's executor): the same frame {@link #open} gives, without reading the file; its pixels
     * are read from {@code file} when asked for.
     */
    public static FitsFrame open(Path file, Headers h) throws FitsReadException {
        FitsStructure.Hdu primary = FitsStructure.reparse(file, 0, h.primary(), h.primaryData());
        FitsStructure.Hdu image = h.imageIndex() == 0 ? primary : FitsStructure.reparse(file, h.imageIndex(), h.image(), h.imageData());
        FitsStructure.Hdu alpha = h.alphaIndex() < 0 ? null : FitsStructure.reparse(file, h.alphaIndex(), h.alpha(), h.alphaData());
        return new FitsFrame(file, h.compressed(), primary, image, alpha);
    }

    /**
     * The file that holds this frame's FITS bytes as {@link #open} read them: the file itself, or
     * for a compressed file its decompressed copy (made again if a run's end deleted it). For a
     * program that reads the image itself (a plate solver); names shown to a user stay {@link #path()}.
     */
    public Path readableFile() throws IOException {
        return compressed ? copyOf(path) : path;
    }

    /** The decompressed copy of a file found compressed ({@link DecompressedCopies}). */
    private static Path copyOf(Path file) throws FitsReadException {
        Path copy = DecompressedCopies.of(file);
        if (copy == null) throw new FitsReadException(file, "is no longer compressed: the file changed while Tessera read it");
        return copy;
    }

    /** True for a gzip'ed or tile-compressed file, read through its decompressed copy. */
    public boolean compressed() { return compressed; }

    /** The primary HDU, the image HDU and the ALPHA extension (or null) that a frame is read from. */
    private static FitsStructure.Hdu[] used(Path file, List<FitsStructure.Hdu> hdus) throws FitsReadException {
        FitsStructure.Hdu image = image(hdus), alpha = null;
        for (FitsStructure.Hdu h : hdus.subList(1, hdus.size()))
            if (h.isImage() && h.axes().length >= 2 && h.dataBytes() > 0 && "ALPHA".equals(h.extname())) {
                alpha = h;
                break;
            }
        if (image == null)
            throw new FitsReadException(file, "no image HDU (the primary HDU has no 2-D data and there is no IMAGE extension)");
        return new FitsStructure.Hdu[] {hdus.get(0), image, alpha};
    }

    /**
     * The image HDU: the primary when it has ≥ 2 axes and data, else the first IMAGE extension,
     * preferring EXTNAME SCI or IMAGE (never ALPHA); null when there is none.
     */
    private static FitsStructure.Hdu image(List<FitsStructure.Hdu> hdus) {
        FitsStructure.Hdu primary = hdus.get(0);
        if (primary.axes().length >= 2 && primary.dataBytes() > 0) return primary;
        FitsStructure.Hdu firstExt = null, namedExt = null;
        for (FitsStructure.Hdu h : hdus.subList(1, hdus.size())) {
            if (!h.isImage() || h.axes().length < 2 || h.dataBytes() == 0 || "ALPHA".equals(h.extname())) continue;
            if (firstExt == null) firstExt = h;
            if (namedExt == null && ("SCI".equals(h.extname()) || "IMAGE".equals(h.extname()))) namedExt = h;
        }
        return namedExt != null ? namedExt : firstExt;
    }

    private static BayerPattern bayerPattern(Path file, Map<String, String> keys, boolean seestar)
            throws FitsReadException {
        String key = keys.containsKey("BAYERPAT") ? "BAYERPAT" : keys.containsKey("CFAIMAGE") ? "CFAIMAGE" : null;
        BayerPattern p;
        if (key != null) {
            String v = keys.get(key);
            p = BayerPattern.parse(v);
            if (p == null) {
                if (NO_CFA.contains(v.trim().toUpperCase(Locale.ROOT))) return null;
                throw new FitsReadException(file, "unsupported Bayer pattern " + key + "='" + v.trim()
                        + "' (supported: RGGB, BGGR, GRBG, GBRG)");
            }
        } else if (seestar) {
            p = BayerPattern.GRBG;
        } else {
            return null;
        }
        // Siril / N.I.N.A. record a crop of the sensor as a pattern offset.
        int dx = (int) parseDouble(keys.get("XBAYROFF"), 0), dy = (int) parseDouble(keys.get("YBAYROFF"), 0);
        return p.shifted(dx, dy);
    }

    /** The card the exposure is taken from (the first of EXPTIME, EXPOSURE with a number &gt; 0), or null. */
    private static String exposureKey(Map<String, String> keys) {
        for (String k : new String[] {"EXPTIME", "EXPOSURE"}) {
            double v = parseDouble(keys.get(k), Double.NaN);
            if (v > 0 && Double.isFinite(v)) return k;
        }
        return null;
    }

    /**
     * 60 when the comment of the exposure card {@code k} gives its unit as minutes, else 1. Photographic survey
     * plates (the DSS: {@code EXPOSURE = 4.0 / Exposure time minutes}) count in minutes; read as
     * seconds, a plate's exposure, and so its EXPTOTAL, would be 60 times too short.
     */
    private static double exposureInMinutes(String k, Header h, Header primaryOrNull) {
        if (k == null) return 1;
        HeaderCard c = h.findCard(k);
        if (c == null && primaryOrNull != null) c = primaryOrNull.findCard(k);
        String comment = c == null || c.getComment() == null ? "" : c.getComment().toLowerCase(Locale.ROOT);
        return comment.matches(".*\\bmin(ute)?s?\\b.*") && !comment.contains("sec") ? 60 : 1;
    }

    /** Why the header's exposure was not used (EXPTIME present but not a number of seconds &gt; 0), or null. */
    private static String exposureNote(Map<String, String> keys, double used) {
        for (String k : new String[] {"EXPTIME", "EXPOSURE"}) {
            String raw = keys.get(k);
            if (raw == null) continue;
            double v = parseDouble(raw, Double.NaN);
            if (v > 0 && Double.isFinite(v)) return null;
            return String.format(Locale.ROOT, "%s='%s' is not a number of seconds > 0: exposure taken as %s s "
                    + "(it counts in the master tile's EXPTOTAL and DATE-AVG)", k, raw, used == 1.0 ? "1" : Double.toString(used));
        }
        return null;
    }

    /**
     * Header values Tessera could not use and what it did instead (one sentence each); empty for a
     * clean header. {@link FrameScanner} logs them with the file name.
     */
    public List<String> notes() { return notes; }

    private static double parseDouble(String s, double fallback) {
        if (s == null) return fallback;
        try {
            return Double.parseDouble(s.trim().replace('D', 'E'));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static void putKeys(Header h, Map<String, String> into) {
        Cursor<String, HeaderCard> it = h.iterator();
        while (it.hasNext()) {
            HeaderCard c = it.next();
            if (c.getKey() == null || c.isCommentStyleCard() || !c.isKeyValuePair()) continue;
            String v = c.getValue();
            if (v == null) continue;
            into.put(keyName(c.getKey()), v.trim());
        }
    }

    /**
     * Upper-case key name; a long HIERARCH key (astropy writes keys longer than 8 characters such as
     * MOUNT_MODE that way, nom-tam names them "HIERARCH.A.B") is given as written after HIERARCH: "A B".
     */
    static String keyName(String key) {
        String k = key.trim().toUpperCase(Locale.ROOT);
        if (k.startsWith("HIERARCH.")) k = k.substring(9).replace('.', ' ');
        return k;
    }

    private static String shape(long[] ax) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ax.length; i++) b.append(i == 0 ? "" : "x").append(ax[i]);
        return ax.length == 0 ? "(no axes)" : b.toString();
    }

    // ---- Frame ----

    @Override public String name() { return name; }

    public Path path() { return path; }

    @Override public int width() { return width; }

    @Override public int height() { return height; }

    @Override public int channels() { return layout == Layout.MONO ? 1 : 3; }

    /** The celestial WCS; throws {@link IllegalStateException} naming the problem when the header has none. */
    @Override
    public Wcs wcs() {
        if (wcs == null) throw new IllegalStateException(name + ": no usable WCS: " + wcsProblem);
        return wcs;
    }

    public boolean hasWcs() { return wcs != null; }

    /** Why the header holds no usable WCS, or null when it does. */
    public String wcsProblem() { return wcsProblem; }

    /**
     * Why the WCS the header has cards for is not usable (a projection CTYPE given, the rest wrong:
     * an unknown projection, a value that is no number, a singular CD matrix), or null when the WCS is
     * usable or the header has no CTYPE card at all (a raw frame). Such a frame is placed as a raw
     * frame is; this says why its own WCS was not taken.
     */
    public String brokenWcs() {
        return wcs == null && (keys.containsKey("CTYPE1") || keys.containsKey("CTYPE2")) ? wcsProblem : null;
    }

    @Override public MountMode mountMode() { return mount; }

    @Override public double exposureSeconds() { return exposure; }

    @Override public Map<String, String> keys() { return keys; }

    /** A fresh copy of the image HDU's header (callers may modify it). */
    public Header header() { return FitsStructure.headerOf(headerCards); }

    /** INSTRUME or CREATOR contains "seestar", "s30" or "s50" (case-insensitive). */
    public boolean seestar() { return seestar; }

    /** The CFA pattern a 2-D frame was demosaiced with, or null for a mono frame or a cube. */
    public BayerPattern bayerPattern() { return bayer; }

    public int bitpix() { return codec.bitpix; }

    public boolean hasAlpha() { return alphaOffset >= 0; }

    /**
     * True for an integer image without BLANK and without an ALPHA extension whose values all scale
     * to finite floats: no pixel can read as NaN (a demosaiced value is a weighted sum of finite
     * neighbours, or their mean near the border, and they exist on every side once the image is at
     * least 2×2).
     */
    @Override
    public boolean allFinite() {
        return alphaOffset < 0 && codec.allFinite() && (layout != Layout.BAYER || width > 1 && height > 1);
    }

    @Override
    public String toString() { return name; }

    // ---- pixels ----

    /**
     * Whether this frame's image data (the stored values, every plane) are byte for byte
     * {@code other}'s, headers aside; read in chunks, so two frames that differ cost a chunk each.
     */
    boolean samePixelBytes(FitsFrame other) throws IOException {
        if (other.codec.bytesPerValue() != codec.bytesPerValue() || other.width != width || other.height != height
                || other.layout != layout) return false;
        long n = (long) width * height * (layout == Layout.CUBE ? 3 : 1) * codec.bytesPerValue();
        try (FileChannel a = FileChannel.open(readableFile(), StandardOpenOption.READ);
             FileChannel b = FileChannel.open(other.readableFile(), StandardOpenOption.READ)) {
            ByteBuffer x = ByteBuffer.allocate((int) Math.min(n, 1 << 20)), y = ByteBuffer.allocate(x.capacity());
            for (long done = 0; done < n; ) {
                int len = (int) Math.min(x.capacity(), n - done);
                x.clear().limit(len);
                y.clear().limit(len);
                readFully(a, x, dataOffset + done);
                readFully(b, y, other.dataOffset + done);
                if (!x.flip().equals(y.flip())) return false;
                done += len;
            }
        }
        return true;
    }

    @Override
    public void readRows(int y0, int rows, float[][] dst) throws IOException {
        checkBand(y0, rows);
        try (FileChannel ch = FileChannel.open(readableFile(), StandardOpenOption.READ)) {
            HotPixelMemo.Fixes fixes = reading.hotPixels() && rows > 0 && layout != Layout.BAYER ? hotFixes(ch) : null;
            if (fixes != null) {
                readBand(ch, y0, rows, dst);
                for (int c = 0; c < dst.length && c < fixes.index().length; c++) fixes.apply(c, width, y0, rows, dst[c], 0);
            } else if (reading.hotPixels() && rows > 0 && layout != Layout.BAYER) {
                int ctx = HotPixels.context(1);
                int e0 = Math.max(0, y0 - ctx), e1 = Math.min(height, y0 + rows + ctx);
                float[][] ext = newBand(e1 - e0);
                readBand(ch, e0, e1 - e0, ext);
                for (int c = 0; c < ext.length; c++)
                    HotPixels.correct(ext[c], width, height, e0, e1 - e0, y0, rows, dst[c], 1, codec.smallIntegers());
            } else {
                readBand(ch, y0, rows, dst);
            }
            if (alphaOffset >= 0) {
                byte[] a = readAlphaBytes(ch, y0, rows);
                int n = rows * width, nc = channels();
                for (int i = 0; i < n; i++)
                    if (a[i] == 0) for (int c = 0; c < nc; c++) dst[c][i] = Float.NaN;
            }
        } catch (IOException e) {
            // the reason in words: a NoSuchFileException's message is the bare path ("…: /data/x.fit")
            throw new IOException(name + ": cannot read rows " + y0 + ".." + (y0 + rows - 1) + ": "
                    + org.tessera.UserMessages.problemWith(e), e);
        }
    }

    /**
     * Rows [y0, y0 + rows) as stored (demosaiced for a Bayer frame), before ALPHA; a Bayer frame's
     * hot photosites are corrected here, on the raw CFA rows before demosaicing.
     */
    private void readBand(FileChannel ch, int y0, int rows, float[][] dst) throws IOException {
        switch (layout) {
            case MONO -> readPlaneRows(ch, 0, y0, rows, dst[0], 0);
            case CUBE -> {
                for (int c = 0; c < 3; c++) readPlaneRows(ch, c, y0, rows, dst[c], 0);
            }
            case BAYER -> {
                int r0 = Math.max(0, y0 - Debayer.CONTEXT), r1 = Math.min(height, y0 + rows + Debayer.CONTEXT);
                float[] raw = RAW_ROWS.get((r1 - r0) * width);
                HotPixelMemo.Fixes fixes = reading.hotPixels() && rows > 0 ? hotFixes(ch) : null;
                if (fixes != null) {
                    readPlaneRows(ch, 0, r0, r1 - r0, raw, 0);
                    fixes.apply(0, width, r0, r1 - r0, raw, 0);
                } else if (reading.hotPixels() && rows > 0) {
                    int ctx = HotPixels.context(2);
                    int e0 = Math.max(0, r0 - ctx), e1 = Math.min(height, r1 + ctx);
                    float[] ext = new float[(e1 - e0) * width];
                    readPlaneRows(ch, 0, e0, e1 - e0, ext, 0);
                    HotPixels.correct(ext, width, height, e0, e1 - e0, r0, r1 - r0, raw, 2, codec.smallIntegers());
                } else {
                    readPlaneRows(ch, 0, r0, r1 - r0, raw, 0);
                }
                if (reading.demosaic() == FrameReading.Demosaic.BILINEAR)
                    Debayer.bilinear(raw, width, height, r0, r1 - r0, bayer, y0, rows, dst);
                else
                    Debayer.demosaic(raw, width, height, r0, r1 - r0, bayer, y0, rows, dst,
                            codec.integersWithin(Debayer.EXACT_IN_FLOAT));
            }
        }
    }

    /** This thread's rows, reused: see {@link ThreadFloats}. */
    private static final ThreadFloats RAW_ROWS = new ThreadFloats();

    /**
     * The frame's hot-pixel corrections (found on the first read, one pass over the raw planes: the
     * CFA plane with step 2 for a Bayer frame, each channel otherwise), or null when it has too
     * many to keep: then they are found again at every read, as {@link HotPixelMemo} explains.
     */
    private HotPixelMemo.Fixes hotFixes(FileChannel ch) throws IOException {
        int planes = layout == Layout.CUBE ? 3 : 1;
        return hotMemo.get(planes, width, height, layout == Layout.BAYER ? 2 : 1, codec.smallIntegers(),
                (plane, y0, rows, dst) -> readPlaneRows(ch, plane, y0, rows, dst, 0));
    }

    /**
     * Validity in [0, 1] of rows {@code [y0, y0 + rows)} into {@code dst[0 .. rows·width)}: the ALPHA
     * extension divided by 255, or without one 1 where all channels are finite and 0 elsewhere.
     */
    public void readAlpha(int y0, int rows, float[] dst) throws IOException {
        checkBand(y0, rows);
        int n = rows * width;
        if (alphaOffset >= 0) {
            byte[] a;
            try (FileChannel ch = FileChannel.open(readableFile(), StandardOpenOption.READ)) {
                a = readAlphaBytes(ch, y0, rows);
            }
            for (int i = 0; i < n; i++) dst[i] = (a[i] & 0xFF) / 255f;
            return;
        }
        float[][] band = newBand(rows);
        readRows(y0, rows, band);
        for (int i = 0; i < n; i++) {
            boolean ok = true;
            for (float[] p : band) ok &= Float.isFinite(p[i]);
            dst[i] = ok ? 1f : 0f;
        }
    }

    /**
     * The ALPHA extension as a one-channel source in [0, 1], or null when the file has none (then
     * validity is "all channels finite", which readers derive from the pixels themselves).
     */
    public RowSource alpha() {
        if (!hasAlpha()) return null;
        FitsFrame self = this;
        return new RowSource() {
            @Override public int width() { return width; }
            @Override public int height() { return height; }
            @Override public int channels() { return 1; }
            @Override public void readRows(int y0, int rows, float[][] dst) throws IOException { self.readAlpha(y0, rows, dst[0]); }
        };
    }

    private void checkBand(int y0, int rows) {
        if (y0 < 0 || rows < 0 || y0 + rows > height)
            throw new IndexOutOfBoundsException(name + ": rows [" + y0 + ", " + (y0 + rows) + ") outside 0.." + height);
    }

    /** Reads and decodes rows of plane {@code plane} in chunks of at most CHUNK_BYTES. */
    private void readPlaneRows(FileChannel ch, int plane, int y0, int rows, float[] dst, int off) throws IOException {
        int bpv = codec.bytesPerValue();
        long rowBytes = (long) width * bpv;
        int rowsPerChunk = (int) Math.max(1, CHUNK_BYTES / rowBytes);
        ByteBuffer buf = readBuffer((int) (Math.min(rows, rowsPerChunk) * rowBytes));
        for (int r = 0; r < rows; r += rowsPerChunk) {
            int n = Math.min(rowsPerChunk, rows - r);
            long pos = dataOffset + ((long) plane * height + y0 + r) * rowBytes;
            buf.clear().limit((int) (n * rowBytes));
            readFully(ch, buf, pos);
            codec.decode(buf, n * width, dst, off + r * width);
        }
    }

    /**
     * This thread's direct read buffer, at least {@code bytes} long (at most {@link #CHUNK_BYTES}):
     * a channel reads into a heap buffer through a temporary direct one of its own and copies it
     * over, and each band allocated a new heap buffer; the direct buffer saves the copy and the garbage.
     */
    private static ByteBuffer readBuffer(int bytes) {
        ByteBuffer b = READ_BUFFER.get();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect(Math.max(bytes, 1 << 20));
            READ_BUFFER.set(b);
        }
        return b.clear().limit(bytes);
    }

    private byte[] readAlphaBytes(FileChannel ch, int y0, int rows) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(rows * width);
        readFully(ch, b, alphaOffset + (long) y0 * width);
        return b.array();
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw new IOException("unexpected end of file at byte " + pos + " (file changed since it was opened?)");
            pos += n;
        }
    }
}
