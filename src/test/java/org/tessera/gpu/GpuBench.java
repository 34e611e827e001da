package org.tessera.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

import org.tessera.gpu.kernels.StackKernels;
import org.tessera.reproject.BackgroundPlane;
import org.tessera.reproject.BandContribution;
import org.tessera.reproject.CoaddBand;
import org.tessera.reproject.CpuBandCoadder;
import org.tessera.reproject.Kernel;
import org.tessera.reproject.KernelSampler;
import org.tessera.reproject.SourceStrip;
import org.tessera.stack.BandChannel;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackParams;
import org.tessera.stack.StackParams.Combine;
import org.tessera.stack.StackParams.Rejection;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsMapping;

/**
 * The GPU benchmark of bench/gpu/run.sh: Phase 3 stack compute (100 RGB 1920×1080 frames,
 * kappa-sigma and winsorized) and Phase 5 coadd compute (64 RGB 2000×2000 tiles with alpha,
 * bilinear), the CPU backends on every core vs the GPU backends in the same run (overlapped over two
 * streams, and through one stream to show what the overlap gains), plus the stack kernels' achieved
 * bandwidth on device-resident samples against the device's copy bandwidth, and the CuPy peer's
 * time when {@code -Dtessera.bench.cupyMs} gives it. Prints one Markdown table.
 * <p>
 * {@code GpuBench [cuda|sim] [full|small]}: "sim" runs the Java ports (checks the harness on a
 * machine without a GPU); "small" shrinks every size.
 */
public final class GpuBench {
    private GpuBench() {}

    private static final List<String> ROWS = new ArrayList<>();
    /** Tessera's GPU time of the kappa-sigma stack, for the CuPy row. */
    private static double KAPPA_GPU_MS;

