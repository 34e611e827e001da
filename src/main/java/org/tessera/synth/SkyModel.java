package org.tessera.synth;

import org.tessera.io.BayerPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.tessera.wcs.Wcs;

/**
 * A fixed piece of sky: point sources with a colour each and optional extended nebulae (elliptical
 * Gaussian blobs), defined in (RA, Dec). Fluxes are in electrons per second per channel (equal to
 * ADU per second at unit gain); nebula brightness in electrons per second per arcsec². It renders
 * onto any pixel grid given by a {@link Wcs}, conserving flux, so the same model yields camera
 * frames and the ground truth on a mosaic grid. Immutable and thread-safe.
 */
public final class SkyModel {

    /** A star: position in degrees and flux per channel (R, G, B). */
    public record Star(double ra, double dec, double fluxR, double fluxG, double fluxB) {
        /** Flux of channel c (0 = R, 1 = G, 2 = B). */
        public double flux(int c) {
            return c == 0 ? fluxR : c == 1 ? fluxG : fluxB;
        }

        public double meanFlux() { return (fluxR + fluxG + fluxB) / 3; }

        /** The same star with every flux multiplied by k (e.g. an exposure time). */
        public Star scaled(double k) { return new Star(ra, dec, fluxR * k, fluxG * k, fluxB * k); }
    }

    /**
     * An extended nebula: elliptical Gaussian with sigmas along its major and minor axes (arcsec),
     * major axis at position angle {@code paDeg} (from north through east), peak surface brightness
     * per channel in electrons per second per arcsec².
     */
    public record Blob(double ra, double dec, double sigmaMajorArcsec, double sigmaMinorArcsec, double paDeg,
                       double peakR, double peakG, double peakB) {
        public Blob {
            if (!(sigmaMajorArcsec > 0) || !(sigmaMinorArcsec > 0)) throw new IllegalArgumentException("blob sigmas must be > 0");
        }

        double peak(int c) { return c == 0 ? peakR : c == 1 ? peakG : peakB; }
    }

    /**
     * Parameters of a random star field: a square of half-size {@code halfSizeDeg} (tangent-plane
     * degrees) around the centre; {@code starCount} stars with fluxes from a truncated power law
     * N(&gt;F) ∝ F^−slope between fluxMin and fluxMax (e⁻/s, mean over channels); colour
     * temperatures 3200–10000 K; {@code nebulaPeak} &gt; 0 adds an emission and a reflection nebula
     * of that peak brightness (e⁻/s/arcsec²).
     */
    public record StarField(double centreRa, double centreDec, double halfSizeDeg, int starCount,
                            double fluxMin, double fluxMax, double slope, double nebulaPeak) {
        public StarField {
            if (!(halfSizeDeg > 0) || halfSizeDeg > 30) throw new IllegalArgumentException("half size must be in (0, 30] degrees");
            if (starCount < 0) throw new IllegalArgumentException("star count < 0");
            if (!(fluxMin > 0) || !(fluxMax >= fluxMin)) throw new IllegalArgumentException("need 0 < fluxMin <= fluxMax");
            if (!(slope > 0)) throw new IllegalArgumentException("power-law slope must be > 0");
        }
    }

    private final List<Star> stars;
    private final List<Blob> blobs;

    public SkyModel(List<Star> stars, List<Blob> blobs) {
        this.stars = List.copyOf(stars);
        this.blobs = List.copyOf(blobs);
    }

    public List<Star> stars() { return stars; }

    public List<Blob> blobs() { return blobs; }

