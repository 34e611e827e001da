package org.tessera.stack;

import java.util.Arrays;

import org.tessera.stack.StackParams.Combine;

/**
 * The CPU backend: per pixel, the finite samples of all frames go through the rejection rule
 * ({@link PixelRules}) and the combine. Pixels are taken in tiles of {@value #TILE}: the frames that
 * cover a tile are found once, and each pixel's samples are read in place from the frame-major band
 * (a tile's lines of every frame stay in the first-level cache while its pixels are gathered; an
 * earlier pixel-major copy of the tile only moved the same floats once more).
 * Stateless apart from per-thread scratch; safe to call from several threads.
 */
public final class CpuStackBackend implements StackBackend {

    public static final CpuStackBackend INSTANCE = new CpuStackBackend();
    static final int TILE = 64;

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private CpuStackBackend() {}

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public void stack(BandChannel band, StackParams params, float[] out, ChannelTally tally) {
        int frames = band.frames();
        Scratch s = scratch.get();
        PixelRules r = s.rules(frames);
        boolean median = params.combine() == Combine.MEDIAN;
        long samples = 0, rejected = 0;
        for (int i0 = 0; i0 < band.pixels(); i0 += TILE) {
            int tn = Math.min(TILE, band.pixels() - i0);
            if (s.loadTile(band, i0, tn) == 0) {
                Arrays.fill(out, i0, i0 + tn, Float.NaN);
                continue;
            }
            for (int t = 0; t < tn; t++) {
                int n = s.gather(band, t, r);
                if (n == 0) {
                    out[i0 + t] = Float.NaN;
                    continue;
                }
                r.bounds(params, n);
                out[i0 + t] = (float) (median ? r.medianCombine(n) : r.meanCombine(n));
                samples += n;
                rejected += r.rejected;
            }
        }
        tally.add(samples, rejected);
    }

    @Override
    public void sampleBounds(BandChannel sample, StackParams params, SampleBounds b) {
        Scratch s = scratch.get();
        PixelRules r = s.rules(sample.frames());
        boolean median = params.combine() == Combine.MEDIAN;
        b.clip = params.rejection() == StackParams.Rejection.WINSORIZED_SIGMA_CLIP;
        for (int i0 = 0; i0 < sample.pixels(); i0 += TILE) {
            int tn = Math.min(TILE, sample.pixels() - i0);
            s.loadTile(sample, i0, tn);
            for (int t = 0; t < tn; t++) {
                int i = i0 + t;
                int n = s.gather(sample, t, r);
                if (n == 0) {
                    // No sample here: admit everything the other frames have.
                    b.lo[i] = b.rejLo[i] = Double.NEGATIVE_INFINITY;
                    b.hi[i] = b.rejHi[i] = Double.POSITIVE_INFINITY;
                    b.median[i] = Float.NaN;
                    continue;
                }
                r.bounds(params, n);
                b.lo[i] = r.lo;
                b.hi[i] = r.hi;
                b.rejLo[i] = r.rejLo;
                b.rejHi[i] = r.rejHi;
                b.median[i] = median ? (float) r.medianCombine(n) : Float.NaN;
            }
        }
    }

    @Override
    public void accumulate(BandChannel block, SampleBounds b, BlockAccumulator acc) {
        float[] v = block.values();
        float[] pw = block.pixelWeights();
        int stride = block.stride(), pixels = block.pixels();
        boolean clip = b.clip;
        // Frame by frame, in frame order: the same order of additions as the whole-stack path.
        for (int f = 0; f < block.frames(); f++) {
            int base = f * stride;
            double fw = block.weights()[f];
            for (int i = 0; i < pixels; i++) {
                float x = v[base + i];
                if (!Float.isFinite(x)) continue;
                double w = pw == null ? fw : fw * pw[base + i];
                acc.count[i]++;
                acc.sumWXAll[i] += w * x;
                acc.sumWAll[i] += w;
                if (x < b.rejLo[i] || x > b.rejHi[i]) acc.rejected[i]++;
                double lo = b.lo[i], hi = b.hi[i];
                if (clip) {
                    double c = x < lo ? lo : (x > hi ? hi : x);
                    acc.sumWX[i] += w * c;
                    acc.sumW[i] += w;
                } else if (x >= lo && x <= hi) {
                    acc.sumWX[i] += w * x;
                    acc.sumW[i] += w;
                }
            }
        }
    }

