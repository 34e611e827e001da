package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.plan.StackLayout;
import org.tessera.plan.StackLayout.Mode;
import org.tessera.reproject.CoaddInput;
import org.tessera.reproject.CoaddParams;
import org.tessera.reproject.CoaddPlan;
import org.tessera.reproject.CpuBandCoadder;
import org.tessera.reproject.Kernel;
import org.tessera.reproject.ReprojectCoadd;
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackCore;
import org.tessera.stack.StackParams;
import org.tessera.stack.StackParams.Combine;
import org.tessera.stack.StackParams.Rejection;
import org.tessera.stack.StackResult;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

/**
 * The GPU backends plugged into the real engines on the simulated device: {@link StackCore} (whole
 * frame, thin bands on three workers sharing one device, frame blocks) and {@link ReprojectCoadd}
 * (two workers, small bands) give the CPU's mosaic, coverage and rejection percentages.
 */
class GpuPipelineParityTest {

    static final int W = 72, H = 61, C = 3, N = 8;

    static List<FloatImage> frames() {
        Random r = new Random(5);
        List<FloatImage> fs = new ArrayList<>();
        for (int f = 0; f < N; f++) {
            FloatImage img = new FloatImage(W, H, C);
            for (int c = 0; c < C; c++)
                for (int y = 0; y < H; y++)
                    for (int x = 0; x < W; x++) {
                        double star = 900 * Math.exp(-((x - 30) * (x - 30) + (y - 20) * (y - 20)) / 6.0);
                        double v = 100 + 10 * c + 1.5 * f + star + 4 * r.nextGaussian();
                        if (r.nextDouble() < 0.01) v += 3000; // cosmic
                        img.set(c, x, y, (float) (f == 5 && r.nextDouble() < 0.1 ? Double.NaN : v));
                    }
            fs.add(img);
        }
        return fs;
    }

    static final StackLayout WHOLE = new StackLayout(Mode.WHOLE_FRAME, 1, H, 1, N, N, 0, 1, 0, 0, 0);
    static final StackLayout THIN_BANDS = new StackLayout(Mode.BANDS, 3, 5, 13, N, N, 0, 2, 0, 0, 0);
    static final StackLayout BLOCKS = new StackLayout(Mode.FRAME_BLOCKS, 2, 7, 9, N, 3, 0, 2, 0, 0, 0);

    private static void assertClose(float[] e, float[] a, String what) {
        StackBackendContract.assertClose(e, a, e.length, what);
    }

    @Test
    void stackCoreOnTheGpuBackendMatchesCpu() throws Exception {
        List<FloatImage> frames = frames();
        SimulatedDevice device = new SimulatedDevice(64 << 20);
        GpuStackBackend gpu = new GpuStackBackend(device, GpuPhase.PHASE3, new ChunkLimits(64, 40_000));
        for (Rejection rej : Rejection.values())
            for (Combine cmb : Combine.values())
                for (StackLayout layout : List.of(WHOLE, THIN_BANDS, BLOCKS)) {
                    // Every option on the whole frame; the cuts with two (their own paths are the point).
                    boolean pair = (rej == Rejection.KAPPA_SIGMA && cmb == Combine.MEAN)
                            || (rej == Rejection.WINSORIZED_SIGMA_CLIP && cmb == Combine.MEDIAN);
                    if (layout != WHOLE && !pair) continue;
                    StackParams p = StackParams.defaults().with(rej, cmb);
                    String what = p.describe() + " " + layout.mode();
                    FloatImage a = new FloatImage(W, H, C), b = new FloatImage(W, H, C);
                    FloatImage ca = new FloatImage(W, H, 1), cb = new FloatImage(W, H, 1);
                    StackResult ra = StackCore.stack(frames, p, a, ca, Progress.NONE, layout, CpuStackBackend.INSTANCE);
                    StackResult rb = StackCore.stack(frames, p, b, cb, Progress.NONE, layout, gpu);
                    for (int c = 0; c < C; c++) assertClose(a.plane(c), b.plane(c), what + " channel " + c);
                    assertClose(ca.plane(0), cb.plane(0), what + " coverage");
                    for (int c = 0; c < C; c++)
                        assertEquals(ra.rejectedPctPerChannel()[c], rb.rejectedPctPerChannel()[c], 1e-12, what);
                    if (rej != Rejection.NONE) assertTrue(ra.rejectedPct() > 0, what);
                }
        assertTrue(gpu.timings().take().chunks() > 0);
        assertEquals(0, device.liveBytes());
    }

