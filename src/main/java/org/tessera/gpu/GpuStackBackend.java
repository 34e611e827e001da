package org.tessera.gpu;

import org.tessera.gpu.kernels.StackKernels;
import org.tessera.stack.BandChannel;
import org.tessera.stack.BlockAccumulator;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.SampleBounds;
import org.tessera.stack.StackBackend;
import org.tessera.stack.StackParams;

/**
 * The stack core's per-pixel work on a {@link GpuDevice}: the band channel is cut into chunks of
 * pixels that fit {@link ChunkLimits#maxChunkBytes} (every buffer of the chunk counted), each chunk
 * is uploaded, rejected ({@code tessera_reject}), combined ({@code tessera_combine}) and
 * downloaded. The kernels are those of {@code stack.cu}, the same rules as {@link
 * org.tessera.stack.CpuStackBackend} in the same order of operations, so results agree with the CPU
 * to float rounding. Frame-block mode runs {@code tessera_accumulate} and {@code tessera_finish}.
 * <p>
 * Failures surface as {@link GpuException} / {@link GpuOutOfMemoryException}; outputs and tallies
 * are written only once every chunk succeeded, so a failed call leaves them as they were. Calls
 * are serialised on the device; buffers go back to the pool at the end of each call.
 */
public final class GpuStackBackend extends ChunkedBackend implements StackBackend {

    static final int BLOCK = 128;

    public GpuStackBackend(GpuDevice device, GpuPhase phase, ChunkLimits limits) {
        super(device, phase, limits);
    }

    /** Device bytes per pixel of a whole-stack chunk: samples (+ pixel weights), scratch, bounds, outputs. */
    static long stackBytesPerPixel(int frames, boolean pw) {
        return (long) frames * (pw ? 8 : 4) + (long) frames * 8 + 4 * 8 + 4 + 4 + 4;
    }

    /** Device bytes per pixel of an accumulate chunk: samples (+ pixel weights), bounds, accumulators. */
    static long accumulateBytesPerPixel(int frames, boolean pw) {
        return (long) frames * (pw ? 8 : 4) + 4 * 8 + 4 * 8 + 4 + 4;
    }

    /**
     * Width of the image rows in the bands this backend receives (0: unknown). When set, a chunk
     * is also at most {@link ChunkLimits#rowsPerChunk} rows and whole rows where the budget allows,
     * and the timings report rows per chunk.
     */
    private volatile int rowWidth;

    /** The width of the frames being stacked, so that chunks are counted in rows (0: pixels only). */
    public void rowWidth(int width) {
        this.rowWidth = Math.max(0, width);
    }

    /** How a call is cut: pixels a chunk, and 1 or 2 buffer sets (2: double-buffered over two streams). */
    record Cut(int perChunk, int sets) {
    }

    /**
     * The chunking of a call over {@code pixels}: every buffer set costs {@code fixed} plus
     * {@code perPixel} per pixel of its chunk, and all sets together fit {@link
     * ChunkLimits#maxChunkBytes}. Two sets where the device has two streams and it pays: the band
     * needs several chunks anyway, or its upload ({@code uploadPerPixel}) reaches the pipeline
     * size, in which case it is cut into at least {@link #PIPELINE_CHUNKS} chunks; one set where
     * the budget cannot hold a pixel in each.
     */
    Cut cut(int pixels, long perPixel, long fixed, int frames, long uploadPerPixel) {
        int one = chunkPixels(pixels, perPixel, fixed, frames, 1);
        boolean big = (long) pixels * uploadPerPixel >= pipelineMinBytes();
        if (device.streams() < 2 || (one >= pixels && !big) || pixels < 2) return new Cut(one, 1);
        int two;
        try {
            two = chunkPixels(pixels, perPixel, fixed, frames, 2);
        } catch (GpuOutOfMemoryException tooSmall) {
            return new Cut(one, 1);
        }
        if (big) two = Math.min(two, wholeRows((pixels + PIPELINE_CHUNKS - 1) / PIPELINE_CHUNKS));
        return new Cut(two, 2);
    }

