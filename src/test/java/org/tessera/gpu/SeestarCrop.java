package org.tessera.gpu;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.tessera.io.FitsFrame;
import org.tessera.stack.BandChannel;

/**
 * A band of real Seestar frames for the GPU tests: {@code rows} rows from the middle of each raw
 * frame of ../shared/data/seestar_ngc7023_solved. The GPU machine has no ../shared, so
 * bench/gpu/run.sh writes the crop here ({@code main <file>}) and the test reads it back from the
 * path in system property {@code tessera.gpu.seestarCrop}.
 */
public final class SeestarCrop {
    private SeestarCrop() {}

    static final Path DIR = Path.of("../shared/data/seestar_ngc7023_solved");
    static final int ROWS = 128;

    /** The band (frame weights 1 + 0.1·f), or null where neither the crop file nor the frames exist. */
    static BandChannel load() throws IOException {
        String file = System.getProperty("tessera.gpu.seestarCrop");
        if (file != null && Files.isRegularFile(Path.of(file))) {
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(Path.of(file))))) {
                int n = in.readInt(), pixels = in.readInt();
                float[] v = new float[n * pixels];
                for (int i = 0; i < v.length; i++) v[i] = in.readFloat();
                return band(v, n, pixels);
            }
        }
        if (!Files.isDirectory(DIR)) return null;
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".fit")).sorted().toList();
        }
        FitsFrame first = FitsFrame.open(files.get(0));
        int pixels = ROWS * first.width(), n = files.size();
        float[] v = new float[n * pixels];
        for (int f = 0; f < n; f++) {
            FitsFrame fr = FitsFrame.open(files.get(f));
            float[][] dst = new float[fr.channels()][pixels];
            fr.readRows(fr.height() / 2, ROWS, dst);
            System.arraycopy(dst[0], 0, v, f * pixels, pixels);
        }
        return band(v, n, pixels);
    }

    private static BandChannel band(float[] v, int n, int pixels) {
        double[] fw = new double[n];
        for (int f = 0; f < n; f++) fw[f] = 1 + 0.1 * f;
        return new BandChannel(v, pixels, n, pixels, fw, null);
    }

    public static void main(String[] args) throws IOException {
        BandChannel b = load();
        if (b == null) throw new IOException("no frames under " + DIR.toAbsolutePath());
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(Path.of(args[0]))))) {
            out.writeInt(b.frames());
            out.writeInt(b.pixels());
            for (int i = 0; i < b.frames() * b.pixels(); i++) out.writeFloat(b.values()[i]);
        }
        System.out.println("[bench] Seestar crop: " + b.frames() + " frames x " + b.pixels() + " pixels -> " + args[0]);
    }
}
