package io.gcgan.gpu;

import io.gcgan.backend.CapturedCallsContract;
import io.gcgan.tensor.Device;

/** {@link CapturedCallsContract} on the CUDA backend: stream capture into a CUDA graph, replayed by one launch. */
@GpuTest
class CudaCapturedCallsTest extends CapturedCallsContract {

    @Override
    protected Device device() {
        return Gpu.CUDA;
    }
}
