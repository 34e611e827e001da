package org.tessera.reproject;

import java.util.List;

/**
 * The CPU backend: the control-cell mapping gives the source positions (pixel centres, or pixel
 * corners for the exact kernel), the kernel samples them,
 * and the samples are added in contribution order, so every output pixel is a fixed sequence of
 * float operations whatever the band size or thread. Each tile's rectangle is swept in columns
 * of {@value #CHUNK} pixels, row by row: for a rotated tile the source pixels a column touches
 * form a compact patch that stays in the processor's cache, where whole output rows would walk
 * diagonally across the tile.
 */
public final class CpuBandCoadder implements BandCoadder {

    public static final CpuBandCoadder INSTANCE = new CpuBandCoadder();

    static final int CHUNK = 128;

    @Override
    public void accumulate(CoaddBand band, List<BandContribution> contributions) {
        int maxW = 0;
        for (BandContribution c : contributions) maxW = Math.max(maxW, c.x1() - c.x0());
        if (maxW == 0) return;
        int nc = band.channels(), bw = band.width();
        int len = Math.min(maxW, CHUNK);
        KernelSampler.Positions pos = new KernelSampler.Positions(len);
        float[] a = new float[len];
        float[][] v = new float[nc][len];
        float[][] off = new float[nc][len];
        float[] gc = new float[nc];
        float[] wsum = band.weight;
        for (BandContribution c : contributions) {
            float tw = c.weight();
            for (int ch = 0; ch < nc; ch++) gc[ch] = c.gain(ch);
            BackgroundPlane bg = c.background();
            for (int xa = c.x0(); xa < c.x1(); xa += CHUNK) {
                int xb = Math.min(c.x1(), xa + CHUNK), n = xb - xa;
                for (int y = c.y0(); y < c.y1(); y++) {
                    KernelSampler.mapAndSample(c.kernel(), c.region(), c.strip(), y, xa, xb, pos, a, v);
                    int base = (y - band.y0()) * bw + xa;
                    if (nc == 1 && bg.flat(0)) { // mono, offset only: the common case of plain survey images
                        float[] s0 = band.sum[0], v0 = v[0];
                        float o = bg.at(0, 0, 0), g = gc[0];
                        for (int i = 0; i < n; i++) {
                            float ai = a[i];
                            if (!(ai > 0)) continue;
                            float w = tw * ai;
                            wsum[base + i] += w;
                            s0[base + i] += w * (g * v0[i] + o);
                        }
                        continue;
                    }
                    for (int ch = 0; ch < nc; ch++) offsets(bg, ch, xa, y, n, off[ch]);
                    for (int i = 0; i < n; i++) {
                        float ai = a[i];
                        if (!(ai > 0)) continue;
                        float w = tw * ai;
                        wsum[base + i] += w;
                        for (int ch = 0; ch < nc; ch++) band.sum[ch][base + i] += w * (gc[ch] * v[ch][i] + off[ch][i]);
                    }
                }
            }
        }
    }

    /** The background correction of channel ch at pixels [xa, xa + n) of row y. */
    private static void offsets(BackgroundPlane bg, int ch, int xa, int y, int n, float[] out) {
        if (bg.flat(ch)) {
            java.util.Arrays.fill(out, 0, n, bg.at(ch, 0, 0));
            return;
        }
        // Same operations as BackgroundPlane.at, so a GPU backend can reproduce them.
        double row = bg.level()[ch] + bg.slopeY()[ch] * y, sx = bg.slopeX()[ch];
        for (int i = 0; i < n; i++) out[i] = (float) (row + sx * (xa + i));
    }

    @Override
    public String name() {
        return "cpu";
    }
}