    public static void main(String[] args) throws Exception {
        boolean cuda = args.length < 1 || args[0].equals("cuda");
        boolean full = args.length < 2 || args[1].equals("full");
        int threads = Runtime.getRuntime().availableProcessors();
        GpuDevice device;
        try {
            device = cuda ? JCudaDevice.open(0) : new SimulatedDevice(8L << 30);
        } catch (GpuException e) {
            System.out.println("[bench] no GPU: " + e.getMessage());
            System.exit(3);
            return;
        }
        System.out.println("[bench] device " + device.describe() + ", CPU threads " + threads);
        if (device instanceof JCudaDevice j) {
            try { // before minutes of CPU work: kernels the driver refuses end the benchmark at once
                System.out.println("[bench] kernels " + j.loadModules());
            } catch (GpuException e) {
                System.out.println("[bench] GPU not usable: " + e.getMessage());
                device.close();
                System.exit(3);
                return;
            }
        }
        // The header now and each row as soon as it is measured: a run cut short by its timeout keeps its rows.
        System.out.println("[bench] header " + header(threads));
        double copy = device instanceof JCudaDevice j ? j.copyBandwidthGBs(full ? 1L << 30 : 64L << 20, 10) : Double.NaN;
        if (!Double.isNaN(copy)) System.out.printf(Locale.ROOT, "[bench] device copy bandwidth %.0f GB/s%n", copy);
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            long t0 = System.nanoTime();
            stackBench(device, pool, full ? 100 : 12, full ? 1920 : 256, full ? 1080 : 64, full ? 64 : 16, copy);
            System.out.printf(Locale.ROOT, "[bench] Phase 3 stack done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            coaddBench(device, pool, full ? 8 : 3, full ? 2000 : 200, full ? 256 : 64);
            System.out.printf(Locale.ROOT, "[bench] Phase 5 coadd done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdown();
            device.close();
        }
        String cupy = System.getProperty("tessera.bench.cupyMs");
        if (cupy != null && !cupy.isBlank() && KAPPA_GPU_MS > 0)
            row(String.format(Locale.ROOT, "| Phase 3 stack, kappa-sigma: CuPy peer (bench/gpu/cupy_kappa.py, same shape) | | %s | | Tessera's GPU %.1f× faster | | | | |",
                    cupy.strip(), Double.parseDouble(cupy.strip()) / KAPPA_GPU_MS));
        System.out.println();
        System.out.println(header(threads));
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (String r : ROWS) System.out.println(r);
    }

    private static String header(int threads) {
        return "| work | CPU " + threads + " threads (ms) | GPU (ms) | GPU one stream (ms) | speed-up | GPU kernels only (ms) | kernel GB/s | copy GB/s | max rel. diff |";
    }

    /** A row of the table, printed at once ("[bench] row …") and again in the table at the end. */
    private static void row(String r) {
        ROWS.add(r);
        System.out.println("[bench] row " + r);
    }

    /** Deterministic noise in [0, 1) (no shared state: any band, any thread). */
    private static float noise(long i) {
        long z = (i + 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return ((z ^ (z >>> 29)) >>> 40) / (float) (1L << 24);
    }

    private static void stackBench(GpuDevice device, ForkJoinPool pool, int frames, int w, int h, int bandRows, double copy)
            throws Exception {
        int bands = (h + bandRows - 1) / bandRows;
        BandChannel[] data = new BandChannel[bands];
        pool.submit(() -> IntStream.range(0, bands).parallel().forEach(b -> {
            int rows = Math.min(bandRows, h - b * bandRows), pixels = rows * w;
            float[] v = new float[frames * pixels];
            long base = (long) b * bandRows * w;
            for (int f = 0; f < frames; f++)
                for (int i = 0; i < pixels; i++) {
                    float u = noise((base + i) * 131 + f);
                    v[f * pixels + i] = 1000 + 50 * (u - 0.5f) + (u > 0.98f ? 5000 * u : 0); // sky, noise, hot samples
                }
            double[] fw = new double[frames];
            for (int f = 0; f < frames; f++) fw[f] = 0.8 + 0.4 * noise(f);
            data[b] = new BandChannel(v, pixels, frames, pixels, fw, null);
        })).get();
        long samples = (long) frames * w * h * 3;
        for (Rejection rej : new Rejection[] {Rejection.KAPPA_SIGMA, Rejection.WINSORIZED_SIGMA_CLIP}) {
            StackParams p = StackParams.defaults().with(rej, Combine.MEAN);
            float[][] cpuOut = new float[bands][], gpuOut = new float[bands][];
            // Three channels: the same bands three times (compute does not depend on the values' origin).
            long t0 = System.nanoTime();
            pool.submit(() -> IntStream.range(0, bands * 3).parallel().forEach(k -> {
                BandChannel b = data[k % bands];
                float[] o = new float[b.pixels()];
                CpuStackBackend.INSTANCE.stack(b, p, o, new ChannelTally());
                if (k < bands) cpuOut[k] = o;
            })).get();
            double cpuMs = (System.nanoTime() - t0) / 1e6;
            long budget = Math.min(4L << 30, device.freeBytes() > 0 ? (long) (device.freeBytes() * 0.45) : 1L << 30);
            double oneStreamMs = 0, gpuMs = 0;
            for (GpuDevice dev : List.of(ForwardingDevice.oneStream(device), device)) { // unoverlapped, then overlapped
                GpuStackBackend g = new GpuStackBackend(dev, GpuPhase.PHASE3, new ChunkLimits(1 << 20, budget));
                g.stack(data[0], p, new float[data[0].pixels()], new ChannelTally()); // warm-up: module load, pool
                t0 = System.nanoTime();
                for (int k = 0; k < bands * 3; k++) {
                    BandChannel b = data[k % bands];
                    float[] o = new float[b.pixels()];
                    g.stack(b, p, o, new ChannelTally());
                    if (k < bands) gpuOut[k] = o;
                }
                if (dev == device) gpuMs = (System.nanoTime() - t0) / 1e6;
                else oneStreamMs = (System.nanoTime() - t0) / 1e6;
            }
            if (rej == Rejection.KAPPA_SIGMA) KAPPA_GPU_MS = gpuMs;
            // The kernels alone, on a band already on the device: the bandwidth they reach on the samples.
            double bandKernelMs = kernelsOnlyMs(device, data[0], p);
            double kernelMs = bandKernelMs * bands * 3; // the last band may be shorter: a slight overestimate
            double gbs = samples * 4.0 / (kernelMs / 1e3) / 1e9;
            row(String.format(Locale.ROOT, "| Phase 3 stack %d × RGB %d×%d, %s | %.0f | %.0f | %.0f | %.1f× | %.0f | %.0f | %s | %.1e |",
                    frames, w, h, StackParams.configName(rej), cpuMs, gpuMs, oneStreamMs, cpuMs / gpuMs, kernelMs,
                    gbs, Double.isNaN(copy) ? "n/a" : String.format(Locale.ROOT, "%.0f", copy), maxRel(cpuOut, gpuOut)));
        }
    }

    /**
     * Milliseconds of tessera_reject + tessera_combine over one band whose samples are already on
     * the device (median of 5 runs after a warm-up): no copies, only the kernels.
     */
    private static double kernelsOnlyMs(GpuDevice d, BandChannel b, StackParams p) {
        int n = b.frames(), px = b.pixels();
        try (Allocation a = new Allocation(d, GpuPhase.PHASE3)) {
            DeviceBuffer values = a.get((long) n * px * 4), fw = a.get(n * 8L), scratch = a.get((long) n * px * 8);
            DeviceBuffer lo = a.get(px * 8L), hi = a.get(px * 8L), rl = a.get(px * 8L), rh = a.get(px * 8L);
            DeviceBuffer out = a.get(px * 4L), cnt = a.get(px * 4L), rej = a.get(px * 4L);
            d.uploadAsync(0, b.values(), 0, values, 0, n * px);
            d.uploadAsync(0, b.weights(), 0, fw, 0, n);
            int clip = p.rejection() == Rejection.WINSORIZED_SIGMA_CLIP ? 1 : 0;
            KernelCall reject = KernelCall.linear(StackKernels.REJECT, px, GpuStackBackend.BLOCK, values, values, 0, fw, n, px,
                    GpuStackBackend.rejection(p), p.kappaLow(), p.kappaHigh(), scratch, lo, hi, rl, rh);
            KernelCall combine = KernelCall.linear(StackKernels.COMBINE, px, GpuStackBackend.BLOCK, values, values, 0, fw, n, px,
                    clip, 0, lo, hi, rl, rh, scratch, out, cnt, rej);
            double[] ms = new double[6];
            for (int r = 0; r < ms.length; r++) {
                d.synchronize(0);
                long t0 = System.nanoTime();
                d.launchAsync(0, reject, GpuPhase.PHASE3);
                d.launchAsync(0, combine, GpuPhase.PHASE3);
                d.synchronize(0);
                ms[r] = (System.nanoTime() - t0) / 1e6;
            }
            double[] timed = java.util.Arrays.copyOfRange(ms, 1, ms.length); // the first is the warm-up
            java.util.Arrays.sort(timed);
            return timed[timed.length / 2];
        }
    }

    private static double maxRel(float[][] a, float[][] b) {
        double m = 0;
        for (int k = 0; k < a.length; k++)
            for (int i = 0; i < a[k].length; i++) {
                float x = a[k][i], y = b[k][i];
                if (Float.isNaN(x) && Float.isNaN(y)) continue;
                m = Math.max(m, Math.abs(x - y) / Math.max(1, Math.abs(x)));
            }
        return m;
    }

    private static void coaddBench(GpuDevice device, ForkJoinPool pool, int grid, int tile, int bandRows) throws Exception {
        int step = tile * 9 / 10, size = step * (grid - 1) + tile + 40, nc = 3;
        double arcsec = 1.0;
        FitsWcs target = CoadderContract.tan(150, 30, arcsec, 0, size, size);
        int nt = grid * grid;
        List<FitsWcs> wcs = new ArrayList<>();
        float[][][] planeArr = new float[nt][][];
        float[][] alphaArr = new float[nt][];
        double[] world = new double[2];
        for (int j = 0; j < grid; j++)
            for (int i = 0; i < grid; i++) {
                target.pixelToWorld(20 + i * step + tile / 2.0, 20 + j * step + tile / 2.0, world);
                wcs.add(CoadderContract.tan(world[0], world[1], arcsec * 1.01, 0.7 * (i - j), tile, tile));
            }
        pool.submit(() -> IntStream.range(0, nt).parallel().forEach(k -> {
            float[][] p = new float[nc][tile * tile];
            float[] a = new float[tile * tile];
            for (int c = 0; c < nc; c++)
                for (int q = 0; q < tile * tile; q++) p[c][q] = 500 + 100 * noise(((long) k * nc + c) * tile * tile + q);
            for (int q = 0; q < tile * tile; q++) a[q] = 0.25f + 0.75f * noise(-1L - q - (long) k * tile * tile);
            planeArr[k] = p;
            alphaArr[k] = a;
        })).get();
        List<float[][]> planes = List.of(planeArr);
        List<float[]> alpha = List.of(alphaArr);
        // Contributions of every band, built before timing (WCS regions are not the compute measured).
        int bands = (size + bandRows - 1) / bandRows;
        List<List<BandContribution>> work = new ArrayList<>();
        double[] px = new double[2];
        for (int b = 0; b < bands; b++) {
            int y0 = b * bandRows, y1 = Math.min(size, y0 + bandRows);
            List<BandContribution> cs = new ArrayList<>();
            for (int k = 0; k < wcs.size(); k++) {
                int i = k % grid, j = k / grid;
                int x0 = Math.max(0, 20 + i * step - 40), x1 = Math.min(size, 20 + i * step + tile + 40);
                int ty0 = Math.max(y0, 20 + j * step - 40), ty1 = Math.min(y1, 20 + j * step + tile + 40);
                if (ty0 >= ty1) continue;
                WcsMapping.Region r = KernelSampler.region(Kernel.BILINEAR, new WcsMapping(target, wcs.get(k)), x0, ty0, x1, ty1);
                double[] sb = r.sourceBounds();
                if (sb == null) continue;
                int sy0 = Math.max(0, (int) Math.floor(sb[2]) - 2), sy1 = Math.min(tile, (int) Math.ceil(sb[3]) + 3);
                if (sy0 >= sy1) continue;
                int n = sy1 - sy0;
                float[][][] rows = new float[nc][n][];
                float[][] wr = new float[n][];
                int[] off = new int[n];
                for (int q = 0; q < n; q++) {
                    for (int c = 0; c < nc; c++) rows[c][q] = planes.get(k)[c];
                    wr[q] = alpha.get(k);
                    off[q] = (sy0 + q) * tile;
                }
                SourceStrip s = new SourceStrip(tile, sy0, sy1, rows, wr, off, new int[] {0, tile, 0, tile});
                cs.add(new BandContribution(k, x0, x1, ty0, ty1, r, s, Kernel.BILINEAR, 1f, 1.02f,
                        new BackgroundPlane(new double[] {1, 2, 3}, new double[] {1e-4, 0, -1e-4}, new double[] {0, 1e-4, 0})));
            }
            work.add(cs);
        }
        float[][] cpuW = new float[bands][], gpuW = new float[bands][];
        long t0 = System.nanoTime();
        pool.submit(() -> IntStream.range(0, bands).parallel().forEach(b -> {
            int y0 = b * bandRows, rows = Math.min(bandRows, size - y0);
            CoaddBand band = new CoaddBand(size, nc, rows);
            band.reset(y0, rows);
            CpuBandCoadder.INSTANCE.accumulate(band, work.get(b));
            cpuW[b] = band.sum(1).clone();
        })).get();
        double cpuMs = (System.nanoTime() - t0) / 1e6;
        long budget = Math.min(4L << 30, device.freeBytes() > 0 ? (long) (device.freeBytes() * 0.45) : 1L << 30);
        double gpuMs = 0, oneStreamMs = 0;
        ChunkTimings.Snapshot s = null;
        for (GpuDevice dev : List.of(ForwardingDevice.oneStream(device), device)) { // unoverlapped, then overlapped
            GpuBandCoadder g = new GpuBandCoadder(dev, GpuPhase.PHASE5, new ChunkLimits(bandRows, budget));
            CoaddBand warm = new CoaddBand(size, nc, Math.min(bandRows, size));
            warm.reset(0, Math.min(bandRows, size));
            g.accumulate(warm, work.get(0)); // warm-up: module load, pool, JIT
            g.timings().take();
            t0 = System.nanoTime();
            for (int b = 0; b < bands; b++) {
                int y0 = b * bandRows, rows = Math.min(bandRows, size - y0);
                CoaddBand band = new CoaddBand(size, nc, rows);
                band.reset(y0, rows);
                g.accumulate(band, work.get(b));
                gpuW[b] = band.sum(1).clone();
            }
            if (dev == device) gpuMs = (System.nanoTime() - t0) / 1e6;
            else oneStreamMs = (System.nanoTime() - t0) / 1e6;
            s = g.timings().take();
        }
        row(String.format(Locale.ROOT, "| Phase 5 coadd %d RGB tiles %d×%d → %d×%d, bilinear + alpha | %.0f | %.0f | %.0f | %.1f× | %.0f (launch + wait; upload %.0f, download %.0f) | | | %.1e |",
                grid * grid, tile, tile, size, size, cpuMs, gpuMs, oneStreamMs, cpuMs / gpuMs, s.combineMs(), s.uploadMs(), s.downloadMs(),
                maxRel(cpuW, gpuW)));
    }
}
