package org.tessera.gpu;

import org.junit.jupiter.api.Tag;
import org.tessera.reproject.BandCoadder;

/** The coadder contract on the real GPU (CUBIN of coadd.cu): GPU vs CPU ≤ 1e-5 on every kernel. */
@Tag("gpu")
class JCudaCoadderContractTest extends CoadderContract {
    @Override
    BandCoadder coadder() {
        return new GpuBandCoadder(GpuTestDevice.get(), GpuPhase.PHASE5, ChunkLimits.of(4096, 512));
    }
}
