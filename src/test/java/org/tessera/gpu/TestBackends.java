package org.tessera.gpu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.tessera.reproject.BandCoadder;
import org.tessera.reproject.BandContribution;
import org.tessera.reproject.CoaddBand;
import org.tessera.reproject.CpuBandCoadder;
import org.tessera.stack.BandChannel;
import org.tessera.stack.BlockAccumulator;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.SampleBounds;
import org.tessera.stack.StackBackend;
import org.tessera.stack.StackParams;

/**
 * Backends for the control tests on the simulated device: they allocate chunks sized by the limits,
 * compute with the CPU rules and pass every result through a device buffer and a launch, so the
 * fault injector's OOM, failed and invalid launches reach the policies as they would from kernels.
 */
final class TestBackends implements GpuBackends {

    /** The kernel the test backends launch: touches nothing (results are uploaded before it). */
    static final JavaKernel IDENTITY = (bx, by, tx, ty, call, mem) -> { };

    final List<ChunkLimits> stackLimits = Collections.synchronizedList(new ArrayList<>());
    final List<ChunkLimits> coaddLimits = Collections.synchronizedList(new ArrayList<>());

    @Override
    public StackBackend stack(GpuDevice device, GpuPhase phase, ChunkLimits limits) {
        stackLimits.add(limits);
        return new StackBackend() {
            @Override public String name() { return "gpu"; }

            @Override
            public void stack(BandChannel band, StackParams params, float[] out, ChannelTally tally) {
                int frames = band.frames(), pixels = band.pixels();
                int chunk = (int) Math.max(1, Math.min(pixels, limits.maxChunkBytes() / (4L * (frames + 1))));
                for (int i0 = 0; i0 < pixels; i0 += chunk) {
                    int n = Math.min(chunk, pixels - i0);
                    float[] v = new float[frames * n];
                    float[] pw = band.pixelWeights() == null ? null : new float[frames * n];
                    for (int f = 0; f < frames; f++) {
                        System.arraycopy(band.values(), f * band.stride() + i0, v, f * n, n);
                        if (pw != null) System.arraycopy(band.pixelWeights(), f * band.stride() + i0, pw, f * n, n);
                    }
                    DeviceBuffer in = device.allocate(4L * frames * n, phase);
                    try {
                        DeviceBuffer o = device.allocate(4L * n, phase);
                        try {
                            device.upload(v, 0, in, 0, frames * n);
                            float[] tmp = new float[n];
                            CpuStackBackend.INSTANCE.stack(new BandChannel(v, n, frames, n, band.weights(), pw), params, tmp, tally);
                            device.upload(tmp, 0, o, 0, n);
                            device.launch(KernelCall.linear("test_identity", n, 128, in, o, n), phase);
                            device.download(o, 0, out, i0, n);
                        } finally {
                            device.release(o);
                        }
                    } finally {
                        device.release(in);
                    }
                }
            }

            @Override
            public void sampleBounds(BandChannel sample, StackParams params, SampleBounds bounds) {
                CpuStackBackend.INSTANCE.sampleBounds(sample, params, bounds);
            }

            @Override
            public void accumulate(BandChannel block, SampleBounds bounds, BlockAccumulator acc) {
                CpuStackBackend.INSTANCE.accumulate(block, bounds, acc);
            }

            @Override
            public void finish(SampleBounds bounds, BlockAccumulator acc, int pixels, StackParams params, float[] out,
                               ChannelTally tally) {
                DeviceBuffer o = device.allocate(4L * pixels, phase);
                try {
                    float[] tmp = new float[pixels];
                    CpuStackBackend.INSTANCE.finish(bounds, acc, pixels, params, tmp, tally);
                    device.upload(tmp, 0, o, 0, pixels);
                    device.launch(KernelCall.linear("test_identity", pixels, 128, o, pixels), phase);
                    device.download(o, 0, out, 0, pixels);
                } finally {
                    device.release(o);
                }
            }
        };
    }

    @Override
    public BandCoadder coadder(GpuDevice device, ChunkLimits limits) {
        coaddLimits.add(limits);
        return new BandCoadder() {
            @Override
            public void accumulate(CoaddBand band, List<BandContribution> contributions) {
                int n = band.rows() * band.width();
                long bytes = 4L * n * (band.channels() + 1);
                DeviceBuffer work = device.allocate(Math.min(bytes, limits.maxChunkBytes()), GpuPhase.PHASE5);
                try {
                    DeviceBuffer io = device.allocate(4L * Math.max(1, n), GpuPhase.PHASE5);
                    try {
                        CpuBandCoadder.INSTANCE.accumulate(band, contributions);
                        for (int c = 0; c < band.channels(); c++) {
                            device.upload(band.sum(c), 0, io, 0, n);
                            device.launch(KernelCall.linear("test_identity", Math.max(1, n), 128, work, io, n), GpuPhase.PHASE5);
                            device.download(io, 0, band.sum(c), 0, n);
                        }
                    } finally {
                        device.release(io);
                    }
                } finally {
                    device.release(work);
                }
            }

            @Override public String name() { return "gpu"; }
        };
    }
}