    @Override
    public void finish(SampleBounds b, BlockAccumulator acc, int pixels, StackParams params, float[] out,
                       ChannelTally tally) {
        boolean median = params.combine() == Combine.MEDIAN;
        long samples = 0, rejected = 0;
        for (int i = 0; i < pixels; i++) {
            int n = acc.count[i];
            if (n == 0) {
                out[i] = Float.NaN;
                continue;
            }
            boolean admitted = acc.sumW[i] > 0;
            double fallback = acc.sumWXAll[i] / acc.sumWAll[i];
            if (median) out[i] = Float.isNaN(b.median[i]) ? (float) fallback : b.median[i];
            else out[i] = (float) (admitted ? acc.sumWX[i] / acc.sumW[i] : fallback);
            samples += n;
            rejected += admitted ? acc.rejected[i] : 0;
        }
        tally.add(samples, rejected);
    }

    /**
     * Per-thread buffers: the frames that cover the current tile, where their values start, and the
     * rules' sample arrays. A frame whose span ({@link BandChannel#spans}) misses the tile has only NaN there and
     * is left out of the tile: the finite samples, in frame order, are the same without it.
     */
    private static final class Scratch {
        int[] active = new int[0], base = new int[0];
        /** Frames in the current tile: active[0..inTile). */
        int inTile;
        PixelRules rules;

        PixelRules rules(int n) {
            if (rules == null || rules.capacity() < n) rules = new PixelRules(n);
            if (active.length < n) {
                active = new int[n];
                base = new int[n];
            }
            return rules;
        }

        /**
         * Finds the frames that may have data in pixels [i0, i0 + tn) and where their values start
         * (base[j] = frame · stride + i0, read in place by {@link #gather}); returns their count.
         */
        int loadTile(BandChannel b, int i0, int tn) {
            int m = coveringFrames(b, i0, tn), stride = b.stride();
            for (int j = 0; j < m; j++) base[j] = active[j] * stride + i0;
            return m;
        }

        /** Fills active[] with the frames (in order) whose spans meet pixels [i0, i0 + tn); returns their count. */
        private int coveringFrames(BandChannel b, int i0, int tn) {
            int n = b.frames();
            int[] sp = b.spans();
            int m = 0;
            if (sp == null) {
                for (int f = 0; f < n; f++) active[f] = f;
                m = n;
            } else {
                int w = b.width(), rows = BandChannel.rows(b.pixels(), w);
                int r0 = i0 / w, r1 = (i0 + tn - 1) / w;
                for (int f = 0; f < n; f++) {
                    boolean meets = false;
                    for (int r = r0; r <= r1; r++) {
                        int s = 2 * (f * rows + r), lo = sp[s], hi = sp[s + 1];
                        int xa = r == r0 ? i0 - r0 * w : 0, xb = r == r1 ? i0 + tn - r1 * w : w;
                        meets |= lo < hi && lo < xb && hi > xa;
                    }
                    active[m] = f;
                    m += meets ? 1 : 0;
                }
            }
            inTile = m;
            return m;
        }

        /** Finite samples of tile pixel t (in frame order) into the rules' arrays; returns their count. */
        int gather(BandChannel b, int t, PixelRules r) {
            int m = inTile, k = 0;
            double[] fw = b.weights();
            double[] x = r.x, w = r.w;
            float[] v = b.values(), pw = b.pixelWeights();
            for (int j = 0; j < m; j++) {
                int i = base[j] + t;
                float s = v[i];
                if (!Float.isFinite(s)) continue;
                int f = active[j];
                x[k] = s;
                w[k] = pw != null ? fw[f] * pw[i] : fw[f];
                k++;
            }
            return k;
        }
    }
}
