package org.tessera.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedFloatImageTest {

    @TempDir
    Path tmp;

    @Test
    void bandsRoundTripAndFileIsDeletedOnClose() throws Exception {
        int w = 17, h = 23, c = 3;
        Random r = new Random(5);
        FloatImage ref = new FloatImage(w, h, c);
        for (float[] p : ref.planes()) for (int i = 0; i < p.length; i++) p[i] = (float) r.nextGaussian();
        ref.set(1, 3, 4, Float.NaN);
        Path file;
        try (MappedFloatImage m = new MappedFloatImage(w, h, c, tmp)) {
            file = m.file();
            float[][] zero = m.newBand(h);
            m.readRows(0, h, zero);
            for (float[] p : zero) for (float v : p) assertEquals(0f, v, 0.0, "unwritten pixels read 0");
            // write in bands of 5 from the bottom up, read back in bands of 3 from two threads
            for (int y0 = (h - 1) / 5 * 5; y0 >= 0; y0 -= 5) {
                int n = Math.min(5, h - y0);
                float[][] b = ref.newBand(n);
                ref.readRows(y0, n, b);
                m.writeRows(y0, n, b);
            }
            Thread[] ts = new Thread[2];
            AssertionError[] err = new AssertionError[1];
            for (int t = 0; t < 2; t++) {
                ts[t] = new Thread(() -> {
                    try {
                        float[][] b = m.newBand(3);
                        for (int y0 = 0; y0 < h; y0 += 3) {
                            int n = Math.min(3, h - y0);
                            m.readRows(y0, n, b);
                            for (int ch = 0; ch < c; ch++)
                                for (int i = 0; i < n * w; i++)
                                    if (Float.floatToIntBits(ref.plane(ch)[y0 * w + i]) != Float.floatToIntBits(b[ch][i]))
                                        throw new AssertionError("differs at c" + ch + " i" + (y0 * w + i));
                        }
                    } catch (IOException e) {
                        err[0] = new AssertionError(e);
                    } catch (AssertionError e) {
                        err[0] = e;
                    }
                });
                ts[t].start();
            }
            for (Thread t : ts) t.join();
            if (err[0] != null) throw err[0];
        }
        assertFalse(Files.exists(file), "backing file deleted on close");
    }

    @Test
    void fillAndCopyOf() throws IOException {
        FloatImage src = new FloatImage(5, 4, 1);
        for (int i = 0; i < 20; i++) src.plane(0)[i] = i * 1.5f;
        try (MappedFloatImage m = MappedFloatImage.copyOf(src, tmp, 3)) {
            assertEquals(5, m.width());
            FloatImage back = FloatImage.copyOf(m);
            for (int i = 0; i < 20; i++) assertEquals(i * 1.5f, back.plane(0)[i], 0.0);
            m.fill(Float.NaN);
            float[][] b = m.newBand(4);
            m.readRows(0, 4, b);
            for (float v : b[0]) assertTrue(Float.isNaN(v));
            m.close();
            assertThrows(IllegalStateException.class, () -> m.readRows(0, 1, b));
        }
        try (var s = Files.list(tmp)) {
            assertEquals(0, s.count());
        }
    }

    /**
     * Rows wider than the 8 MiB transfer buffer go one row per chunk: a band written in one call
     * and read back from an offset row comes back value for value in every channel.
     */
    @Test
    void bandsLargerThanOneChunkRoundTrip() throws IOException {
        int w = 1_100_000, h = 3, c = 2; // 4.4 MB a row: one row per chunk
        float[][] src = new float[c][h * w];
        for (int ch = 0; ch < c; ch++) for (int i = 0; i < h * w; i++) src[ch][i] = ch * 1e7f + i;
        try (MappedFloatImage m = new MappedFloatImage(w, h, c, tmp)) {
            m.writeRows(0, h, src);
            float[][] back = m.newBand(2);
            m.readRows(1, 2, back);
            for (int ch = 0; ch < c; ch++)
                for (int i : new int[] {0, w - 1, w, 2 * w - 1})
                    assertEquals(src[ch][w + i], back[ch][i], 0.0, "channel " + ch + ", index " + i);
            assertEquals(1e7f + 2 * w + 5, back[1][w + 5], 0.0);
        }
    }
}