    static List<CoaddInput> tiles() {
        List<CoaddInput> in = new ArrayList<>();
        double[][] geo = {{150.00, 20.00, 0}, {150.05, 20.02, 17}, {150.02, 20.05, -121}};
        Random r = new Random(3);
        for (int k = 0; k < 3; k++) {
            FitsWcs w = CoadderContract.tan(geo[k][0], geo[k][1], 2.0, geo[k][2], 260, 200);
            FloatImage img = new FloatImage(260, 200, 3), alpha = new FloatImage(260, 200, 1);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 200; y++)
                    for (int x = 0; x < 260; x++)
                        img.set(c, x, y, (float) (100 + 20 * c + 5 * k + 30 * Math.sin(x * 0.1) * Math.cos(y * 0.07) + r.nextGaussian()));
            for (int y = 80; y < 95; y++) for (int x = 100; x < 130; x++) img.set(1, x, y, Float.NaN);
            for (int y = 0; y < 200; y++)
                for (int x = 0; x < 260; x++) {
                    double d = Math.min(Math.min(x, 259 - x), Math.min(y, 199 - y));
                    alpha.set(0, x, y, (float) Math.min(1, d / 25.0));
                }
            in.add(new CoaddInput("t" + k, img, alpha, w, 4 + 6 * k));
        }
        return in;
    }

    /** A sink factory keeping the mosaic and coverage in memory. */
    static final class Sinks implements ReprojectCoadd.SinkFactory {
        FloatImage mosaic, coverage;

        @Override
        public ReprojectCoadd.Sinks open(CoaddPlan plan) {
            WcsGrid g = plan.grid();
            int channels = plan.channels();
            mosaic = new FloatImage(g.width(), g.height(), channels);
            coverage = new FloatImage(g.width(), g.height(), 1);
            return new ReprojectCoadd.Sinks(mosaic, coverage);
        }
    }

    @Test
    void reprojectCoaddOnTheGpuCoadderMatchesCpu() throws Exception {
        List<CoaddInput> in = tiles();
        WcsGrid grid = new WcsGrid(CoadderContract.tan(150.03, 20.03, 2.2, 5, 400, 380), 400, 380);
        GpuBandCoadder gpu = new GpuBandCoadder(new SimulatedDevice(256L << 20), GpuPhase.PHASE5, new ChunkLimits(16, 8L << 20));
        for (Kernel k : new Kernel[] {Kernel.BILINEAR, Kernel.LANCZOS3}) {
            CoaddParams p = CoaddParams.defaults().withKernel(k).withRowsPerBand(37).withWorkers(2);
            Sinks a = new Sinks(), b = new Sinks();
            ReprojectCoadd.run(in, grid, p, a, Progress.NONE, CpuBandCoadder.INSTANCE);
            ReprojectCoadd.run(in, grid, p, b, Progress.NONE, gpu);
            for (int c = 0; c < 3; c++) assertClose(a.mosaic.plane(c), b.mosaic.plane(c), k + " channel " + c);
            assertClose(a.coverage.plane(0), b.coverage.plane(0), k + " coverage");
            long covered = 0;
            for (float v : a.coverage.plane(0)) if (v > 0) covered++;
            assertTrue(covered > a.coverage.plane(0).length / 3, k + ": covered " + covered);
        }
    }
}
