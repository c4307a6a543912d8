package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.CapturedCallsContract;
import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.cuda.ConvImplementation;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link CapturedCallsContract} on the CUDA backend: stream capture into a CUDA graph, replayed by one launch; and
 * what only CUDA has: a conv whose algorithm has not been measured yet (cuDNN's search, the autotuner) is refused by
 * name while capturing, since the measurement waits for the device, and the capture stays usable.
 */
@GpuTest
class CudaCapturedCallsTest extends CapturedCallsContract {

    @Override
    protected Device device() {
        return Gpu.CUDA;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ConvImplementation.class, names = {"CUDNN", "AUTO"})
    void aConvNotYetMeasuredIsRefusedWhileCapturing(ConvImplementation implementation) {
        CudaBackend cuda = Gpu.cudaBackend();
        // A geometry no other test uses, so that nothing has been measured for it in this JVM.
        int c = implementation == ConvImplementation.CUDNN ? 5 : 7;
        ConvGeometry g = new ConvGeometry(3, c, 11, 9, 6, 3, 3, 1, 1, 1, 1);
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = Tensor.zeros(DType.FLOAT32, Gpu.CUDA, 3, c, 11, 9);
            Tensor w = Tensor.zeros(DType.FLOAT32, Gpu.CUDA, 6, c, 3, 3);
            Tensor y = Tensor.zeros(DType.FLOAT32, Gpu.CUDA, 3, 6, g.p(), g.q());
            cuda.beginCapture();
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> cuda.conv2dForward(x.storage(), w.storage(), y.storage(), g, implementation));
                assertTrue(e.getMessage().contains("run the work once before capturing"), e.getMessage());
                Tensor z = x.add(1); // the capture still works
                try (CapturedCalls calls = cuda.endCapture()) {
                    calls.replay();
                    assertTrue(z.sum().item() == 3 * c * 11 * 9, "replayed");
                }
            } finally {
                if (cuda.capturing()) {
                    cuda.endCapture().close();
                }
            }
        }
    }
}
