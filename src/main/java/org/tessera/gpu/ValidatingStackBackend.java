package org.tessera.gpu;

import java.util.Locale;
import java.util.function.BooleanSupplier;

import org.tessera.stack.BandChannel;
import org.tessera.stack.BlockAccumulator;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.SampleBounds;
import org.tessera.stack.StackBackend;
import org.tessera.stack.StackParams;

/**
 * A GPU stack backend as the policies use it: each call holds the run's device alone (the stack
 * core calls its backend from several threads), any failure inside it becomes a
 * {@link GpuException}, and each band's result is checked before the stack core takes it, as the
 * original validates a GPU stack (reference.md §7): a pixel where some frame has data must be finite
 * (and one where none has must be NaN), and a band must not come back all zero when its frames are
 * not. A bad result throws {@link GpuStackingException}. Once {@code stopped} says the GPU was
 * given up for the run (Phase 3's hard disable, by another tile), every call throws {@link Stopped}
 * before touching the device, so a tile under way at that moment goes to the CPU too.
 */
final class ValidatingStackBackend implements StackBackend {

    private final GpuRun run;
    private final StackBackend gpu;
    private final BooleanSupplier stopped;

    /** The GPU was given up for the run while this stack was under way: no call reaches the device. */
    static final class Stopped extends GpuException {
        Stopped() { super("the GPU was disabled for this run by another tile"); }
    }

    ValidatingStackBackend(GpuRun run, StackBackend gpu) {
        this(run, gpu, () -> false);
    }

    ValidatingStackBackend(GpuRun run, StackBackend gpu, BooleanSupplier stopped) {
        this.run = run;
        this.gpu = gpu;
        this.stopped = stopped;
    }

    StackBackend inner() { return gpu; }

    @Override
    public String name() {
        return gpu.name();
    }

    @Override
    public void stack(BandChannel band, StackParams params, float[] out, ChannelTally tally) {
        onDevice(() -> gpu.stack(band, params, out, tally));
        check(band, out);
    }

    @Override
    public void sampleBounds(BandChannel sample, StackParams params, SampleBounds bounds) {
        onDevice(() -> gpu.sampleBounds(sample, params, bounds));
    }

    @Override
    public void accumulate(BandChannel block, SampleBounds bounds, BlockAccumulator acc) {
        onDevice(() -> gpu.accumulate(block, bounds, acc));
    }

    @Override
    public void finish(SampleBounds bounds, BlockAccumulator acc, int pixels, StackParams params, float[] out,
                       ChannelTally tally) {
        onDevice(() -> gpu.finish(bounds, acc, pixels, params, out, tally));
        boolean anyData = false, nonZero = false;
        for (int i = 0; i < pixels; i++) {
            boolean has = acc.count()[i] > 0;
            anyData |= has;
            if (has != Float.isFinite(out[i])) throw invalid(i, out[i], has);
            nonZero |= has && out[i] != 0f;
        }
        // Frame blocks keep no input to compare with: an all-zero band of covered pixels is refused.
        if (anyData && !nonZero) throw new GpuStackingException("the GPU stack of a band is all zero");
    }

    private void onDevice(Runnable r) {
        try {
            run.withDevice(d -> {
                // Checked holding the device: a call that waited for it sees a disable made meanwhile.
                if (stopped.getAsBoolean()) throw new Stopped();
                r.run();
                return null;
            });
        } catch (GpuException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new GpuException("GPU stack backend failed: " + GpuRun.describe(e), e);
        }
    }

    /** NaN exactly where no frame has a finite sample; not all zero unless the frames are. */
    static void check(BandChannel band, float[] out) {
        float[] v = band.values();
        int stride = band.stride(), frames = band.frames();
        boolean allZero = true;
        for (int i = 0; i < band.pixels(); i++) {
            float o = out[i];
            if (Float.isFinite(o)) {
                if (o != 0f) allZero = false;
                continue;
            }
            boolean has = false;
            for (int f = 0; f < frames && !has; f++) has = Float.isFinite(v[f * stride + i]);
            if (has || !Float.isNaN(o)) throw invalid(i, o, has);
        }
        if (!allZero) return;
        for (int f = 0; f < frames; f++)
            for (int i = 0; i < band.pixels(); i++) {
                float x = v[f * stride + i];
                if (Float.isFinite(x) && x != 0f)
                    throw new GpuStackingException("the GPU stack of a band is all zero where its frames are not");
            }
    }

    private static GpuStackingException invalid(int i, float o, boolean has) {
        return new GpuStackingException(String.format(Locale.ROOT, "the GPU stack gave %s at pixel %d of a band where %s",
                o, i, has ? "frames have data" : "no frame has data"));
    }
}
