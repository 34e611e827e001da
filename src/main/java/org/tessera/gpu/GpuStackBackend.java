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

    private int chunkPixels(int pixels, long perPixel, long fixed, int frames) {
        ChunkLimits l = limits();
        long n = (l.maxChunkBytes() - fixed) / perPixel;
        if (n < 1)
            throw new GpuOutOfMemoryException("GPU chunk budget of " + l.maxChunkBytes() + " bytes is too small for one pixel of "
                    + frames + " frames (" + (perPixel + fixed) + " bytes)");
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

    private static int rejection(StackParams p) {
        return switch (p.rejection()) {
            case NONE -> StackKernels.REJ_NONE;
            case KAPPA_SIGMA -> StackKernels.REJ_KAPPA_SIGMA;
            case WINSORIZED_SIGMA_CLIP -> StackKernels.REJ_WINSORIZED;
            case LINEAR_FIT_CLIP -> StackKernels.REJ_LINEAR_FIT;
        };
    }

    /** Uploads samples (and pixel weights) of pixels [p0, p0 + cn) of every frame, frame-major with stride cn. */
    private void uploadSamples(BandChannel b, int p0, int cn, DeviceBuffer values, DeviceBuffer pw) {
        for (int f = 0; f < b.frames(); f++) {
            device.upload(b.values(), f * b.stride() + p0, values, (long) f * cn, cn);
            if (b.pixelWeights() != null) device.upload(b.pixelWeights(), f * b.stride() + p0, pw, (long) f * cn, cn);
        }
    }

    /** Rejection then combine of pixels [p0, p0+cn): bounds stay on the device in lo..rejHi. */
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

    /** Runs tessera_reject and (when {@code combine}) tessera_combine on pixels [p0, p0 + cn). */
    private void rejectAndCombine(BandChannel b, StackParams params, Chunk c, int p0, int cn, boolean combine,
                                  boolean median) {
        long t0 = System.nanoTime();
        uploadSamples(b, p0, cn, c.values, c.pw);
        int hasPw = b.pixelWeights() != null ? 1 : 0;
        double up = ChunkTimings.ms(t0);
        t0 = System.nanoTime();
        device.launch(KernelCall.linear(StackKernels.REJECT, cn, BLOCK, c.values, c.pw, hasPw, c.fw, b.frames(), cn,
                rejection(params), params.kappaLow(), params.kappaHigh(), c.scratch, c.lo, c.hi, c.rejLo, c.rejHi), phase);
        double rej = ChunkTimings.ms(t0);
        double comb = 0;
        if (combine) {
            t0 = System.nanoTime();
            int clip = params.rejection() == StackParams.Rejection.WINSORIZED_SIGMA_CLIP ? 1 : 0;
            device.launch(KernelCall.linear(StackKernels.COMBINE, cn, BLOCK, c.values, c.pw, hasPw, c.fw, b.frames(), cn,
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
            int cp = chunkPixels(pixels, stackBytesPerPixel(frames, pw), frames * 8L, frames);
            try (Allocation a = new Allocation(device, phase)) {
                Chunk c = Chunk.allocate(a, frames, cp, pw);
                device.upload(band.weights(), 0, c.fw, 0, frames);
                for (int p0 = 0; p0 < pixels; p0 += cp) {
                    int cn = Math.min(cp, pixels - p0);
                    chunk(cn);
                    rejectAndCombine(band, params, c, p0, cn, true, median);
                    long t0 = System.nanoTime();
                    device.download(c.out, 0, staged, p0, cn);
                    device.download(c.count, 0, count, p0, cn);
                    device.download(c.rejected, 0, rejected, p0, cn);
                    timings.add(0, 0, 0, ChunkTimings.ms(t0));
                }
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
            int cp = chunkPixels(pixels, stackBytesPerPixel(frames, pw), frames * 8L, frames);
            try (Allocation a = new Allocation(device, phase)) {
                Chunk c = Chunk.allocate(a, frames, cp, pw);
                device.upload(sample.weights(), 0, c.fw, 0, frames);
                for (int p0 = 0; p0 < pixels; p0 += cp) {
                    int cn = Math.min(cp, pixels - p0);
                    chunk(cn);
                    rejectAndCombine(sample, params, c, p0, cn, median, true);
                    long t0 = System.nanoTime();
                    device.download(c.lo, 0, lo, p0, cn);
                    device.download(c.hi, 0, hi, p0, cn);
                    device.download(c.rejLo, 0, rl, p0, cn);
                    device.download(c.rejHi, 0, rh, p0, cn);
                    if (median) device.download(c.out, 0, med, p0, cn);
                    timings.add(0, 0, 0, ChunkTimings.ms(t0));
                }
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

    @Override
    public void accumulate(BandChannel block, SampleBounds b, BlockAccumulator acc) {
        int frames = block.frames(), pixels = block.pixels();
        boolean pw = block.pixelWeights() != null;
        double[] sWX = new double[pixels], sW = new double[pixels], sWXAll = new double[pixels], sWAll = new double[pixels];
        int[] count = new int[pixels], rejected = new int[pixels];
        synchronized (device) {
            int cp = chunkPixels(pixels, accumulateBytesPerPixel(frames, pw), frames * 8L, frames);
            try (Allocation a = new Allocation(device, phase)) {
                DeviceBuffer values = a.get((long) frames * cp * 4), pwb = pw ? a.get((long) frames * cp * 4) : values;
                DeviceBuffer fw = a.get(frames * 8L);
                DeviceBuffer[] d = new DeviceBuffer[8];
                for (int k = 0; k < 8; k++) d[k] = a.get(cp * 8L);
                DeviceBuffer cnt = a.get(cp * 4L), rej = a.get(cp * 4L);
                device.upload(block.weights(), 0, fw, 0, frames);
                double[][] bounds = {b.lo(), b.hi(), b.rejLo(), b.rejHi()};
                double[][] sumsIn = {acc.sumWX(), acc.sumW(), acc.sumWXAll(), acc.sumWAll()};
                double[][] sumsOut = {sWX, sW, sWXAll, sWAll};
                for (int p0 = 0; p0 < pixels; p0 += cp) {
                    int cn = Math.min(cp, pixels - p0);
                    chunk(cn);
                    long t0 = System.nanoTime();
                    uploadSamples(block, p0, cn, values, pwb);
                    for (int k = 0; k < 4; k++) device.upload(bounds[k], p0, d[k], 0, cn);
                    for (int k = 0; k < 4; k++) device.upload(sumsIn[k], p0, d[4 + k], 0, cn);
                    device.upload(acc.count(), p0, cnt, 0, cn);
                    device.upload(acc.rejected(), p0, rej, 0, cn);
                    double up = ChunkTimings.ms(t0);
                    t0 = System.nanoTime();
                    device.launch(KernelCall.linear(StackKernels.ACCUMULATE, cn, BLOCK, values, pwb, pw ? 1 : 0, fw, frames,
                            cn, b.clip() ? 1 : 0, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], cnt, rej), phase);
                    double k1 = ChunkTimings.ms(t0);
                    t0 = System.nanoTime();
                    for (int k = 0; k < 4; k++) device.download(d[4 + k], 0, sumsOut[k], p0, cn);
                    device.download(cnt, 0, count, p0, cn);
                    device.download(rej, 0, rejected, p0, cn);
                    timings.add(up, 0, k1, ChunkTimings.ms(t0));
                }
            }
        }
        System.arraycopy(sWX, 0, acc.sumWX(), 0, pixels);
        System.arraycopy(sW, 0, acc.sumW(), 0, pixels);
        System.arraycopy(sWXAll, 0, acc.sumWXAll(), 0, pixels);
        System.arraycopy(sWAll, 0, acc.sumWAll(), 0, pixels);
        System.arraycopy(count, 0, acc.count(), 0, pixels);
        System.arraycopy(rejected, 0, acc.rejected(), 0, pixels);
    }

    @Override
    public void finish(SampleBounds b, BlockAccumulator acc, int pixels, StackParams params, float[] out,
                       ChannelTally tally) {
        boolean median = params.combine() == StackParams.Combine.MEDIAN;
        float[] staged = new float[pixels];
        int[] rejected = new int[pixels];
        synchronized (device) {
            long perPixel = 4 * 8 + 4 + 4 + 4 + 4 + 4;
            int cp = chunkPixels(pixels, perPixel, 0, 1);
            try (Allocation a = new Allocation(device, phase)) {
                DeviceBuffer cnt = a.get(cp * 4L), rej = a.get(cp * 4L), med = a.get(cp * 4L);
                DeviceBuffer o = a.get(cp * 4L), rejOut = a.get(cp * 4L);
                DeviceBuffer[] d = new DeviceBuffer[4];
                for (int k = 0; k < 4; k++) d[k] = a.get(cp * 8L);
                double[][] sums = {acc.sumWX(), acc.sumW(), acc.sumWXAll(), acc.sumWAll()};
                for (int p0 = 0; p0 < pixels; p0 += cp) {
                    int cn = Math.min(cp, pixels - p0);
                    chunk(cn);
                    long t0 = System.nanoTime();
                    device.upload(acc.count(), p0, cnt, 0, cn);
                    device.upload(acc.rejected(), p0, rej, 0, cn);
                    device.upload(b.median(), p0, med, 0, cn);
                    for (int k = 0; k < 4; k++) device.upload(sums[k], p0, d[k], 0, cn);
                    double up = ChunkTimings.ms(t0);
                    t0 = System.nanoTime();
                    device.launch(KernelCall.linear(StackKernels.FINISH, cn, BLOCK, cnt, d[0], d[1], d[2], d[3], rej,
                            median ? 1 : 0, med, cn, o, rejOut), phase);
                    double k1 = ChunkTimings.ms(t0);
                    t0 = System.nanoTime();
                    device.download(o, 0, staged, p0, cn);
                    device.download(rejOut, 0, rejected, p0, cn);
                    timings.add(up, 0, k1, ChunkTimings.ms(t0));
                }
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
