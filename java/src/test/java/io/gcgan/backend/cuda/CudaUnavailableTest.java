package io.gcgan.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.gcgan.backend.Backend;
import io.gcgan.backend.Storage;
import io.gcgan.backend.UnaryOp;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.bindings.CudaAvailability;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Loading the CUDA backend where CUDA cannot run (the CI machine: no driver, no GPU): {@code Backends.of(cuda)} fails
 * with CudaAvailability's reason, every time, as an UnsupportedOperationException naming the device (the contract of
 * Backends.of for a device without a usable backend), and the CPU backend is unaffected. Skipped where CUDA is
 * available (the gpu-tagged tests cover that machine).
 */
class CudaUnavailableTest {

    private static CudaAvailability.Report unavailable() {
        CudaAvailability.Report report = CudaAvailability.probe();
        assumeFalse(report.cudaBackendAvailable(), "CUDA is available here: " + report.summary());
        return report;
    }

    @Test
    void aCudaDeviceFailsWithTheAvailabilityReason() {
        CudaAvailability.Report report = unavailable();
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> Backends.of(Device.cuda(0)));
        assertEquals(report.reason(), e.reason());
        assertEquals("cuda:0: " + report.reason(), e.getMessage());
        assertEquals(Device.cuda(0), e.device());
        assertTrue(e instanceof UnsupportedOperationException, "Backends.of's exception type for an unusable device");
        assertTrue(e.reason().startsWith("CUDA unavailable: "), e.getMessage());
        // The message names each missing component the backend needs, with what was tried for it.
        for (CudaAvailability.Component c : CudaAvailability.BACKEND) {
            CudaAvailability.Status s = report.status(c);
            if (!s.available()) {
                assertTrue(e.getMessage().contains(c.label() + ": " + s.detail()), e.getMessage());
            }
        }
    }

    @Test
    void theFailureIsNotCachedAndEveryIndexFailsTheSameWay() {
        CudaAvailability.Report report = unavailable();
        for (int attempt = 0; attempt < 2; attempt++) {
            for (int index : new int[] {0, 3}) {
                CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                        () -> Backends.of(Device.cuda(index)));
                assertEquals("cuda:" + index + ": " + report.reason(), e.getMessage());
            }
        }
        assertThrows(CudaUnavailableException.class, () -> CudaBackend.create(Device.cuda(0)));
    }

    @Test
    void createRejectsTheCpuDevice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaBackend.create(Device.CPU));
        assertTrue(e.getMessage().contains("not a CUDA device"), e.getMessage());
    }

    @Test
    void theCpuBackendKeepsWorkingAfterACudaFailure() {
        unavailable();
        assertThrows(CudaUnavailableException.class, () -> Backends.of(Device.cuda(0)));
        Backend cpu = Backends.of(Device.CPU);
        assertSame(CpuBackend.instance(), cpu);
        try (TensorScope scope = TensorScope.open()) {
            Storage s = cpu.allocate(DType.FLOAT32, 3, scope);
            cpu.copyFromHost(MemorySegment.ofArray(new float[] {-1f, 0f, 2f}), s);
            cpu.unary(UnaryOp.RELU, 0, 0, s, s);
            float[] out = new float[3];
            cpu.copyToHost(s, MemorySegment.ofArray(out));
            assertArrayEquals(new float[] {0f, 0f, 2f}, out);
        }
        assertFalse(cpu.description().isBlank());
    }
}
