package org.tessera.gpu;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.tessera.reproject.BandCoadder;
import org.tessera.reproject.BandContribution;
import org.tessera.reproject.CoaddBand;
import org.tessera.reproject.CpuBandCoadder;

/**
 * Phase 5 on the GPU with dynamic VRAM (seeds phase5-dynamic-vram.md and follow-up). Tessera
 * coadds a band of output rows at a time; on the GPU each band is made channel by channel, and
 * before each channel's GPU call the VRAM refresh ({@link Phase5Budget#refresh}) sets the chunk
 * limits (the original's call is one channel of the whole mosaic). On CUDA out-of-memory the ladder runs: up to
 * 3 retries, each after freeing the pool with bytes and rows × 0.7
 * ({@code [GPU Reproject] OOM retry k/3: …}); then the CPU when {@code allow_cpu_fallback}, else the
 * error. Any other GPU failure (an error, a band with NaN where tiles have weight) is not retried:
 * CPU or error the same way. After a fallback the rest of Phase 5 runs on the CPU (said once), so a
 * failing GPU does not cost four attempts per band. Each band is made whole by one backend, every
 * channel together, so channels never mix GPU and CPU.
 */
public final class Phase5GpuCoadder implements BandCoadder {

    private static final Logger LOG = Logger.getLogger("org.tessera.reproject");

    static final int OOM_RETRIES = 3;

    private final GpuRun run;
    private final Phase5Budget budget;
    private final AtomicBoolean cpuOnly = new AtomicBoolean(), announced = new AtomicBoolean();
    private final AtomicInteger gpuBands = new AtomicInteger(), cpuBands = new AtomicInteger();

    Phase5GpuCoadder(GpuRun run, Phase5Budget budget) {
        this.run = run;
        this.budget = budget;
    }

    /**
     * Phase 5's coadder: this one when the GPU is requested and healthy (the cap is snapshotted
     * now), else the CPU coadder.
     */
    public static BandCoadder forRun(GpuRun run) {
        if (!run.health().healthy() || !run.settings().gpu()) return CpuBandCoadder.INSTANCE;
        Phase5Budget b = Phase5Budget.snapshot(run.settings(), run.totalBytes(), run.probeFreeBytes());
        LOG.info("[P5] coadd on the GPU (" + run.health().device() + "), OOM ladder on, allow_cpu_fallback="
                + run.settings().allowCpuFallback());
        return new Phase5GpuCoadder(run, b);
    }

    @Override
    public void accumulate(CoaddBand band, List<BandContribution> contributions) {
        if (cpuOnly.get()) {
            cpu(band, contributions);
            return;
        }
        float[][] saved = save(band);
        for (int ch = 0; ch < band.channels(); ch++) {
            if (cpuOnly.get()) {
                // Another band fell back while this one was under way: "the rest of Phase 5" includes it.
                restore(band, saved);
                cpu(band, contributions);
                return;
            }
            Failure f = channel(band, contributions, ch);
            if (f != null) {
                // The band is remade whole on the CPU: its channels never mix GPU and CPU.
                restore(band, saved);
                if (f == FOLLOW) cpu(band, contributions);
                else fallback(band, contributions, f.why(), f.error());
                return;
            }
        }
        try {
            check(band);
        } catch (GpuStackingException e) {
            restore(band, saved);
            fallback(band, contributions, "GPU error, not retried (" + GpuRun.kind(e) + "): " + GpuRun.message(e), e);
            return;
        }
        gpuBands.incrementAndGet();
    }

    /** The run stops because the user asked for no CPU fallback: a user's error, not a bug. */
    static final class FallbackRefused extends GpuException implements org.tessera.UserMessages.UserFacing {
        FallbackRefused(String message, Throwable cause) { super(message, cause); }
    }

    /** Why the GPU gave up on a channel. */
    private record Failure(String why, Throwable error) {}

    /** Another band fell back while this one waited: the CPU, without a line of its own. */
    private static final Failure FOLLOW = new Failure(null, null);

    /**
     * One channel of a band on the GPU, after its VRAM refresh, with the OOM ladder; the weight
     * comes with channel 0. Null when done, else why the GPU gave up (the band is then untouched by
     * this channel: the coadder writes only complete calls).
     */
    private Failure channel(CoaddBand band, List<BandContribution> contributions, int ch) {
        // The whole ladder holds the device (the run's lock is reentrant): with several workers no
        // other band's call lands between its retries, so it sees only its own OOMs and its lines
        // read 1/3, 2/3, 3/3, as the original's single-threaded ladder.
        try {
            return run.withDevice(d -> {
                Failure f = ladder(band, contributions, ch);
                // Decided while holding the device, so a band waiting for it sees the fallback.
                if (f != null && f != FOLLOW && run.settings().allowCpuFallback()) cpuOnly.set(true);
                return f;
            });
        } catch (GpuException e) {
            return new Failure("GPU error, not retried (" + GpuRun.kind(e) + "): " + GpuRun.message(e), e);
        }
    }

