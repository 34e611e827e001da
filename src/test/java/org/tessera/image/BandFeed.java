package org.tessera.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * For tests of sinks that take bands in any order and height from several threads: an image handed
 * over band by band as a coadd does, each band a fresh copy of its rows.
 */
public final class BandFeed {

    private BandFeed() {}

    /** What receives one band: rows {@code [y0, y0 + rows)} of every channel. */
    public interface Band {
        void write(int y0, int rows, float[][] band) throws Exception;
    }

    /** The first rows of the bands of {@code rows} rows over {@code height}: "forward", "reversed" or "shuffled" (seeded by rows). */
    public static List<Integer> starts(int height, int rows, String order) {
        List<Integer> starts = new ArrayList<>();
        for (int y = 0; y < height; y += rows) starts.add(y);
        if (order.equals("reversed")) Collections.reverse(starts);
        if (order.equals("shuffled")) Collections.shuffle(starts, new Random(rows));
        return starts;
    }

    /** Thread t of {@code threads} hands {@code to} the bands at starts t, t + threads, …; returns when all are in. */
    public static void feed(FloatImage img, int rows, List<Integer> starts, int threads, Band to) throws Exception {
        int h = img.height(), w = img.width(), nc = img.channels();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int k0 = t;
                fs.add(pool.submit(() -> {
                    for (int k = k0; k < starts.size(); k += threads) {
                        int y0 = starts.get(k), n = Math.min(rows, h - y0);
                        float[][] band = new float[nc][];
                        for (int c = 0; c < nc; c++) band[c] = Arrays.copyOfRange(img.plane(c), y0 * w, (y0 + n) * w);
                        to.write(y0, n, band);
                    }
                    return null;
                }));
            }
            for (Future<?> x : fs) x.get();
        } finally {
            pool.shutdown();
        }
    }
}
