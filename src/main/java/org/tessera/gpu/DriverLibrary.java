package org.tessera.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether the NVIDIA driver's library, {@code libcuda.so.1}, can be loaded at all, told from the
 * file system before JCuda is touched. JCuda's first call extracts its native library from the jar
 * and loads it, which fails where the driver is missing: 55-75 ms of every run on a machine without
 * a GPU, a tenth of a small job (docs/benchmarks.md). When the library is certainly not there, that
 * attempt is skipped with the same verdict ("no NVIDIA driver").
 * <p>
 * "Certainly" means: on Linux with glibc's linker cache ({@code /etc/ld.so.cache}), the name is in
 * none of the places the dynamic linker searches for it (the libraries already mapped into this
 * process, {@code LD_LIBRARY_PATH} with its glibc-hwcaps subfolders, the cache, the default
 * folders, and the folders drivers are installed in). Anything else (another system, no cache, a
 * file that cannot be read) leaves the answer to JCuda's loading, as before: this check can only
 * save time, never turn off a driver the linker would have found.
 */
final class DriverLibrary {

    static final String NAME = "libcuda.so.1";

    /** glibc's default folders and the folders NVIDIA's installers and distributions use. */
    static final List<Path> SYSTEM_DIRS = List.of(Path.of("/lib64"), Path.of("/usr/lib64"), Path.of("/lib"),
            Path.of("/usr/lib"), Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib/aarch64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"),
            Path.of("/usr/local/cuda/compat"), Path.of("/usr/lib/wsl/lib"));

    private DriverLibrary() {}

    /** Why the driver's library cannot be loaded in this process, or null when it may be. */
    static String absence() {
        return absence(System.getProperty("os.name", ""), System.getenv("LD_LIBRARY_PATH"),
                Path.of(System.getProperty("user.dir", ".")), Path.of("/etc/ld.so.cache"), Path.of("/proc/self/maps"),
                SYSTEM_DIRS);
    }

    /**
     * @param ldLibraryPath the process's {@code LD_LIBRARY_PATH} (null when unset): the dynamic
     *                      linker read it when the process started, as this value was then
     * @param cwd           what an empty entry of {@code ldLibraryPath} stands for
     */
    static String absence(String osName, String ldLibraryPath, Path cwd, Path cache, Path maps, List<Path> systemDirs) {
        if (!osName.toLowerCase(java.util.Locale.ROOT).contains("linux")) return null;
        try {
            // Already loaded (a Fiji plugin before us): the linker hands that one out by its name.
            if (contains(Files.readAllBytes(maps), "libcuda.so")) return null;
            if (ldLibraryPath != null)
                for (String entry : ldLibraryPath.split("[:;]", -1))
                    if (inFolder(entry.isEmpty() ? cwd : cwd.resolve(entry))) return null;
            // No glibc cache: another kind of system, whose search this class does not know.
            if (!Files.isRegularFile(cache)) return null;
            if (contains(Files.readAllBytes(cache), NAME)) return null;
            for (Path dir : systemDirs)
                if (inFolder(dir)) return null;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable: let the loading decide
        }
        return NAME + " not found: not in LD_LIBRARY_PATH, the linker cache or the system library folders";
    }

    /** The library in {@code dir} or in one of its glibc-hwcaps subfolders (glibc 2.33+ looks there first). */
    private static boolean inFolder(Path dir) throws IOException {
        if (Files.exists(dir.resolve(NAME))) return true;
        Path hwcaps = dir.resolve("glibc-hwcaps");
        if (!Files.isDirectory(hwcaps)) return false;
        try (DirectoryStream<Path> levels = Files.newDirectoryStream(hwcaps)) {
            for (Path level : levels)
                if (Files.exists(level.resolve(NAME))) return true;
        }
        return false;
    }

    private static boolean contains(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++)
                if (haystack[i + j] != n[j]) continue outer;
            return true;
        }
        return false;
    }
}
