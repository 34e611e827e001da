package org.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/tessera records the class list of its start-up archive only from a run that succeeded: a
 * failed run loads a fraction of the classes, and an archive built from its list would be half
 * the size. Runs the real launcher on a stand-in jar whose Main exits 3 when told "fail".
 */
class LauncherCdsTest {

    private static final String MAIN = """
            package org.tessera.cli;
            public class Main {
                public static void main(String[] a) {
                    java.util.List<String> l = new java.util.ArrayList<>(java.util.List.of(a));
                    System.exit(!l.isEmpty() && l.get(0).equals("fail") ? 3 : 0);
                }
            }
            """;

    private static int run(Path root, String arg) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("bin/tessera").toString(), arg)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("TESSERA_CDS");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher finished");
        return p.exitValue();
    }

    private static List<String> cds(Path root) throws IOException {
        Path dir = root.resolve("target/cds");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).filter(n -> n.contains("classlist")).sorted().toList();
        }
    }

    @Test
    void onlyASuccessfulRunLeavesAClassList(@TempDir Path root) throws Exception {
        assumeTrue(Files.isReadable(Paths.get(System.getProperty("java.home"), "release")), "needs the JDK's release file");
        StandInLauncher.install(root, MAIN);

        assertEquals(3, run(root, "fail"), "the launcher passes the exit status on");
        assertEquals(List.of(), cds(root), "a failed run records nothing");
        assertEquals(0, run(root, "ok"));
        List<String> lists = cds(root);
        assertEquals(1, lists.size(), "a successful run records its class list: " + lists);
        assertTrue(lists.get(0).endsWith(".classlist"), lists.get(0));
        assertTrue(Files.size(root.resolve("target/cds").resolve(lists.get(0))) > 1000, "the list holds the loaded classes");
    }
}
