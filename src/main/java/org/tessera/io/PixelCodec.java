package org.tessera.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns stored FITS values (big-endian, type given by BITPIX) into physical floats:
 * {@code BZERO + BSCALE · stored}; integer values equal to BLANK and non-finite results become NaN.
 * Immutable and thread-safe.
 * <p>
 * 8- and 16-bit values are decoded through a table of every stored value's float (built once, on
 * first use, by the same formula): a lookup costs a fraction of the double-precision scaling and
 * the checks, and gives the same floats bit for bit. The tables are shared by every codec of the
 * same scaling (a night's frames all have one): one 256 KiB table per frame made 2000 Seestar
 * frames hold 500 MiB of identical tables, and Phase 3 ran out of a 1 GiB heap.
 */
final class PixelCodec {

    final int bitpix;
    private final double bzero;
    private final double bscale;
    private final boolean hasBlank;
    private final long blank;
    /**
     * BITPIX 64 with BZERO = 2^63, BSCALE = 1: the FITS standard's unsigned 64-bit integers. The
     * double formula cancels 2^63 against a stored value near -2^63 and loses the low 10 bits (a
     * value of 253 decoded as 0), so these are decoded as exact unsigned integers, rounded once.
     */
    private final boolean unsigned64;
    /**
     * Float of every 8- or 16-bit stored value (index: unsigned byte, or short + 32768), per
     * scaling; at most {@link #MAX_TABLES} scalings are kept (a set whose every frame has its own
     * BZERO/BSCALE builds its table at each read instead of holding one per frame).
     */
    private static final ConcurrentHashMap<Scaling, float[]> TABLES = new ConcurrentHashMap<>();
    static final int MAX_TABLES = 32;

    private record Scaling(int bitpix, double bzero, double bscale, boolean hasBlank, long blank) {
        // Written out, with the record's own semantics (doubles compared as Double.compare does): a
        // record's generated equals and hashCode are built at their first call from method-handle
        // trees (java.lang.runtime.ObjectMethods), 20-50 ms of a small job's start-up.
        @Override
        public boolean equals(Object o) {
            return o instanceof Scaling s && bitpix == s.bitpix && Double.compare(bzero, s.bzero) == 0
                    && Double.compare(bscale, s.bscale) == 0 && hasBlank == s.hasBlank && blank == s.blank;
        }

        @Override
        public int hashCode() {
            int h = Integer.hashCode(bitpix);
            h = 31 * h + Double.hashCode(bzero);
            h = 31 * h + Double.hashCode(bscale);
            h = 31 * h + Boolean.hashCode(hasBlank);
            return 31 * h + Long.hashCode(blank);
        }
    }

    PixelCodec(int bitpix, double bzero, double bscale, Long blank) {
        this.bitpix = bitpix;
        this.bzero = bzero;
        this.bscale = bscale;
        this.hasBlank = blank != null && bitpix > 0;
        this.blank = blank == null ? 0 : blank;
        this.unsigned64 = bitpix == 64 && bzero == 0x1p63 && bscale == 1;
    }

    static boolean supported(int bitpix) {
        return bitpix == 8 || bitpix == 16 || bitpix == 32 || bitpix == 64 || bitpix == -32 || bitpix == -64;
    }

    int bytesPerValue() { return Math.abs(bitpix) / 8; }

    /**
     * True when no stored value can decode to NaN: an integer type without BLANK whose whole range
     * scales to finite floats (the scaling is monotonic, so checking both ends of the range is
     * enough). Floating-point data may hold NaN: false.
     */
    boolean allFinite() {
        if (bitpix < 0 || hasBlank) return false;
        long lo = switch (bitpix) {
            case 8 -> 0;
            case 16 -> Short.MIN_VALUE;
            case 32 -> Integer.MIN_VALUE;
            default -> Long.MIN_VALUE;
        };
        long hi = switch (bitpix) {
            case 8 -> 255;
            case 16 -> Short.MAX_VALUE;
            case 32 -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
        return Float.isFinite(scale(lo)) && Float.isFinite(scale(hi));
    }

    /**
     * True when every decoded value is NaN or an integer of magnitude at most 2²⁰: an 8- or 16-bit
     * type with integer BZERO and BSCALE whose whole range stays within that bound (the scaling is
     * monotonic: both ends decide). {@link HotPixels} then sums its windows exactly in any order.
     */
    boolean smallIntegers() {
        return integersWithin(HotPixels.SMALL_INTEGER);
    }

    /**
     * True when every decoded value is NaN or an integer of magnitude at most {@code bound} (an 8-
     * or 16-bit type with integer BZERO and BSCALE whose whole range stays within it).
     */
    boolean integersWithin(double bound) {
        if (bitpix != 8 && bitpix != 16 || bzero != Math.rint(bzero) || bscale != Math.rint(bscale)) return false;
        long lo = bitpix == 8 ? 0 : Short.MIN_VALUE, hi = bitpix == 8 ? 255 : Short.MAX_VALUE;
        double a = bzero + bscale * lo, b = bzero + bscale * hi;
        return Math.abs(a) <= bound && Math.abs(b) <= bound;
    }

    /** Decodes n values from the start of src (big-endian) into dst[off ..]. */
    void decode(ByteBuffer src, int n, float[] dst, int off) {
        ByteBuffer b = src.duplicate().order(ByteOrder.BIG_ENDIAN);
        b.position(0);
        switch (bitpix) {
            case 8 -> {
                float[] t = table();
                for (int i = 0; i < n; i++) dst[off + i] = t[b.get(i) & 0xFF];
            }
            case 16 -> {
                float[] t = table();
                ShortBuffer s = b.asShortBuffer();
                for (int i = 0; i < n; i++) dst[off + i] = t[s.get(i) + 32768];
            }
            case 32 -> { for (int i = 0; i < n; i++) dst[off + i] = scale(b.getInt(4 * i)); }
            case 64 -> { for (int i = 0; i < n; i++) dst[off + i] = scale(b.getLong(8 * i)); }
            case -32 -> {
                if (bzero == 0 && bscale == 1) { // the common case: a bulk byte-swapping copy, then the NaN rule
                    b.asFloatBuffer().get(dst, off, n);
                    // what scaleReal gives without scaling: non-finite -> NaN, -0 -> +0 (0 + 1 * -0)
                    for (int i = off; i < off + n; i++) {
                        float f = dst[i];
                        dst[i] = Float.isFinite(f) ? f + 0f : Float.NaN;
                    }
                } else {
                    for (int i = 0; i < n; i++) dst[off + i] = scaleReal(b.getFloat(4 * i));
                }
            }
            case -64 -> { for (int i = 0; i < n; i++) dst[off + i] = scaleReal(b.getDouble(8 * i)); }
            default -> throw new IllegalStateException("BITPIX " + bitpix);
        }
    }

    /** The lookup table of an 8- or 16-bit codec (a race builds it twice, with equal contents). */
    float[] table() {
        Scaling key = new Scaling(bitpix, bzero, bscale, hasBlank, blank);
        float[] t = TABLES.get(key);
        if (t == null) {
            if (bitpix == 8) {
                t = new float[256];
                for (int v = 0; v < 256; v++) t[v] = scale(v);
            } else {
                t = new float[65536];
                for (int v = Short.MIN_VALUE; v <= Short.MAX_VALUE; v++) t[v + 32768] = scale(v);
            }
            if (TABLES.size() < MAX_TABLES) TABLES.putIfAbsent(key, t);
        }
        return t;
    }

    /** Scalings whose tables are kept (tests). */
    static int tablesKept() {
        return TABLES.size();
    }

    private float scale(long stored) {
        if (hasBlank && stored == blank) return Float.NaN;
        if (unsigned64) return unsignedFloat(stored ^ Long.MIN_VALUE);
        float f = (float) (bzero + bscale * stored);
        return Float.isFinite(f) ? f : Float.NaN;
    }

    /** The float nearest to the unsigned 64-bit value of u (halved with its last bit kept sticky, so it rounds once). */
    private static float unsignedFloat(long u) {
        return u >= 0 ? (float) u : 2f * (float) ((u >>> 1) | (u & 1));
    }

    private float scaleReal(double stored) {
        double v = bzero + bscale * stored;
        float f = (float) v;
        return Float.isFinite(f) ? f : Float.NaN;
    }
}
