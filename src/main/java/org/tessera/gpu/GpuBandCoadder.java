package org.tessera.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

import org.tessera.gpu.kernels.CoaddKernel;
import org.tessera.reproject.BackgroundPlane;
import org.tessera.reproject.BandCoadder;
import org.tessera.reproject.BandContribution;
import org.tessera.reproject.CoaddBand;
import org.tessera.reproject.CpuBandCoadder;
import org.tessera.reproject.Kernel;
import org.tessera.reproject.KernelSampler;
import org.tessera.reproject.SourceStrip;
import org.tessera.wcs.WcsMapping;

/**
 * The coadd's per-band work on a {@link GpuDevice}, one channel at a time: the band's rows are cut
 * into chunks of at most {@link ChunkLimits#rowsPerChunk} rows whose accumulators, plus the largest
 * tile strip and mapping table, fit {@link ChunkLimits#maxChunkBytes}; for each chunk the
 * accumulators are uploaded, every contribution is launched in list order ({@code tessera_coadd}
 * of {@code coadd.cu}: the same control-cell mapping, sampling and float accumulation as {@link
 * CpuBandCoadder}), and the accumulators come back. Contributions with the exact kernel run on the
 * CPU ({@link CpuBandCoadder}) in their place in the list, logged once.
 * <p>
 * {@link #accumulate(CoaddBand, List, int, boolean)} does one channel, so the control layer can
 * refresh its VRAM budget between channels. The band is written only when every chunk of the call
 * succeeded; failures surface as {@link GpuException} / {@link GpuOutOfMemoryException}.
 */
public final class GpuBandCoadder extends ChunkedBackend implements BandCoadder {

    private static final Logger LOG = Logger.getLogger(GpuBandCoadder.class.getName());
    private static final AtomicBoolean EXACT_LOGGED = new AtomicBoolean();
    static final int BLOCK = 256;
    private static final double[] LZ = KernelSampler.lanczosTable();

    public GpuBandCoadder(GpuDevice device, GpuPhase phase, ChunkLimits limits) {
        super(device, phase, limits);
    }

    /** Every channel; the weight with the first. */
    @Override
    public void accumulate(CoaddBand band, List<BandContribution> contributions) {
        int n = band.rows() * band.width();
        float[][] sums = new float[band.channels()][];
        float[] weight = band.weight().clone();
        for (int c = 0; c < band.channels(); c++) {
            sums[c] = band.sum(c).clone();
            run(band, contributions, c, c == 0, sums[c], weight);
        }
        for (int c = 0; c < band.channels(); c++) System.arraycopy(sums[c], 0, band.sum(c), 0, n);
        System.arraycopy(weight, 0, band.weight(), 0, n);
    }

    /**
     * One channel of the band: adds Σ w·(g·v + o) of channel {@code channel}, and Σ w when
     * {@code addWeight} (once per band, with whichever channel comes first).
     */
    public void accumulate(CoaddBand band, List<BandContribution> contributions, int channel, boolean addWeight) {
        int n = band.rows() * band.width();
        float[] sum = band.sum(channel).clone();
        float[] weight = band.weight().clone();
        run(band, contributions, channel, addWeight, sum, weight);
        System.arraycopy(sum, 0, band.sum(channel), 0, n);
        if (addWeight) System.arraycopy(weight, 0, band.weight(), 0, n);
    }

    /** Runs of consecutive contributions, each all-GPU or all-exact (CPU), in list order. */
    private void run(CoaddBand band, List<BandContribution> all, int ch, boolean addWeight, float[] sum, float[] weight) {
        int i = 0;
        while (i < all.size()) {
            boolean exact = all.get(i).kernel() == Kernel.EXACT;
            int j = i;
            while (j < all.size() && (all.get(j).kernel() == Kernel.EXACT) == exact) j++;
            List<BandContribution> part = all.subList(i, j);
            if (exact) onCpu(band, part, ch, addWeight, sum, weight);
            else onGpu(band, part, ch, addWeight, sum, weight);
            i = j;
        }
    }

