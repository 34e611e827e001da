package org.tessera.sds;

import java.io.IOException;
import java.util.List;

import org.tessera.Logged;
import org.tessera.config.Config;
import org.tessera.io.MountMode;
import org.tessera.synth.SyntheticSky;

/** Skies and settings of the SDS tests. */
final class SdsFixtures {
    private SdsFixtures() {}

    /**
     * One field shot {@code frames} times (one panel, dithered by 4 px): every frame covers most of
     * the global grid, the case SDS is made for. Small frames so a run takes about a second.
     */
    static SyntheticSky field(int frames) {
        return new SyntheticSky().seed(20261206L).object("SDS test field").centre(150.0, 40.0)
                .panels(1, 1).framesPerPanel(frames).frameSize(240, 180).pixelScale(2.4)
                .mount(MountMode.EQ).dither(4).psfFwhm(3.5).gradient(0).starDensity(1.2).starFlux(300, 60000, 0.5)
                .gainVariation(0.03).offsetVariation(20).output(SyntheticSky.Output.RGB_FLOAT);
    }

    /**
     * Defaults, minus what would only cost time (preview, hot-pixel pass on noiseless-of-hot-pixels
     * frames) or blur the comparison with Classic (the final background extraction of two
     * different crops).
     */
    static Config config() {
        return new Config().put("preview_png_enabled", false).put("final_mosaic_dbe_enabled", false)
                .put("hot_pixel_correction", false);
    }

    static Config sds() {
        return config().put("sds_mode_default", true);
    }

    /** The messages logged under {@code org.tessera} while {@code r} runs. */
    static List<String> logged(Logged.IORunnable r) throws IOException {
        return Logged.during("org.tessera", r);
    }
}
