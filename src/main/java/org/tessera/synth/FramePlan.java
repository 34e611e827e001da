package org.tessera.synth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.tessera.io.MountMode;
import org.tessera.wcs.FitsWcs;

/**
 * Everything that makes one synthetic frame what it is, decided before any pixel is drawn: where it
 * points and how it is rotated, the seeing, the camera response of its panel, the sky it was taken
 * under and the seed of its noise. {@code header} holds the typed header keys (without WCS keys).
 *
 * @param rotationDeg   rotation of the frame's pixel axes on the sky (angle of the CD matrix)
 * @param fwhmArcsec    seeing of this frame
 * @param gain          ADU per electron (panel gain × nominal 1)
 * @param pedestal      ADU added to every pixel (bias offset of the panel)
 * @param transparency  fraction of star and nebula light that reaches the camera (≤ 1)
 * @param skyLevel      sky background in electrons per second per pixel at the frame centre
 * @param gradientDeg   direction of the sky gradient in the frame's pixel axes
 */
public record FramePlan(String name, int panel, int index, MountMode mount, FitsWcs wcs, double rotationDeg,
                        double fwhmArcsec, double gain, double pedestal, double transparency,
                        double skyLevel, double gradientDeg, long noiseSeed, Map<String, Object> header) {
    public FramePlan {
        header = Collections.unmodifiableMap(new LinkedHashMap<>(header)); // keeps the header order
    }
}