    /** The exact kernel samples footprints, which no kernel of coadd.cu does: CpuBandCoadder adds them. */
    private static void onCpu(CoaddBand band, List<BandContribution> part, int ch, boolean addWeight, float[] sum,
                              float[] weight) {
        if (EXACT_LOGGED.compareAndSet(false, true))
            LOG.info("[P5][GPU] reproject kernel 'exact' runs on the CPU (the GPU kernels sample positions, not footprints)");
        int n = band.rows() * band.width();
        CoaddBand scratch = new CoaddBand(band.width(), band.channels(), band.rows());
        scratch.reset(band.y0(), band.rows());
        System.arraycopy(sum, 0, scratch.sum(ch), 0, n);
        System.arraycopy(weight, 0, scratch.weight(), 0, n);
        CpuBandCoadder.INSTANCE.accumulate(scratch, part);
        System.arraycopy(scratch.sum(ch), 0, sum, 0, n);
        if (addWeight) System.arraycopy(scratch.weight(), 0, weight, 0, n);
    }

    private static int kernelCode(Kernel k) {
        return switch (k) {
            case NEAREST -> CoaddKernel.K_NEAREST;
            case BILINEAR -> CoaddKernel.K_BILINEAR;
            case LANCZOS3 -> CoaddKernel.K_LANCZOS3;
            case EXACT -> throw new IllegalArgumentException("exact kernel on the GPU");
        };
    }

    /** One strip buffer set: a contribution's tile plane, weight plane and mapping tables. */
    private record StripSet(DeviceBuffer plane, DeviceBuffer wplane, DeviceBuffer nodes, DeviceBuffer corners) {
    }

    /** Output rows a chunk may take next to {@code sets} strip sets ({@code fixed} bytes each); 0 if not one. */
    private long budgetRows(long fixed, long perRow, int sets) {
        return Math.max(0, (limits().maxChunkBytes() - (long) LZ.length * 8 - fixed * sets) / perRow);
    }

