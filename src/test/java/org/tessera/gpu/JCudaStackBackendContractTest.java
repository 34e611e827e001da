package org.tessera.gpu;

import org.junit.jupiter.api.Tag;
import org.tessera.stack.StackBackend;

/** The stack backend contract on the real GPU (CUBIN of stack.cu): GPU vs CPU ≤ 1e-5 on every option. */
@Tag("gpu")
class JCudaStackBackendContractTest extends StackBackendContract {
    @Override
    StackBackend backend() {
        return new GpuStackBackend(GpuTestDevice.get(), GpuPhase.PHASE3, ChunkLimits.of(256, 512));
    }
}
