package org.tessera.io;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Benchmark of the hot-pixel search (not a test): {@link HotPixels#find} over each raw Seestar CFA
 * plane (step 2, integral data, 256 rows at a time with their context, as {@link HotPixelMemo}
 * does), the M 94 frames as stored. Prints the thread's CPU time per round and a checksum of
 * every replacement (position and value bits).
 * <pre>java -cp … org.tessera.io.HotPixelsBench [ROUNDS=9] [DATA=../shared/data/seestar_m94_raw]</pre>
 */
public final class HotPixelsBench {
    private HotPixelsBench() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        Path data = Path.of(args.length > 1 ? args[1] : "../shared/data/seestar_m94_raw");
        List<Path> files;
        try (Stream<Path> s = Files.walk(data)) {
            files = s.filter(p -> p.toString().endsWith(".fit")).sorted().toList();
        }
        List<float[]> planes = new ArrayList<>();
        int w = 0, h = 0;
        for (Path f : files) {
            FitsFrame fr = FitsFrame.open(f);
            w = fr.width();
            h = fr.height();
            planes.add(rawPlane(f, w, h));
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] ms = new double[rounds];
        long check = 0;
        int found = 0;
        for (int r = 0; r < rounds; r++) {
            long sum = 0;
            found = 0;
            long c0 = mx.getCurrentThreadCpuTime();
            for (float[] p : planes) {
                long[] acc = new long[2];
                int width = w, height = h, ctx = HotPixels.context(2);
                for (int y0 = 0; y0 < height; y0 += 256) {
                    int rows = Math.min(256, height - y0);
                    int e0 = Math.max(0, y0 - ctx), e1 = Math.min(height, y0 + rows + ctx);
                    float[] ext = Arrays.copyOfRange(p, e0 * width, e1 * width);
                    found += HotPixels.find(ext, width, height, e0, e1 - e0, y0, rows, 2, true,
                            (y, x, v) -> acc[0] = acc[0] * 31 + ((long) y * width + x) * 0x9E3779B97F4A7C15L + Float.floatToRawIntBits(v));
                }
                sum = sum * 31 + acc[0];
            }
            ms[r] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
            if (r > 0 && sum != check) throw new IllegalStateException("checksum changed between rounds");
            check = sum;
        }
        double[] t = Arrays.copyOfRange(ms, 1, rounds);
        Arrays.sort(t);
        System.out.printf(Locale.ROOT, "hotpixels frames=%d found=%d median %.1f ms min %.1f ms (per frame %.2f ms) checksum %016x%n",
                planes.size(), found, t[t.length / 2], t[0], t[t.length / 2] / planes.size(), check);
    }

    /** The first HDU's 16-bit plane (BZERO 32768) as floats, read directly. */
    static float[] rawPlane(Path f, int w, int h) throws java.io.IOException {
        byte[] b = Files.readAllBytes(f);
        int off = 0;
        for (; ; off += 80) {
            String card = new String(b, off, 8, java.nio.charset.StandardCharsets.US_ASCII);
            if (card.equals("END     ")) break;
        }
        off = (off / 2880 + 1) * 2880;
        ByteBuffer bb = ByteBuffer.wrap(b, off, 2 * w * h);
        float[] p = new float[w * h];
        for (int i = 0; i < p.length; i++) p[i] = bb.getShort() + 32768;
        return p;
    }
}
