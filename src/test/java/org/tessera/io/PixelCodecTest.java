package org.tessera.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PixelCodecTest {

    @TempDir
    Path tmp;

    /** The formula the table must reproduce bit for bit. */
    private static float formula(double bzero, double bscale, Long blank, long v) {
        if (blank != null && v == blank) return Float.NaN;
        float f = (float) (bzero + bscale * v);
        return Float.isFinite(f) ? f : Float.NaN;
    }

    @Test
    void tableDecodingOfEverySixteenBitValueMatchesTheFormula() {
        ByteBuffer b = ByteBuffer.allocate(2 * 65536);
        for (int v = Short.MIN_VALUE; v <= Short.MAX_VALUE; v++) b.putShort((short) v);
        double[][] scalings = {{32768, 1}, {0, 1}, {-3.7, 0.013}, {1e5, 1e33}};
        for (double[] s : scalings) {
            for (Long blank : new Long[] {null, -32768L, 1234L}) {
                PixelCodec c = new PixelCodec(16, s[0], s[1], blank);
                float[] out = new float[65536 + 3];
                c.decode(b, 65536, out, 3);
                int bad = 0;
                for (int v = Short.MIN_VALUE; v <= Short.MAX_VALUE; v++)
                    if (Float.floatToIntBits(formula(s[0], s[1], blank, v)) != Float.floatToIntBits(out[v + 32768 + 3])) bad++;
                assertEquals(0, bad, "values decoded differently, bzero " + s[0] + " bscale " + s[1] + " blank " + blank);
            }
        }
    }

    /**
     * BITPIX 64 with BZERO = 2^63 is the FITS standard's unsigned 64-bit integer: each value must
     * come out as the nearest float of the unsigned number (the double formula gave 0 for 253).
     */
    @Test
    void unsignedSixtyFourBitIntegersDecodeExactly() {
        long[] unsigned = {0, 1, 253, 1023, 1025, 65535, (1L << 24) + 1, (1L << 53) + 1, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MIN_VALUE + 1, -1L /* 2^64 - 1 */, 0x8000_0080_0000_0001L, 0x8000_0080_0000_0000L};
        ByteBuffer b = ByteBuffer.allocate(8 * unsigned.length);
        for (long u : unsigned) b.putLong(u ^ Long.MIN_VALUE); // stored = value - 2^63
        PixelCodec c = new PixelCodec(64, 9223372036854775808.0, 1, null);
        float[] out = new float[unsigned.length];
        c.decode(b, unsigned.length, out, 0);
        for (int i = 0; i < unsigned.length; i++) {
            float want = new java.math.BigInteger(Long.toUnsignedString(unsigned[i])).floatValue();
            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(out[i]), "unsigned " + Long.toUnsignedString(unsigned[i]));
        }
        assertEquals(253f, out[2]);
        // BLANK is compared with the stored value, as for every integer type
        PixelCodec blank = new PixelCodec(64, 9223372036854775808.0, 1, 253L ^ Long.MIN_VALUE);
        blank.decode(b, unsigned.length, out, 0);
        assertTrue(Float.isNaN(out[2]));
        assertEquals(1f, out[1]);
        // another BZERO keeps the formula
        PixelCodec signed = new PixelCodec(64, 0, 1, null);
        signed.decode(b, 3, out, 0);
        assertEquals((float) (double) Long.MIN_VALUE, out[0]);
    }

    @Test
    void floatDecodingMatchesTheFormulaWithAndWithoutScaling() {
        float[] values = {0f, -0f, 1.5f, -2.25e-3f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc01234), 123456.79f};
        ByteBuffer b = ByteBuffer.allocate(4 * values.length);
        for (float v : values) b.putFloat(v);
        for (double[] s : new double[][] {{0, 1}, {10, 2}, {0, 1e38}}) {
            PixelCodec c = new PixelCodec(-32, s[0], s[1], null);
            float[] out = new float[values.length + 2];
            c.decode(b, values.length, out, 2);
            for (int i = 0; i < values.length; i++) {
                float f = (float) (s[0] + s[1] * values[i]);
                float want = Float.isFinite(f) ? f : Float.NaN;
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(out[i + 2]),
                        "value " + values[i] + ", bzero " + s[0] + " bscale " + s[1]);
            }
        }
    }

    @Test
    void tableDecodingOfEveryByteMatchesTheFormula() {
        ByteBuffer b = ByteBuffer.allocate(256);
        for (int v = 0; v < 256; v++) b.put((byte) v);
        PixelCodec c = new PixelCodec(8, -128, 0.5, 7L);
        float[] out = new float[256];
        c.decode(b, 256, out, 0);
        for (int v = 0; v < 256; v++)
            assertEquals(Float.floatToIntBits(formula(-128, 0.5, 7L, v)), Float.floatToIntBits(out[v]), "value " + v);
    }

    @Test
    void allFiniteOnlyForIntegersWithoutBlankThatScaleToFiniteFloats() {
        assertTrue(new PixelCodec(16, 32768, 1, null).allFinite());
        assertTrue(new PixelCodec(8, 0, 1, null).allFinite());
        assertTrue(new PixelCodec(32, 10, 2, null).allFinite());
        assertTrue(new PixelCodec(64, 0, 1, null).allFinite());
        assertFalse(new PixelCodec(16, 32768, 1, -32768L).allFinite(), "BLANK");
        assertFalse(new PixelCodec(-32, 0, 1, null).allFinite(), "float data may hold NaN");
        assertFalse(new PixelCodec(-64, 0, 1, null).allFinite());
        assertFalse(new PixelCodec(16, 0, 1e36, null).allFinite(), "the top of the range overflows a float");
        assertFalse(new PixelCodec(64, 0, 1e20, null).allFinite());
    }

    @Test
    void framesKnowWhenNoPixelCanBeNaN() throws Exception {
        short[][] px = new short[4][5];
        assertTrue(FitsFrame.open(FitsFixtures.write(tmp.resolve("u16.fits"), px, "BZERO", 32768.0)).allFinite());
        assertFalse(FitsFrame.open(FitsFixtures.write(tmp.resolve("blank.fits"), px, "BLANK", 0)).allFinite());
        assertFalse(FitsFrame.open(FitsFixtures.write(tmp.resolve("f32.fits"), new float[4][5])).allFinite());
        assertFalse(FitsFrame.open(FitsFixtures.writeHdus(tmp.resolve("alpha.fits"), new Object[] {px},
                new Object[] {new byte[4][5], "EXTNAME", "ALPHA"})).allFinite(), "an ALPHA extension masks pixels");
    }

    /**
     * Frames of one scaling share one table (2000 Seestar frames held 500 MiB of identical tables
     * and Phase 3 ran out of a 1 GiB heap); a set of many scalings keeps a bounded number and still
     * decodes every value by the formula.
     */
    @Test
    void codecsOfOneScalingShareOneTableAndFewTablesAreKept() {
        PixelCodec a = new PixelCodec(16, 32768, 1, null), b = new PixelCodec(16, 32768, 1, null);
        assertTrue(a.table() == b.table(), "one table for one scaling");
        assertTrue(a.table() != new PixelCodec(16, 32768, 1, 0L).table(), "BLANK is part of the scaling");
        ByteBuffer in = ByteBuffer.allocate(4);
        in.putShort((short) -32768).putShort((short) 12345);
        float[] out = new float[2];
        for (int i = 0; i < 3 * PixelCodec.MAX_TABLES; i++) {
            double bscale = 1 + i * 1e-3;
            new PixelCodec(16, 100, bscale, null).decode(in, 2, out, 0);
            assertEquals(formula(100, bscale, null, -32768), out[0]);
            assertEquals(formula(100, bscale, null, 12345), out[1]);
        }
        assertTrue(PixelCodec.tablesKept() <= PixelCodec.MAX_TABLES, "kept " + PixelCodec.tablesKept());
    }

    /** The demosaic's float filters are for 16-bit ranges only ({@link Debayer#EXACT_IN_FLOAT}). */
    @Test
    void integersWithinTheDemosaicsFloatRange() {
        double b = Debayer.EXACT_IN_FLOAT;
        assertTrue(new PixelCodec(16, 32768, 1, null).integersWithin(b)); // unsigned 16-bit: 0 .. 65535
        assertTrue(new PixelCodec(16, 0, 1, null).integersWithin(b));
        assertTrue(new PixelCodec(8, 0, 1, null).integersWithin(b));
        assertTrue(new PixelCodec(16, 0, 2, null).integersWithin(b)); // -65536 .. 65534
        assertFalse(new PixelCodec(16, 32768, 2, null).integersWithin(b)); // up to 98302
        assertFalse(new PixelCodec(16, 0.5, 1, null).integersWithin(b));
        assertFalse(new PixelCodec(32, 0, 1, null).integersWithin(b));
        assertFalse(new PixelCodec(-32, 0, 1, null).integersWithin(b));
        assertTrue(new PixelCodec(16, 32768, 2, null).smallIntegers()); // the hot pixels' bound is 2^20
    }
}
