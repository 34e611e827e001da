/*
 * The machine's speed state, for benchmarks on shared (virtual) machines: fixed work shaped like
 * Phase 3's band pass (N = 50 frames x 16 rows x 2203 float values, 7 MB; per pixel a gather of the
 * 50 values, one per frame, and a branch-free quickselect of their median), timed in blocks of
 * thread CPU time (preemption by other processes does not count). Plain C, no JIT: a change of its
 * time is the machine's, not the code's. See bench/machine/probe.sh.
 *
 *   probe [BLOCKS]     prints each block's CPU ms per band, then one summary line
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double kth(double *a, int n, int k) {
    int l = 0, r = n - 1;
    while (r - l > 4) {
        int m = (l + r) >> 1;
        double x = a[l], y = a[m], z = a[r];
        double mn = x < y ? x : y, mx = x < y ? y : x, t = mx < z ? mx : z, p = mn > t ? mn : t;
        int s = l;
        for (int i = l; i <= r; i++) { double v = a[i]; a[i] = a[s]; a[s] = v; s += v < p; }
        if (k < s) { r = s - 1; continue; }
        int e = s;
        for (int i = s; i <= r; i++) { double v = a[i]; a[i] = a[e]; a[e] = v; e += v <= p; }
        if (k < e) return p;
        l = e;
    }
    for (int i = l + 1; i <= r; i++) {
        double v = a[i];
        int j = i - 1;
        while (j >= l && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
    return a[k];
}

static double cpu_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    int blocks = argc > 1 ? atoi(argv[1]) : 20, n = 50, slot = 16 * 2203, reps = 10;
    if (blocks < 1) blocks = 1;
    float *v = malloc(sizeof(float) * (size_t) n * slot), *out = malloc(sizeof(float) * slot);
    double *ms = malloc(sizeof(double) * blocks), x[64], sink = 0;
    srand(1);
    for (long i = 0; i < (long) n * slot; i++) v[i] = 1000 + rand() % 100;
    for (int b = 0; b < blocks; b++) {
        double t0 = cpu_ms();
        for (int rep = 0; rep < reps; rep++)
            for (int p = 0; p < slot; p++) {
                for (int f = 0; f < n; f++) x[f] = v[(long) f * slot + p];
                out[p] = (float) kth(x, n, n / 2);
            }
        sink += out[b % slot];
        ms[b] = (cpu_ms() - t0) / reps;
        printf("%s%.1f", b ? " " : "", ms[b]);
        fflush(stdout);
    }
    qsort(ms, blocks, sizeof(double), cmp);
    printf("\nPROBE %.1f ms per band (median of %d blocks, %.1f-%.1f; checksum %.0f)\n", ms[blocks / 2], blocks,
           ms[0], ms[blocks - 1], sink);
    return 0;
}
