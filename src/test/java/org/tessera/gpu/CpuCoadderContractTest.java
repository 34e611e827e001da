package org.tessera.gpu;

import org.tessera.reproject.BandCoadder;
import org.tessera.reproject.CpuBandCoadder;

/** The coadder contract on the CPU coadder (the reference: the known answer must hold). */
class CpuCoadderContractTest extends CoadderContract {
    @Override
    BandCoadder coadder() {
        return CpuBandCoadder.INSTANCE;
    }
}
