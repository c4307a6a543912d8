package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.Device;
import org.junit.jupiter.api.Test;

/** {@link CapturedCallsContract} on the CPU backend (recorded calls, replayed in order). */
class CpuCapturedCallsTest extends CapturedCallsContract {

    @Override
    protected Device device() {
        return Device.CPU;
    }

    @Test
    void releasingCachedMemoryIsRefusedWhileCapturing() {
        CpuBackend cpu = (CpuBackend) Backends.of(Device.CPU);
        cpu.beginCapture();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, cpu::releaseCachedMemory);
            assertTrue(e.getMessage().contains("releaseCachedMemory"), e.getMessage());
        } finally {
            cpu.endCapture().close();
        }
        cpu.releaseCachedMemory();
    }
}
