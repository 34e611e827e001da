package org.tessera.bench.reproject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import nom.tam.fits.Header;
import nom.tam.fits.HeaderCard;
import nom.tam.util.Cursor;

import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.reproject.CoaddInput;
import org.tessera.reproject.CoaddParams;
import org.tessera.reproject.Kernel;
import org.tessera.reproject.ReprojectCoadd;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsGrid;

/**
 * Benchmark driver for bench/reproject/run.sh (one JVM per command, so run.sh can time and
 * measure each whole process):
 * <pre>
 *   synth DIR COLS ROWS SIZE [HEIGHT]  COLS×ROWS float32 tiles of SIZE² px, or SIZE×HEIGHT (10% overlap) + DIR/grid.head
 *   grid HEAD FILE...          a north-up TAN grid covering the files, written to HEAD
 *   coadd HEAD OUT KERNEL WORKERS FILE...   Tessera's plain coadd (every optional step off)
 * </pre>
 */
public final class ReprojectBench {
    private ReprojectBench() {}

    public static void main(String[] a) throws Exception {
        if (a.length == 0) usage();
        switch (a[0]) {
            case "synth" -> synth(Path.of(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]),
                    a.length > 5 ? Integer.parseInt(a[5]) : Integer.parseInt(a[4]));
            case "grid" -> {
                List<Path> files = new ArrayList<>();
                for (int i = 2; i < a.length; i++) files.add(Path.of(a[i]));
                writeHead(Path.of(a[1]), coveringGrid(files));
            }
            case "coadd" -> {
                List<Path> files = new ArrayList<>();
                for (int i = 5; i < a.length; i++) files.add(Path.of(a[i]));
                coadd(Path.of(a[1]), Path.of(a[2]), Kernel.parse(a[3]), Integer.parseInt(a[4]), files);
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: synth DIR COLS ROWS SIZE [HEIGHT] | grid HEAD FILE... | coadd HEAD OUT KERNEL WORKERS FILE...");
        System.exit(2);
    }

    static FitsWcs tan(double ra, double dec, double scaleArcsec, double rotDeg, double crpix1, double crpix2) throws Exception {
        double s = scaleArcsec / 3600, t = Math.toRadians(rotDeg);
        return new FitsWcs(Projection.forCode("TAN"), crpix1, crpix2, ra, dec,
                -s * Math.cos(t), s * Math.sin(t), s * Math.sin(t), s * Math.cos(t));
    }

    /** Synthetic tiles: stars on a sky with a gradient and noise, each tile its own TAN, ±0.5° rotation. */
    static void synth(Path dir, int cols, int rows, int size, int height) throws Exception {
        Files.createDirectories(dir);
        double scale = 1.0, step = 0.9 * size, stepY = 0.9 * height;
        int gw = (int) Math.ceil(step * (cols - 1) + size) + 40, gh = (int) Math.ceil(stepY * (rows - 1) + height) + 40;
        FitsWcs grid = tan(150.0, 30.0, scale, 0, (gw + 1) / 2.0, (gh + 1) / 2.0);
        writeHead(dir.resolve("grid.head"), new WcsGrid(grid, gw, gh));
        SplittableRandom rnd = new SplittableRandom(42);
        int nStars = (int) (gw * (long) gh / 2000);
        double[][] stars = new double[nStars][3];
        double[] t = new double[2];
        for (double[] s : stars) {
            grid.pixelToWorld(rnd.nextDouble() * gw, rnd.nextDouble() * gh, t);
            s[0] = t[0];
            s[1] = t[1];
            s[2] = 500 + 20000 * Math.pow(rnd.nextDouble(), 4);
        }
        int k = 0;
        for (int j = 0; j < rows; j++)
            for (int i = 0; i < cols; i++, k++) {
                double cx = 20 + size / 2.0 + i * step + 0.3, cy = 20 + height / 2.0 + j * stepY + 0.6;
                grid.pixelToWorld(cx, cy, t);
                FitsWcs w = tan(t[0], t[1], scale, rnd.nextDouble() - 0.5, (size + 1) / 2.0, (height + 1) / 2.0);
                FloatImage img = new FloatImage(size, height, 1);
                float[] p = img.plane(0);
                SplittableRandom noise = new SplittableRandom(1000 + k);
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < size; x++)
                        p[y * size + x] = (float) (1000 + 0.01 * x + 0.02 * y + 10 * gauss(noise));
                for (double[] s : stars) {
                    w.worldToPixel(s[0], s[1], t);
                    if (t[0] < -8 || t[1] < -8 || t[0] > size + 8 || t[1] > height + 8) continue;
                    int x0 = (int) t[0], y0 = (int) t[1];
                    for (int y = Math.max(0, y0 - 6); y <= Math.min(height - 1, y0 + 6); y++)
                        for (int x = Math.max(0, x0 - 6); x <= Math.min(size - 1, x0 + 6); x++) {
                            double d2 = (x - t[0]) * (x - t[0]) + (y - t[1]) * (y - t[1]);
                            p[y * size + x] += (float) (s[2] / (2 * Math.PI * 2.25) * Math.exp(-d2 / (2 * 2.25)));
                        }
                }
                try (FitsRowWriter out = new FitsRowWriter(dir.resolve(String.format(Locale.ROOT, "tile_%03d.fits", k)),
                        new WcsGrid(w, size, height), 1)) {
                    out.writeRows(0, height, img.planes());
                }
            }
        System.out.printf(Locale.ROOT, "synth: %d tiles of %dx%d px, grid %dx%d%n", k, size, height, gw, gh);
    }

