package org.tessera.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads the committed reference fixtures under src/test/resources/fixtures/stack/. */
final class Fixtures {
    private Fixtures() {}

    static byte[] bytes(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/stack/" + name)) {
            if (in == null) throw new IOException("missing test fixture fixtures/stack/" + name);
            return in.readAllBytes();
        }
    }

    static List<String> lines(String name) throws IOException {
        return new String(bytes(name), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }

    static float[] floatsLE(String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes(name)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return v;
    }
}
