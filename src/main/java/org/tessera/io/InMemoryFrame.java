package org.tessera.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.tessera.image.FloatImage;
import org.tessera.wcs.Wcs;

/** A frame whose pixels are held in memory: synthetic skies, tests, small derived images. */
public final class InMemoryFrame implements Frame {

    private final String name;
    private final FloatImage pixels;
    private final Wcs wcs;
    private final MountMode mount;
    private final double exposure;
    private final Map<String, String> keys;

    public InMemoryFrame(String name, FloatImage pixels, Wcs wcs, MountMode mount, double exposure,
                         Map<String, String> keys) {
        this.name = name;
        this.pixels = pixels;
        this.wcs = wcs;
        this.mount = mount;
        this.exposure = exposure;
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    public FloatImage image() { return pixels; }

    @Override public String name() { return name; }
    @Override public Wcs wcs() { return wcs; }
    @Override public MountMode mountMode() { return mount; }
    @Override public double exposureSeconds() { return exposure; }
    @Override public Map<String, String> keys() { return keys; }
    @Override public int width() { return pixels.width(); }
    @Override public int height() { return pixels.height(); }
    @Override public int channels() { return pixels.channels(); }

    @Override
    public void readRows(int y0, int rows, float[][] dst) {
        pixels.readRows(y0, rows, dst);
    }

    @Override
    public String toString() { return name; }
}
