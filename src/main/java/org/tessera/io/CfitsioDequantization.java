package org.tessera.io;

import java.io.IOException;
import java.net.URL;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Collections;
import java.util.Enumeration;

import nom.tam.fits.compression.algorithm.api.ICompressOption;
import nom.tam.fits.compression.algorithm.api.ICompressorControl;
import nom.tam.fits.compression.algorithm.quant.QuantizeOption;
import nom.tam.fits.compression.provider.CompressorProvider;
import nom.tam.fits.compression.provider.api.ICompressorProvider;
import nom.tam.image.compression.hdu.CompressedImageHDU;

/**
 * The dequantization of tile-compressed floats as cfitsio does it ({@code imcompress.c}:
 * {@code fffi4r4}/{@code fffi4r8} for NO_DITHER, {@code unquantize_i4r4}/{@code unquantize_i4r8}
 * for SUBTRACTIVE_DITHER_1 and _2), put into nom-tam-fits' decoder, which decodes each tile's
 * integers with its own code and dequantizes them here. nom-tam-fits 1.21 dequantizes otherwise:
 * NO_DITHER as {@code (I + 0.5) * ZSCALE + ZZERO} (half a quantization step above cfitsio's
 * {@code I * ZSCALE + ZZERO}), the dithered methods with its random sequence in double precision
 * where cfitsio's is float (some values a float step apart), and it takes fpack's ZBLANK key as 0
 * (a quantized 0 reads NaN).
 * <p>
 * For a float pixel cfitsio computes in double and rounds once to float: NO_DITHER
 * {@code (float) (I * ZSCALE + ZZERO)}; dithered {@code (float) (((double) I - r + 0.5) * ZSCALE
 * + ZZERO)} with {@code r} the float random value of the pixel (SUBTRACTIVE_DITHER_2: the integer
 * {@code -2147483646} is exactly 0). An integer equal to the tile's ZBLANK (a key or a column) is
 * NaN. ZSCALE and ZZERO are the tile's scale as cfitsio takes it, with the image's BSCALE and
 * BZERO ({@link #tileScaling}). Java's double arithmetic and its double-to-float conversion (round to nearest even) are
 * IEEE 754's, as are C's on x86-64 (SSE2, no fused multiply-add in Debian's builds), so the values
 * are cfitsio's bit for bit.
 * <p>
 * nom-tam-fits finds compressors through {@link java.util.ServiceLoader} with the thread's context
 * class loader; {@link #decode} gives it one that names only this provider, for the decode of
 * one image, so that nom-tam-fits' own provider (listed in its jar, found first or not depending
 * on the class path) is not taken, and nothing else that uses nom-tam-fits sees this one.
 * Public only because {@code ServiceLoader} instantiates it.
 */
public final class CfitsioDequantization implements ICompressorProvider {

    private static final String SERVICE = "META-INF/services/" + ICompressorProvider.class.getName();
    /** The provider-configuration file naming this class, kept out of META-INF/services (see above). */
    private static final String REGISTRATION = "org/tessera/io/cfitsio-dequantization.provider";

    /** cfitsio's N_RANDOM. */
    static final int N_RANDOM = 10000;
    /** SUBTRACTIVE_DITHER_2's integer for a pixel that was exactly 0 (cfitsio's ZERO_VALUE). */
    static final int ZERO_VALUE = -2147483646;
    /** cfitsio's fits_rand_value: the Park-Miller sequence, each value rounded to float as cfitsio stores it. */
    private static final float[] RANDOM = randoms();

    public CfitsioDequantization() {}

    static float[] randoms() {
        float[] r = new float[N_RANDOM];
        long seed = 1;
        for (int i = 0; i < N_RANDOM; i++) {
            seed = seed * 16807 % 2147483647L; // cfitsio's double arithmetic is exact here (< 2^53)
            r[i] = (float) (seed / 2147483647.0);
        }
        if (seed != 1043618065L) throw new IllegalStateException("wrong random sequence: " + seed); // cfitsio's own check
        return r;
    }

