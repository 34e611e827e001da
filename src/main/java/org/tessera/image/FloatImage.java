package org.tessera.image;

import java.util.Arrays;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.FloatArray;
import net.imglib2.type.numeric.real.FloatType;

/**
 * A planar float image held in memory: small images (tiles of tests, previews, stacks below the
 * memory plan's threshold). It is both a {@link RowSource} and a {@link RowSink}, and each channel
 * can be viewed as an ImgLib2 image without copying.
 */
public final class FloatImage implements RowSource, RowSink {

    private final int width;
    private final int height;
    private final float[][] data;

    public FloatImage(int width, int height, int channels) {
        if (width <= 0 || height <= 0 || channels <= 0)
            throw new IllegalArgumentException("bad image shape " + width + "x" + height + "x" + channels);
        this.width = width;
        this.height = height;
        this.data = new float[channels][(int) checkedSize(width, height)];
    }

    /** Wraps existing planes (no copy); each must hold width*height floats. */
    public FloatImage(int width, int height, float[][] planes) {
        this.width = width;
        this.height = height;
        for (float[] p : planes)
            if (p.length != checkedSize(width, height))
                throw new IllegalArgumentException("plane length " + p.length + " != " + width + "x" + height);
        this.data = planes;
    }

    private static long checkedSize(int w, int h) {
        long n = (long) w * h;
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("image too large for memory: " + w + "x" + h);
        return n;
    }

    /** Reads a whole source into memory (only for sources known to be small). */
    public static FloatImage copyOf(RowSource src) throws java.io.IOException {
        FloatImage img = new FloatImage(src.width(), src.height(), src.channels());
        src.readRows(0, src.height(), img.data);
        return img;
    }

    @Override public int width() { return width; }
    @Override public int height() { return height; }
    @Override public int channels() { return data.length; }

    /** The backing plane of channel c (row-major, width*height). */
    public float[] plane(int c) { return data[c]; }

    public float[][] planes() { return data; }

    public float get(int c, int x, int y) { return data[c][y * width + x]; }

    public void set(int c, int x, int y, float v) { data[c][y * width + x] = v; }

    public void fill(float v) { for (float[] p : data) Arrays.fill(p, v); }

    @Override
    public void readRows(int y0, int rows, float[][] dst) {
        checkBand(y0, rows);
        for (int c = 0; c < data.length; c++)
            System.arraycopy(data[c], y0 * width, dst[c], 0, rows * width);
    }

    @Override
    public void writeRows(int y0, int rows, float[][] src) {
        checkBand(y0, rows);
        for (int c = 0; c < data.length; c++)
            System.arraycopy(src[c], 0, data[c], y0 * width, rows * width);
    }

    private void checkBand(int y0, int rows) {
        if (y0 < 0 || rows < 0 || y0 + rows > height)
            throw new IndexOutOfBoundsException("rows [" + y0 + ", " + (y0 + rows) + ") outside 0.." + height);
    }

    /** Channel c as an ImgLib2 image sharing this image's memory. */
    public ArrayImg<FloatType, FloatArray> channelImg(int c) {
        return ArrayImgs.floats(data[c], width, height);
    }
}
