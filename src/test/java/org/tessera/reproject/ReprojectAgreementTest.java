package org.tessera.reproject;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.wcs.Wcs;
import org.tessera.wcs.WcsGrid;

/**
 * With every optional step off, Tessera's bilinear coadd must match astropy's
 * reproject_and_coadd(reproject_interp), and its exact coadd reproject_and_coadd(reproject_exact),
 * on real survey and Seestar images (fixtures made by
 * src/test/resources/fixtures/reproject/make_fixtures.py from ../shared/data).
 */
class ReprojectAgreementTest {

    static final Path DATA = Path.of("../shared/data");

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(ReprojectAgreementTest.class.getResource("/fixtures/reproject/" + name).toURI());
    }

    /**
     * {median relative difference, share of the union footprint where only one side has data,
     * 99th percentile of the relative difference}, bilinear.
     */
    static double[] compare(String fixture, List<CoaddInput> inputs) throws Exception {
        return compare(fixture, inputs, Kernel.BILINEAR, null);
    }

    /**
     * As {@link #compare(String, List)} with a kernel; when {@code footprint} is given, the
     * fixture's FOOTPRINT HDU is compared with Tessera's coverage: footprint[0] = largest absolute
     * difference, footprint[1] = median absolute difference where either is &gt; 0.
     */
    static double[] compare(String fixture, List<CoaddInput> inputs, Kernel kernel, double[] footprint) throws Exception {
        FitsTestIO.Image ref = FitsTestIO.read(fixture(fixture));
        Wcs wcs = Wcs.fromHeader(ref.header());
        FloatImage a = ref.image();
        FloatImage fp = footprint == null ? null : FitsTestIO.read(fixture(fixture), 1).image();
        WcsGrid grid = new WcsGrid(wcs, a.width(), a.height());
        MemorySinks m = new MemorySinks();
        ReprojectCoadd.run(inputs, grid, CoaddParams.plain(kernel).withWorkers(2), m, Progress.NONE);
        // Tessera crops to the covered box: find the offset of its grid in astropy's.
        double[] t = new double[2];
        m.grid.wcs().pixelToWorld(0, 0, t);
        wcs.worldToPixel(t[0], t[1], t);
        int ox = (int) Math.round(t[0]), oy = (int) Math.round(t[1]);
        assertEquals(ox, t[0], 1e-6);
        assertEquals(oy, t[1], 1e-6);
        List<Double> rel = new ArrayList<>(), fpDiff = new ArrayList<>();
        int onlyOne = 0, union = 0;
        double fpMax = 0;
        for (int y = 0; y < a.height(); y++)
            for (int x = 0; x < a.width(); x++) {
                float va = a.get(0, x, y);
                int jx = x - ox, jy = y - oy;
                boolean inJ = jx >= 0 && jy >= 0 && jx < m.mosaic.width() && jy < m.mosaic.height();
                float vj = inJ ? m.mosaic.get(0, jx, jy) : Float.NaN;
                boolean fa = !Float.isNaN(va), fj = !Float.isNaN(vj);
                if (fa || fj) union++;
                if (fa != fj) onlyOne++;
                if (fa && fj) rel.add(Math.abs(vj - va) / Math.max(1e-6, Math.abs(va)));
                if (fp != null) {
                    double ca = fp.get(0, x, y), cj = inJ ? m.coverage.get(0, jx, jy) : 0;
                    if (ca > 0 || cj > 0) {
                        fpDiff.add(Math.abs(ca - cj));
                        fpMax = Math.max(fpMax, Math.abs(ca - cj));
                    }
                }
            }
        double[] r = rel.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(r);
        double med = r[r.length / 2], p99 = r[(int) (0.99 * (r.length - 1))];
        System.out.printf("[astropy] %s (%s): %d common pixels, median rel diff %.3g, p99 %.3g, max %.3g, only-one %d of %d%n",
                fixture, kernel.configName(), r.length, med, p99, r[r.length - 1], onlyOne, union);
        if (footprint != null) {
            double[] d = fpDiff.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            footprint[0] = fpMax;
            footprint[1] = d[d.length / 2];
            System.out.printf("[astropy] %s footprint: max |diff| %.3g, median %.3g, p99 %.3g over %d pixels%n", fixture,
                    fpMax, footprint[1], d[(int) (0.99 * (d.length - 1))], d.length);
        }
        return new double[] {med, onlyOne / (double) union, p99};
    }

    static List<CoaddInput> dssPair() throws Exception {
        List<CoaddInput> in = new ArrayList<>();
        for (String f : new String[] {"dss_test1.fits", "dss_test2.fits"}) {
            FitsTestIO.Image im = FitsTestIO.read(DATA.resolve("dss_pair").resolve(f));
            in.add(CoaddInput.of(f, im.image(), Wcs.fromHeader(im.header())));
        }
        return in;
    }

    /** The Seestar cut-outs named by a fixture's CUT1, CUT2 cards. */
    static List<CoaddInput> seestarCutouts(String fixture) throws Exception {
        FitsTestIO.Image ref = FitsTestIO.read(fixture(fixture));
        List<CoaddInput> in = new ArrayList<>();
        for (String key : new String[] {"CUT1", "CUT2"}) {
            String[] c = ref.header().getStringValue(key).trim().split("\\s+");
            FitsTestIO.Image im = FitsTestIO.read(DATA.resolve(c[0]));
            int x0 = Integer.parseInt(c[1]), y0 = Integer.parseInt(c[2]), w = Integer.parseInt(c[3]), h = Integer.parseInt(c[4]);
            in.add(CoaddInput.of(c[0], FitsTestIO.cut(im.image(), x0, y0, w, h), Wcs.fromHeader(im.header()).shifted(x0, y0)));
        }
        return in;
    }

    @Test
    void dssPairMatchesAstropy() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DATA.resolve("dss_pair")), "../shared/data/dss_pair absent: skipped");
        double[] r = compare("dss_pair_astropy.fits", dssPair());
        assertTrue(r[0] <= 0.005, "median relative difference " + r[0]);
        assertTrue(r[2] <= 0.005, "99th percentile relative difference " + r[2]);
        assertTrue(r[1] < 0.01, "footprints differ on " + r[1] * 100 + "% of the union");
    }

    @Test
    void seestarFramesMatchAstropy() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DATA.resolve("seestar_ngc7023_solved")),
                "../shared/data/seestar_ngc7023_solved absent: skipped");
        double[] r = compare("seestar_ngc7023_astropy.fits", seestarCutouts("seestar_ngc7023_astropy.fits"));
        assertTrue(r[0] <= 0.005, "median relative difference " + r[0]);
        assertTrue(r[2] <= 0.005, "99th percentile relative difference " + r[2]);
        assertTrue(r[1] < 0.01, "footprints differ on " + r[1] * 100 + "% of the union");
    }

    @Test
    void dssPairMatchesAstropyExact() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DATA.resolve("dss_pair")), "../shared/data/dss_pair absent: skipped");
        double[] fp = new double[2];
        double[] r = compare("dss_pair_exact.fits", dssPair(), Kernel.EXACT, fp);
        assertTrue(r[0] <= 0.005, "median relative difference " + r[0]);
        assertTrue(r[1] < 0.01, "footprints differ on " + r[1] * 100 + "% of the union");
        assertTrue(fp[0] < 0.01, "largest footprint difference " + fp[0]);
    }

    @Test
    void seestarFramesMatchAstropyExact() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DATA.resolve("seestar_ngc7023_solved")),
                "../shared/data/seestar_ngc7023_solved absent: skipped");
        double[] fp = new double[2];
        double[] r = compare("seestar_ngc7023_exact.fits", seestarCutouts("seestar_ngc7023_exact.fits"), Kernel.EXACT, fp);
        assertTrue(r[0] <= 0.005, "median relative difference " + r[0]);
        assertTrue(r[1] < 0.01, "footprints differ on " + r[1] * 100 + "% of the union");
        assertTrue(fp[0] < 0.01, "largest footprint difference " + fp[0]);
    }
}