    /** A fast normal deviate (Marsaglia polar). */
    private static double gauss(SplittableRandom r) {
        double u, v, s;
        do {
            u = 2 * r.nextDouble() - 1;
            v = 2 * r.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    /** North-up TAN at the mean of the frame centres, mean pixel scale, covering every corner. */
    static WcsGrid coveringGrid(List<Path> files) throws Exception {
        double sx = 0, sy = 0, sz = 0, scale = 0;
        List<Wcs> ws = new ArrayList<>();
        List<int[]> dims = new ArrayList<>();
        double[] t = new double[2];
        for (Path f : files) {
            try (FitsRowSource s = new FitsRowSource(f)) {
                Wcs w = Wcs.fromHeader(s.header());
                ws.add(w);
                dims.add(new int[] {s.width(), s.height()});
                w.pixelToWorld((s.width() - 1) / 2.0, (s.height() - 1) / 2.0, t);
                double ra = Math.toRadians(t[0]), de = Math.toRadians(t[1]);
                sx += Math.cos(de) * Math.cos(ra);
                sy += Math.cos(de) * Math.sin(ra);
                sz += Math.sin(de);
                scale += w.pixelScaleDeg() * 3600;
            }
        }
        scale /= files.size();
        double ra0 = (Math.toDegrees(Math.atan2(sy, sx)) + 360) % 360, de0 = Math.toDegrees(Math.atan2(sz, Math.hypot(sx, sy)));
        FitsWcs g = tan(ra0, de0, scale, 0, 1, 1);
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY, minY = minX, maxY = maxX;
        for (int i = 0; i < ws.size(); i++) {
            int w = dims.get(i)[0], h = dims.get(i)[1];
            for (double[] c : new double[][] {{-0.5, -0.5}, {w - 0.5, -0.5}, {-0.5, h - 0.5}, {w - 0.5, h - 0.5}}) {
                ws.get(i).pixelToWorld(c[0], c[1], t);
                g.worldToPixel(t[0], t[1], t);
                minX = Math.min(minX, t[0]); maxX = Math.max(maxX, t[0]);
                minY = Math.min(minY, t[1]); maxY = Math.max(maxY, t[1]);
            }
        }
        int x0 = (int) Math.floor(minX), y0 = (int) Math.floor(minY);
        return new WcsGrid(g.shifted(x0, y0), (int) Math.ceil(maxX) - x0 + 1, (int) Math.ceil(maxY) - y0 + 1);
    }

    /** An ASCII header (80-column cards, one per line, END), readable by SWarp, astropy and nom-tam. */
    static void writeHead(Path file, WcsGrid grid) throws Exception {
        Header h = new Header();
        h.addValue("NAXIS", 2, "axes");
        h.addValue("NAXIS1", grid.width(), "width");
        h.addValue("NAXIS2", grid.height(), "height");
        h.addValue("EQUINOX", 2000.0, "equinox");
        grid.wcs().writeTo(h);
        StringBuilder sb = new StringBuilder();
        for (Cursor<String, HeaderCard> c = h.iterator(); c.hasNext(); ) sb.append(c.next().toString()).append('\n');
        sb.append(String.format("%-80s%n", "END"));
        Files.writeString(file, sb.toString(), StandardCharsets.US_ASCII);
        System.out.printf(Locale.ROOT, "grid: %dx%d at %s -> %s%n", grid.width(), grid.height(),
                Arrays.toString(grid.centre()), file);
    }

    static WcsGrid readHead(Path file) throws Exception {
        List<String> cards = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (line.startsWith("END")) break;
            cards.add(line);
        }
        Header h = new Header(cards.toArray(new String[0]));
        return new WcsGrid(Wcs.fromHeader(h), h.getIntValue("NAXIS1"), h.getIntValue("NAXIS2"));
    }

    static void coadd(Path head, Path out, Kernel kernel, int workers, List<Path> files) throws Exception {
        long t0 = System.nanoTime();
        WcsGrid grid = readHead(head);
        // Headers opened in parallel, as the project's FrameScanner does (in file order).
        List<Object> opened = files.parallelStream().map(f -> {
            try {
                FitsRowSource s = new FitsRowSource(f);
                try {
                    return (Object) CoaddInput.of(f.getFileName().toString(), s, Wcs.fromHeader(s.header()));
                } catch (Exception e) {
                    s.close();
                    throw e;
                }
            } catch (Exception e) {
                return e;
            }
        }).toList();
        List<CoaddInput> in = new ArrayList<>();
        List<FitsRowSource> open = new ArrayList<>();
        Exception failure = null;
        for (Object o : opened) {
            if (o instanceof CoaddInput c) {
                in.add(c);
                open.add((FitsRowSource) c.image());
            } else if (failure == null) {
                failure = (Exception) o;
            }
        }
        if (failure != null) {
            for (FitsRowSource s : open) s.close();
            throw failure;
        }
        Path cov = out.resolveSibling(out.getFileName().toString().replace(".fits", "") + "_coverage.fits");
        FitsRowWriter[] w = new FitsRowWriter[2];
        ReprojectCoadd.Result r;
        try {
            r = ReprojectCoadd.run(in, grid, CoaddParams.plain(kernel).withWorkers(workers), plan -> {
                w[0] = new FitsRowWriter(out, plan.grid(), plan.channels());
                w[1] = new FitsRowWriter(cov, plan.grid(), 1);
                return new ReprojectCoadd.Sinks(w[0], w[1]);
            }, Progress.NONE);
        } finally {
            for (FitsRowWriter x : w) if (x != null) x.close();
            for (FitsRowSource s : open) s.close();
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "tessera: %d tiles -> %dx%d (%s, %d workers, %d rows/band) in %.2f s; heap used %d MiB of %d MiB committed%n",
                files.size(), r.grid().width(), r.grid().height(), kernel.configName(), workers, r.rowsPerBand(),
                (System.nanoTime() - t0) / 1e9, (rt.totalMemory() - rt.freeMemory()) >> 20, rt.totalMemory() >> 20);
    }
}
