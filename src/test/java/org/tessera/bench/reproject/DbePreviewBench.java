package org.tessera.bench.reproject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import nom.tam.fits.Header;

import org.tessera.Progress;
import org.tessera.config.Config;
import org.tessera.image.RowSink;
import org.tessera.io.FitsImageWriter;
import org.tessera.reproject.CoaddBackground;
import org.tessera.reproject.CoaddPreview;
import org.tessera.reproject.FinalBackground;

/**
 * The preview of a mosaic whose DBE header did not fit in place (the file rewritten after it
 * closed): read back from the files (the {@code corrected} sink not given, as before) against
 * taken from the rewrite's bands; the time of the rewrite plus the preview, alternating, and the
 * PNG bytes compared. Usage: {@code java -cp target/classes:target/test-classes:'target/lib/*'
 * org.tessera.bench.reproject.DbePreviewBench WIDTH HEIGHT ROUNDS DIR}.
 */
public final class DbePreviewBench {
    private DbePreviewBench() {}

    public static void main(String[] args) throws Exception {
        int w = Integer.parseInt(args[0]), h = Integer.parseInt(args[1]), rounds = Integer.parseInt(args[2]);
        Path root = Files.createDirectories(Path.of(args[3]));
        Config cfg = new Config();
        FinalBackground.Params p = FinalBackground.Params.fromConfig(cfg);
        byte[][] png = new byte[2][];
        double[][] secs = new double[2][rounds], prev = new double[2][rounds];
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < 2; k++) {
                int v = (r + k) % 2; // alternate which variant goes first
                Path dir = Files.createDirectories(root.resolve("r" + r + "v" + v));
                Path m = dir.resolve("m.fits"), c = dir.resolve("c.fits");
                FitsImageWriter mw = new FitsImageWriter(m, w, h, 3, header(), FitsImageWriter.AlphaMode.FROM_NAN);
                FitsImageWriter cw = new FitsImageWriter(c, w, h, 1, new Header(), FitsImageWriter.AlphaMode.NONE);
                CoaddBackground bg = new CoaddBackground(p, mw, w, h, 3);
                CoaddPreview pv = new CoaddPreview(cfg, w, h, 3, true);
                RowSink ms = pv.mosaic(bg.sink()), cs = pv.coverage(cw);
                int rows = 64;
                Random rnd = new Random(7);
                for (int y0 = 0; y0 < h; y0 += rows) {
                    int n = Math.min(rows, h - y0);
                    float[][] band = new float[3][n * w];
                    float[] cov = new float[n * w];
                    for (int i = 0; i < n * w; i++) {
                        int x = i % w, y = y0 + i / w;
                        for (int ch = 0; ch < 3; ch++)
                            band[ch][i] = 1000 + 0.05f * x + 0.03f * y * (ch + 1) + (float) rnd.nextGaussian() * 10;
                        cov[i] = x < 20 ? 0 : 5;
                        if (x < 20) for (int ch = 0; ch < 3; ch++) band[ch][i] = Float.NaN;
                    }
                    ms.writeRows(y0, n, band);
                    cs.writeRows(y0, n, new float[][] {cov});
                }
                bg.beforeClose(header(), 2, v == 1 ? pv.corrected() : null);
                mw.close();
                cw.close();
                long t0 = System.nanoTime();
                bg.afterClose(header());
                long t1 = System.nanoTime();
                Path out = pv.write(bg, m, c, dir.resolve("p.png"), Progress.NONE);
                secs[v][r] = (System.nanoTime() - t0) / 1e9;
                prev[v][r] = (System.nanoTime() - t1) / 1e9;
                if (!bg.applied()) throw new IllegalStateException("DBE was not applied");
                png[v] = Files.readAllBytes(out);
                System.out.printf(Locale.ROOT, "round %d %s: rewrite + preview %.3f s (preview %.3f s)%n", r,
                        v == 0 ? "read back " : "from bands", secs[v][r], prev[v][r]);
                for (Path f : new Path[] {m, c, out}) Files.delete(f);
                Files.delete(dir);
            }
        System.out.println("PNG bytes identical: " + Arrays.equals(png[0], png[1]));
        System.out.printf(Locale.ROOT, "median: read back %.3f s (preview %.3f s), from bands %.3f s (preview %.3f s)%n",
                median(secs[0]), median(prev[0]), median(secs[1]), median(prev[1]));
    }

    /** A header at the end of its block: 7 structural cards + 28 + END = 36, so the DBE cards need a second block. */
    static Header header() throws Exception {
        Header h = new Header();
        h.addValue("CONTENT", "mosaic", null);
        for (int i = 0; i < 27; i++) h.addValue(String.format("FILL%03d", i), i, "pads the header");
        return h;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
