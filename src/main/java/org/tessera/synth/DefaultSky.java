package org.tessera.synth;

import java.util.List;

import org.tessera.io.InMemoryFrame;
import org.tessera.io.MountMode;

/**
 * The built-in skies. {@link #demo()} is what {@code tessera mosaic} uses when given no input: a
 * 2 × 2 mosaic whose lower two panels come from an equatorial mount and upper two from an
 * alt-azimuth mount with field rotation, small frames, so that the whole pipeline runs in seconds
 * and walks both mount paths, photometric matching (gains and offsets differ per panel) and
 * rejection (noise, seeing and transparency differ per frame).
 */
public final class DefaultSky {

    private DefaultSky() {}

    /** Seed of the demo sky; the demo is the same on every machine and every run. */
    public static final long DEMO_SEED = 20260101L;

    /**
     * The demo configuration: 2 × 2 panels, 30% overlap, 5 frames per panel of 480 × 320 px at
     * 2.4″/px, 10 s, Bayer GRBG raw; panels 1–2 EQ, panels 3–4 ALT_AZ (1°/frame of field rotation);
     * layout rotated 15°, each panel ±3° more; gains ±8%, offsets ±40 ADU per panel.
     */
    public static SyntheticSky demo() {
        return new SyntheticSky()
                .seed(DEMO_SEED)
                .object("Tessera demo field")
                .centre(150.0, 40.0)
                .panels(2, 2).overlap(0.3).framesPerPanel(5)
                .frameSize(480, 320).pixelScale(2.4)
                .rotation(15).panelRotationJitter(3)
                .mount(MountMode.EQ)
                .panelMount(2, MountMode.ALT_AZ).panelMount(3, MountMode.ALT_AZ)
                .altAzRotationPerFrame(1.0)
                .dither(4)
                .gainVariation(0.08).offsetVariation(40);
    }

    /** The frames of {@link #demo()}. */
    public static List<InMemoryFrame> create() {
        return demo().build();
    }

    /**
     * Seestar-S50-like frames: 1080 × 1920 px at 2.38″/px, 10 s subs, Bayer GRBG, alt-azimuth
     * (the S50's usual mount mode) with slow field rotation; 2 × 2 panels of 10 frames (heavy:
     * 40 frames of 2 Mpx, use for benchmarks and heavy tests).
     */
    public static SyntheticSky seestarLike() {
        return new SyntheticSky()
                .seed(DEMO_SEED + 1)
                .object("Seestar-like field")
                .centre(315.5, 68.2)
                .panels(2, 2).overlap(0.25).framesPerPanel(10)
                .frameSize(1080, 1920).pixelScale(2.38)
                .rotation(-58).panelRotationJitter(5)
                .mount(MountMode.ALT_AZ).altAzRotationPerFrame(0.15)
                .dither(10)
                .psfFwhm(2.2);
    }
}
