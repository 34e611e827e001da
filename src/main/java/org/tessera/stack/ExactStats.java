package org.tessera.stack;

/**
 * Exact order statistics of large float arrays (a whole frame channel): percentiles as numpy's
 * default (linear interpolation between the two nearest ranks), medians, and astropy's
 * {@code sigma_clipped_stats}. Selection works on the 32-bit ordered key of each float: one
 * counting-sort index by the high 16 bits ({@link Selector}), then the low 16 bits of the one
 * bucket that holds a rank: exact, and it leaves the input untouched. Sums (mean, standard
 * deviation) are taken per bucket from exact integers and added in value order, so they depend on
 * the values only, not on their order. Non-finite values must not be passed in.
 */
public final class ExactStats {
    private ExactStats() {}

    /** Float → int whose signed order is the float order (−0.0 sorts just below +0.0). */
    static int key(float f) {
        int b = Float.floatToRawIntBits(f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    static float value(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
    }

    /** Smallest key whose float is ≥ x. */
    static int keyAtLeast(double x) {
        if (x == Double.NEGATIVE_INFINITY || Double.isNaN(x)) return Integer.MIN_VALUE;
        if (x == Double.POSITIVE_INFINITY) return Integer.MAX_VALUE; // empty unless +Inf present
        float f = (float) x;
        if (f < x) f = Math.nextUp(f);
        return key(f);
    }

    /** Largest key whose float is ≤ x. */
    static int keyAtMost(double x) {
        if (x == Double.POSITIVE_INFINITY || Double.isNaN(x)) return Integer.MAX_VALUE;
        if (x == Double.NEGATIVE_INFINITY) return Integer.MIN_VALUE;
        float f = (float) x;
        if (f > x) f = Math.nextDown(f);
        return key(f);
    }

    /**
     * Order statistics and sums of one array's values, restricted to a key range [fromKey, toKey]
     * that may change many times ({@link #range}): percentiles, median, mean and standard deviation.
     *
     * <p>{@link #index} passes over the values twice (a histogram of the high 16 key bits, then a
     * counting-sort scatter of each value's low 16 bits into its high bucket; once when the caller
     * counted them as it wrote them, {@link #count}) and once over the
     * scattered bits (per bucket: count, Σ low, Σ low²; exact integers). After that nothing passes
     * over all values again: a rank is found by walking the buckets' counts, then sorting the one
     * bucket it falls in (once; a bucket near the median holds a few % of the values); a range's
     * count and sums come from the buckets' totals, only the two buckets the bounds cut through
     * are sorted and summed in part. Within a bucket a value is linear in its low bits
     * (x = a + step·low, both exact), so a bucket's Σ(x − c) and Σ(x − c)² follow from its integer
     * sums; the buckets are added in value order. The sums therefore depend only on the values,
     * not on their order in the array, the threads or the heap. One instance per thread; it keeps its
     * arrays for the next {@link #index}.
     */
    static final class Selector {
        private static final int BUCKETS = 1 << 16;
        /** Bucket b's low bits are {@code low[start[b] .. start[b + 1])}. */
        private final int[] start = new int[BUCKETS + 1];
        /** Per bucket the next write position of the scatter. */
        private final int[] next = new int[BUCKETS];
        /** This selector's counts for {@link #index(float[], int)} ({@link #newCounts}), made at its first use. */
        private int[] counts;
        /** Nonempty buckets in key order, and per bucket Σ low and Σ low² (exact). */
        private final int[] ids = new int[BUCKETS];
        private final long[] sumLow = new long[BUCKETS], sumLow2 = new long[BUCKETS];
        /** Whether bucket b's low bits are sorted (a stamp per index: no clearing between indexes). */
        private final int[] sortedStamp = new int[BUCKETS];
        private int stamp;
        private char[] low = new char[0];
        private int buckets, n;
        // The current range: [firstPos, lastPos) in low[] at its two end buckets.
        private int fromKey = Integer.MIN_VALUE, toKey = Integer.MAX_VALUE;
        private int first, last; // indices into ids of the first and last bucket in range (first > last: empty)
        private int firstFrom, lastTo; // positions in low[] where the range starts in ids[first] and ends in ids[last]
        private long count;

        /** 4 × the high bucket of key k: its first counter in a {@link #newCounts} array. */
        private static int lane(int k) { return ((k >>> 14) ^ 0x20000) & ~3; }

        /**
         * Counts for {@link #index(float[], int, int[])}, all zero: four counters per high bucket
         * side by side ({@code 4b .. 4b + 3}), the i-th value counted in the {@code i % 4}-th. Sky
         * values fall in a few dozen buckets, often the same one for consecutive pixels: with one
         * counter per bucket each increment waited on the previous one's store (a count pass of
         * its own took 2.5 times as long on values in cache).
         */
        static int[] newCounts() { return new int[4 * BUCKETS]; }

        /** Counts v, the i-th value, into a {@link #newCounts} array. */
        static void count(int[] counts, float v, int i) { counts[lane(key(v)) | (i & 3)]++; }

        /** Indexes {@code values[0..size)} (finite values only) and sets the range to all of them. */
        long index(float[] values, int size) {
            java.util.Objects.checkFromToIndex(0, size, values.length);
            if (low.length < size) low = new char[size]; // first: nothing after the count allocates or throws
            if (counts == null) counts = newCounts();
            int[] q = counts;
            int tail = size & ~3;
            for (int i = 0; i < tail; i += 4) {
                q[lane(key(values[i]))]++;
                q[lane(key(values[i + 1])) | 1]++;
                q[lane(key(values[i + 2])) | 2]++;
                q[lane(key(values[i + 3])) | 3]++;
            }
            for (int i = tail; i < size; i++) q[lane(key(values[i]))]++;
            return index(values, size, q);
        }

        /**
         * {@link #index(float[], int)} of values that the caller counted into q as it wrote them
         * ({@link #count} of each of {@code values[0..size)}, i = its place): the statistics pass
         * counts while it gathers a frame's values, which saves a pass over them from memory. q is
         * all zero again on return.
         */
        long index(float[] values, int size, int[] q) {
            if (low.length < size) low = new char[size];
            int[] st = start;
            int pos = 0, m = 0;
            int[] nx = next;
            for (int b = 0, o = 0; b < BUCKETS; b++, o += 4) {
                st[b] = pos;
                nx[b] = pos;
                int c = q[o] + q[o + 1] + q[o + 2] + q[o + 3];
                if (c == 0) continue;
                ids[m++] = b;
                q[o] = q[o + 1] = q[o + 2] = q[o + 3] = 0;
                pos += c;
            }
            st[BUCKETS] = pos;
            buckets = m;
            if (pos != size) throw new IllegalArgumentException(pos + " values counted, " + size + " given");
            char[] lo = low;
            for (int i = 0; i < size; i++) {
                int k = key(values[i]);
                lo[nx[(k >>> 16) ^ 0x8000]++] = (char) k;
            }
            for (int j = 0; j < m; j++) {
                int b = ids[j];
                long s1 = 0, s2 = 0;
                for (int p = st[b], e = st[b + 1]; p < e; p++) {
                    long l = lo[p];
                    s1 += l;
                    s2 += l * l;
                }
                sumLow[b] = s1;
                sumLow2[b] = s2;
            }
            n = size;
            if (++stamp == 0) { // wrapped: forget every stamp
                java.util.Arrays.fill(sortedStamp, 0);
                stamp = 1;
            }
            return range(Integer.MIN_VALUE, Integer.MAX_VALUE);
        }

        /** Restricts to the indexed values whose key lies in [fromKey, toKey]; returns their count. */
        long range(int fromKey, int toKey) {
            this.fromKey = fromKey;
            this.toKey = toKey;
            count = 0;
            first = 0;
            last = -1;
            if (buckets == 0 || fromKey > toKey) return 0;
            int bf = (fromKey >>> 16) ^ 0x8000, bt = (toKey >>> 16) ^ 0x8000;
            first = lowerBound(bf);
            last = lowerBound(bt + 1) - 1; // bt + 1 ≤ 65536: past every id when bt is the last bucket
            if (first > last) return 0;
            firstFrom = start[ids[first]];
            lastTo = start[ids[last] + 1];
            if (ids[first] == bf && (fromKey & 0xffff) != 0) firstFrom = position(bf, fromKey & 0xffff);
            if (ids[last] == bt && (toKey & 0xffff) != 0xffff) lastTo = position(bt, (toKey & 0xffff) + 1);
            if (first == last) {
                count = Math.max(0, lastTo - firstFrom);
            } else {
                count = (start[ids[first] + 1] - firstFrom) + (lastTo - start[ids[last]])
                        + (start[ids[last]] - start[ids[first] + 1]);
            }
            return count;
        }

        /** First index into ids whose bucket is ≥ b. */
        private int lowerBound(int b) {
            int lo = 0, hi = buckets;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (ids[mid] < b) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }

        /** Position in low[] of bucket b's first value whose low bits are ≥ l (the bucket sorted first). */
        private int position(int b, int l) {
            sort(b);
            int lo = start[b], hi = start[b + 1];
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (low[mid] < l) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }

        private void sort(int b) {
            if (sortedStamp[b] == stamp) return;
            java.util.Arrays.sort(low, start[b], start[b + 1]); // a counting sort for large buckets
            sortedStamp[b] = stamp;
        }

        long count() { return count; }

        /** Mean of the values in range (NaN when none); c: a value near them (the median). */
        double mean(double c) {
            if (count == 0) return Double.NaN;
            return c + sums(c)[0] / count;
        }

        /** Population standard deviation of the values in range (NaN when none); c as for {@link #mean}. */
        double std(double c) {
            if (count == 0) return Double.NaN;
            double[] s = sums(c);
            double m = s[0] / count;
            return Math.sqrt(Math.max(0, s[1] / count - m * m));
        }

        /**
         * {Σ(x − c), Σ(x − c)²} over the range, bucket by bucket in key order. In bucket b every value
         * is x = a + step·l (a: the bucket's value of low bits 0, step: its spacing, both exact);
         * around l0, the low bits of the bucket's value nearest c, x − c = d + step·(l − l0) with
         * |d| ≤ step/2 in the bucket that holds c, and Σ(l − l0), Σ(l − l0)² are exact integers.
         */
        double[] sums(double c) {
            double s1 = 0, s2 = 0;
            for (int j = first; j <= last; j++) {
                int b = ids[j];
                long m, l1, l2;
                int p0 = j == first ? firstFrom : start[b], p1 = j == last ? lastTo : start[b + 1];
                if (p0 == start[b] && p1 == start[b + 1]) {
                    m = p1 - p0;
                    l1 = sumLow[b];
                    l2 = sumLow2[b];
                } else {
                    m = Math.max(0, p1 - p0);
                    l1 = 0;
                    l2 = 0;
                    for (int p = p0; p < p1; p++) {
                        long l = low[p];
                        l1 += l;
                        l2 += l * l;
                    }
                }
                if (m == 0) continue;
                int k0 = (b ^ 0x8000) << 16;
                double a = value(k0), step = (double) value(k0 | 1) - a;
                long l0 = Math.max(0, Math.min(0xffff, Math.round((c - a) / step)));
                double d = a + step * l0 - c;
                long e1 = l1 - m * l0;                      // Σ(l − l0), exact
                long e2 = l2 - 2 * l0 * l1 + m * l0 * l0;   // Σ(l − l0)², exact (fits; intermediates wrap back)
                s1 += m * d + step * e1;
                s2 += m * d * d + 2 * d * step * e1 + step * step * e2;
            }
            return new double[] {s1, s2};
        }

        /** The value of rank r (0-based) among the values in range. */
        float select(long r) {
            if (r < 0 || r >= count) throw new IllegalArgumentException("rank " + r + " outside 0.." + count);
            long seen = 0;
            for (int j = first; j <= last; j++) {
                int b = ids[j];
                int p0 = j == first ? firstFrom : start[b], p1 = j == last ? lastTo : start[b + 1];
                long m = p1 - p0;
                if (r < seen + m) {
                    sort(b);
                    return value(((b ^ 0x8000) << 16) | low[p0 + (int) (r - seen)]);
                }
                seen += m;
            }
            throw new IllegalStateException("rank " + r + " not found among " + count);
        }

        /** numpy-style percentile q ∈ [0, 100] of the values in range; NaN when none. */
        double percentile(double q) {
            if (count == 0) return Double.NaN;
            double pos = q / 100.0 * (count - 1);
            long lo = (long) Math.floor(pos);
            double t = pos - lo;
            double a = select(lo);
            if (t == 0 || lo + 1 >= count) return a;
            double b = select(lo + 1);
            return a + (b - a) * t;
        }

        double median() {
            if (count == 0) return Double.NaN;
            long h = count / 2;
            if ((count & 1) == 1) return select(h);
            return 0.5 * ((double) select(h - 1) + select(h));
        }
    }

    /** numpy {@code percentile(v[0..n), q)} (linear), exact. */
    public static double percentile(float[] v, int n, double q) {
        Selector s = new Selector();
        s.index(v, n);
        return s.percentile(q);
    }

    /** Several percentiles of the same values (one shared first pass). */
    public static double[] percentiles(float[] v, int n, double... qs) {
        Selector s = new Selector();
        s.index(v, n);
        double[] r = new double[qs.length];
        for (int i = 0; i < qs.length; i++) r[i] = s.percentile(qs[i]);
        return r;
    }

    public static double median(float[] v, int n) {
        Selector s = new Selector();
        s.index(v, n);
        return s.median();
    }

    /** Result of {@link #sigmaClipped}: statistics of the values that survived the clipping. */
    public record Clipped(double mean, double median, double std, long count, int iterations) {}

    /**
     * astropy {@code sigma_clipped_stats(v, sigma_lower=kLow, sigma_upper=kHigh, maxiters)} with the
     * default median centre and population standard deviation: each iteration computes median and
     * std of the survivors and keeps med − kLow·std ≤ x ≤ med + kHigh·std, until nothing changes or
     * {@code maxIters} clippings were done.
     */
    public static Clipped sigmaClipped(float[] v, int n, double kLow, double kHigh, int maxIters) {
        Selector s = new Selector();
        s.index(v, n);
        return sigmaClipped(s, kLow, kHigh, maxIters);
    }

    /**
     * As above, on a selector that holds the values ({@link Selector#index}; so percentiles and the
     * clipping share one index). Each iteration restricts the selector's range; no pass over all values.
     */
    static Clipped sigmaClipped(Selector s, double kLow, double kHigh, int maxIters) {
        int lo = Integer.MIN_VALUE, hi = Integer.MAX_VALUE;
        long count = s.range(lo, hi);
        if (count == 0) return new Clipped(Double.NaN, Double.NaN, Double.NaN, 0, 0);
        int it = 0;
        double med = s.median(), mean = s.mean(med), std = s.std(med);
        while (it < maxIters) {
            int nlo = Math.max(lo, keyAtLeast(med - kLow * std));
            int nhi = Math.min(hi, keyAtMost(med + kHigh * std));
            it++;
            long c = s.range(nlo, nhi);
            lo = nlo;
            hi = nhi;
            if (c == 0) return new Clipped(Double.NaN, Double.NaN, Double.NaN, 0, it);
            if (c == count) break; // nothing clipped: same survivors, same statistics
            count = c;
            med = s.median();
            mean = s.mean(med);
            std = s.std(med);
        }
        return new Clipped(mean, med, std, count, it);
    }
}
