package org.tessera.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.tessera.stack.StackBackend;

/**
 * The stack backend contract on the CUDA source itself (stack.cu compiled for the host by g++,
 * {@link HostEmulatedDevice}): the .cu file, not only its Java port, gives the CPU's numbers.
 */
class HostEmulatedStackBackendContractTest extends StackBackendContract {

    @BeforeAll
    static void emulator() {
        assumeTrue(HostEmulatedDevice.binary() != null, "no host emulator: " + HostEmulatedDevice.problem());
    }

    @Override
    StackBackend backend() {
        return new GpuStackBackend(new HostEmulatedDevice(), GpuPhase.PHASE3, ChunkLimits.of(256, 64));
    }
}
