package org.tessera.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.tessera.config.Config;
import org.tessera.image.FloatImage;

/** Runs on the simulated device and frames to stack (log captures: {@code org.tessera.Logged.fine()}). */
final class GpuFixtures {
    private GpuFixtures() {}

    /** A run on the simulated device of {@code gpu_simulate=spec}, with {@code sets} applied to the defaults. */
    static GpuRun run(String spec, String... sets) {
        Config c = config(spec, sets);
        GpuSettings s = GpuSettings.fromConfig(c);
        return new GpuRun(s, () -> {
            SimulateSpec sp = SimulateSpec.parse(s.simulate());
            return new FaultInjectingDevice(new SimulatedDevice(sp.vramMb() << 20), sp);
        }, new TestBackends());
    }

    static Config config(String spec, String... sets) {
        Config c = new Config();
        if (spec != null) c.set("gpu_simulate=" + spec);
        for (String s : sets) c.set(s);
        return c;
    }

    /**
     * {@code n} mono frames w×h: sky 100 + a gradient + noise, a few hot pixels (so rejection
     * works), each with a NaN margin of a different width (so coverage varies).
     */
    static List<FloatImage> frames(int n, int w, int h, int channels, long seed) {
        Random r = new Random(seed);
        List<FloatImage> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            FloatImage f = new FloatImage(w, h, channels);
            for (int c = 0; c < channels; c++) {
                float[] p = f.plane(c);
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        float v = (float) (100 + 10 * c + 0.3 * x + 0.2 * y + 3 * r.nextGaussian());
                        if (x < k % 5 || y < k % 3) v = Float.NaN;
                        if (r.nextDouble() < 0.01) v += 5000;
                        p[y * w + x] = v;
                    }
            }
            out.add(f);
        }
        return out;
    }
}
