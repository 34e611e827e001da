package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The plugin installed without the JCuda jars (they are for the GPU only, docs/user-guide.md):
 * every run opens a GpuRun, which must load and report "no GPU" instead of failing with
 * NoClassDefFoundError: jcuda/CudaException (as it did in ImageJ 1.54p, found by scripts/imagej-check.sh).
 */
class WithoutJCudaTest {

    @Test
    void aRunOpensTheGpuServiceAndFallsBackWhenJCudaIsNotInstalled() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator))
            if (!new File(e).getName().startsWith("jcuda")) urls.add(new File(e).toURI().toURL());
        try (URLClassLoader noJCuda = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> noJCuda.loadClass("jcuda.CudaException"), "JCuda left out");
            Class<?> config = noJCuda.loadClass("org.tessera.config.Config");
            Object service = noJCuda.loadClass("org.tessera.gpu.DefaultGpuService").getMethod("create").invoke(null);
            Object run = noJCuda.loadClass("org.tessera.gpu.GpuService").getMethod("openRun", config)
                    .invoke(service, config.getConstructor().newInstance());
            Object health = run.getClass().getMethod("health").invoke(run);
            assertEquals(false, health.getClass().getMethod("healthy").invoke(health));
            String reason = (String) health.getClass().getMethod("reason").invoke(health);
            assertTrue(reason.startsWith("no NVIDIA driver"), reason);
        }
    }
}
