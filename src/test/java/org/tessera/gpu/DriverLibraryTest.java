package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DriverLibrary}: "certainly absent" only where none of the dynamic linker's places has
 * libcuda.so.1, on a Linux with glibc's cache; every place the linker looks turns it into "may be
 * there" (JCuda's loading then decides, as before), and so does any system the class cannot read.
 */
class DriverLibraryTest {

    static final String ABSENT = "libcuda.so.1 not found: not in LD_LIBRARY_PATH, the linker cache or the system library folders";

    @TempDir
    Path dir;
    Path cache, maps, sys, cwd;

    @BeforeEach
    void machineWithoutDriver() throws IOException {
        cache = dir.resolve("ld.so.cache");
        // glibc's cache lists sonames and paths as NUL-ended strings; these are neighbours of libcuda's.
        Files.write(cache, "ld.so-1.7.0\0glibc-ld.so.cache1.1\0libcudart.so.12\0/usr/lib/libcudart.so.12\0libc.so.6\0"
                .getBytes(StandardCharsets.US_ASCII));
        maps = dir.resolve("maps");
        Files.writeString(maps, "7f00-7f10 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/libcudart.so.12.0\n");
        sys = Files.createDirectories(dir.resolve("usr/lib"));
        cwd = Files.createDirectories(dir.resolve("work"));
    }

    private String absence(String os, String ldPath) {
        return DriverLibrary.absence(os, ldPath, cwd, cache, maps, List.of(sys));
    }

    private static void library(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("libcuda.so.1"), "");
    }

    @Test
    void nowhereIsAbsent() {
        assertEquals(ABSENT, absence("Linux", null));
        assertEquals(ABSENT, absence("Linux", ""));
        assertEquals(ABSENT, absence("Linux", dir + "/nothing:" + sys.resolve("none")));
    }

    @Test
    void everyPlaceTheLinkerSearchesCounts() throws IOException {
        Path lib = dir.resolve("cuda/lib64");
        library(lib);
        assertNull(absence("Linux", "/nowhere:" + lib));
        assertNull(absence("Linux", "/nowhere;" + lib), "glibc also splits at ';'");
        assertNull(absence("Linux", "../cuda/lib64"), "a relative entry, from the working folder");

        Path hw = dir.resolve("opt/lib");
        library(hw.resolve("glibc-hwcaps/x86-64-v3"));
        assertNull(absence("Linux", hw.toString()));

        library(cwd);
        assertNull(absence("Linux", "/nowhere:"), "an empty entry is the working folder");
    }

    @Test
    void theCacheAndTheSystemFolders() throws IOException {
        Files.write(cache, "glibc-ld.so.cache1.1\0libcuda.so.1\0/usr/lib/x86_64-linux-gnu/libcuda.so.1\0"
                .getBytes(StandardCharsets.US_ASCII));
        assertNull(absence("Linux", null));
        machineWithoutDriver();
        library(sys);
        assertNull(absence("Linux", null), "installed but the cache not rebuilt");
    }

    @Test
    void alreadyLoadedInThisProcess() throws IOException {
        Files.writeString(maps, "7f00-7f10 r-xp 00000000 08:01 2 /opt/odd/place/libcuda.so.580.65\n", java.nio.file.StandardOpenOption.APPEND);
        assertNull(absence("Linux", null));
    }

    @Test
    void unknownSystemsAreLeftToTheLoading() throws IOException {
        assertNull(absence("Windows 11", null));
        assertNull(absence("Mac OS X", null));
        Files.delete(cache); // no glibc cache: musl or another loader
        assertNull(absence("Linux", null));
        machineWithoutDriver();
        Files.delete(maps);
        assertNull(absence("Linux", null), "unreadable: the loading decides");
    }

    @Test
    void thisMachineAgreesWithTheLoader() {
        // Where the test JVM runs without the library anywhere (CI), the verdict is the constant one.
        String ld = System.getenv("LD_LIBRARY_PATH");
        boolean inLdPath = ld != null && java.util.Arrays.stream(ld.split("[:;]"))
                .anyMatch(e -> Files.exists(Path.of(e.isEmpty() ? "." : e, "libcuda.so.1")));
        org.junit.jupiter.api.Assumptions.assumeTrue(!JCudaDeviceOpenTest.driverInstalled() && !inLdPath
                && System.getProperty("os.name").toLowerCase().contains("linux") && Files.isRegularFile(Path.of("/etc/ld.so.cache")),
                "a Linux machine without an NVIDIA driver");
        assertEquals(ABSENT, DriverLibrary.absence());
    }
}
