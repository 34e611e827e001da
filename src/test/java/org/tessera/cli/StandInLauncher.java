package org.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The launcher tests' install: the real {@code bin/tessera} beside a jar whose
 * {@code org.tessera.cli.Main} is the given source, so the script runs as a user runs it.
 */
final class StandInLauncher {
    private StandInLauncher() {}

    /** Lays out {@code root/bin/tessera}, {@code root/target/tessera-0.jar} and {@code root/target/lib}. */
    static void install(Path root, String mainSource) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assumeTrue(javac != null, "needs a JDK");
        Path src = Files.createDirectories(root.resolve("src/org/tessera/cli")), classes = root.resolve("classes");
        Files.writeString(src.resolve("Main.java"), mainSource);
        Files.createDirectories(classes);
        // Class files for JDK 17, the oldest the launcher runs, whichever JDK runs the tests.
        assertEquals(0, javac.run(null, null, null, "--release", "17", "-d", classes.toString(), src.resolve("Main.java").toString()));
        Files.createDirectories(root.resolve("target/lib"));
        try (OutputStream o = Files.newOutputStream(root.resolve("target/tessera-0.jar"));
             JarOutputStream jar = new JarOutputStream(o)) {
            jar.putNextEntry(new JarEntry("org/tessera/cli/Main.class"));
            jar.write(Files.readAllBytes(classes.resolve("org/tessera/cli/Main.class")));
            jar.closeEntry();
        }
        Path bin = Files.createDirectories(root.resolve("bin")).resolve("tessera");
        Files.writeString(bin, Files.readString(Paths.get("bin/tessera"), StandardCharsets.UTF_8));
    }

    /**
     * Runs the installed launcher with {@code args}: the JVM of this test, no class data archive,
     * none of the launcher's environment settings but {@code env}; returns its output (it must
     * exit 0 within a minute).
     */
    static String run(Path root, java.util.Map<String, String> env, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("bash", root.resolve("bin/tessera").toString()));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true);
        for (String k : new String[] {"JAVA_OPTS", "TESSERA_DEFAULT_HEAP_MIB", "TESSERA_SMALL_JOB_MIB"}) pb.environment().remove(k);
        pb.environment().put("TESSERA_CDS", "0");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "launcher finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