    /** {@code n} pixels rounded up to whole rows when the row width is known. */
    private int wholeRows(int n) {
        int w = rowWidth;
        return w > 0 ? Math.max(w, (n + w - 1) / w * w) : Math.max(1, n);
    }

    private int chunkPixels(int pixels, long perPixel, long fixed, int frames, int sets) {
        ChunkLimits l = limits();
        long n = (l.maxChunkBytes() / sets - fixed) / perPixel;
        if (n < 1)
            throw new GpuOutOfMemoryException("GPU chunk budget of " + l.maxChunkBytes() + " bytes is too small for "
                    + (sets == 1 ? "one pixel" : "one pixel in each of " + sets + " buffer sets") + " of "
                    + frames + " frames (" + (perPixel + fixed) + " bytes a set)");
        int w = rowWidth;
        if (w > 0) {
            n = Math.min(n, (long) l.rowsPerChunk() * w);
            if (n >= w) n -= n % w; // whole rows
        }
        return (int) Math.min(pixels, Math.min(n, Integer.MAX_VALUE / Math.max(1, frames)));
    }

    private void chunk(int cn) {
        int w = rowWidth;
        timings.chunk(cn, w > 0 ? (cn + w - 1) / w : 0);
    }

    static int rejection(StackParams p) {
        return switch (p.rejection()) {
            case NONE -> StackKernels.REJ_NONE;
            case KAPPA_SIGMA -> StackKernels.REJ_KAPPA_SIGMA;
            case WINSORIZED_SIGMA_CLIP -> StackKernels.REJ_WINSORIZED;
            case LINEAR_FIT_CLIP -> StackKernels.REJ_LINEAR_FIT;
        };
    }

    /** Queues the samples (and pixel weights) of pixels [p0, p0 + cn) of every frame, frame-major with stride cn. */
    private void uploadSamples(int stream, BandChannel b, int p0, int cn, DeviceBuffer values, DeviceBuffer pw) {
        for (int f = 0; f < b.frames(); f++) {
            device.uploadAsync(stream, b.values(), f * b.stride() + p0, values, (long) f * cn, cn);
            if (b.pixelWeights() != null) device.uploadAsync(stream, b.pixelWeights(), f * b.stride() + p0, pw, (long) f * cn, cn);
        }
    }

    /** Bytes a pixel uploads: its samples, and pixel weights. */
    private static long uploadPerPixel(int frames, boolean pw) {
        return (long) frames * (pw ? 8 : 4);
    }

    /** One buffer set of a whole-stack chunk: bounds stay on the device in lo..rejHi. */
    private record Chunk(DeviceBuffer values, DeviceBuffer pw, DeviceBuffer fw, DeviceBuffer scratch, DeviceBuffer lo,
                         DeviceBuffer hi, DeviceBuffer rejLo, DeviceBuffer rejHi, DeviceBuffer out, DeviceBuffer count,
                         DeviceBuffer rejected) {
        static Chunk allocate(Allocation a, int frames, int cn, boolean pw) {
            DeviceBuffer values = a.get((long) frames * cn * 4);
            return new Chunk(values, pw ? a.get((long) frames * cn * 4) : values, a.get((long) frames * 8),
                    a.get((long) frames * cn * 8), a.get(cn * 8L), a.get(cn * 8L), a.get(cn * 8L), a.get(cn * 8L),
                    a.get(cn * 4L), a.get(cn * 4L), a.get(cn * 4L));
        }
    }

    /** {@code sets} buffer sets, each with the frame weights (every stream reads only its own buffers). */
    private Chunk[] sets(Allocation a, BandChannel b, int sets, int cp) {
        Chunk[] c = new Chunk[sets];
        for (int k = 0; k < sets; k++) {
            c[k] = Chunk.allocate(a, b.frames(), cp, b.pixelWeights() != null);
            device.uploadAsync(k, b.weights(), 0, c[k].fw, 0, b.frames());
        }
        return c;
    }

