package org.tessera.bench.stack;

import java.util.Locale;
import java.util.Random;

import org.tessera.math.Percentiles;

/**
 * The smallest case of the end-to-end runs' speed variance (docs/benchmarks.md, "The session of
 * 2026-12-07 (10:17 UTC)"): {@link Percentiles#kth} on 60 random values, the stack's selection, in
 * a fresh JVM after a warm-up on WARMUP data (random, skew: all equal but three, sorted). Fresh
 * JVMs of the same command run it at two speeds (~290 and ~350 ns per call on the 2-core machine
 * of that section) while a C loop beside them (bench/jit/spin.c) keeps its time within 2 %: the
 * JIT's compiled code, not the machine. Run by bench/jit/run.sh.
 * <pre>
 *   SelectJitVariance [WARMUP]
 * </pre>
 */
public final class SelectJitVariance {
    private SelectJitVariance() {}

    public static void main(String[] a) {
        String mode = a.length > 0 ? a[0] : "random";
        int n = 60;
        double[] x = new double[n];
        Random r = new Random(1);
        double[][] pool = new double[4096][n];
        for (double[] p : pool) for (int i = 0; i < n; i++) p[i] = r.nextGaussian();
        double[][] warm = new double[4096][n];
        for (int j = 0; j < warm.length; j++)
            for (int i = 0; i < n; i++)
                warm[j][i] = mode.equals("skew") ? (i < n - 3 ? 100.0 : 100.0 + i) : mode.equals("sorted") ? i : pool[j][i];
        double sink = 0;
        for (int it = 0; it < 200_000; it++) {
            System.arraycopy(warm[it & 4095], 0, x, 0, n);
            sink += Percentiles.kth(x, n, n / 2, 4);
        }
        double ns = 0;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            for (int it = 0; it < 2_000_000; it++) {
                System.arraycopy(pool[it & 4095], 0, x, 0, n);
                sink += Percentiles.kth(x, n, n / 2, 4);
            }
            ns = (System.nanoTime() - t0) / 2e6;
        }
        System.out.printf(Locale.ROOT, "kth of %d values after a %s warm-up: %.1f ns per call (checksum %.1f)%n", n, mode, ns, sink);
    }
}
