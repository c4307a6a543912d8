package io.gcgan.backend;

import io.gcgan.tensor.Device;

/** {@link CapturedCallsContract} on the CPU backend (recorded calls, replayed in order). */
class CpuCapturedCallsTest extends CapturedCallsContract {

    @Override
    protected Device device() {
        return Device.CPU;
    }
}
