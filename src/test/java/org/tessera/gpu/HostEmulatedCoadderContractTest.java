package org.tessera.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.tessera.reproject.BandCoadder;

/** The coadder contract on the CUDA source itself (coadd.cu compiled for the host by g++). */
class HostEmulatedCoadderContractTest extends CoadderContract {

    @BeforeAll
    static void emulator() {
        assumeTrue(HostEmulatedDevice.binary() != null, "no host emulator: " + HostEmulatedDevice.problem());
    }

    @Override
    BandCoadder coadder() {
        return new GpuBandCoadder(new HostEmulatedDevice(), GpuPhase.PHASE5, ChunkLimits.of(4096, 64));
    }
}
