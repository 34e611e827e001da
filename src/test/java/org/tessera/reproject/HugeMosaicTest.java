package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.RowSink;
import org.tessera.image.RowSource;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

/**
 * A 20000×20000 RGB mosaic from 100 procedural 2200×2200 RGB tiles within the test JVM's 2 GiB
 * heap: the output never exists in memory (the sink checks and drops each band), tiles are
 * computed on demand. Heavy: run with -Pheavy.
 */
@Tag("heavy")
class HugeMosaicTest {

    /** A tile whose pixels are a function of position: channel c = 100·(c+1) + x/100 + y/1000. */
    record Procedural(int w, int h) implements RowSource {
        @Override public int width() { return w; }
        @Override public int height() { return h; }
        @Override public int channels() { return 3; }

        @Override
        public void readRows(int y0, int rows, float[][] dst) {
            for (int c = 0; c < 3; c++)
                for (int r = 0; r < rows; r++)
                    for (int x = 0; x < w; x++) dst[c][r * w + x] = 100f * (c + 1) + x / 100f + (y0 + r) / 1000f;
        }
    }

    @Test
    void a20000SquareRgbMosaicFitsInTwoGiB() throws Exception {
        int n = 10, size = 2200, step = 2000, side = 20000;
        FitsWcs gridWcs = TestSkies.tan(80, 10, 1.0, 0, side, side);
        List<CoaddInput> in = new ArrayList<>();
        double[] t = new double[2];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) {
                gridWcs.pixelToWorld(i * step + size / 2.0 - 100, j * step + size / 2.0 - 100, t);
                in.add(CoaddInput.of("p" + i + "_" + j, new Procedural(size, size), TestSkies.tan(t[0], t[1], 1.0, 0, size, size)));
            }
        AtomicLong rows = new AtomicLong(), bad = new AtomicLong(), maxHeap = new AtomicLong();
        RowSink mosaic = (y0, r, src) -> {
            rows.addAndGet(r);
            int w = side;
            for (int k = 0; k < r * w; k += 997) {
                float v = src[2][k];
                if (!(v >= 300 && v <= 300 + 22 + 2.2 + 1)) bad.incrementAndGet();
            }
            Runtime rt = Runtime.getRuntime();
            maxHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
        };
        RowSink coverage = (y0, r, src) -> { };
        ReprojectCoadd.Result res = ReprojectCoadd.run(in, new WcsGrid(gridWcs, side, side), CoaddParams.defaults()
                .withSteps(false, false, false, false), plan -> new ReprojectCoadd.Sinks(mosaic, coverage), Progress.NONE);
        assertEquals(res.grid().height(), rows.get());
        assertTrue(res.grid().width() >= 19990 && res.grid().height() >= 19990, res.grid().width() + "x" + res.grid().height());
        assertEquals(0, bad.get(), "sampled values outside the tiles' range");
        System.out.printf("[huge] %dx%d RGB, peak heap seen %d MiB of max %d MiB%n", res.grid().width(), res.grid().height(),
                maxHeap.get() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        assertTrue(Runtime.getRuntime().maxMemory() <= (2L << 30) + (64L << 20), "run this test with -Xmx2g");
    }
}
