package io.gcgan.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.DType;
import org.junit.jupiter.api.Test;

/**
 * {@link KernelIm2col} refuses buffers of the wrong size or dtype by name before any CUDA call (the kernels trust
 * them), so this runs without a GPU: no device is given, and none is reached.
 */
class KernelIm2colTest {

    private static final ConvGeometry G = new ConvGeometry(2, 3, 8, 8, 4, 3, 3, 1, 1, 1, 1); // col [27, 128]

    private static Storage storage(DType dtype, long numel) {
        return CpuBackend.instance().allocate(dtype, numel, Lifetime.AUTOMATIC);
    }

    @Test
    void wrongSizesAndDtypesAreRefusedByName() {
        KernelIm2col k = new KernelIm2col(null);
        Storage image = storage(DType.FLOAT32, 2 * 3 * 8 * 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> k.im2col(image, storage(DType.FLOAT32, 27 * 128 - 1), G));
        assertTrue(e.getMessage().startsWith("im2col (") && e.getMessage().contains("needs 3456"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.col2im(storage(DType.FLOAT32, 27 * 128), storage(DType.FLOAT32, 2 * 3 * 8 * 8 + 1), G));
        assertTrue(e.getMessage().startsWith("col2im (") && e.getMessage().contains("needs 384"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.im2col(image, storage(DType.FLOAT64, 27 * 128), G));
        assertTrue(e.getMessage().contains("the image's dtype"), e.getMessage());
    }
}
