package org.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a small job costs a fresh JVM before any science (issue 15, small jobs): {@code tessera
 * reproject} on the DSS pair in its own JVM, every class it loads logged, must not start AWT or
 * ImageIO (the preview is written by {@code io.PngWriter}), build a record's equals/hashCode/toString
 * from method handles ({@code java.lang.runtime.ObjectMethods}), set up a {@code DateTimeFormatter}
 * for the log's time stamps, nor create a SciJava {@code Context}; and no Tessera class may
 * concatenate strings through {@code invokedynamic} (each shape of concatenation spins method
 * handles at its first use: the build compiles them to StringBuilder, {@code -XDstringConcat=inline}).
 */
class StartupClassesTest {

    static final Path DSS = Paths.get("../shared/data/dss_pair");

    @TempDir
    Path tmp;

    @Test
    void aSmallJobLoadsNoneOfTheExpensiveSubsystems() throws Exception {
        assumeTrue(Files.isDirectory(DSS), "needs ../shared/data/dss_pair");
        Path log = tmp.resolve("classes.txt"), out = tmp.resolve("out");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:off", "-Xmx512m", "-Djava.awt.headless=true",
                "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "reproject", "-q", out.toString(),
                DSS.resolve("dss_test1.fits").toString(), DSS.resolve("dss_test2.fits").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the job finished");
        assertEquals(0, p.exitValue(), output);
        assertTrue(Files.size(out.resolve("mosaic_preview.png")) > 1000, "the preview was written");

        List<String> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            int i = line.indexOf("] "), j = line.indexOf(" source:");
            if (i > 0 && j > i) loaded.add(line.substring(i + 2, j));
        }
        assertTrue(loaded.size() > 1000, loaded.size() + " classes logged");
        assertTrue(loaded.contains("org.tessera.io.PreviewPng"), "the log covers the preview");
        List<String> unwanted = loaded.stream().filter(c -> c.startsWith("java.awt.") || c.startsWith("javax.imageio.")
                || c.startsWith("sun.awt.") || c.startsWith("sun.java2d.") || c.equals("java.lang.runtime.ObjectMethods")
                || c.startsWith("java.time.format.") || c.equals("org.scijava.Context")).toList();
        assertEquals(List.of(), unwanted);
    }

    @Test
    void noTesseraClassConcatenatesThroughInvokedynamic() throws IOException {
        Path classes = Paths.get("target/classes/org/tessera");
        assumeTrue(Files.isDirectory(classes), "needs the compiled classes");
        byte[] marker = "makeConcatWithConstants".getBytes(StandardCharsets.US_ASCII);
        List<Path> all;
        try (Stream<Path> s = Files.walk(classes)) {
            all = s.filter(f -> f.toString().endsWith(".class")).toList();
        }
        assertTrue(all.size() > 300, all.size() + " class files");
        List<String> indy = new ArrayList<>();
        for (Path f : all) if (contains(Files.readAllBytes(f), marker)) indy.add(classes.relativize(f).toString());
        assertEquals(List.of(), indy);
    }

    private static boolean contains(byte[] b, byte[] m) {
        outer:
        for (int i = 0; i + m.length <= b.length; i++) {
            for (int k = 0; k < m.length; k++) if (b[i + k] != m[k]) continue outer;
            return true;
        }
        return false;
    }
}
