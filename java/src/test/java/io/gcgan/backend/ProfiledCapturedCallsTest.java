package io.gcgan.backend;

import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link CapturedCallsContract} through {@link ProfilingBackend} over the CPU backend: the decorator hands the backend
 * new Storage and Lifetime objects for every call, and the capture rules must hold all the same (TrainingProfile
 * profiles captured steps this way).
 */
class ProfiledCapturedCallsTest extends CapturedCallsContract {

    @BeforeEach
    void installDecorator() {
        Backends.install(new ProfilingBackend(CpuBackend.instance()));
    }

    @AfterEach
    void removeDecorator() {
        Backends.uninstall(Device.CPU);
    }

    @Override
    protected Device device() {
        return Device.CPU;
    }
}
