package org.tessera.gpu;

import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackBackend;

/** The stack backend contract on the CPU backend (the reference: known answers must hold). */
class CpuStackBackendContractTest extends StackBackendContract {
    @Override
    StackBackend backend() {
        return CpuStackBackend.INSTANCE;
    }
}
