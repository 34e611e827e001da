package org.tessera.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns stored FITS values (big-endian, type given by BITPIX) into physical floats:
 * {@code BZERO + BSCALE · stored}; integer values equal to BLANK and non-finite results become NaN.
 * Immutable and thread-safe.
 */
final class PixelCodec {

    final int bitpix;
    private final double bzero;
    private final double bscale;
    private final boolean hasBlank;
    private final long blank;

    PixelCodec(int bitpix, double bzero, double bscale, Long blank) {
        this.bitpix = bitpix;
        this.bzero = bzero;
        this.bscale = bscale;
        this.hasBlank = blank != null && bitpix > 0;
        this.blank = blank == null ? 0 : blank;
    }

    static boolean supported(int bitpix) {
        return bitpix == 8 || bitpix == 16 || bitpix == 32 || bitpix == 64 || bitpix == -32 || bitpix == -64;
    }

    int bytesPerValue() { return Math.abs(bitpix) / 8; }

    /** Decodes n values from the start of src (big-endian) into dst[off ..]. */
    void decode(ByteBuffer src, int n, float[] dst, int off) {
        ByteBuffer b = src.duplicate().order(ByteOrder.BIG_ENDIAN);
        b.position(0);
        switch (bitpix) {
            case 8 -> { for (int i = 0; i < n; i++) dst[off + i] = scale(b.get(i) & 0xFF); }
            case 16 -> { for (int i = 0; i < n; i++) dst[off + i] = scale(b.getShort(2 * i)); }
            case 32 -> { for (int i = 0; i < n; i++) dst[off + i] = scale(b.getInt(4 * i)); }
            case 64 -> { for (int i = 0; i < n; i++) dst[off + i] = scale(b.getLong(8 * i)); }
            case -32 -> { for (int i = 0; i < n; i++) dst[off + i] = scaleReal(b.getFloat(4 * i)); }
            case -64 -> { for (int i = 0; i < n; i++) dst[off + i] = scaleReal(b.getDouble(8 * i)); }
            default -> throw new IllegalStateException("BITPIX " + bitpix);
        }
    }

    private float scale(long stored) {
        if (hasBlank && stored == blank) return Float.NaN;
        float f = (float) (bzero + bscale * stored);
        return Float.isFinite(f) ? f : Float.NaN;
    }

    private float scaleReal(double stored) {
        double v = bzero + bscale * stored;
        float f = (float) v;
        return Float.isFinite(f) ? f : Float.NaN;
    }
}
