package org.tessera.synth;

import org.tessera.io.BayerPattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import org.tessera.image.FloatImage;
import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;
import org.tessera.wcs.FitsWcs;
import org.tessera.wcs.Projection;
import org.tessera.wcs.WcsException;
import org.tessera.wcs.WcsGrid;

/**
 * A synthetic observing run: a mosaic of panels over a random {@link SkyModel}, each panel a set
 * of frames from one mount (EQ: fixed rotation and small dithers; ALT_AZ: field rotation growing
 * frame to frame), each panel with its own camera gain and offset, every frame with its own seeing,
 * transparency, sky level and gradient, and noise. Frames come out as Bayer raw (16-bit values,
 * like a Seestar) or as RGB floats, in memory ({@link #build()}) or as FITS files
 * ({@link #writeFits(Path)}); the noiseless truth is available on any grid.
 * <p>
 * Configured fluently; every result is a pure function of the configuration, its seed included.
 * Not thread-safe while being configured; {@link #build()} renders frames in parallel.
 */
public final class SyntheticSky {

    /** Pixel format of the frames. */
    public enum Output {
        /** 1 channel, CFA mosaic, whole ADU in [0, 65535] (what a colour camera writes). */
        BAYER_RAW,
        /** 3 channels (R, G, B) in float ADU, neither rounded nor clipped. */
        RGB_FLOAT
    }

