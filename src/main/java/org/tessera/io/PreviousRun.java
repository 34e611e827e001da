package org.tessera.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a run puts an earlier run's outputs that it would otherwise mix with its own (Classic and
 * SDS master tiles or mega-tiles of other settings, Grid tiles): {@value #FOLDER}/ in the output
 * folder, under the same relative paths, replacing the one before. Moved, never deleted: the
 * earlier result stays at hand until the run after next.
 */
public final class PreviousRun {
    private PreviousRun() {}

    /** The folder, in a run's output folder. */
    public static final String FOLDER = "previous-run";

    /**
     * Moves {@code files} (each below {@code outputDir}) into {@code outputDir/previous-run/} at
     * their relative paths, after deleting an older {@code previous-run/}; returns that folder.
     */
    public static Path moveAside(Path outputDir, List<Path> files) throws IOException {
        Path prev = outputDir.resolve(FOLDER);
        if (Files.exists(prev))
            try (Stream<Path> s = Files.walk(prev)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        Files.createDirectories(prev);
        for (Path f : files) {
            Path to = prev.resolve(outputDir.relativize(f));
            Files.createDirectories(to.getParent());
            Files.move(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
        return prev;
    }
}
