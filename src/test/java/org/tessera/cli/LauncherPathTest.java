package org.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/tessera finds its checkout without a subshell (cd there and back): reached by a relative
 * path, from another folder, or through a symbolic link elsewhere, it runs its own jar, and the
 * program runs in the user's folder, where relative inputs are read.
 */
class LauncherPathTest {

    private static final String MAIN = """
            package org.tessera.cli;
            public class Main {
                public static void main(String[] a) throws Exception {
                    System.out.println("DIR " + new java.io.File(".").getCanonicalPath());
                    System.out.println("CP " + System.getProperty("java.class.path"));
                    System.out.println("ARGS " + String.join(",", a));
                    System.out.println("NAMES " + System.getProperty("sun.jnu.encoding"));
                }
            }
            """;

    @TempDir
    static Path tmp;
    static Path root;

    @BeforeAll
    static void install() throws Exception {
        root = Files.createDirectories(tmp.resolve("checkout"));
        StandInLauncher.install(root, MAIN);
    }

    /** Runs {@code script} (as given, relative to {@code cwd} or absolute) from {@code cwd}. */
    private static String run(Path cwd, String script, String... args) throws Exception {
        return run(cwd, java.util.Map.of(), script, args);
    }

    /** As {@link #run(Path, String, String...)}, the locale variables LANG, LC_ALL and LC_CTYPE as {@code locale} gives them. */
    private static String run(Path cwd, java.util.Map<String, String> locale, String script, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", script));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().remove("JAVA_OPTS");
        pb.environment().put("TESSERA_CDS", "0");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        if (!locale.isEmpty()) {
            for (String k : new String[] {"LANG", "LC_ALL", "LC_CTYPE"}) pb.environment().remove(k);
            pb.environment().putAll(locale);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void findsItsJarAndRunsInTheUsersFolder() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work/night 1"));
        String jar = root.toRealPath().resolve("target/tessera-0.jar").toString();
        String here = "DIR " + work.toRealPath() + "\n";

        String direct = run(work, root.resolve("bin/tessera").toString(), "reproject", "out", "a.fits");
        assertTrue(direct.contains(here), direct);
        assertTrue(direct.contains("CP " + jar + ":"), direct);
        assertTrue(direct.contains("ARGS reproject,out,a.fits"), direct);

        String relative = run(work, "../../checkout/bin/tessera", "--version");
        assertTrue(relative.contains(here), relative);
        assertTrue(relative.contains("CP " + jar + ":"), relative);

        Path links = Files.createDirectories(tmp.resolve("links"));
        Files.createSymbolicLink(links.resolve("tessera"), root.resolve("bin/tessera"));
        String linked = run(work, links.resolve("tessera").toString(), "mosaic");
        assertTrue(linked.contains(here), linked);
        assertTrue(linked.contains("CP " + jar + ":"), linked);

        String fromBin = run(root.resolve("bin"), "tessera", "stack");
        assertTrue(fromBin.contains("DIR " + root.resolve("bin").toRealPath() + "\n"), fromBin);
        assertTrue(fromBin.contains("CP " + jar + ":"), fromBin);
    }

    /**
     * Without a locale (cron, `env -i`, a container without LANG) Java read arguments and file
     * names as ASCII: `tessera stack "nuit é/t.fits" …` stopped with "Malformed input or input
     * contains unmappable characters: nuit ?/t.fits". The launcher runs Java with UTF-8 names then;
     * a locale the user set is left as it is.
     */
    @Test
    void namesOutsideAsciiSurviveWithoutALocale() throws Exception {
        String locales = new String(new ProcessBuilder("locale", "-a").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
        org.junit.jupiter.api.Assumptions.assumeTrue(locales.contains("c.utf8") || locales.contains("c.utf-8"),
                "this system has no C.UTF-8 locale");
        Path work = Files.createDirectories(tmp.resolve("nuit \u00e9 \u4e2d"));
        for (java.util.Map<String, String> none : List.of(java.util.Map.<String, String>of("LANG", ""),
                java.util.Map.of("LC_ALL", "C"), java.util.Map.of("LANG", "POSIX"))) {
            String out = run(work, none, root.resolve("bin/tessera").toString(), "stack", "t \u00e9.fits", "a \u4e2d.fits");
            assertTrue(out.contains("ARGS stack,t \u00e9.fits,a \u4e2d.fits\n"), none + ": " + out);
            assertTrue(out.contains("DIR " + work.toRealPath() + "\n"), none + ": " + out);
            assertTrue(out.contains("NAMES UTF-8\n"), none + ": " + out);
        }
        String chosen = run(work, java.util.Map.of("LC_ALL", "C.UTF-8"), root.resolve("bin/tessera").toString(), "--version");
        assertTrue(chosen.contains("NAMES UTF-8\n"), chosen);
    }
}
