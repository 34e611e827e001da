package org.tessera.bench.e2e;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import nom.tam.fits.Header;
import nom.tam.fits.header.Standard;
import nom.tam.util.FitsOutputStream;

import org.tessera.io.InMemoryFrame;
import org.tessera.synth.CameraFitsWriter;
import org.tessera.synth.DefaultSky;
import org.tessera.synth.FramePlan;
import org.tessera.synth.SkyModel;
import org.tessera.synth.SyntheticSky;

/**
 * Frames for the end-to-end benchmark (bench/e2e/run.sh): N raw Seestar-like subs as the telescope
 * writes them — Bayer GRBG 1080 × 1920 uint16, alt-az field rotation, several nights of 2 × 2
 * pointings over one synthetic sky — with NO celestial WCS, only RA/DEC (the pointing), FOCALLEN,
 * XPIXSZ and DATE-OBS. The true WCS of each frame goes to a header-only FITS file
 * {@code truth/<frame>.wcs}, which the benchmark's stand-in solver hands back as solve-field's
 * {@code solved.wcs} (the synthetic stars are not real stars, so a real solver cannot solve them).
 * Not a test.
 *
 * <pre>java ... org.tessera.bench.e2e.E2eFrames FRAMES_DIR TRUTH_DIR N [NIGHTS]</pre>
 */
public final class E2eFrames {

    /** Seestar S50: 250 mm focal length, 2.9 µm pixels: 206.265 · 2.9 / 250 = 2.393″/px. */
    static final double FOCAL_MM = 250, PIXEL_UM = 2.9;

    private E2eFrames() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: E2eFrames FRAMES_DIR TRUTH_DIR N [NIGHTS]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]), truth = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        int nights = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Files.createDirectories(dir);
        Files.createDirectories(truth);
        long t0 = System.nanoTime();

        // One sky for every night (the model of night 0), each night its own pointings' jitter,
        // camera state, seeing and noise (its own seed), starting at 21:00 on consecutive days.
        int panels = 4;
        int perPanel = (n + nights * panels - 1) / (nights * panels);
        List<SyntheticSky> skies = new ArrayList<>();
        for (int k = 0; k < nights; k++)
            skies.add(night(k, perPanel));
        SkyModel model = skies.get(0).skyModel();
        record Job(SyntheticSky sky, FramePlan plan, String name) {}
        List<Job> jobs = new ArrayList<>();
        for (int k = 0; k < nights && jobs.size() < n; k++)
            for (FramePlan fp : skies.get(k).plan()) {
                if (jobs.size() >= n) break;
                jobs.add(new Job(skies.get(k), fp, String.format(Locale.ROOT, "n%d_%s", k + 1, fp.name())));
            }
        IntStream.range(0, jobs.size()).parallel().forEach(i -> {
            Job j = jobs.get(i);
            try {
                InMemoryFrame f = j.sky().render(j.plan(), model);
                Map<String, String> keys = new LinkedHashMap<>(f.keys());
                keys.put("FOCALLEN", Double.toString(FOCAL_MM));
                keys.put("XPIXSZ", Double.toString(PIXEL_UM));
                keys.put("YPIXSZ", Double.toString(PIXEL_UM));
                InMemoryFrame raw = new InMemoryFrame(j.name(), f.image(), null, j.plan().mount(), j.sky().exposureSeconds(), keys);
                CameraFitsWriter.write(raw, dir.resolve(j.name()));
                writeWcs(j.plan(), truth.resolve(j.name() + ".wcs"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // The stars as drawn (RA, Dec, flux per channel in ADU per exposure at unit gain), for
        // accuracy checks of the mosaic (bench/science/starcheck.py truth).
        skies.get(0).writeTruthStars(truth.resolve("truth_stars.csv"));
        System.out.printf(Locale.ROOT, "E2E frames: %d raw frames 1080x1920 GRBG (%d night(s) x %d pointings, <= %d per pointing) in %.1f s -> %s%n",
                jobs.size(), nights, panels, perPanel, (System.nanoTime() - t0) / 1e9, dir);
    }

    /** Night k: the Seestar-like sky, alt-az, 0.15°/frame field rotation, its own seed and date. */
    static SyntheticSky night(int k, int perPanel) {
        return DefaultSky.seestarLike()
                .seed(DefaultSky.DEMO_SEED + 100 + k)
                .object("E2E field")
                .pixelScale(206.265 * PIXEL_UM / FOCAL_MM)
                .framesPerPanel(perPanel)
                .startTime(LocalDateTime.of(2025, 3, 14 + k, 21, 0, 0));
    }

    /** A header-only FITS file holding the frame's true WCS, as solve-field's {@code solved.wcs}. */
    static void writeWcs(FramePlan fp, Path file) throws IOException {
        try {
            Header h = new Header();
            h.addValue(Standard.SIMPLE, true);
            h.addValue(Standard.BITPIX, 8);
            h.addValue(Standard.NAXIS, 0);
            fp.wcs().writeTo(h);
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file));
                 FitsOutputStream out = new FitsOutputStream(os)) {
                h.write(out);
            }
        } catch (nom.tam.fits.FitsException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
