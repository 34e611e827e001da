package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSource;
import org.tessera.plan.StackLayout;

/**
 * A frame that cannot be read in one band fails the tile at once: the other worker stops at its
 * next band instead of stacking the rest of the tile first (its future is awaited before the
 * failing one's), and the error names the frame.
 */
class BandPassFailureTest {

    static final int W = 8, H = 40, N = 3;

    @Test
    void aFailedBandStopsTheOtherWorkers() {
        AtomicInteger reads = new AtomicInteger();
        List<RowSource> frames = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int f = 0; f < N; f++) {
            FloatImage img = new FloatImage(W, H, 1);
            java.util.Arrays.fill(img.plane(0), 100f + f);
            boolean flaky = f == 0;
            frames.add(new RowSource() {
                @Override public int width() { return W; }
                @Override public int height() { return H; }
                @Override public int channels() { return 1; }
                @Override public void readRows(int y0, int rows, float[][] dst) throws IOException {
                    if (flaky) {
                        reads.incrementAndGet();
                        if (y0 == 1) throw new IOException("disk gone");
                        if (y0 == 0) {
                            try {
                                Thread.sleep(300); // the other worker fails meanwhile
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IOException("interrupted");
                            }
                        }
                    }
                    img.readRows(y0, rows, dst);
                }
            });
            names.add("frame_" + f + ".fits");
        }
        double[][] gain = new double[N][1], offset = new double[N][1], weights = new double[N][1];
        for (int f = 0; f < N; f++) {
            gain[f][0] = 1;
            weights[f][0] = 1;
        }
        StackLayout layout = new StackLayout(StackLayout.Mode.BANDS, 2, 1, H, N, N, 0, 1, 0, 0, 0);
        BandStacker bs = new BandStacker(frames, names, new Normalization.Affine(gain, offset), weights, null,
                StackParams.defaults(), layout, CpuStackBackend.INSTANCE, new FloatImage(W, H, 1), null, false);
        IOException e = assertThrows(IOException.class, () -> bs.run(Progress.NONE));
        assertTrue(e.getMessage().contains("frame_0.fits") && e.getMessage().contains("disk gone"), e.getMessage());
        // Band 0 (slow), band 1 (fails), and at most the band each worker had taken before it saw
        // the failure: not the other 38.
        assertTrue(reads.get() <= 4, "frame 0 read in " + reads.get() + " of " + H + " bands");
    }
}
