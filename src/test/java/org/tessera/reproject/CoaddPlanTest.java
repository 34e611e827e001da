package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;

/**
 * Phase 5 split as a cluster runs it: the plan made once, sent through Java serialization (as
 * Spark ships it to executors), then ranges of bands coadded by "other processes" (fresh inputs,
 * fresh caches, any order) into one mosaic, which must be bit-identical to {@link ReprojectCoadd#run}.
 */
class CoaddPlanTest {

    @Test
    void bandRangesFromASerializedPlanAreBitIdenticalToOneRun() throws Exception {
        CoaddParams p = CoaddParams.defaults().withKernel(Kernel.LANCZOS3).withSteps(true, true, true, true)
                .withRowsPerBand(24).withWorkers(2);
        MemorySinks ref = new MemorySinks();
        ReprojectCoadd.Result r = ReprojectCoadd.run(ReprojectCoaddTest.rgbTiles(), ReprojectCoaddTest.GRID, p, ref,
                Progress.NONE);

        CoaddPlan plan = ReprojectCoadd.plan(ReprojectCoaddTest.rgbTiles(), ReprojectCoaddTest.GRID, p, Progress.NONE);
        CoaddPlan shipped = roundTrip(plan);
        assertEquals(r.grid().width(), shipped.grid().width());
        assertEquals(r.grid().height(), shipped.grid().height());
        assertEquals(r.bands(), shipped.bands());
        assertTrue(shipped.bands() >= 4, "several bands: " + shipped.bands());
        assertEquals(3, shipped.tiles().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(r.tiles().get(i).gain(), shipped.tiles().get(i).gain(), 0.0);
            assertEquals(r.tiles().get(i).offset(), shipped.reports().get(i).offset(), 0.0);
        }
        assertNotEquals(1.0, shipped.tiles().get(1).gain(), "the match ran (gains differ from 1)");
        // The WCS travels as FITS cards: it must map exactly as the driver's.
        double[] a = new double[2], b = new double[2];
        for (double[] px : new double[][] {{0, 0}, {123.4, 56.7}, {399, 379}}) {
            plan.grid().wcs().pixelToWorld(px[0], px[1], a);
            shipped.grid().wcs().pixelToWorld(px[0], px[1], b);
            assertArrayEquals(a, b, 0.0);
        }

        // Three "executors", out of order, each with its own inputs and cache.
        FloatImage mosaic = new FloatImage(shipped.grid().width(), shipped.grid().height(), 3);
        FloatImage coverage = new FloatImage(shipped.grid().width(), shipped.grid().height(), 1);
        int n = shipped.bands(), cut1 = n / 3, cut2 = 2 * n / 3;
        for (int[] range : new int[][] {{cut2, n}, {0, cut1}, {cut1, cut2}}) {
            CoaddPlan mine = roundTrip(plan);
            ReprojectCoadd.coaddBands(mine, ReprojectCoaddTest.rgbTiles(), p.withWorkers(1).withStripCacheBytes(1 << 20),
                    new ReprojectCoadd.Sinks(mosaic, coverage), range[0], range[1], CpuBandCoadder.INSTANCE, Progress.NONE);
        }
        for (int c = 0; c < 3; c++) assertArrayEquals(ref.mosaic.plane(c), mosaic.plane(c), "channel " + c);
        assertArrayEquals(ref.coverage.plane(0), coverage.plane(0), "coverage");

        assertThrows(IllegalArgumentException.class, () -> ReprojectCoadd.coaddBands(shipped, ReprojectCoaddTest.rgbTiles(), p,
                new ReprojectCoadd.Sinks(mosaic, coverage), 0, n + 1, CpuBandCoadder.INSTANCE, Progress.NONE));
    }

    static CoaddPlan roundTrip(CoaddPlan plan) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(plan);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (CoaddPlan) in.readObject();
        }
    }
}