    /** Queues the upload, tessera_reject and (when {@code combine}) tessera_combine of pixels [p0, p0 + cn). */
    private void rejectAndCombine(int stream, BandChannel b, StackParams params, Chunk c, int p0, int cn, boolean combine,
                                  boolean median) {
        chunk(cn);
        long t0 = System.nanoTime();
        uploadSamples(stream, b, p0, cn, c.values, c.pw);
        int hasPw = b.pixelWeights() != null ? 1 : 0;
        double up = ChunkTimings.ms(t0);
        t0 = System.nanoTime();
        device.launchAsync(stream, KernelCall.linear(StackKernels.REJECT, cn, BLOCK, c.values, c.pw, hasPw, c.fw, b.frames(), cn,
                rejection(params), params.kappaLow(), params.kappaHigh(), c.scratch, c.lo, c.hi, c.rejLo, c.rejHi), phase);
        double rej = ChunkTimings.ms(t0);
        double comb = 0;
        if (combine) {
            t0 = System.nanoTime();
            int clip = params.rejection() == StackParams.Rejection.WINSORIZED_SIGMA_CLIP ? 1 : 0;
            device.launchAsync(stream, KernelCall.linear(StackKernels.COMBINE, cn, BLOCK, c.values, c.pw, hasPw, c.fw, b.frames(), cn,
                    clip, median ? 1 : 0, c.lo, c.hi, c.rejLo, c.rejHi, c.scratch, c.out, c.count, c.rejected), phase);
            comb = ChunkTimings.ms(t0);
        }
        timings.add(up, rej, comb, 0);
    }

    @Override
    public void stack(BandChannel band, StackParams params, float[] out, ChannelTally tally) {
        int frames = band.frames(), pixels = band.pixels();
        boolean pw = band.pixelWeights() != null;
        boolean median = params.combine() == StackParams.Combine.MEDIAN;
        float[] staged = new float[pixels];
        int[] count = new int[pixels], rejected = new int[pixels];
        synchronized (device) {
            Cut cut = cut(pixels, stackBytesPerPixel(frames, pw), frames * 8L, frames, uploadPerPixel(frames, pw));
            try (Allocation a = new Allocation(device, phase)) {
                Chunk[] c = sets(a, band, cut.sets(), cut.perChunk());
                pipeline(pixels, cut.perChunk(), cut.sets(), new ChunkStep() {
                    @Override
                    public void enqueue(int set, int stream, int p0, int cn) {
                        rejectAndCombine(stream, band, params, c[set], p0, cn, true, median);
                    }

                    @Override
                    public void collect(int set, int p0, int cn) {
                        device.download(c[set].out, 0, staged, p0, cn);
                        device.download(c[set].count, 0, count, p0, cn);
                        device.download(c[set].rejected, 0, rejected, p0, cn);
                    }
                });
            }
        }
        long samples = 0, rej = 0;
        for (int i = 0; i < pixels; i++) {
            samples += count[i];
            rej += rejected[i];
        }
        System.arraycopy(staged, 0, out, 0, pixels);
        tally.add(samples, rej);
    }

    @Override
    public void sampleBounds(BandChannel sample, StackParams params, SampleBounds b) {
        int frames = sample.frames(), pixels = sample.pixels();
        boolean pw = sample.pixelWeights() != null;
        boolean median = params.combine() == StackParams.Combine.MEDIAN;
        double[] lo = new double[pixels], hi = new double[pixels], rl = new double[pixels], rh = new double[pixels];
        float[] med = new float[pixels];
        synchronized (device) {
            Cut cut = cut(pixels, stackBytesPerPixel(frames, pw), frames * 8L, frames, uploadPerPixel(frames, pw));
            try (Allocation a = new Allocation(device, phase)) {
                Chunk[] c = sets(a, sample, cut.sets(), cut.perChunk());
                pipeline(pixels, cut.perChunk(), cut.sets(), new ChunkStep() {
                    @Override
                    public void enqueue(int set, int stream, int p0, int cn) {
                        rejectAndCombine(stream, sample, params, c[set], p0, cn, median, true);
                    }

                    @Override
                    public void collect(int set, int p0, int cn) {
                        device.download(c[set].lo, 0, lo, p0, cn);
                        device.download(c[set].hi, 0, hi, p0, cn);
                        device.download(c[set].rejLo, 0, rl, p0, cn);
                        device.download(c[set].rejHi, 0, rh, p0, cn);
                        if (median) device.download(c[set].out, 0, med, p0, cn);
                    }
                });
            }
        }
        if (!median) java.util.Arrays.fill(med, Float.NaN);
        System.arraycopy(lo, 0, b.lo(), 0, pixels);
        System.arraycopy(hi, 0, b.hi(), 0, pixels);
        System.arraycopy(rl, 0, b.rejLo(), 0, pixels);
        System.arraycopy(rh, 0, b.rejHi(), 0, pixels);
        System.arraycopy(med, 0, b.median(), 0, pixels);
        b.clip(params.rejection() == StackParams.Rejection.WINSORIZED_SIGMA_CLIP);
    }