    private static final Logger LOG = Logger.getLogger("org.tessera.synth");
    private static final DateTimeFormatter DATE_OBS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT);
    /** Seconds between the starts of two frames beyond the exposure (download, dither, settle). */
    private static final double FRAME_OVERHEAD_S = 2;
    /** Seconds between two panel sets (slew, re-centring). */
    private static final double PANEL_GAP_S = 120;

    // Field.
    private double centreRa = 150.0, centreDec = 40.0;
    private String object = "Synthetic field";
    private long seed = 1;
    // Layout and pointing.
    private int panelsX = 2, panelsY = 2;
    private double overlap = 0.3;
    private int framesPerPanel = 5;
    private int width = 480, height = 320;
    private double pixelScaleArcsec = 2.4;
    private double rotationDeg = 0, panelRotationJitterDeg = 0;
    private boolean mirrored = false;
    private MountMode mount = MountMode.EQ;
    private final Map<Integer, MountMode> panelMounts = new TreeMap<>();
    private double altAzRotationPerFrameDeg = 1.0;
    private double ditherPx = 4;
    // Sky.
    private double starDensity = 0.6;
    private double fluxMin = 20, fluxMax = 60000, fluxSlope = 0.75;
    private double nebulaPeak = 2.0;
    private double fwhmPx = 3.0, moffatBeta = 3.0, fwhmVariation = 0.1;
    private boolean gaussianPsf = false;
    private double skyLevel = 30, gradient = 0.15, skyVariation = 0.05;
    private double[] skyColour = {1.0, 0.95, 0.8};
    // Camera.
    private double exposure = 10, readNoise = 3.0;
    private boolean noise = true;
    private double pedestal = 500, gainVariation = 0.08, offsetVariation = 40, transparencyVariation = 0.03;
    private Output output = Output.BAYER_RAW;
    private BayerPattern bayer = BayerPattern.GRBG;
    private String filter = "IRCUT";
    private LocalDateTime start = LocalDateTime.of(2025, 3, 14, 21, 0, 0);

    // ---------------------------------------------------------------- configuration

    /** Field centre in degrees. */
    public SyntheticSky centre(double ra, double dec) {
        if (!(dec >= -89 && dec <= 89)) throw new IllegalArgumentException("field centre Dec must be within ±89°");
        centreRa = ((ra % 360) + 360) % 360;
        centreDec = dec;
        return this;
    }

    public SyntheticSky object(String name) { object = name; return this; }

    public SyntheticSky seed(long s) { seed = s; return this; }

    /** Number of panels along the frame x and y axes. */
    public SyntheticSky panels(int nx, int ny) {
        if (nx < 1 || ny < 1) throw new IllegalArgumentException("need at least 1×1 panels");
        panelsX = nx;
        panelsY = ny;
        return this;
    }

    /** Fraction of a frame's width (height) shared with the next panel along x (y), in [0, 0.9]. */
    public SyntheticSky overlap(double f) {
        if (!(f >= 0 && f <= 0.9)) throw new IllegalArgumentException("overlap must be in [0, 0.9]");
        overlap = f;
        return this;
    }

    public SyntheticSky framesPerPanel(int n) {
        if (n < 1) throw new IllegalArgumentException("need at least one frame per panel");
        framesPerPanel = n;
        return this;
    }

    /** Frame shape in pixels (Seestar S50: 1080 × 1920). */
    public SyntheticSky frameSize(int w, int h) {
        if (w < 8 || h < 8) throw new IllegalArgumentException("frames must be at least 8×8");
        width = w;
        height = h;
        return this;
    }

    public SyntheticSky pixelScale(double arcsecPerPixel) {
        if (!(arcsecPerPixel > 0)) throw new IllegalArgumentException("pixel scale must be > 0");
        pixelScaleArcsec = arcsecPerPixel;
        return this;
    }

    /** Rotation of the panel layout and of the frames' pixel axes (angle of the CD matrix), degrees. */
    public SyntheticSky rotation(double deg) { rotationDeg = deg; return this; }

    /** Each panel's frames are rotated by a random angle in ±deg (sessions framed by hand). */
    public SyntheticSky panelRotationJitter(double deg) { panelRotationJitterDeg = Math.abs(deg); return this; }

    /** Mirror parity (CD determinant &lt; 0, east left with north up); default as a Seestar: not mirrored. */
    public SyntheticSky mirrored(boolean m) { mirrored = m; return this; }

    /** Mount of every panel not set by {@link #panelMount}. UNKNOWN writes no EQMODE key. */
    public SyntheticSky mount(MountMode m) { mount = m; return this; }

    /** Mount of panel p (row-major: p = iy · panelsX + ix). */
    public SyntheticSky panelMount(int p, MountMode m) { panelMounts.put(p, m); return this; }

    /** Field rotation between consecutive frames of an ALT_AZ panel, degrees. */
    public SyntheticSky altAzRotationPerFrame(double deg) { altAzRotationPerFrameDeg = deg; return this; }

    /** Random pointing offsets within ±px along each frame axis. */
    public SyntheticSky dither(double px) { ditherPx = Math.abs(px); return this; }

    /** Stars per square arcminute, all of them with fluxes in the range of {@link #starFlux}. */
    public SyntheticSky starDensity(double perSqArcmin) {
        if (!(perSqArcmin >= 0)) throw new IllegalArgumentException("star density must be >= 0");
        starDensity = perSqArcmin;
        return this;
    }

    /** Star fluxes (e⁻/s, mean over channels): power law N(&gt;F) ∝ F^−slope in [min, max]. */
    public SyntheticSky starFlux(double min, double max, double slope) {
        if (!(min > 0 && max >= min && slope > 0)) throw new IllegalArgumentException("need 0 < min <= max, slope > 0");
        fluxMin = min;
        fluxMax = max;
        fluxSlope = slope;
        return this;
    }

    /** Peak brightness of the nebulae in e⁻/s/arcsec²; 0 = no nebula. */
    public SyntheticSky nebula(double peak) { nebulaPeak = Math.max(0, peak); return this; }

    /** Seeing FWHM in frame pixels. */
    public SyntheticSky psfFwhm(double px) {
        if (!(px > 0.3)) throw new IllegalArgumentException("PSF FWHM must be > 0.3 px");
        fwhmPx = px;
        return this;
    }

    /** Moffat PSF with this beta (the default, beta 3). */
    public SyntheticSky moffat(double beta) {
        if (!(beta > 1)) throw new IllegalArgumentException("Moffat beta must be > 1");
        moffatBeta = beta;
        gaussianPsf = false;
        return this;
    }

    public SyntheticSky gaussianPsf() { gaussianPsf = true; return this; }

    /** Frame-to-frame seeing change: FWHM × (1 ± f). */
    public SyntheticSky fwhmVariation(double f) { fwhmVariation = clampFraction(f); return this; }

    /** Sky background at the frame centre, e⁻/s per pixel (before the colour factors). */
    public SyntheticSky sky(double level) {
        if (!(level >= 0)) throw new IllegalArgumentException("sky level must be >= 0");
        skyLevel = level;
        return this;
    }

    /** Relative sky brightness in R, G, B (light pollution is reddish). */
    public SyntheticSky skyColour(double r, double g, double b) {
        if (!(r >= 0 && g >= 0 && b >= 0)) throw new IllegalArgumentException("sky colour factors must be >= 0");
        skyColour = new double[] {r, g, b};
        return this;
    }

    /** Linear sky gradient: relative change from the frame centre to its corner along the gradient. */
    public SyntheticSky gradient(double f) {
        if (!(f >= 0 && f <= 0.9)) throw new IllegalArgumentException("gradient must be in [0, 0.9]");
        gradient = f;
        return this;
    }

    /** Frame-to-frame sky level change: × (1 ± f). */
    public SyntheticSky skyVariation(double f) { skyVariation = clampFraction(f); return this; }

    public SyntheticSky exposure(double seconds) {
        if (!(seconds > 0)) throw new IllegalArgumentException("exposure must be > 0");
        exposure = seconds;
        return this;
    }

    public SyntheticSky readNoise(double electrons) { readNoise = Math.abs(electrons); return this; }

    /** Photon (Gaussian approximation of Poisson) and read noise on or off. */
    public SyntheticSky noise(boolean on) { noise = on; return this; }

    /** Bias offset in ADU. */
    public SyntheticSky pedestal(double adu) { pedestal = adu; return this; }

    /** Per-panel gain 1 ± f (ADU per electron). */
    public SyntheticSky gainVariation(double f) { gainVariation = clampFraction(f); return this; }

    /** Per-panel offset pedestal ± adu. */
    public SyntheticSky offsetVariation(double adu) { offsetVariation = Math.abs(adu); return this; }

    /** Per-frame transparency in [1 − f, 1] (thin cloud, airmass). */
    public SyntheticSky transparencyVariation(double f) { transparencyVariation = clampFraction(f); return this; }

    public SyntheticSky output(Output o) { output = o; return this; }

    public SyntheticSky bayerPattern(BayerPattern p) { bayer = p; return this; }

    public SyntheticSky filter(String f) { filter = f; return this; }

    /** DATE-OBS of the first frame (UTC). */
    public SyntheticSky startTime(LocalDateTime t) { start = t; return this; }

    /**
     * A perfect camera for tests: no noise, no pedestal, unit gain everywhere, no seeing,
     * transparency or sky-level variation, no dither.
     */
    public SyntheticSky perfectCamera() {
        noise = false;
        pedestal = 0;
        gainVariation = 0;
        offsetVariation = 0;
        transparencyVariation = 0;
        fwhmVariation = 0;
        skyVariation = 0;
        ditherPx = 0;
        return this;
    }

    private static double clampFraction(double f) {
        if (!(f >= 0 && f < 1)) throw new IllegalArgumentException("fraction must be in [0, 1)");
        return f;
    }

    // ---------------------------------------------------------------- read-back of the configuration

    public int frameWidth() { return width; }
    public int frameHeight() { return height; }
    public double pixelScaleArcsec() { return pixelScaleArcsec; }
    public double exposureSeconds() { return exposure; }
    public int panelCount() { return panelsX * panelsY; }
    public int framesPerPanel() { return framesPerPanel; }
    public Output output() { return output; }
    public BayerPattern bayerPattern() { return bayer; }
    public double overlap() { return overlap; }

    /** The mount of panel p. */
    public MountMode mountOf(int p) { return panelMounts.getOrDefault(p, mount); }

    /** The PSF without frame-to-frame seeing changes. */
    public Psf nominalPsf() {
        double f = fwhmPx * pixelScaleArcsec;
        return gaussianPsf ? Psf.gaussian(f) : Psf.moffat(f, moffatBeta);
    }

    // ---------------------------------------------------------------- products

    /** Half-size (tangent-plane degrees) of the square of sky that holds every frame. */
    private double fieldHalfSizeDeg() {
        double ex = (panelsX - 1) * (1 - overlap) * width, ey = (panelsY - 1) * (1 - overlap) * height;
        return (0.5 * Math.hypot(ex, ey) + 0.5 * Math.hypot(width, height) + ditherPx + 10) * pixelScaleArcsec / 3600;
    }

    /** The sky all frames are taken of (stars and nebulae, fluxes per second). */
    public SkyModel skyModel() {
        double half = fieldHalfSizeDeg();
        double areaArcmin2 = Math.pow(2 * half * 60, 2);
        int count = (int) Math.min(2_000_000, Math.round(starDensity * areaArcmin2));
        return SkyModel.random(new SkyModel.StarField(centreRa, centreDec, half, count, fluxMin, fluxMax, fluxSlope,
                nebulaPeak), mix(seed, 1));
    }

    /** The stars with fluxes in the frames' units at unit gain: electrons (ADU) per exposure. */
    public List<SkyModel.Star> truthStars() {
        return skyModel().stars().stream().map(s -> s.scaled(exposure)).toList();
    }

    /**
     * {@link #truthStars} as CSV ({@code ra,dec,fR,fG,fB}: degrees, then ADU per exposure at unit
     * gain per channel), for the accuracy checks of bench/science (starcheck.py truth).
     */
    public void writeTruthStars(Path csv) throws IOException {
        StringBuilder b = new StringBuilder("ra,dec,fR,fG,fB\n");
        for (SkyModel.Star s : truthStars())
            b.append(s.ra()).append(',').append(s.dec()).append(',').append(s.fluxR()).append(',')
                    .append(s.fluxG()).append(',').append(s.fluxB()).append('\n');
        Files.writeString(csv, b);
    }

    /**
     * The noiseless sky (stars with the nominal PSF and nebulae; no background, unit gain, full
     * transparency) on any grid, 3 channels, in ADU per exposure per <em>frame</em> pixel area: on
     * a grid with the frames' pixel scale that is what a perfect frame would hold, and on another
     * grid it is what a surface-brightness-preserving reprojection of such a frame yields.
     */
    public FloatImage renderTruth(WcsGrid grid) {
        FloatImage img = new FloatImage(grid.width(), grid.height(), 3);
        double gridScale = grid.wcs().pixelScaleDeg() * 3600;
        double k = exposure * Math.pow(pixelScaleArcsec / gridScale, 2);
        skyModel().render(grid.wcs(), grid.width(), grid.height(), img.planes(), null, nominalPsf(), k);
        return img;
    }

    /**
     * A grid at the frames' scale and base rotation, centred on the field, that contains every
     * frame whatever its rotation.
     */
    public WcsGrid fieldGrid() {
        int gw = (int) Math.ceil((panelsX - 1) * (1 - overlap) * width + Math.hypot(width, height) + 2 * ditherPx + 4);
        int gh = (int) Math.ceil((panelsY - 1) * (1 - overlap) * height + Math.hypot(width, height) + 2 * ditherPx + 4);
        return new WcsGrid(wcsAt(centreRa, centreDec, rotationDeg, gw, gh), gw, gh);
    }

    /** Pointing, rotation, camera and sky of every frame, panel by panel (row-major), in time order. */
    public List<FramePlan> plan() {
        SplittableRandom rnd = new SplittableRandom(mix(seed, 2));
        FitsWcs layout = wcsAt(centreRa, centreDec, rotationDeg, width, height);
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        double[] w = new double[2];
        String tag = object.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_|_$", "");
        if (tag.isEmpty()) tag = "field";
        List<FramePlan> out = new ArrayList<>(panelCount() * framesPerPanel);
        double t = 0;
        for (int iy = 0; iy < panelsY; iy++) {
            for (int ix = 0; ix < panelsX; ix++) {
                int p = iy * panelsX + ix;
                // Panels step by (1 − overlap) of a frame along the layout's pixel axes.
                layout.pixelToWorld(cx + (ix - (panelsX - 1) / 2.0) * (1 - overlap) * width,
                        cy + (iy - (panelsY - 1) / 2.0) * (1 - overlap) * height, w);
                double pra = w[0], pdec = w[1];
                MountMode m = mountOf(p);
                // Every draw is made whatever the settings, so one option never reshuffles the others.
                double prot = rotationDeg + panelRotationJitterDeg * sym(rnd);
                double gain = 1 + gainVariation * sym(rnd);
                double ped = pedestal + offsetVariation * sym(rnd);
                double gradDir = 360 * rnd.nextDouble();
                for (int k = 0; k < framesPerPanel; k++) {
                    double rot = prot + (m == MountMode.ALT_AZ ? altAzRotationPerFrameDeg * k : 0);
                    double dx = ditherPx * sym(rnd), dy = ditherPx * sym(rnd);
                    wcsAt(pra, pdec, rot, width, height).pixelToWorld(cx + dx, cy + dy, w);
                    FitsWcs wcs = wcsAt(w[0], w[1], rot, width, height);
                    double fwhm = fwhmPx * pixelScaleArcsec * (1 + fwhmVariation * sym(rnd));
                    double trans = 1 - transparencyVariation * rnd.nextDouble();
                    double sky = skyLevel * (1 + skyVariation * sym(rnd));
                    double gdir = gradDir + 5 * sym(rnd);
                    long noiseSeed = rnd.nextLong();
                    String name = String.format(Locale.ROOT, "Light_%s_p%d_%03d_%.1fs.fit", tag, p + 1, k + 1, exposure);
                    String date = start.plusNanos(Math.round(t * 1e9)).format(DATE_OBS);
                    t += exposure + FRAME_OVERHEAD_S;
                    out.add(new FramePlan(name, p, k, m, wcs, rot, fwhm, gain, ped, trans, sky, gdir, noiseSeed,
                            header(p, k, m, pra, pdec, date, fwhm, gain, ped, trans)));
                }
                t += PANEL_GAP_S;
            }
        }
        return out;
    }

    private Map<String, Object> header(int p, int k, MountMode m, double ra, double dec, String date,
                                       double fwhm, double gain, double ped, double trans) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("OBJECT", object);
        h.put("DATE-OBS", date);
        h.put("EXPTIME", exposure);
        h.put("EXPOSURE", exposure);
        h.put("IMAGETYP", "Light");
        h.put("FILTER", filter);
        h.put("INSTRUME", "Tessera synthetic");
        h.put("TELESCOP", "Tessera synthetic");
        h.put("CREATOR", "Tessera SyntheticSky");
        if (output == Output.BAYER_RAW) h.put("BAYERPAT", bayer.name());
        if (m != MountMode.UNKNOWN) h.put("EQMODE", m == MountMode.EQ ? 1 : 0);
        h.put("RA", ra);
        h.put("DEC", dec);
        h.put("SYNPANEL", p);
        h.put("SYNFRAME", k);
        h.put("SYNGAIN", gain);
        h.put("SYNPEDES", ped);
        h.put("SYNTRANS", trans);
        h.put("SYNFWHM", fwhm);
        h.put("SYNSEED", seed);
        return h;
    }

    /** Renders every frame of {@link #plan()} (in parallel, same result whatever the thread count). */
    public List<InMemoryFrame> build() {
        long t0 = System.nanoTime();
        List<FramePlan> plans = plan();
        SkyModel model = skyModel();
        List<InMemoryFrame> frames = IntStream.range(0, plans.size()).parallel()
                .mapToObj(i -> render(plans.get(i), model)).toList();
        LOG.fine(() -> String.format(Locale.ROOT, "[SYNTH] %d frames %dx%d (%s) from %d stars in %.2f s",
                frames.size(), width, height, output, model.stars().size(), (System.nanoTime() - t0) / 1e9));
        return frames;
    }

    /** Renders one planned frame of this sky. */
    public InMemoryFrame render(FramePlan fp, SkyModel model) {
        boolean raw = output == Output.BAYER_RAW;
        int n = width * height;
        float[][] planes = raw ? new float[1][n] : new float[3][n];
        model.render(fp.wcs(), width, height, planes, raw ? bayer : null,
                nominalPsf().withFwhm(fp.fwhmArcsec()), exposure * fp.transparency());

        SplittableRandom rnd = new SplittableRandom(fp.noiseSeed());
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0, half = 0.5 * Math.hypot(width, height);
        double gdir = Math.toRadians(fp.gradientDeg());
        double gx = gradient * Math.cos(gdir) / half, gy = gradient * Math.sin(gdir) / half;
        double[] skyC = new double[3];
        for (int c = 0; c < 3; c++) skyC[c] = fp.skyLevel() * skyColour[c] * exposure;
        double rn2 = readNoise * readNoise;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                double ramp = 1 + gx * (x - cx) + gy * (y - cy);
                for (int c = 0; c < planes.length; c++) {
                    double e = planes[c][i] + skyC[raw ? bayer.colorAt(x, y) : c] * ramp;
                    if (noise) e += Math.sqrt(Math.max(e, 0) + rn2) * rnd.nextGaussian();
                    double v = fp.pedestal() + fp.gain() * e;
                    if (raw) v = Math.min(65535, Math.max(0, Math.rint(v)));
                    planes[c][i] = (float) v;
                }
            }
        }
        Map<String, String> keys = new LinkedHashMap<>();
        fp.header().forEach((k, v) -> keys.put(k, v.toString()));
        keys.putAll(CameraFitsWriter.wcsKeys(fp.wcs()));
        return new InMemoryFrame(fp.name(), new FloatImage(width, height, planes), fp.wcs(), fp.mount(), exposure, keys);
    }

    /**
     * Writes every frame as a camera FITS file into dir (created if needed): 16-bit Bayer with
     * BZERO 32768 for raw output, a float32 cube for RGB output.
     *
     * @return the files, in frame order
     */
    public List<Path> writeFits(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (InMemoryFrame f : build()) {
            Path file = dir.resolve(f.name());
            CameraFitsWriter.write(f, file);
            files.add(file);
        }
        LOG.info(() -> "[SYNTH] wrote " + files.size() + " synthetic frames to " + dir);
        return files;
    }

    // ---------------------------------------------------------------- helpers

    private FitsWcs wcsAt(double ra, double dec, double rotDeg, int w, int h) {
        double s = pixelScaleArcsec / 3600, r = Math.toRadians(rotDeg);
        double c = Math.cos(r) * s, sn = Math.sin(r) * s;
        try {
            Projection tan = Projection.forCode("TAN");
            return mirrored
                    ? new FitsWcs(tan, (w + 1) / 2.0, (h + 1) / 2.0, ra, dec, -c, sn, sn, c)
                    : new FitsWcs(tan, (w + 1) / 2.0, (h + 1) / 2.0, ra, dec, c, -sn, sn, c);
        } catch (WcsException e) {
            throw new IllegalStateException("TAN projection missing", e);
        }
    }

    private static double sym(SplittableRandom r) { return 2 * r.nextDouble() - 1; }

    /** SplitMix64 finaliser: independent streams from one seed. */
    static long mix(long seed, long salt) {
        long z = seed * 0x9E3779B97F4A7C15L + salt * 0xD1B54A32D192ED03L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
