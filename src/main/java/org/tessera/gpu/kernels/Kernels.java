package org.tessera.gpu.kernels;

import java.util.Map;

import org.tessera.gpu.JavaKernel;

/**
 * The kernels Tessera launches, by CUDA entry-point name: the Java ports the simulated device runs,
 * and the list of entry points every compiled module must contain.
 */
public final class Kernels {
    private Kernels() {}

    /** The CUDA sources under {@code src/main/cuda} (module names) and their entry points. */
    public static final Map<String, java.util.List<String>> MODULES = Map.of(
            "health", java.util.List.of(HealthKernel.NAME),
            "stack", java.util.List.of(StackKernels.REJECT, StackKernels.COMBINE, StackKernels.ACCUMULATE,
                    StackKernels.FINISH),
            "coadd", java.util.List.of(CoaddKernel.NAME));

    private static final Map<String, JavaKernel> PORTS = Map.of(
            HealthKernel.NAME, HealthKernel.KERNEL,
            StackKernels.REJECT, StackKernels.REJECT_KERNEL,
            StackKernels.COMBINE, StackKernels.COMBINE_KERNEL,
            StackKernels.ACCUMULATE, StackKernels.ACCUMULATE_KERNEL,
            StackKernels.FINISH, StackKernels.FINISH_KERNEL,
            CoaddKernel.NAME, CoaddKernel.KERNEL);

    /** The Java port of entry point {@code name}, or null. */
    public static JavaKernel byName(String name) {
        return PORTS.get(name);
    }

    /** The module (source file without .cu) holding entry point {@code name}, or null. */
    public static String moduleOf(String name) {
        for (var e : MODULES.entrySet()) if (e.getValue().contains(name)) return e.getKey();
        return null;
    }
}
