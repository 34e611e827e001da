package org.tessera.bench.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import nom.tam.fits.Fits;
import nom.tam.fits.Header;

import org.tessera.image.RowSource;
import org.tessera.io.FitsFrame;
import org.tessera.io.Frame;
import org.tessera.io.FrameReading;
import org.tessera.io.MountMode;
import org.tessera.reproject.ShiftedSource;
import org.tessera.tiles.TileGeometry;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.WcsGrid;

/**
 * What Phase 3's statistics pass pays to make one raw frame (issue 15): a raw e2e frame read with
 * hot-pixel correction (found at its first read), decoded, demosaiced and resampled onto its tile's
 * canvas, in the survey's bands (a quarter of the canvas per read). CPU of one thread per frame
 * ({@code ThreadMXBean}), each repetition on fresh frames (the hot-pixel memo found again), and a
 * checksum of every float's bits, so that two builds can be checked to give the same pixels.
 *
 * <pre>java ... org.tessera.bench.e2e.RawReadBench FRAMES_DIR WCS_DIR POINTING FRAMES REPS [DEMOSAIC]</pre>
 * WCS_DIR: a run's {@code solved_wcs/} (or the truth folder): {@code <frame>.*wcs} per frame.
 * DEMOSAIC: a {@code stacking_demosaic} value, {@code mhc} (default) or {@code bilinear}.
 * Not a test: figures for docs/benchmarks.md.
 */
public final class RawReadBench {
    private RawReadBench() {}

    public static void main(String[] args) throws Exception {
        Path frames = Path.of(args[0]), wcsDir = Path.of(args[1]);
        String pointing = args.length > 2 ? args[2] : "p1";
        int k = args.length > 3 ? Integer.parseInt(args[3]) : 12;
        int reps = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        FrameReading reading = FrameReading.DEFAULT.withDemosaic(
                FrameReading.Demosaic.parse(args.length > 5 ? args[5] : "mhc"));
        List<Path> files;
        try (Stream<Path> s = Files.list(frames)) {
            files = s.filter(p -> p.getFileName().toString().contains("_" + pointing + "_")
                    && p.getFileName().toString().endsWith(".fit")).sorted().toList();
        }
        // both nights: every other frame of the sorted list up to k
        List<Path> use = new ArrayList<>();
        for (int i = 0; i < files.size() && use.size() < k; i += Math.max(1, files.size() / k)) use.add(files.get(i));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int rep = 0; rep < reps; rep++) {
            List<Frame> fr = new ArrayList<>();
            for (Path p : use) fr.add(FitsFrame.open(p).withWcs(wcs(wcsDir, p.getFileName().toString())).withReading(reading));
            TileGeometry.Plan plan = TileGeometry.plan(fr, MountMode.ALT_AZ);
            WcsGrid grid = plan.grid();
            long sum = 0, cpu = 0, finite = 0, hot = 0;
            int n = 0;
            for (Frame f : fr) {
                if (f == plan.reference()) continue;
                long t0 = mx.getCurrentThreadCpuTime();
                f.readRows(0, 1, f.newBand(1)); // the hot-pixel search, at the frame's first read
                hot += mx.getCurrentThreadCpuTime() - t0;
                RowSource a = ShiftedSource.onGrid(f, f.wcs(), grid);
                int w = a.width(), h = a.height(), nc = a.channels();
                int rows = Math.max(1, Math.min(h, Math.max((int) ((4L << 20) / (4L * w * nc)), (h + 3) / 4)));
                float[][] band = a.newBand(rows);
                long fs = 0;
                for (int y0 = 0; y0 < h; y0 += rows) {
                    int r = Math.min(rows, h - y0);
                    a.readRows(y0, r, band);
                    for (int c = 0; c < nc; c++)
                        for (int i = 0, m = r * w; i < m; i++) {
                            int b = Float.floatToRawIntBits(band[c][i]);
                            fs = fs * 31 + b;
                            if ((b & 0x7f800000) != 0x7f800000) finite++;
                        }
                }
                cpu += mx.getCurrentThreadCpuTime() - t0;
                sum = sum * 1000003 + fs;
                n++;
            }
            System.out.printf(Locale.ROOT, "rep %d: %d frames on %dx%d, %.1f ms CPU per frame (with checksum; hot-pixel search %.1f ms), finite %d, checksum %016x%n",
                    rep, n, grid.width(), grid.height(), cpu / 1e6 / n, hot / 1e6 / n, finite, sum);
        }
    }

    private static FitsWcs wcs(Path dir, String frame) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            Path p = s.filter(q -> q.getFileName().toString().startsWith(frame + ".")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no WCS for " + frame + " in " + dir));
            try (Fits f = new Fits(p.toFile())) {
                Header hd = f.readHDU().getHeader();
                return FitsWcs.fromHeader(hd);
            }
        }
    }
}
