package org.tessera.grid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.tessera.config.Config;
import org.tessera.image.FloatImage;
import org.tessera.io.FitsImageWriter;
import org.tessera.io.MountMode;
import org.tessera.synth.SyntheticSky;
import org.tessera.wcs.Wcs;

/** Small synthetic Grid-mode inputs: frames with WCS written to a folder, and their stack plan. */
final class GridFixtures {
    private GridFixtures() {}

    /**
     * A 4×2-panel field of noiseless RGB frames (96×72 px at 2.4"/px), 2 frames per panel. The sky
     * has a gradient: on a flat noiseless sky the Phase 5 overlap fit B ≈ s·A + o is degenerate.
     */
    static SyntheticSky sky() {
        return new SyntheticSky().seed(7).panels(4, 2).overlap(0.35).framesPerPanel(2).frameSize(96, 72)
                .pixelScale(2.4).output(SyntheticSky.Output.RGB_FLOAT).perfectCamera().nebula(0).sky(30).gradient(0.15)
                .starDensity(1.2).starFlux(500, 40000, 0.75).psfFwhm(3.0).gaussianPsf();
    }

    /** Writes a plan: one line per file, with a header path,exposure (and mount when given). */
    static Path plan(Path dir, List<Path> files, double exposure, List<MountMode> mounts) throws IOException {
        StringBuilder sb = new StringBuilder(mounts == null ? "file_path,exptime\n" : "file_path,exptime,mount\n");
        for (int i = 0; i < files.size(); i++) {
            sb.append(dir.relativize(files.get(i))).append(',').append(exposure);
            if (mounts != null) sb.append(',').append(mounts.get(i));
            sb.append('\n');
        }
        Path csv = dir.resolve("stack_plan.csv");
        Files.writeString(csv, sb);
        return csv;
    }

    /** A 1-channel frame (zeros) with the given WCS: a frame whose shape no RGB tile can stack. */
    static Path monoFrame(Path file, Wcs wcs, int w, int h) throws IOException {
        FloatImage img = new FloatImage(w, h, 1);
        img.fill(100f);
        return write(file, wcs, img);
    }

    /** A 3-channel frame that holds only NaN, with the given WCS: a frame with no data anywhere. */
    static Path nanFrame(Path file, Wcs wcs, int w, int h) throws IOException {
        FloatImage img = new FloatImage(w, h, 3);
        img.fill(Float.NaN);
        return write(file, wcs, img);
    }

    /**
     * A 3-channel frame of NaN but two pixels (1 and 2) at its centre: it holds data, so the input
     * screen keeps it (an all-NaN frame is left out there), yet every tile's stack drops it
     * (finite fraction far below 0.02), and the tiles over its NaN alone hold no data.
     */
    static Path sparseFrame(Path file, Wcs wcs, int w, int h) throws IOException {
        FloatImage img = new FloatImage(w, h, 3);
        img.fill(Float.NaN);
        for (float[] plane : img.planes()) {
            plane[(h / 2) * w + w / 2] = 1f;
            plane[(h / 2) * w + w / 2 + 1] = 2f;
        }
        return write(file, wcs, img);
    }

    /** A 3-channel frame of zeros with the given WCS: an all-zero readout, finite but no data. */
    static Path zeroFrame(Path file, Wcs wcs, int w, int h) throws IOException {
        return write(file, wcs, new FloatImage(w, h, 3));
    }

    private static Path write(Path file, Wcs wcs, FloatImage img) throws IOException {
        nom.tam.fits.Header header = new nom.tam.fits.Header();
        try {
            wcs.writeTo(header);
        } catch (nom.tam.fits.HeaderCardException e) {
            throw new IOException(e);
        }
        FitsImageWriter.write(file, img, header, FitsImageWriter.AlphaMode.NONE);
        return file;
    }

    /**
     * Test settings: tiles of 1.7 frame fields overlapping by 60 %, so that every frame lies whole
     * in at least one tile (overlap × factor ≥ 1, as with the defaults 40 % × 4) while the small
     * field still makes several tiles; defaults otherwise.
     */
    static Config config(int workers) {
        Config c = new Config();
        c.put("grid_workers", workers);
        c.put("grid_size_factor", 1.7);
        c.put("batch_overlap_pct", 60);
        return c;
    }

    static List<Path> files(List<Path> written) {
        return new ArrayList<>(written);
    }
}
