package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.tessera.gpu.kernels.Kernels;

/**
 * The build compiled every kernel (profile cuda-kernels, NVRTC): for every module and every
 * architecture a CUBIN on the classpath holding each entry point, a PTX with each {@code .entry},
 * and a ptxas report in which every entry point was compiled with 0 bytes of spill.
 */
class KernelBuildTest {

    private static final Pattern SPILL = Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads");

    private static boolean profileActive() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT), arch = System.getProperty("os.arch");
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = KernelBuildTest.class.getResourceAsStream("/cuda/" + name)) {
            assertNotNull(in, "missing kernel resource /cuda/" + name + " (build with the cuda-kernels profile)");
            return in.readAllBytes();
        }
    }

    @Test
    void everyKernelCompiledForEveryArchitectureWithoutSpill() throws IOException {
        assumeTrue(profileActive(), "kernels are built on linux x86-64 only");
        Path reports = Path.of("target", "cuda-report");
        assertEquals(java.util.Set.of("health", "stack", "coadd"), Kernels.MODULES.keySet());
        for (Map.Entry<String, List<String>> m : Kernels.MODULES.entrySet()) {
            String module = m.getKey();
            String ptx = new String(resource(module + ".ptx"), StandardCharsets.US_ASCII);
            for (String entry : m.getValue()) assertTrue(ptx.contains(".entry " + entry), module + ".ptx lacks " + entry);
            for (int arch : KernelBuild.ARCHS) {
                String cubin = new String(resource(module + ".sm_" + arch + ".cubin"), StandardCharsets.ISO_8859_1);
                assertTrue(cubin.startsWith("\u007fELF"), module + " sm_" + arch + " is not an ELF CUBIN");
                String log = Files.readString(reports.resolve(module + ".sm_" + arch + ".log"));
                for (String entry : m.getValue()) {
                    assertTrue(cubin.contains(entry), module + ".sm_" + arch + ".cubin lacks " + entry);
                    assertTrue(log.contains("Compiling entry function '" + entry + "' for 'sm_" + arch + "'"),
                            module + " sm_" + arch + ": no ptxas report for " + entry);
                }
                Matcher sp = SPILL.matcher(log);
                int functions = 0;
                while (sp.find()) {
                    functions++;
                    assertEquals("0", sp.group(1), module + " sm_" + arch + " spills: " + sp.group());
                    assertEquals("0", sp.group(2), module + " sm_" + arch + " spills: " + sp.group());
                }
                assertTrue(functions >= m.getValue().size(), module + " sm_" + arch + ": " + functions + " spill reports");
            }
        }
    }
}