    /** One buffer set of an accumulate chunk: samples, frame weights, bounds and sums (d), tallies. */
    private record AccSet(DeviceBuffer values, DeviceBuffer pw, DeviceBuffer fw, DeviceBuffer[] d, DeviceBuffer cnt,
                          DeviceBuffer rej) {
    }

    @Override
    public void accumulate(BandChannel block, SampleBounds b, BlockAccumulator acc) {
        int frames = block.frames(), pixels = block.pixels();
        boolean pw = block.pixelWeights() != null;
        double[] sWX = new double[pixels], sW = new double[pixels], sWXAll = new double[pixels], sWAll = new double[pixels];
        int[] count = new int[pixels], rejected = new int[pixels];
        synchronized (device) {
            Cut cut = cut(pixels, accumulateBytesPerPixel(frames, pw), frames * 8L, frames,
                    uploadPerPixel(frames, pw) + 4 * 8 + 4 * 8 + 8);
            int cp = cut.perChunk();
            try (Allocation a = new Allocation(device, phase)) {
                AccSet[] sets = new AccSet[cut.sets()];
                for (int k = 0; k < sets.length; k++) {
                    DeviceBuffer values = a.get((long) frames * cp * 4), pwb = pw ? a.get((long) frames * cp * 4) : values;
                    DeviceBuffer fw = a.get(frames * 8L);
                    DeviceBuffer[] d = new DeviceBuffer[8];
                    for (int j = 0; j < 8; j++) d[j] = a.get(cp * 8L);
                    sets[k] = new AccSet(values, pwb, fw, d, a.get(cp * 4L), a.get(cp * 4L));
                    device.uploadAsync(k, block.weights(), 0, fw, 0, frames);
                }
                double[][] bounds = {b.lo(), b.hi(), b.rejLo(), b.rejHi()};
                double[][] sumsIn = {acc.sumWX(), acc.sumW(), acc.sumWXAll(), acc.sumWAll()};
                double[][] sumsOut = {sWX, sW, sWXAll, sWAll};
                pipeline(pixels, cp, sets.length, new ChunkStep() {
                    @Override
                    public void enqueue(int set, int stream, int p0, int cn) {
                        AccSet s = sets[set];
                        chunk(cn);
                        long t0 = System.nanoTime();
                        uploadSamples(stream, block, p0, cn, s.values, s.pw);
                        for (int k = 0; k < 4; k++) device.uploadAsync(stream, bounds[k], p0, s.d[k], 0, cn);
                        for (int k = 0; k < 4; k++) device.uploadAsync(stream, sumsIn[k], p0, s.d[4 + k], 0, cn);
                        device.uploadAsync(stream, acc.count(), p0, s.cnt, 0, cn);
                        device.uploadAsync(stream, acc.rejected(), p0, s.rej, 0, cn);
                        double up = ChunkTimings.ms(t0);
                        t0 = System.nanoTime();
                        device.launchAsync(stream, KernelCall.linear(StackKernels.ACCUMULATE, cn, BLOCK, s.values, s.pw, pw ? 1 : 0,
                                s.fw, frames, cn, b.clip() ? 1 : 0, s.d[0], s.d[1], s.d[2], s.d[3], s.d[4], s.d[5], s.d[6], s.d[7],
                                s.cnt, s.rej), phase);
                        timings.add(up, 0, ChunkTimings.ms(t0), 0);
                    }

                    @Override
                    public void collect(int set, int p0, int cn) {
                        AccSet s = sets[set];
                        for (int k = 0; k < 4; k++) device.download(s.d[4 + k], 0, sumsOut[k], p0, cn);
                        device.download(s.cnt, 0, count, p0, cn);
                        device.download(s.rej, 0, rejected, p0, cn);
                    }
                });
            }
        }
        System.arraycopy(sWX, 0, acc.sumWX(), 0, pixels);
        System.arraycopy(sW, 0, acc.sumW(), 0, pixels);
        System.arraycopy(sWXAll, 0, acc.sumWXAll(), 0, pixels);
        System.arraycopy(sWAll, 0, acc.sumWAll(), 0, pixels);
        System.arraycopy(count, 0, acc.count(), 0, pixels);
        System.arraycopy(rejected, 0, acc.rejected(), 0, pixels);
    }

