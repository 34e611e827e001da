package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.AllFinite;
import org.tessera.image.FloatImage;
import org.tessera.image.RowSource;
import org.tessera.image.RowSourceView;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

/** The survey read is skipped for sources that know they hold no NaN, with the same mosaic. */
class KnownValidSurveyTest {

    /** Counts the rows read; says "all finite" when asked to (the data are finite either way). */
    static final class Counting extends RowSourceView implements AllFinite {
        final boolean finite;
        final AtomicLong rows = new AtomicLong();

        Counting(RowSource src, boolean finite) {
            super(src);
            this.finite = finite;
        }

        @Override public boolean allFinite() { return finite; }

        @Override
        public void readRows(int y0, int n, float[][] dst) throws IOException {
            rows.addAndGet(n);
            source.readRows(y0, n, dst);
        }
    }

    static final int W = 240, H = 180;
    static final double[][] GEO = {{150.00, 20.00, 0}, {150.04, 20.02, 23}, {150.02, 20.04, -121}};

    static List<Counting> sources(boolean finite) {
        List<Counting> s = new ArrayList<>();
        for (int k = 0; k < GEO.length; k++) {
            FitsWcs w = TestSkies.tan(GEO[k][0], GEO[k][1], 2.0, GEO[k][2], W, H);
            FloatImage img = TestSkies.render(w, W, H, TestSkies.stars(w, W, H, 25, 5, 10 + k), 1.4, 500 + 7 * k, 4, k);
            float[] p = img.plane(0);
            for (int i = 0; i < p.length; i++) p[i] = Math.round(p[i]); // integer-valued like a 16-bit frame
            s.add(new Counting(img, finite));
        }
        return s;
    }

    static MemorySinks run(List<Counting> src, CoaddParams p) throws IOException {
        List<CoaddInput> in = new ArrayList<>();
        for (int k = 0; k < src.size(); k++)
            in.add(CoaddInput.of("t" + k, src.get(k), TestSkies.tan(GEO[k][0], GEO[k][1], 2.0, GEO[k][2], W, H)));
        MemorySinks m = new MemorySinks();
        ReprojectCoadd.run(in, new WcsGrid(TestSkies.tan(150.02, 20.02, 2.1, 3, 420, 400), 420, 400), p, m, Progress.NONE);
        return m;
    }

    static long rowsRead(List<Counting> s) {
        return s.stream().mapToLong(c -> c.rows.get()).sum();
    }

    @Test
    void allFiniteSourcesAreReadOnceWithTheSameMosaic() throws IOException {
        for (Kernel k : new Kernel[] {Kernel.BILINEAR, Kernel.LANCZOS3}) {
            // A large cache: each block is read once, so the counts differ by the survey alone.
            CoaddParams p = CoaddParams.plain(k).withWorkers(2).withRowsPerBand(16).withStripCacheBytes(64L << 20);
            List<Counting> scanned = sources(false), known = sources(true);
            MemorySinks a = run(scanned, p), b = run(known, p);
            assertEquals(a.grid.width(), b.grid.width());
            assertEquals(a.grid.height(), b.grid.height());
            assertArrayEquals(a.mosaic.plane(0), b.mosaic.plane(0), k + " mosaic");
            assertArrayEquals(a.coverage.plane(0), b.coverage.plane(0), k + " coverage");
            assertEquals((long) GEO.length * H, rowsRead(scanned) - rowsRead(known), k + ": one survey pass less");
        }
    }

    @Test
    void previewsStillNeedTheSurvey() throws IOException {
        // With matching on the survey builds previews, so it reads even an all-finite source.
        CoaddParams p = CoaddParams.plain(Kernel.BILINEAR).withSteps(false, true, false, false).withStripCacheBytes(64L << 20);
        List<Counting> scanned = sources(false), known = sources(true);
        MemorySinks a = run(scanned, p), b = run(known, p);
        assertArrayEquals(a.mosaic.plane(0), b.mosaic.plane(0));
        assertEquals(rowsRead(scanned), rowsRead(known));
    }
}
