package org.tessera.ij1;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import net.imagej.patcher.LegacyEnvironment;

/**
 * Fiji's headless ImageJ 1 for tests (ij1-patcher): it reads {@code plugins.config} and lets
 * GenericDialog plugins take macro options, as in {@code ImageJ --headless -macro}. ImageJ 1 runs in
 * its own class loader, so Tessera's classes are put on its plugin class path, and results come
 * back through system properties.
 */
public final class LegacyImageJ {

    private static final java.util.regex.Pattern SKIP = java.util.regex.Pattern.compile(
            "/net/imagej/ij/|ij1-patcher|/javassist/|jython|groovy|junit|opentest4j|apiguardian|classgraph|/test-classes");

    private final LegacyEnvironment ij;

    public LegacyImageJ(Path scratch) throws Exception {
        ij = new LegacyEnvironment(null, true);
        List<File> path = new ArrayList<>();
        // ImageJ 1 reads plugins.config only from the root of a plugin class path entry. Until the
        // build copies the top-level file into target/classes, hand it over from its own folder.
        if (!Files.exists(Paths.get("target/classes/plugins.config"))) {
            Path dir = Files.createDirectories(scratch.resolve("plugins-config"));
            Files.copy(Paths.get("plugins.config"), dir.resolve("plugins.config"));
            path.add(dir.toFile());
        }
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : cp.split(File.pathSeparator)) {
            String e = entry.replace('\\', '/');
            // ImageJ 1 itself comes patched from the legacy class loader: never a second copy.
            // Test tools stay out too: ImageJ 1 scans every plugin jar, and Jython alone is 40 MB.
            if (e.isEmpty() || SKIP.matcher(e).find()) continue;
            path.add(new File(entry));
        }
        ij.addPluginClasspath(path.toArray(new File[0]));
    }

    /** Runs macro code with an argument ({@code getArgument()}). */
    public void runMacro(String code, String argument) {
        ij.runMacro(code, argument);
    }

    /** Runs a macro file, as {@code ImageJ --headless -macro FILE ARG} does. */
    public void runMacroFile(Path file, String argument) {
        try {
            ij.runMacro(Files.readString(file), argument);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code LastRun.get(key)} as a macro sees it. */
    public String lastRun(String key) {
        String prop = "tessera.test.lastrun." + key;
        System.clearProperty(prop);
        ij.runMacro("call(\"java.lang.System.setProperty\", \"" + prop + "\", call(\"org.tessera.ij1.LastRun.get\", \"" + key + "\"));", "");
        return System.getProperty(prop);
    }

    /** Macro text for a bracketed option value. */
    public static String bracket(Path p) {
        return "[" + p.toAbsolutePath() + "]";
    }
}