    /** A random field, the same for the same field and seed. */
    public static SkyModel random(StarField f, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] pos = new double[2];
        List<Star> stars = new ArrayList<>(f.starCount());
        double ratio = Math.pow(f.fluxMin() / f.fluxMax(), f.slope());
        for (int i = 0; i < f.starCount(); i++) {
            double xi = (2 * rnd.nextDouble() - 1) * f.halfSizeDeg();
            double eta = (2 * rnd.nextDouble() - 1) * f.halfSizeDeg();
            TangentPlane.fromStandard(f.centreRa(), f.centreDec(), xi, eta, pos);
            // Inverse CDF of the power law truncated at fluxMax.
            double flux = f.fluxMin() * Math.pow(1 - rnd.nextDouble() * (1 - ratio), -1 / f.slope());
            // Cool stars outnumber hot ones.
            double t = 3200 + 6800 * Math.pow(rnd.nextDouble(), 1.5);
            double[] col = StarColour.factors(t);
            stars.add(new Star(pos[0], pos[1], flux * col[0], flux * col[1], flux * col[2]));
        }
        List<Blob> blobs = new ArrayList<>();
        if (f.nebulaPeak() > 0) {
            double h = f.halfSizeDeg();
            double sMaj = 0.30 * h * 3600;
            TangentPlane.fromStandard(f.centreRa(), f.centreDec(), 0.12 * h, -0.08 * h, pos);
            double p = f.nebulaPeak();
            // Emission nebula: H-alpha red with some H-beta / [O III].
            blobs.add(new Blob(pos[0], pos[1], sMaj, 0.55 * sMaj, 360 * rnd.nextDouble(), p, 0.40 * p, 0.50 * p));
            TangentPlane.fromStandard(f.centreRa(), f.centreDec(), -0.25 * h, 0.20 * h, pos);
            // Reflection nebula: scattered starlight, blue.
            blobs.add(new Blob(pos[0], pos[1], 0.35 * sMaj, 0.25 * sMaj, 360 * rnd.nextDouble(),
                    0.30 * p, 0.40 * p, 0.60 * p));
        }
        return new SkyModel(stars, blobs);
    }

    /**
     * Adds this sky to an image on the grid {@code wcs} × width × height. Each star contributes
     * {@code flux × valueScale} integrated over the pixels (PSF of {@code psf}, its FWHM in arcsec
     * converted with the grid's pixel scale); nebulae contribute their surface brightness times the
     * grid's pixel area times {@code valueScale}.
     *
     * @param planes 3 planes (R, G, B) of width*height, or 1 plane: a CFA mosaic when cfa is given,
     *               else the mean over channels
     */
    public void render(Wcs wcs, int width, int height, float[][] planes, BayerPattern cfa, Psf psf, double valueScale) {
        if (planes.length != 3 && planes.length != 1) throw new IllegalArgumentException("need 1 or 3 planes");
        double scaleArcsec = wcs.pixelScaleDeg() * 3600;
        double fwhmPx = psf.fwhmArcsec() / scaleArcsec;
        double[] p = new double[2];
        double[] flux = new double[3];
        for (Star s : stars) {
            wcs.worldToPixel(s.ra(), s.dec(), p);
            if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) continue;
            flux[0] = s.fluxR() * valueScale;
            flux[1] = s.fluxG() * valueScale;
            flux[2] = s.fluxB() * valueScale;
            StarPainter.paint(p[0], p[1], flux, psf, fwhmPx, planes, width, height, cfa);
        }
        for (Blob b : blobs) renderBlob(b, wcs, width, height, planes, cfa, valueScale * scaleArcsec * scaleArcsec, scaleArcsec);
    }

    /** Spacing (pixels) of the nodes where a blob's sky coordinates are computed exactly. */
    private static final int BLOB_NODE_STEP = 16;

    private static void renderBlob(Blob b, Wcs wcs, int w, int h, float[][] planes, BayerPattern cfa,
                                   double scale, double scaleArcsec) {
        double[] p = new double[2];
        wcs.worldToPixel(b.ra(), b.dec(), p);
        if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) return;
        double reach = 4 * b.sigmaMajorArcsec() / scaleArcsec;
        int x0 = (int) Math.max(0, Math.floor(p[0] - reach)), x1 = (int) Math.min(w - 1, Math.ceil(p[0] + reach));
        int y0 = (int) Math.max(0, Math.floor(p[1] - reach)), y1 = (int) Math.min(h - 1, Math.ceil(p[1] + reach));
        if (x0 > x1 || y0 > y1) return;
        // Pixel → blob standard coordinates is smooth (nearly affine), and a nebula spans many
        // pixels: compute it exactly on a coarse node grid and interpolate bilinearly in between.
        int[] nxs = nodes(x0, x1), nys = nodes(y0, y1);
        double[][] nodeXi = new double[nys.length][nxs.length], nodeEta = new double[nys.length][nxs.length];
        double[] world = new double[2], std = new double[2];
        for (int j = 0; j < nys.length; j++)
            for (int i = 0; i < nxs.length; i++) {
                wcs.pixelToWorld(nxs[i], nys[j], world);
                TangentPlane.toStandard(b.ra(), b.dec(), world[0], world[1], std);
                nodeXi[j][i] = std[0] * 3600;
                nodeEta[j][i] = std[1] * 3600;
            }
        double pa = Math.toRadians(b.paDeg());
        double sinPa = Math.sin(pa), cosPa = Math.cos(pa);
        double ia2 = 1 / (b.sigmaMajorArcsec() * b.sigmaMajorArcsec());
        double ib2 = 1 / (b.sigmaMinorArcsec() * b.sigmaMinorArcsec());
        double mean = (b.peakR() + b.peakG() + b.peakB()) / 3;
        int j = 0;
        for (int y = y0; y <= y1; y++) {
            while (j < nys.length - 2 && y > nys[j + 1]) j++;
            double ty = nys.length == 1 ? 0 : (double) (y - nys[j]) / (nys[j + 1] - nys[j]);
            int j1 = Math.min(j + 1, nys.length - 1);
            int i = 0;
            for (int x = x0; x <= x1; x++) {
                while (i < nxs.length - 2 && x > nxs[i + 1]) i++;
                double tx = nxs.length == 1 ? 0 : (double) (x - nxs[i]) / (nxs[i + 1] - nxs[i]);
                int i1 = Math.min(i + 1, nxs.length - 1);
                double xi = bilinear(nodeXi, i, i1, j, j1, tx, ty), eta = bilinear(nodeEta, i, i1, j, j1, tx, ty);
                double u = xi * sinPa + eta * cosPa, v = xi * cosPa - eta * sinPa;
                double q = u * u * ia2 + v * v * ib2;
                if (!(q < 32)) continue; // beyond 8 sigma, or NaN
                double g = Math.exp(-0.5 * q) * scale;
                int idx = y * w + x;
                if (planes.length == 3) {
                    for (int c = 0; c < 3; c++) planes[c][idx] += (float) (b.peak(c) * g);
                } else {
                    planes[0][idx] += (float) ((cfa != null ? b.peak(cfa.colorAt(x, y)) : mean) * g);
                }
            }
        }
    }

    /** Node positions from a to b inclusive, every BLOB_NODE_STEP pixels. */
    private static int[] nodes(int a, int b) {
        int n = (b - a + BLOB_NODE_STEP - 1) / BLOB_NODE_STEP + 1;
        int[] out = new int[Math.max(1, n)];
        for (int k = 0; k < out.length; k++) out[k] = Math.min(b, a + k * BLOB_NODE_STEP);
        return out;
    }

    private static double bilinear(double[][] g, int i, int i1, int j, int j1, double tx, double ty) {
        double top = g[j][i] + (g[j][i1] - g[j][i]) * tx;
        double bottom = g[j1][i] + (g[j1][i1] - g[j1][i]) * tx;
        return top + (bottom - top) * ty;
    }
}
