package org.tessera.gpu;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * Phase 5's VRAM budget (seeds phase5-dynamic-vram.md and its follow-up; reference.md §7).
 * <p>The <b>cap</b> is decided once, at the start of Phase 5, by the AUTO/USER logic: USER
 * ({@code phase5_chunk_auto=false}) takes {@code phase5_chunk_mb} clamped to [64, 16384] MiB; AUTO
 * takes (free − 1 GiB reserve) × 0.80 (0.25 in safe mode), at least 64 MiB; then
 * {@code phase5_vram_hard_cap_mb} when set, then the safe-mode clamp (≤ min(128 MiB, 0.4 · free)).
 * Safe mode is a small device (≤ 9 GiB of VRAM), where the original also counts running on battery.
 * <p>Before each GPU call a <b>refresh</b> probes free VRAM: budget = free × 0.45 (0.28 in safe
 * mode), never above the cap, so it rises when VRAM is freed and falls under pressure; rows hint =
 * the band's rows (≤ 256 in safe mode), so rows never hold the budget back. When the probe is
 * unavailable the plan's hints (the cap, the band's rows) are kept.
 */
public final class Phase5Budget {

    private static final Logger LOG = Logger.getLogger("org.tessera.reproject");

    static final long MIB = ChunkLimits.MIB;
    static final long SAFE_VRAM = 9L << 30;
    static final double FRACTION = 0.45, SAFE_FRACTION = 0.28;
    static final int SAFE_ROWS = 256;
    /** The OOM ladder's floors. */
    static final long MIN_BYTES = 16 * MIB;
    static final int MIN_ROWS = 32;

    private final long capBytes;
    private final boolean safeMode;
    private final String source;

    Phase5Budget(long capBytes, boolean safeMode, String source) {
        this.capBytes = capBytes;
        this.safeMode = safeMode;
        this.source = source;
    }

    /** The cap of this Phase 5, snapshotted from the settings and the device now; logged once. */
    public static Phase5Budget snapshot(GpuSettings s, long totalBytes, long freeBytes) {
        boolean safe = totalBytes > 0 && totalBytes <= SAFE_VRAM;
        long cap;
        String source;
        if (!s.chunkAuto()) {
            double mb = s.chunkMb();
            double clamped = Math.max(64, Math.min(16384, mb));
            if (clamped != mb)
                LOG.info(String.format(Locale.ROOT, "[P5] phase5_chunk_mb=%s normalised to %d MiB (range 64..16384)",
                        fmt(mb), (long) clamped));
            cap = (long) clamped * MIB;
            source = "USER";
        } else {
            long base = freeBytes > 0 ? freeBytes - (1L << 30) : totalBytes > 0 ? (long) (totalBytes * 0.72) : 128 * MIB;
            cap = Math.max(64 * MIB, (long) (base * (freeBytes > 0 ? (safe ? 0.25 : 0.80) : 1)));
            source = "AUTO";
        }
        if (s.hardCapMb() > 0) cap = Math.min(cap, (long) s.hardCapMb() * MIB);
        if (safe) cap = Math.min(cap, Math.min(128 * MIB, freeBytes > 0 ? (long) (0.4 * freeBytes) : 128 * MIB));
        cap = Math.max(MIN_BYTES, cap);
        LOG.info(String.format(Locale.ROOT, "[P5] GPU chunk cap %d MiB (%s%s%s), VRAM %s", cap / MIB, source,
                s.hardCapMb() > 0 ? ", phase5_vram_hard_cap_mb=" + fmt(s.hardCapMb()) : "", safe ? ", safe mode" : "",
                totalBytes < 0 ? "unavailable" : String.format(Locale.ROOT, "free %s / total %d MiB",
                        freeBytes < 0 ? "unavailable" : (freeBytes / MIB) + " MiB", totalBytes / MIB)));
        return new Phase5Budget(cap, safe, source);
    }

    public long capBytes() { return capBytes; }

    public boolean safeMode() { return safeMode; }

    /** "AUTO" or "USER". */
    public String source() { return source; }

    /** The limits of one GPU call of {@code rows} rows given {@code freeBytes} now (-1: probe unavailable); logged. */
    public ChunkLimits refresh(long freeBytes, int rows) {
        int hint = Math.max(1, rows);
        if (freeBytes < 0) {
            LOG.fine("VRAM probe unavailable, keeping plan hints");
            return new ChunkLimits(hint, capBytes);
        }
        long budget = Math.min(capBytes, Math.max(MIN_BYTES, (long) (freeBytes * (safeMode ? SAFE_FRACTION : FRACTION))));
        if (safeMode) hint = Math.min(hint, SAFE_ROWS);
        LOG.fine(String.format(Locale.ROOT, "Phase5 GPU VRAM refresh free_vram_mb=%d budget_mb=%d rows_hint=%d cap_mb=%d safe_mode=%s",
                freeBytes / MIB, budget / MIB, hint, capBytes / MIB, safeMode ? "True" : "False"));
        return new ChunkLimits(hint, budget);
    }

    /** One step down the OOM ladder: bytes and rows × 0.7, floors 16 MiB and 32 rows. */
    public static ChunkLimits shrink(ChunkLimits l) {
        return l.shrink(0.7, MIN_BYTES, MIN_ROWS);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
