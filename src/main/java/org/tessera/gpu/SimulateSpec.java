package org.tessera.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The value of {@code gpu_simulate}: a comma-separated list of items describing a simulated device
 * and the faults it injects.
 * <ul>
 * <li>{@code vram_mb:N} — device size in MiB (required);</li>
 * <li>{@code free_mb:N[/M/…]} — free VRAM reported at successive probes, the last value repeating
 * (default: what the simulated device has left);</li>
 * <li>{@code oom:P:K} — the K-th allocation made for phase P fails with out-of-memory;</li>
 * <li>{@code invalid:P:K} — the K-th kernel launch of phase P leaves its results all NaN;</li>
 * <li>{@code fail:P:K} — the K-th kernel launch of phase P throws a non-OOM GPU error;</li>
 * <li>{@code health:fail} — the health check fails.</li>
 * </ul>
 * P is {@code phase3}, {@code phase5} or {@code grid}; K counts from 1; {@code oom}, {@code invalid}
 * and {@code fail} are repeatable. Example: {@code vram_mb:8192,oom:phase5:1,oom:phase5:2}.
 */
public record SimulateSpec(long vramMb, List<Long> freeMb, List<Fault> faults, boolean healthFails) {

    /** What a fault does. */
    public enum Kind { OOM, INVALID, FAIL }

    /** One injected fault: the {@code nth} allocation (OOM) or launch (INVALID, FAIL) of {@code phase}. */
    public record Fault(Kind kind, GpuPhase phase, int nth) {}

    public SimulateSpec {
        freeMb = List.copyOf(freeMb);
        faults = List.copyOf(faults);
    }

    /** What a value may hold, for the messages. */
    static final String ITEMS = "items: vram_mb:N, free_mb:N[/M/...], oom:P:K, invalid:P:K, fail:P:K, health:fail;"
            + " P = phase3, phase5 or grid";

    /** Parses a {@code gpu_simulate} value; the message of the exception names the bad item and what is accepted. */
    public static SimulateSpec parse(String value) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException("gpu_simulate is empty");
        long vram = -1;
        List<Long> free = new ArrayList<>();
        List<Fault> faults = new ArrayList<>();
        boolean health = false;
        for (String raw : value.split(",")) {
            String item = raw.trim().toLowerCase(Locale.ROOT);
            if (item.isEmpty()) continue;
            String[] p = item.split(":");
            try {
                switch (p[0]) {
                    case "vram_mb" -> {
                        expect(p, 2, item);
                        vram = positive(p[1], item);
                    }
                    case "free_mb" -> {
                        expect(p, 2, item);
                        for (String f : p[1].split("/")) free.add(nonNegative(f, item));
                    }
                    case "oom", "invalid", "fail" -> {
                        expect(p, 3, item);
                        GpuPhase phase = GpuPhase.of(p[1]);
                        if (phase == GpuPhase.HEALTH) throw new IllegalArgumentException("use health:fail");
                        faults.add(new Fault(Kind.valueOf(p[0].toUpperCase(Locale.ROOT)), phase, (int) positive(p[2], item)));
                    }
                    case "health" -> {
                        expect(p, 2, item);
                        if (!p[1].equals("fail")) throw new IllegalArgumentException("only health:fail is known");
                        health = true;
                    }
                    default -> throw new IllegalArgumentException("unknown item");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("gpu_simulate: bad item '" + raw.trim() + "': " + e.getMessage() + " (" + ITEMS + ")", e);
            }
        }
        if (vram < 0) throw new IllegalArgumentException("gpu_simulate: vram_mb:N is required, got '" + value + "' (" + ITEMS + ")");
        return new SimulateSpec(vram, free, faults, health);
    }

    /** The faults of one kind and phase, as the set of counts K that trigger. */
    boolean hits(Kind kind, GpuPhase phase, int count) {
        for (Fault f : faults) if (f.kind == kind && f.phase == phase && f.nth == count) return true;
        return false;
    }

    private static void expect(String[] p, int n, String item) {
        if (p.length != n) throw new IllegalArgumentException("expected " + n + " fields separated by ':'");
    }

    private static long positive(String s, String item) {
        long v = nonNegative(s, item);
        if (v < 1) throw new IllegalArgumentException("must be >= 1");
        return v;
    }

    private static long nonNegative(String s, String item) {
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) throw new IllegalArgumentException("must be >= 0");
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not a whole number");
        }
    }
}