    /** cfitsio's random value {@code i} (0 ≤ i < 10000). */
    static float random(int i) {
        return RANDOM[i];
    }

    /**
     * The image of the tile-compressed HDU {@code c} as nom-tam-fits decodes it, quantized floats
     * dequantized as cfitsio does.
     */
    static Buffer decode(CompressedImageHDU c) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(LOADER);
        nom.tam.fits.Header h = c.getHeader();
        IMAGE.set(new Image(blanks(c), h.getDoubleValue("BSCALE", 1.0), h.getDoubleValue("BZERO", 0.0)));
        try {
            // nom-tam-fits looks its compressor up here, on this thread, before its threads decode the tiles
            return c.getUncompressedData();
        } finally {
            IMAGE.remove();
            t.setContextClassLoader(before);
        }
    }

    /**
     * cfitsio's scale and zero of a quantized float tile (imcomp_decompress_tile), {ZSCALE, ZZERO}
     * of the tile's columns combined with the image's BSCALE and BZERO: {@code ZSCALE · BSCALE}
     * and {@code ZZERO · BSCALE + BZERO} when the image has other than 1 and 0; where the result
     * is exactly 1 and 0 (a tile stored unscaled), BSCALE and BZERO themselves. So the values are
     * the physical ones, BSCALE and BZERO applied ({@code CompressedFits.header} leaves them out).
     */
    static double[] tileScaling(double zscale, double zzero, double bscale, double bzero) {
        double s = zscale, z = zzero;
        if (bscale != 1.0 || bzero != 0.0) {
            s = zscale * bscale;
            z = zzero * bscale + bzero;
        }
        if (s == 1.0 && z == 0.0) {
            s = bscale;
            z = bzero;
        }
        return new double[] {s, z};
    }

    /**
     * The integer of a blank pixel per tile, as cfitsio takes it (imcomp_get_compressed_image_par):
     * a ZBLANK column, else the ZBLANK key, else the BLANK key; null when none (no null check).
     * nom-tam-fits 1.21 reads neither the ZBLANK key (its option keeps 0: every quantized 0 would
     * read as NaN) nor BLANK.
     */
    static int[] blanks(CompressedImageHDU c) throws Exception {
        int col = c.findColumn("ZBLANK");
        if (col >= 0) { // one value per tile, read as integers as cfitsio does (whatever the column's type)
            Object v = c.getData().getFlattenedColumn(col);
            int[] all = new int[java.lang.reflect.Array.getLength(v)];
            for (int i = 0; i < all.length; i++) all[i] = ((Number) java.lang.reflect.Array.get(v, i)).intValue();
            return all;
        }
        nom.tam.fits.Header h = c.getHeader();
        String key = h.containsKey("ZBLANK") ? "ZBLANK" : h.containsKey("BLANK") ? "BLANK" : null;
        if (key == null) return null;
        int[] all = new int[Math.max(1, c.getData().getNRows())];
        java.util.Arrays.fill(all, h.getIntValue(key));
        return all;
    }

    /**
     * What the tiles of the image being decoded on this thread share (see {@link #decode}): the
     * blank integer of each tile or null, the image's BSCALE and BZERO (1 and 0 when absent).
     */
    private record Image(int[] blanks, double bscale, double bzero) {}

    private static final ThreadLocal<Image> IMAGE = new ThreadLocal<>();

    /** Tessera's class loader, except that nom-tam-fits' compressor providers are this one alone. */
    private static final ClassLoader LOADER = new ClassLoader(CfitsioDequantization.class.getClassLoader()) {
        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            if (!SERVICE.equals(name)) return super.getResources(name);
            URL own = getParent().getResource(REGISTRATION);
            if (own == null) throw new IOException("missing resource " + REGISTRATION);
            return Collections.enumeration(java.util.List.of(own));
        }
    };

    @Override
    public ICompressorControl createCompressorControl(String quantAlgorithm, String compressionAlgorithm, Class<?> baseType) {
        if (quantAlgorithm == null || (baseType != float.class && baseType != double.class)) return null; // nom-tam's
        CompressorProvider nomTam = new CompressorProvider();
        ICompressorControl quantized = nomTam.createCompressorControl(quantAlgorithm, compressionAlgorithm, baseType);
        ICompressorControl ints = nomTam.createCompressorControl(null, compressionAlgorithm, int.class);
        Image image = IMAGE.get();
        if (image == null) throw new IllegalStateException("quantized floats decoded outside CfitsioDequantization.decode");
        return quantized == null || ints == null ? null : new Control(quantized, ints, image);
    }

    /** nom-tam-fits' control for the options and compression; its integer decoder, then cfitsio's dequantization. */
    private static final class Control implements ICompressorControl {
        private final ICompressorControl quantized, ints;
        private final Image image;

        Control(ICompressorControl quantized, ICompressorControl ints, Image image) {
            this.quantized = quantized;
            this.ints = ints;
            this.image = image;
        }

        @Override
        public ICompressOption option() {
            return quantized.option();
        }

        @Override
        public boolean compress(Buffer in, ByteBuffer out, ICompressOption option) {
            return quantized.compress(in, out, option);
        }

        @Override
        public void decompress(ByteBuffer in, Buffer out, ICompressOption option) {
            if (!(option instanceof QuantizeOption q))
                throw new IllegalStateException("quantized tile without quantization parameters: " + option);
            IntBuffer values = IntBuffer.allocate(q.getTileWidth() * q.getTileHeight());
            ints.decompress(in, values, q.getCompressOption());
            values.rewind();
            boolean dither = q.isDither() || q.isDither2();
            // cfitsio: iseed = (row - 1) % N_RANDOM, row = tile row (1-based) + ZDITHER0 - 1
            long row = q.getTileIndex() + 1 + q.getSeed() - 1;
            double[] sz = tileScaling(q.getBScale(), q.getBZero(), image.bscale(), image.bzero());
            int[] blanks = image.blanks();
            dequantize(values, out, sz[0], sz[1], dither, q.isDither2(),
                    blanks == null ? null : blanks[(int) q.getTileIndex()], (int) ((row - 1) % N_RANDOM));
        }
    }

    /**
     * cfitsio's values of one tile's quantized integers {@code in} into {@code out} (a FloatBuffer
     * or a DoubleBuffer, as many values as {@code in} has): {@code blank} the ZBLANK integer or
     * null (no null check: ZBLANK absent), {@code iseed} the index of the tile's first seed.
     */
    static void dequantize(IntBuffer in, Buffer out, double scale, double zero, boolean dither, boolean keepZero,
                           Integer blank, int iseed) {
        FloatBuffer f = out instanceof FloatBuffer b ? b : null;
        DoubleBuffer d = out instanceof DoubleBuffer b ? b : null;
        if (f == null && d == null) throw new IllegalStateException("quantized tile into " + out.getClass().getSimpleName());
        int nextrand = (int) (RANDOM[iseed] * 500); // float times int: a float product in C, as here
        while (in.hasRemaining()) {
            int v = in.get();
            double value;
            if (blank != null && v == blank) value = Double.NaN;
            else if (!dither) value = v * scale + zero;
            else if (keepZero && v == ZERO_VALUE) value = 0.0;
            else value = ((double) v - RANDOM[nextrand] + 0.5) * scale + zero;
            if (f != null) f.put((float) value);
            else d.put(value);
            if (dither && ++nextrand == N_RANDOM) {
                if (++iseed == N_RANDOM) iseed = 0;
                nextrand = (int) (RANDOM[iseed] * 500);
            }
        }
    }
}
