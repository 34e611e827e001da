package org.tessera.reproject;

import java.util.List;

/**
 * The CPU backend: row by row, the control-cell mapping gives the source positions, the kernel
 * samples them, and the samples are added in contribution order, so every output pixel is a
 * fixed sequence of float operations whatever the band size or thread.
 */
public final class CpuBandCoadder implements BandCoadder {

    public static final CpuBandCoadder INSTANCE = new CpuBandCoadder();

    @Override
    public void accumulate(CoaddBand band, List<BandContribution> contributions) {
        int maxW = 0;
        for (BandContribution c : contributions) maxW = Math.max(maxW, c.x1() - c.x0());
        if (maxW == 0) return;
        int nc = band.channels(), bw = band.width();
        double[] sx = new double[maxW], sy = new double[maxW];
        float[] a = new float[maxW];
        float[][] v = new float[nc][maxW];
        for (BandContribution c : contributions) {
            int n = c.x1() - c.x0();
            float tw = c.weight(), g = c.gain(), o = c.offset();
            for (int y = c.y0(); y < c.y1(); y++) {
                c.region().mapRow(y, c.x0(), c.x1(), sx, sy);
                KernelSampler.sampleRow(c.kernel(), c.strip(), sx, sy, n, a, v);
                int base = (y - band.y0()) * bw + c.x0();
                float[] wsum = band.weight;
                for (int i = 0; i < n; i++) {
                    float ai = a[i];
                    if (!(ai > 0)) continue;
                    float w = tw * ai;
                    wsum[base + i] += w;
                    for (int ch = 0; ch < nc; ch++) band.sum[ch][base + i] += w * (g * v[ch][i] + o);
                }
            }
        }
    }

    @Override
    public String name() {
        return "cpu";
    }
}