    private void onGpu(CoaddBand band, List<BandContribution> part, int ch, boolean addWeight, float[] sum,
                       float[] weight) {
        int bw = band.width(), rows = band.rows();
        List<WcsMapping.Flat> flats = new ArrayList<>(part.size());
        long stripFloats = 0, nodeCount = 0;
        boolean anyW = false;
        for (BandContribution c : part) {
            WcsMapping.Flat f = c.region().flatten();
            flats.add(f);
            SourceStrip s = c.strip();
            stripFloats = Math.max(stripFloats, (long) (s.endRow() - s.firstRow()) * s.width());
            nodeCount = Math.max(nodeCount, f.nodes().length / 5);
            anyW |= s.hasWeights();
        }
        long fixed = stripFloats * 4 * (anyW ? 2 : 1) + nodeCount * (5 * 4 + 8 * 8);
        long perRow = (long) bw * 4 * (addWeight ? 2 : 1);
        long rows1 = budgetRows(fixed, perRow, 1);
        if (rows1 < 1)
            throw new GpuOutOfMemoryException("GPU chunk budget of " + limits().maxChunkBytes() + " bytes is too small for one output row"
                    + " and a tile strip of " + stripFloats + " pixels (" + (fixed + LZ.length * 8L + perRow) + " bytes)");
        int chunkRows = (int) Math.min(rows, Math.min(limits().rowsPerChunk(), rows1));
        // Two strip sets (the next contribution's upload on the copy stream while the current one's
        // kernel runs) where the device has two streams and the second set costs no extra row chunk:
        // more chunks would upload every strip again.
        int sets = 1;
        if (device.streams() >= 2 && part.size() >= 2) {
            int rows2 = (int) Math.min(rows, Math.min(limits().rowsPerChunk(), budgetRows(fixed, perRow, 2)));
            if (rows2 >= 1 && (rows + rows2 - 1) / rows2 == (rows + chunkRows - 1) / chunkRows) {
                sets = 2;
                chunkRows = rows2;
            }
        }
        final int compute = 0, copy = sets - 1;
        float[] host = new float[(int) stripFloats];
        synchronized (device) {
            try (Allocation a = new Allocation(device, phase)) {
                DeviceBuffer dSum = a.get((long) chunkRows * bw * 4);
                DeviceBuffer dW = addWeight ? a.get((long) chunkRows * bw * 4) : dSum;
                StripSet[] strips = new StripSet[sets];
                for (int k = 0; k < sets; k++) {
                    DeviceBuffer plane = a.get(stripFloats * 4), wplane = anyW ? a.get(stripFloats * 4) : plane;
                    strips[k] = new StripSet(plane, wplane, a.get(nodeCount * 5 * 4), a.get(nodeCount * 8 * 8));
                }
                DeviceEvent[] kernelDone = new DeviceEvent[sets]; // the last kernel that read each strip set
                DeviceBuffer lz = a.get(LZ.length * 8L);
                device.uploadAsync(compute, LZ, 0, lz, 0, LZ.length);
                int launched = 0;
                for (int r0 = 0; r0 < rows; r0 += chunkRows) {
                    int cr = Math.min(chunkRows, rows - r0), yA = band.y0() + r0, yB = yA + cr;
                    timings.chunk((long) cr * bw, cr);
                    long t0 = System.nanoTime();
                    device.uploadAsync(compute, sum, r0 * bw, dSum, 0, cr * bw);
                    if (addWeight) device.uploadAsync(compute, weight, r0 * bw, dW, 0, cr * bw);
                    double up = ChunkTimings.ms(t0), kern = 0;
                    for (int k = 0; k < part.size(); k++) {
                        BandContribution c = part.get(k);
                        int y0 = Math.max(c.y0(), yA), y1 = Math.min(c.y1(), yB);
                        if (y0 >= y1 || c.x0() >= c.x1()) continue;
                        int set = launched++ % sets;
                        StripSet st = strips[set];
                        t0 = System.nanoTime();
                        if (kernelDone[set] != null) device.await(copy, kernelDone[set]); // set free again
                        SourceStrip s = c.strip();
                        int nf = (s.endRow() - s.firstRow()) * s.width();
                        s.copyRows(ch, host, 0);
                        device.uploadAsync(copy, host, 0, st.plane, 0, nf);
                        if (s.hasWeights()) {
                            s.copyRows(-1, host, 0);
                            device.uploadAsync(copy, host, 0, st.wplane, 0, nf);
                        }
                        WcsMapping.Flat f = flats.get(k);
                        device.uploadAsync(copy, f.nodes(), 0, st.nodes, 0, f.nodes().length);
                        device.uploadAsync(copy, f.corners(), 0, st.corners, 0, f.corners().length);
                        device.await(compute, device.record(copy)); // the kernel after its strip
                        up += ChunkTimings.ms(t0);
                        t0 = System.nanoTime();
                        int[] win = s.validWindow();
                        BackgroundPlane bg = c.background();
                        device.launchAsync(compute, KernelCall.linear(CoaddKernel.NAME, (long) (c.x1() - c.x0()) * (y1 - y0), BLOCK,
                                st.nodes, st.corners, f.cx0(), f.cy0(), f.ncx(), f.cellSize(),
                                st.plane, st.wplane, s.hasWeights() ? 1 : 0, s.width(), s.firstRow(), win[0], win[1], win[2], win[3],
                                kernelCode(c.kernel()), lz, c.x0(), c.x1(), y0, y1, c.weight(), c.gain(ch),
                                bg.level()[ch], bg.slopeX()[ch], bg.slopeY()[ch], dSum, dW, addWeight ? 1 : 0, yA, bw), phase);
                        kernelDone[set] = device.record(compute);
                        kern += ChunkTimings.ms(t0);
                    }
                    t0 = System.nanoTime();
                    device.synchronize(compute);
                    kern += ChunkTimings.ms(t0);
                    t0 = System.nanoTime();
                    device.download(dSum, 0, sum, r0 * bw, cr * bw);
                    if (addWeight) device.download(dW, 0, weight, r0 * bw, cr * bw);
                    timings.add(up, 0, kern, ChunkTimings.ms(t0));
                }
            }
        }
    }
}