    /** One buffer set of a finish chunk. */
    private record FinishSet(DeviceBuffer cnt, DeviceBuffer rej, DeviceBuffer med, DeviceBuffer out, DeviceBuffer rejOut,
                             DeviceBuffer[] d) {
    }

    @Override
    public void finish(SampleBounds b, BlockAccumulator acc, int pixels, StackParams params, float[] out,
                       ChannelTally tally) {
        boolean median = params.combine() == StackParams.Combine.MEDIAN;
        float[] staged = new float[pixels];
        int[] rejected = new int[pixels];
        synchronized (device) {
            long perPixel = 4 * 8 + 4 + 4 + 4 + 4 + 4;
            Cut cut = cut(pixels, perPixel, 0, 1, 4 * 8 + 4 + 4 + 4);
            int cp = cut.perChunk();
            try (Allocation a = new Allocation(device, phase)) {
                FinishSet[] sets = new FinishSet[cut.sets()];
                for (int k = 0; k < sets.length; k++) {
                    DeviceBuffer cnt = a.get(cp * 4L), rej = a.get(cp * 4L), med = a.get(cp * 4L);
                    DeviceBuffer o = a.get(cp * 4L), rejOut = a.get(cp * 4L);
                    DeviceBuffer[] d = new DeviceBuffer[4];
                    for (int j = 0; j < 4; j++) d[j] = a.get(cp * 8L);
                    sets[k] = new FinishSet(cnt, rej, med, o, rejOut, d);
                }
                double[][] sums = {acc.sumWX(), acc.sumW(), acc.sumWXAll(), acc.sumWAll()};
                pipeline(pixels, cp, sets.length, new ChunkStep() {
                    @Override
                    public void enqueue(int set, int stream, int p0, int cn) {
                        FinishSet s = sets[set];
                        chunk(cn);
                        long t0 = System.nanoTime();
                        device.uploadAsync(stream, acc.count(), p0, s.cnt, 0, cn);
                        device.uploadAsync(stream, acc.rejected(), p0, s.rej, 0, cn);
                        device.uploadAsync(stream, b.median(), p0, s.med, 0, cn);
                        for (int k = 0; k < 4; k++) device.uploadAsync(stream, sums[k], p0, s.d[k], 0, cn);
                        double up = ChunkTimings.ms(t0);
                        t0 = System.nanoTime();
                        device.launchAsync(stream, KernelCall.linear(StackKernels.FINISH, cn, BLOCK, s.cnt, s.d[0], s.d[1], s.d[2],
                                s.d[3], s.rej, median ? 1 : 0, s.med, cn, s.out, s.rejOut), phase);
                        timings.add(up, 0, ChunkTimings.ms(t0), 0);
                    }

                    @Override
                    public void collect(int set, int p0, int cn) {
                        device.download(sets[set].out, 0, staged, p0, cn);
                        device.download(sets[set].rejOut, 0, rejected, p0, cn);
                    }
                });
            }
        }
        long samples = 0, rej = 0;
        for (int i = 0; i < pixels; i++) {
            samples += acc.count()[i];
            rej += rejected[i];
        }
        System.arraycopy(staged, 0, out, 0, pixels);
        tally.add(samples, rej);
    }
}
