package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * Which packaged kernel image {@link JCudaDevice} tries on which compute capability, and in which
 * order: the CUBIN of the same major with the highest minor not above the device's, then the PTX;
 * the PTX alone for a major without a CUBIN (older, or newer than the build's list).
 */
class KernelImageSelectionTest {

    /** The images the build packages (KernelBuild.ARCHS), without reading the jar. */
    private static final Set<String> BUILT = IntStream.of(KernelBuild.ARCHS).mapToObj(a -> "stack.sm_" + a + ".cubin")
            .collect(Collectors.toSet());
    private static final Predicate<String> PACKAGED = BUILT::contains;

    private static List<String> images(int major, int minor) {
        return JCudaDevice.images("stack", major, minor, PACKAGED);
    }

    @Test
    void everyBuiltArchitectureGetsItsOwnCubinThenThePtx() {
        for (int arch : KernelBuild.ARCHS)
            assertEquals(List.of("stack.sm_" + arch + ".cubin", "stack.ptx"), images(arch / 10, arch % 10), "sm_" + arch);
    }

    @Test
    void aHigherMinorTakesTheClosestLowerCubinOfItsMajor() {
        assertEquals(List.of("stack.sm_86.cubin", "stack.ptx"), images(8, 7)); // Jetson Orin
        assertEquals(List.of("stack.sm_100.cubin", "stack.ptx"), images(10, 3)); // B300
        assertEquals(List.of("stack.sm_120.cubin", "stack.ptx"), images(12, 1)); // GB10
        assertEquals(List.of("stack.sm_90.cubin", "stack.ptx"), images(9, 1));
    }

    @Test
    void unknownArchitecturesFallBackToThePtx() {
        assertEquals(List.of("stack.ptx"), images(11, 0)); // Thor: no sm_11x CUBIN
        assertEquals(List.of("stack.ptx"), images(13, 0)); // newer than the build
        assertEquals(List.of("stack.ptx"), images(7, 0)); // Volta: below sm_75, the PTX is all there is
        assertEquals(List.of("stack.ptx"), JCudaDevice.images("stack", 9, 0, n -> false)); // a jar without CUBINs
    }
}
