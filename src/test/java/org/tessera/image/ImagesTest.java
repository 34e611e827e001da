package org.tessera.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import net.imglib2.Cursor;
import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.real.FloatType;
import net.imglib2.view.Views;

import org.junit.jupiter.api.Test;

class ImagesTest {

    /** Counts the reads of a source, to see the strip cache work. */
    private static final class Counting extends RowSourceView {
        final AtomicInteger reads = new AtomicInteger();

        Counting(FloatImage img) { super(img); }

        @Override
        public void readRows(int y0, int rows, float[][] dst) throws IOException {
            reads.incrementAndGet();
            source.readRows(y0, rows, dst);
        }
    }

    private static FloatImage random(int w, int h, int c) {
        Random r = new Random(11);
        FloatImage img = new FloatImage(w, h, c);
        for (float[] p : img.planes()) for (int i = 0; i < p.length; i++) p[i] = r.nextFloat();
        return img;
    }

    @Test
    void viewValuesEqualReadRows() {
        FloatImage img = random(13, 29, 3);
        Counting src = new Counting(img);
        RandomAccessibleInterval<FloatType> v = Images.view(src, 7);
        assertArrayEquals(new long[] {13, 29, 3}, v.dimensionsAsLongArray());
        RandomAccess<FloatType> ra = v.randomAccess();
        for (int y = 0; y < 29; y++)
            for (int c = 0; c < 3; c++)
                for (int x = 0; x < 13; x++) {
                    ra.setPosition(new long[] {x, y, c});
                    assertEquals(img.get(c, x, y), ra.get().get(), 0.0);
                }
        // 5 strips (7, 7, 7, 7, 1 rows), each holding all channels: each read once
        assertEquals(5, src.reads.get());

        // a cursor over a channel slice sees the same values in flat order
        Cursor<FloatType> cur = Views.flatIterable(Views.hyperSlice(v, 2, 1)).cursor();
        for (int i = 0; i < 13 * 29; i++) assertEquals(img.plane(1)[i], cur.next().get(), 0.0);
    }

    @Test
    void cacheIsBoundedAndReadErrorsSurface() {
        Counting src = new Counting(random(4, 100, 1));
        RandomAccessibleInterval<FloatType> v = Images.view(src, 10);
        RandomAccess<FloatType> ra = v.randomAccess();
        for (int pass = 0; pass < 2; pass++)
            for (int y = 0; y < 100; y += 10) {
                ra.setPosition(new long[] {0, y, 0});
                ra.get().get();
            }
        assertEquals(20, src.reads.get(), "10 strips, 4 cached: the second pass reloads them");

        RowSource broken = new RowSource() {
            @Override public int width() { return 2; }
            @Override public int height() { return 2; }
            @Override public int channels() { return 1; }
            @Override public void readRows(int y0, int rows, float[][] dst) throws IOException {
                throw new IOException("disk gone");
            }
        };
        RandomAccess<FloatType> bad = Images.view(broken, 1).randomAccess();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> bad.get().get());
        assertEquals("reading rows 0..0: disk gone", e.getMessage());
    }
}
