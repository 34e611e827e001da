package org.tessera.gpu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.tessera.Logged;
import org.tessera.config.Config;

/** The service, the run's health check, the flag normalisation and the gpu_simulate grammar. */
class GpuServiceTest {

    @Test
    void theServiceIsDiscoverableInAContext() {
        Context ctx = new Context(GpuService.class);
        try {
            assertInstanceOf(DefaultGpuService.class, ctx.service(GpuService.class));
        } finally {
            ctx.dispose();
        }
    }

    @Test
    void healthReportOfTheSimulatedDevice() {
        GpuHealth h = DefaultGpuService.create().health(GpuFixtures.config("vram_mb:4096,free_mb:3000"));
        assertTrue(h.healthy());
        assertEquals("GPU: healthy\ndevice: simulated (4096 MiB, gpu_simulate)\nVRAM: free 3000 MiB / total 4096 MiB\n", h.report());
        GpuHealth bad = DefaultGpuService.create().health(GpuFixtures.config("vram_mb:4096,health:fail"));
        assertFalse(bad.healthy());
        assertEquals("health check failed: simulated failure (gpu_simulate health:fail)", bad.reason());
    }

    @Test
    void noDriverNoDeviceAndABadSpecAreReasonsNotCrashes() {
        GpuSettings on = GpuSettings.fromConfig(new Config());
        try (Logged.Capture logs = Logged.fine();
             GpuRun run = new GpuRun(on, () -> { throw new UnsatisfiedLinkError("libcuda.so.1: cannot open shared object file"); },
                     new TestBackends())) {
            assertFalse(run.health().healthy());
            assertFalse(run.phase3Allowed());
            run.health();
            assertEquals(List.of("[GPU] GPU off for this run: no NVIDIA driver (UnsatisfiedLinkError: libcuda.so.1: cannot open"
                    + " shared object file); every step runs on the CPU"), logs.starting("[GPU]"), "logged once");
        }
        try (GpuRun run = new GpuRun(on, () -> { throw new jcuda.CudaException("CUDA_ERROR_NO_DEVICE"); }, new TestBackends())) {
            assertEquals("no CUDA device or a broken driver (CUDA_ERROR_NO_DEVICE)", run.health().reason());
        }
        try (GpuRun run = new GpuRun(on, () -> { throw new GpuException("no NVIDIA driver (libcuda.so.1 could not be loaded)"); },
                new TestBackends())) {
            assertEquals("no NVIDIA driver (libcuda.so.1 could not be loaded)", run.health().reason());
        }
        GpuHealth typo = DefaultGpuService.create().health(GpuFixtures.config("vram:4096"));
        assertFalse(typo.healthy());
        // The spec's own words, without a Java class name.
        assertTrue(typo.reason().startsWith("the GPU cannot be opened (gpu_simulate: bad item 'vram:4096'"), typo.reason());
    }

    @Test
    void aliasesFollowTheCanonicalFlag() {
        GpuSettings d = GpuSettings.fromConfig(new Config());
        assertTrue(d.gpu() && d.grid() && !d.gridExplicit() && d.allowCpuFallback());
        assertEquals(0, d.deviceId());
        assertNull(d.simulate());
        GpuSettings off = GpuSettings.fromConfig(new Config().set("use_gpu_phase5=false"));
        assertFalse(off.gpu() || off.grid() || off.anyRequested());
        GpuSettings alias = GpuSettings.fromConfig(new Config().set("use_gpu_phase5=false").set("stack_use_gpu=true"));
        assertFalse(alias.gpu());
        assertEquals(List.of("stack_use_gpu=true differs from use_gpu_phase5=false: the canonical use_gpu_phase5 wins"), alias.notes());
        Config unset = new Config().put("use_gpu_phase5", null).set("use_gpu_stack=true");
        assertTrue(GpuSettings.fromConfig(unset).gpu(), "no canonical flag: the alias gives it");
        GpuSettings grid = GpuSettings.fromConfig(new Config().set("use_gpu_grid=false").set("gpu_id_phase5=2"));
        assertTrue(grid.gpu());
        assertFalse(grid.grid());
        assertTrue(grid.gridExplicit());
        assertEquals(2, grid.deviceId());
    }

    @Test
    void simulateGrammar() {
        SimulateSpec s = SimulateSpec.parse("vram_mb:8192, free_mb:2000/6000 ,oom:phase5:1,oom:phase5:2,invalid:phase3:3,fail:grid:1,health:fail");
        assertEquals(8192, s.vramMb());
        assertEquals(List.of(2000L, 6000L), s.freeMb());
        assertTrue(s.healthFails());
        assertEquals(List.of(new SimulateSpec.Fault(SimulateSpec.Kind.OOM, GpuPhase.PHASE5, 1),
                new SimulateSpec.Fault(SimulateSpec.Kind.OOM, GpuPhase.PHASE5, 2),
                new SimulateSpec.Fault(SimulateSpec.Kind.INVALID, GpuPhase.PHASE3, 3),
                new SimulateSpec.Fault(SimulateSpec.Kind.FAIL, GpuPhase.GRID, 1)), s.faults());
        for (String bad : List.of("free_mb:100", "vram_mb:0", "vram_mb:x", "oom:phase4:1", "oom:phase5", "oom:phase5:0",
                "health:ok", "vram_mb:10,speed:3", "oom:health:1"))
            assertThrows(IllegalArgumentException.class, () -> SimulateSpec.parse(bad), bad);
    }

    @Test
    void scriptedProbesAndCountedFaults() {
        SimulateSpec s = SimulateSpec.parse("vram_mb:100,free_mb:10/20,oom:phase5:2,fail:phase3:1");
        try (FaultInjectingDevice d = new FaultInjectingDevice(new SimulatedDevice(100L << 20), s)) {
            assertEquals(10L << 20, d.freeBytes());
            assertEquals(20L << 20, d.freeBytes());
            assertEquals(20L << 20, d.freeBytes(), "the last value repeats");
            d.release(d.allocate(1024, GpuPhase.PHASE5));
            d.release(d.allocate(1024, GpuPhase.PHASE3)); // phases are counted apart
            assertThrows(GpuOutOfMemoryException.class, () -> d.allocate(1024, GpuPhase.PHASE5));
            d.release(d.allocate(1024, GpuPhase.PHASE5));
            DeviceBuffer b = d.allocate(4 * 8, GpuPhase.PHASE3);
            GpuException e = assertThrows(GpuException.class,
                    () -> d.launch(KernelCall.linear("tessera_health", 8, 8, b, 8), GpuPhase.PHASE3));
            assertFalse(e instanceof GpuOutOfMemoryException);
            d.launch(KernelCall.linear("tessera_health", 8, 8, b, 8), GpuPhase.PHASE3);
            int[] out = new int[8];
            d.download(b, 0, out, 0, 8);
            assertArrayEquals(new int[] {1, 3, 5, 7, 9, 11, 13, 15}, out);
        }
    }
}
