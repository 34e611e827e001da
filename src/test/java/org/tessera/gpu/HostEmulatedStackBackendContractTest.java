package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tessera.stack.BandChannel;
import org.tessera.stack.ChannelTally;
import org.tessera.stack.CpuStackBackend;
import org.tessera.stack.StackBackend;
import org.tessera.stack.StackParams;

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

    /**
     * The overlapped path's control (two buffer sets, chunks at offsets, frame weights per set) on
     * stack.cu itself: the emulator knows no streams, so it runs the same program synchronously.
     */
    @Test
    void overlappedChunksOnTheCudaSourceMatchCpu() {
        GpuDevice twoStreams = new ForwardingDevice(new HostEmulatedDevice()) {
            @Override public int streams() { return 2; }
        };
        BandChannel b = band(11, 700, true, true, 9);
        for (StackParams p : new StackParams[] {
                StackParams.defaults().with(StackParams.Rejection.KAPPA_SIGMA, StackParams.Combine.MEAN).withKappa(2.5, 2.0),
                StackParams.defaults().with(StackParams.Rejection.WINSORIZED_SIGMA_CLIP, StackParams.Combine.MEDIAN).withKappa(2.5, 2.0)}) {
            GpuStackBackend g = new GpuStackBackend(twoStreams, GpuPhase.PHASE3, new ChunkLimits(1 << 20, 60_000));
            g.pipelineMinBytes(0);
            float[] ref = new float[700], got = new float[700];
            ChannelTally tr = new ChannelTally(), tg = new ChannelTally();
            CpuStackBackend.INSTANCE.stack(b, p, ref, tr);
            g.stack(b, p, got, tg);
            assertTrue(g.timings().take().chunks() >= 4, "two sets of ~115 pixels");
            assertClose(ref, got, 700, "overlapped " + p.describe());
            assertEquals(tr.rejected(), tg.rejected());
        }
    }
}
