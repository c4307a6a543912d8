package io.gcgan.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.autograd.Autograd;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.ParamGroup;
import io.gcgan.optim.Sgd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A caller that keeps its own parameters and gradients in host memory (another system embedding gcgan's optimizers):
 * refreshing a tensor in place from host memory, and handing native memory to the CPU backend without a copy.
 */
class TensorHostInteropTest {

    /** copyFromHost overwrites the elements in place, in the tensor's own storage, and says what does not fit. */
    @Test
    void copyFromHostOverwritesInPlace() {
        Tensor t = Tensor.zeros(2, 3);
        Storage before = t.storage();
        assertSame(t, t.copyFromHost(MemorySegment.ofArray(new float[] {1, 2, 3, 4, 5, 6, 7})));
        assertSame(before, t.storage(), "no new storage");
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
        Tensor d = Tensor.zeros(DType.FLOAT64, Device.CPU, 2);
        d.copyFromHost(MemorySegment.ofArray(new double[] {0.25, -1}));
        assertArrayEquals(new double[] {0.25, -1}, d.toDoubleArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.copyFromHost(MemorySegment.ofArray(new float[5])));
        assertEquals("copyFromHost: 20 bytes cannot fill tensor [2, 3] of float32 (24 bytes)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.copyFromHost(MemorySegment.ofArray(new float[4])));
        assertTrue(e.getMessage().contains("a float[] host array for a 2 x float64 storage"), e.getMessage());
    }

    /** Like assign: refused on a tensor that requires grad outside noGrad, and a recorded derivative sees the write. */
    @Test
    void copyFromHostIsAnInPlaceWrite() {
        Tensor w = Tensor.of(new double[] {1, 2}, 2).requiresGrad(true);
        MemorySegment values = MemorySegment.ofArray(new double[] {3, 4});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.copyFromHost(values));
        assertTrue(e.getMessage().startsWith("copyFromHost: in-place write to a tensor that requires grad"),
                e.getMessage());
        Tensor loss = w.square().sum();
        try (GradMode.Guard noGrad = GradMode.noGrad()) {
            w.copyFromHost(values);
        }
        e = assertThrows(IllegalStateException.class, () -> Autograd.backward(loss));
        assertTrue(e.getMessage().contains("written in place since (by copyFromHost)"), e.getMessage());
    }

    /**
     * Native memory of the caller's own, wrapped as a CPU tensor, is updated in place by an optimizer step: SGD with
     * momentum and GC, one row [0, 1, 2, 3] with gradient [0, 1, 4, 9] (mean 3.5) and lr 0.1. (A confined arena's
     * memory is refused: the backend's worker threads read it; see StorageChecksTest.)
     */
    @Test
    void anOptimizerUpdatesWrappedCallerMemoryInPlace() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment weights = arena.allocate(4L * Float.BYTES, 64);
            weights.copyFrom(MemorySegment.ofArray(new float[] {0, 1, 2, 3}));
            Tensor w = Tensor.wrap(new Storage(Backends.of(Device.CPU), DType.FLOAT32, 4, weights,
                    Lifetime.AUTOMATIC), 1, 4);
            Sgd sgd = new Sgd(List.of(ParamGroup.builder(0.1).add("w", w).gc(GcMode.CONV_AND_FC).build()), 0.9);
            w.accumulateGrad(Tensor.of(new float[] {0, 1, 4, 9}, 1, 4));
            sgd.step();
            assertArrayEquals(new float[] {0.35f, 1.25f, 1.95f, 2.45f}, weights.toArray(ValueLayout.JAVA_FLOAT),
                    1e-6f);
        }
    }
}
