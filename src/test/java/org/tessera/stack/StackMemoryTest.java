package org.tessera.stack;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tessera.Progress;
import org.tessera.image.FloatImage;
import org.tessera.plan.ResourcePlan;

/**
 * Stacks groups whose whole cube is larger than the heap of a child JVM: the stack must complete
 * within that heap, and give the right image.
 */
class StackMemoryTest {

    /** Runs MemoryCheck in a child JVM with the given heap; returns its KEY=VALUE output. */
    static Map<String, String> child(String heap, long timeoutSec, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), MemoryCheck.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] outBytes;
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes()));
            } catch (IOException e) {
                out.append(e);
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSec, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("child JVM timed out after " + timeoutSec + " s");
        }
        reader.join();
        outBytes = out.toString().getBytes();
        String text = new String(outBytes);
        assertEquals(0, p.exitValue(), "child JVM failed:\n" + text);
        Map<String, String> kv = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z_]+")) kv.put(line.substring(0, eq), line.substring(eq + 1));
        }
        kv.put("_OUTPUT", text);
        return kv;
    }

    static List<RawFloatFrame> open(Path dir, int n, int w, int h, int c) throws IOException {
        List<RawFloatFrame> fs = new ArrayList<>();
        for (int f = 0; f < n; f++) fs.add(RawFloatFrame.open(dir.resolve(MemoryCheck.name(f)), w, h, c));
        return fs;
    }

    /**
     * 24 frames of 400×300×3 (33 MiB of cube) in a 32 MiB heap, default parameters; the child's
     * result must equal the same stack done here in memory.
     */
    @Test
    void stacksACubeLargerThanItsHeap(@TempDir Path dir) throws Exception {
        int n = 24, w = 400, h = 300, c = 3;
        long cube = 4L * n * w * h * c;
        long t0 = System.nanoTime();
        MemoryCheck.generate(dir, n, w, h, c);
        long t1 = System.nanoTime();
        Path out = dir.resolve("stack.f32");
        Map<String, String> kv = child("32m", 120, "stack", dir.toString(), "" + n, "" + w, "" + h, "" + c, out.toString());
        System.out.println("[memory] " + kv.get("LAYOUT") + " seconds=" + kv.get("SECONDS") + " live heap after GC <= "
                + kv.get("MAX_LIVE_AFTER_GC") + " of " + kv.get("MAX_HEAP"));
        long maxHeap = Long.parseLong(kv.get("MAX_HEAP"));
        assertTrue(cube > maxHeap, "the cube (" + cube + ") must exceed the child's heap (" + maxHeap + ")");
        assertEquals(n, Integer.parseInt(kv.get("FRAMES_USED")), kv.get("_OUTPUT"));
        assertTrue(Long.parseLong(kv.get("PLAN_BUDGET")) < maxHeap);
        assertTrue(Long.parseLong(kv.get("MAX_LIVE_AFTER_GC")) < maxHeap);

        long t2 = System.nanoTime();
        List<RawFloatFrame> frames = open(dir, n, w, h, c);
        FloatImage here = new FloatImage(w, h, c);
        StackResult r = StackCore.stack(frames, StackParams.defaults(), here, null, Progress.NONE,
                new ResourcePlan(2, 1L << 30));
        for (RawFloatFrame f : frames) f.close();
        FloatImage there;
        try (RawFloatFrame o = RawFloatFrame.open(out, w, h, c)) {
            there = FloatImage.copyOf(o);
        }
        System.out.printf("[memory] generate %.1f s, child %.1f s, here %.1f s%n", (t1 - t0) / 1e9, (t2 - t1) / 1e9,
                (System.nanoTime() - t2) / 1e9);
        StackEquivalenceTest.assertClose(here, there, 1e-4, "child JVM vs in-memory stack");
        assertEquals(r.rejectedPct(), Double.parseDouble(kv.get("REJECTED_PCT")), 1e-9);
        assertTrueSky(there, n);
    }

    /** A layout that asks for more than the heap: the bands are halved until they fit. */
    @Test
    void bandsShrinkWhenTheHeapCannotHoldThem(@TempDir Path dir) throws Exception {
        int n = 24, w = 400, h = 300, c = 3; // 33 MiB of cube asked for at once in a 32 MiB heap
        MemoryCheck.generate(dir, n, w, h, c);
        Path out = dir.resolve("stack.f32");
        Map<String, String> kv = child("32m", 120, "stack-whole", dir.toString(), "" + n, "" + w, "" + h, "" + c,
                out.toString());
        assertEquals(n, Integer.parseInt(kv.get("FRAMES_USED")));
        assertTrue(kv.get("_OUTPUT").contains("heap exhausted allocating the band buffers"), kv.get("_OUTPUT"));
        try (RawFloatFrame o = RawFloatFrame.open(out, w, h, c)) {
            assertTrueSky(FloatImage.copyOf(o), n);
        }
    }

    /**
     * The check: a group whose full cube is ≥ 3 GiB (130 frames 1920×1080 RGB, 3.0 GiB as
     * float32) stacked in a 1 GiB heap. Frames are written to a temp folder (removed afterwards).
     */
    @Test
    @Tag("heavy")
    void stacksThreeGibInOneGibHeap(@TempDir Path dir) throws Exception {
        int n = 130, w = 1920, h = 1080, c = 3;
        long cube = 4L * n * w * h * c;
        assertTrue(cube >= 3L << 30);
        long t0 = System.nanoTime();
        MemoryCheck.generate(dir, n, w, h, c);
        double gen = (System.nanoTime() - t0) / 1e9;
        Path out = dir.resolve("stack.f32");
        Map<String, String> kv = child("1g", 1800, "stack", dir.toString(), "" + n, "" + w, "" + h, "" + c, out.toString());
        System.out.println("[heavy] generated " + n + " frames in " + gen + " s; child: " + kv.get("_OUTPUT"));
        assertEquals(n, Integer.parseInt(kv.get("FRAMES_USED")));
        try (RawFloatFrame o = RawFloatFrame.open(out, w, h, c)) {
            // Check a band (the whole output is 24 MiB: fine here too).
            assertTrueSky(FloatImage.copyOf(o), n);
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        }
    }

    /**
     * The stack is the procedural truth within the noise of the mean, trails removed. linear_fit
     * gains come from sky percentiles that carry noise (a few 1e-3), so bright star cores may be
     * off by that fraction of their level on top of the noise.
     */
    static void assertTrueSky(FloatImage img, int n) {
        double ss = 0, worst = 0;
        long cnt = 0;
        double noise = MemoryCheck.SIGMA / Math.sqrt(n);
        for (int ch = 0; ch < img.channels(); ch++)
            for (int y = 0; y < img.height(); y++)
                for (int x = 0; x < img.width(); x++) {
                    double t = MemoryCheck.truth(ch, x, y, img.width(), img.height());
                    double d = img.get(ch, x, y) - t;
                    ss += d * d;
                    worst = Math.max(worst, Math.abs(d) / (7 * noise + 0.005 * t));
                    cnt++;
                }
        double rms = Math.sqrt(ss / cnt);
        assertTrue(rms < 1.15 * noise, "rms error " + rms + " vs noise of the mean " + noise);
        assertTrue(worst < 1, "an error beyond 7σ + 0.5 % of the level: trails must be rejected (" + worst + ")");
    }
}