    private Failure ladder(CoaddBand band, List<BandContribution> contributions, int ch) {
        // Waited for the device while another band fell back: no GPU call after that line.
        if (cpuOnly.get()) return FOLLOW;
        ChunkLimits lim = budget.refresh(run.probeFreeBytes(), band.rows());
        for (int k = 0; ; k++) {
            ChunkLimits l = lim;
            try {
                run.withDevice(d -> {
                    run.backends().coadder(d, l).accumulate(band, contributions, ch, ch == 0);
                    return null;
                });
                return null;
            } catch (GpuException | LinkageError e) {
                if (!GpuRun.isOom(e))
                    return new Failure("GPU error, not retried (" + GpuRun.kind(e) + "): " + GpuRun.message(e), e);
                if (k == OOM_RETRIES)
                    return new Failure("out of memory after " + OOM_RETRIES + " retries: " + GpuRun.message(e), e);
                if (cpuOnly.get()) return FOLLOW; // no retry: the fallback was said already
                run.freePool();
                lim = Phase5Budget.shrink(lim);
                long free = run.probeFreeBytes();
                LOG.warning(String.format(Locale.ROOT, "[GPU Reproject] OOM retry %d/%d: max_chunk_mb=%d rows=%d free_vram_mb=%s",
                        k + 1, OOM_RETRIES, lim.maxChunkMb(), lim.rowsPerChunk(), free < 0 ? "unavailable" : Long.toString(free >> 20)));
            } catch (RuntimeException e) {
                return new Failure("GPU coadder failed, not retried: " + GpuRun.message(e), e);
            }
        }
    }

    private void fallback(CoaddBand band, List<BandContribution> contributions, String why, Throwable e) {
        if (!run.settings().allowCpuFallback())
            throw new FallbackRefused("[P5] GPU coadd failed (" + why + ") and allow_cpu_fallback=false; set"
                    + " allow_cpu_fallback=true to finish on the CPU, or lower phase5_chunk_mb", e);
        cpuOnly.set(true);
        if (announced.compareAndSet(false, true))
            LOG.log(Level.WARNING, "[GPU Reproject] " + why + "; fallback CPU for this band and the rest of Phase 5", e);
        cpu(band, contributions);
    }

    private void cpu(CoaddBand band, List<BandContribution> contributions) {
        CpuBandCoadder.INSTANCE.accumulate(band, contributions);
        cpuBands.incrementAndGet();
    }

    /** Σw·v must be finite wherever Σw is: a NaN there is an invalid GPU result. */
    static void check(CoaddBand band) {
        float[] w = band.weight();
        int n = band.rows() * band.width();
        for (int c = 0; c < band.channels(); c++) {
            float[] s = band.sum(c);
            for (int i = 0; i < n; i++)
                if (!Float.isFinite(w[i]) || (w[i] > 0 && !Float.isFinite(s[i])))
                    throw new GpuStackingException(String.format(Locale.ROOT,
                            "the GPU coadd gave sum %s, weight %s at pixel %d of the band at row %d, channel %d",
                            s[i], w[i], i, band.y0(), c));
        }
    }

    /** The band's accumulators before the GPU call (a failed call may have added part of its work). */
    private static float[][] save(CoaddBand band) {
        int n = band.rows() * band.width();
        float[][] s = new float[band.channels() + 1][];
        for (int c = 0; c < band.channels(); c++) s[c] = java.util.Arrays.copyOf(band.sum(c), n);
        s[band.channels()] = java.util.Arrays.copyOf(band.weight(), n);
        return s;
    }

    private static void restore(CoaddBand band, float[][] saved) {
        int n = saved[0].length;
        for (int c = 0; c < band.channels(); c++) System.arraycopy(saved[c], 0, band.sum(c), 0, n);
        System.arraycopy(saved[band.channels()], 0, band.weight(), 0, n);
    }

    /** The cap and safe mode of this Phase 5. */
    public Phase5Budget budget() { return budget; }

    /** Bands made on the GPU and on the CPU so far. */
    public int gpuBands() { return gpuBands.get(); }

    public int cpuBands() { return cpuBands.get(); }

    /** For the coadd's closing log line: which backend made the bands. */
    @Override
    public String name() {
        int g = gpuBands.get(), c = cpuBands.get();
        if (c == 0) return "gpu";
        return String.format(Locale.ROOT, "gpu (%d band(s)) then cpu fallback (%d band(s))", g, c);
    }
}
