package org.tessera.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/** A view has its source's shape and name, and only its rows of its own. */
class RowSourceViewTest {

    /** A named source of any shape: value 100·c + y·w + x. */
    private static RowSource source(int w, int h, int nc, String name) {
        FloatImage img = new FloatImage(w, h, nc);
        for (int c = 0; c < nc; c++)
            for (int i = 0; i < w * h; i++) img.plane(c)[i] = 100 * c + i;
        return new RowSource() {
            @Override public int width() { return w; }
            @Override public int height() { return h; }
            @Override public int channels() { return nc; }
            @Override public String name() { return name; }
            @Override public void readRows(int y0, int rows, float[][] dst) { img.readRows(y0, rows, dst); }
        };
    }

    /** The source plus one on every pixel. */
    private static RowSource plusOne(RowSource src) {
        return new RowSourceView(src) {
            @Override public void readRows(int y0, int rows, float[][] dst) throws IOException {
                source.readRows(y0, rows, dst);
                for (float[] p : dst) for (int i = 0; i < rows * width(); i++) p[i] += 1;
            }
        };
    }

    @Test
    void forwardsShapeAndName() {
        // shapes that differ in every number, so that no forwarded value can come from another
        for (int[] s : new int[][] {{7, 3, 1}, {5, 11, 3}, {2, 4, 2}}) {
            String name = "frame_" + s[0] + ".fits";
            RowSource v = plusOne(source(s[0], s[1], s[2], name));
            assertEquals(s[0], v.width());
            assertEquals(s[1], v.height());
            assertEquals(s[2], v.channels());
            assertEquals(name, v.name());
            assertEquals(s[2], v.newBand(2).length);
            assertEquals(2 * s[0], v.newBand(2)[s[2] - 1].length);
        }
        assertNull(plusOne(source(3, 3, 1, null)).name(), "a source without a name gives a view without one");
    }

    @Test
    void readsItsOwnRowsThroughTheSource() throws IOException {
        RowSource v = plusOne(source(4, 3, 2, "f"));
        float[][] band = v.newBand(2);
        v.readRows(1, 2, band);
        assertArrayEquals(new float[] {5, 6, 7, 8, 9, 10, 11, 12}, band[0]);
        assertArrayEquals(new float[] {105, 106, 107, 108, 109, 110, 111, 112}, band[1]);
    }

    @Test
    void viewsStackAndKeepTheFirstName() {
        RowSource v = plusOne(plusOne(source(6, 5, 3, "deep.fits")));
        assertEquals(6, v.width());
        assertEquals(5, v.height());
        assertEquals(3, v.channels());
        assertEquals("deep.fits", v.name());
    }

    @Test
    void aSourceIsRequired() {
        assertThrows(NullPointerException.class, () -> plusOne(null));
    }
}
