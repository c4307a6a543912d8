package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import org.junit.jupiter.api.Test;

/**
 * The memory the CUDA backend keeps for reuse: the default pool keeps what is freed (its release threshold is
 * UINT64_MAX), and CUDA graphs keep their allocations' memory; {@link CudaBackend#releaseCachedMemory} hands both back
 * to the driver once nothing uses them, and {@link CudaBackend#deviceMemoryReserved} shows it. Amounts are compared
 * as differences of at least half the bytes at stake, since other tests' memory is reserved too.
 */
@GpuTest
class CudaCachedMemoryTest {

    private static final long MIB = 1L << 20;

    @Test
    void freedMemoryStaysReservedUntilReleased() {
        CudaBackend b = Gpu.cudaBackend();
        long bytes = 256 * MIB;
        b.releaseCachedMemory(); // what other tests left
        long base = b.deviceMemoryReserved();
        try (TensorScope scope = TensorScope.open()) {
            Tensor big = Tensor.zeros(DType.FLOAT32, Gpu.CUDA, bytes / 4);
            b.synchronize();
            assertTrue(big.numel() == bytes / 4);
        }
        b.synchronize();
        long kept = b.deviceMemoryReserved();
        assertTrue(kept >= base + bytes / 2, "the freed " + bytes + " bytes stay reserved: " + base + " -> " + kept
                + " bytes reserved");
        b.releaseCachedMemory();
        long after = b.deviceMemoryReserved();
        assertTrue(after <= kept - bytes / 2, "released: " + kept + " -> " + after + " bytes reserved");
        try (TensorScope scope = TensorScope.open()) { // the pool grows again
            assertArrayEquals(new double[] {2, 4}, Tensor.of(new double[] {1, 2}, 2).to(Gpu.CUDA).mul(2)
                    .toDoubleArray());
        }
    }

    @Test
    void graphMemoryIsReleasedOnlyOnceItsCaptureIsClosed() {
        CudaBackend b = Gpu.cudaBackend();
        long bytes = 128 * MIB;
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = Tensor.zeros(DType.FLOAT32, Gpu.CUDA, bytes / 4);
            b.synchronize();
            b.releaseCachedMemory();
            long before = b.deviceMemoryReserved();
            b.beginCapture();
            Tensor y = x.add(1); // a graph allocation, made by each launch
            CapturedCalls calls = b.endCapture();
            try (calls) {
                assertThrows(IllegalStateException.class, () -> {
                    b.beginCapture();
                    try {
                        b.releaseCachedMemory();
                    } finally {
                        b.endCapture().close();
                    }
                }, "releaseCachedMemory while recording");
                calls.replay();
                try (TensorScope check = TensorScope.open()) { // its memory is freed before the measurements
                    assertTrue(y.max().item() == 1 && y.neg().max().item() == -1, "replayed: every element 1");
                }
                b.releaseCachedMemory(); // the capture is open: its graph keeps its memory
                long held = b.deviceMemoryReserved();
                assertTrue(held >= before + bytes / 2, "the open graph's memory stays: " + before + " -> " + held);
            }
            b.releaseCachedMemory();
            long after = b.deviceMemoryReserved();
            assertTrue(after <= before + bytes / 2, "released with the capture: " + before + " -> " + after);
        }
    }
}
