package org.tessera.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.tessera.config.Config;
import org.tessera.image.FloatImage;

/** Runs on the simulated device, frames to stack, and a log capture over every org.tessera logger. */
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

    /** Collects every org.tessera record (FINE and above) while open. */
    static final class Logs extends Handler implements AutoCloseable {
        private final Logger root = Logger.getLogger("org.tessera");
        private final Level previous;
        final List<LogRecord> records = new ArrayList<>();

        Logs() {
            previous = root.getLevel();
            root.setLevel(Level.FINE);
            setLevel(Level.ALL);
            root.addHandler(this);
        }

        @Override public synchronized void publish(LogRecord r) { records.add(r); }
        @Override public void flush() { }

        @Override
        public void close() {
            root.removeHandler(this);
            root.setLevel(previous);
        }

        synchronized List<String> messages() {
            List<String> m = new ArrayList<>();
            for (LogRecord r : records) m.add(r.getMessage());
            return m;
        }

        synchronized List<String> starting(String prefix) {
            List<String> m = new ArrayList<>();
            for (LogRecord r : records) if (r.getMessage() != null && r.getMessage().startsWith(prefix)) m.add(r.getMessage());
            return m;
        }

        synchronized List<LogRecord> at(Level level) {
            List<LogRecord> m = new ArrayList<>();
            for (LogRecord r : records) if (r.getLevel().equals(level)) m.add(r);
            return m;
        }
    }
}
