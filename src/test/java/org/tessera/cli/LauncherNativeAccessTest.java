package org.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On JDK 24 and newer, JCuda's System.loadLibrary is a restricted method: bin/tessera grants
 * native access, so no run prints "WARNING: A restricted method ..." (four lines on every run,
 * even with -q, before) and a later JDK does not refuse the GPU; JDK 17 keeps its command line.
 * Each JDK keeps its own class data archive (a run of one no longer drops the other's). Runs the
 * real launcher on a stand-in jar whose Main calls a restricted method and prints its JVM options;
 * the newer JDK is looked for in TESSERA_TEST_JDK, java.home and /usr/lib/jvm, and the tests that
 * need one are skipped, saying so, where there is none (likewise a JDK 17-23 when the tests run on a newer one).
 */
class LauncherNativeAccessTest {

    private static final String MAIN = """
            package org.tessera.cli;
            public class Main {
                public static void main(String[] a) {
                    try { System.loadLibrary("tessera_no_such_library"); } catch (UnsatisfiedLinkError e) { }
                    for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
                        System.out.println("ARG " + arg);
                }
            }
            """;
    private static final String FLAG = "ARG --enable-native-access=ALL-UNNAMED";

    /** The major version in a JDK's release file, or 0. */
    private static int major(Path home) {
        try {
            for (String l : Files.readAllLines(home.resolve("release"))) {
                if (l.startsWith("JAVA_VERSION=")) {
                    String v = l.substring(13).replace("\"", "").split("[.\\-+]")[0];
                    return v.matches("\\d+") ? Integer.parseInt(v) : 0;
                }
            }
        } catch (IOException e) { /* not a JDK */ }
        return 0;
    }

    /** A JDK 24 or newer, or the test is skipped with the reason printed. */
    private static Path newerJdk() throws IOException {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("TESSERA_TEST_JDK");
        if (env != null && !env.isEmpty()) candidates.add(Paths.get(env));
        candidates.add(Paths.get(System.getProperty("java.home")));
        Path jvms = Paths.get("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) try (Stream<Path> s = Files.list(jvms)) { s.sorted().forEach(candidates::add); }
        for (Path home : candidates)
            if (major(home) >= 24 && Files.isExecutable(home.resolve("bin/java"))) return home.toRealPath();
        String why = "no JDK 24 or newer (looked at TESSERA_TEST_JDK, java.home and /usr/lib/jvm/*): native access not tested";
        System.out.println("LauncherNativeAccessTest skipped: " + why);
        assumeTrue(false, why);
        return null;
    }

    /** A JDK older than 24 (java.home, else one in /usr/lib/jvm), or the test is skipped with the reason. */
    private static Path olderJdk() throws IOException {
        List<Path> candidates = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"))));
        Path jvms = Paths.get("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) try (Stream<Path> s = Files.list(jvms)) { s.sorted().forEach(candidates::add); }
        for (Path home : candidates)
            if (major(home) >= 17 && major(home) < 24 && Files.isExecutable(home.resolve("bin/java"))) return home.toRealPath();
        assumeTrue(false, "no JDK 17-23 (looked at java.home and /usr/lib/jvm/*): two JDKs' archives not tested");
        return null;
    }

    private static String run(Path root, Path jdk, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("bin/tessera").toString(), "ok")
                .directory(root.toFile()).redirectErrorStream(true);
        for (String k : new String[] {"JAVA_OPTS", "TESSERA_CDS", "JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS"}) pb.environment().remove(k);
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void newerJdksGrantNativeAccessAndSayNothing(@TempDir Path root) throws Exception {
        StandInLauncher.install(root, MAIN);
        Path jdk = newerJdk();
        Map<String, String> noCds = Map.of("TESSERA_CDS", "0");
        String out = run(root, jdk, noCds);
        assertTrue(out.contains(FLAG), out);
        assertFalse(out.contains("WARNING"), "nothing said about native access:\n" + out);
        // The user's own choice is left alone.
        out = run(root, jdk, Map.of("TESSERA_CDS", "0", "JAVA_OPTS", "--enable-native-access=ALL-UNNAMED"));
        assertEquals(1, out.split(FLAG, -1).length - 1, out);
    }

    @Test
    void jdk17KeepsItsCommandLine(@TempDir Path root) throws Exception {
        StandInLauncher.install(root, MAIN);
        assertFalse(run(root, olderJdk(), Map.of("TESSERA_CDS", "0")).contains("native-access"));
    }

    /** Waits for the background builder: its lock gone (it removes it last). */
    private static void awaitBuild(Path root) throws Exception {
        for (int i = 0; i < 1200 && names(root).stream().anyMatch(n -> n.endsWith(".lock")); i++) Thread.sleep(50);
        assertTrue(names(root).stream().noneMatch(n -> n.endsWith(".lock")), "the builder finished within a minute");
    }

    private static List<String> names(Path root) throws IOException {
        Path dir = root.resolve("target/cds");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) { return s.map(f -> f.getFileName().toString()).sorted().toList(); }
    }

    /** Records (one run) and builds (the next run starts the builder) this JDK's archive; its name. */
    private static String archive(Path root, Path jdk) throws Exception {
        List<String> before = names(root);
        run(root, jdk, Map.of());
        run(root, jdk, Map.of());
        awaitBuild(root);
        List<String> made = new ArrayList<>(names(root));
        made.removeAll(before);
        made.removeIf(n -> !n.endsWith(".jsa"));
        assertEquals(1, made.size(), "one archive made: " + names(root));
        return made.get(0);
    }

    @Test
    void eachJdkKeepsItsOwnArchive(@TempDir Path root) throws Exception {
        StandInLauncher.install(root, MAIN);
        // The build 20 minutes ago (the archives' key holds the jar's time: set before any is made).
        Files.setLastModifiedTime(root.resolve("target/tessera-0.jar"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 1_200_000));
        Path older = olderJdk(), newer = newerJdk();
        String a = archive(root, older), b = archive(root, newer);
        assertNotEquals(a, b);
        // Archives younger than a minute are never dropped (a run may be using them): age them,
        // still newer than the build.
        for (String n : names(root))
            Files.setLastModifiedTime(root.resolve("target/cds").resolve(n),
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 300_000));
        // A rebuild of the older JDK's archive (its file gone) must leave the newer one's in place.
        Files.delete(root.resolve("target/cds").resolve(a));
        assertEquals(a, archive(root, older));
        assertTrue(names(root).contains(b), "the other JDK's archive is kept: " + names(root));
        // An archive of an earlier build (older than the jar) is dropped.
        Path stale = root.resolve("target/cds/tessera-1.jsa");
        Files.writeString(stale, "x");
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Files.delete(root.resolve("target/cds").resolve(a));
        archive(root, older);
        assertFalse(Files.exists(stale), "an earlier build's archive is dropped: " + names(root));
        // The newer JDK maps its archive, made with the same native access option, whole.
        String log = run(root, newer, Map.of("JAVA_OPTS", "-Xlog:cds"));
        assertTrue(log.contains("full module graph: enabled"), log);
    }
}
