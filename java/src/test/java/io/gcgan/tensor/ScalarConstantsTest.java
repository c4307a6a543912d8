package io.gcgan.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.gcgan.autograd.Autograd;
import io.gcgan.backend.ProfilingBackend;
import io.gcgan.backend.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

class ScalarConstantsTest {

    @Test
    void oneConstantPerBackendDtypeAndValueWithTheValueOfTensorScalar() {
        CpuBackend cpu = CpuBackend.instance();
        Tensor a = ScalarConstants.of(0.1, DType.FLOAT32, cpu);
        assertSame(a, ScalarConstants.of(0.1, DType.FLOAT32, cpu));
        assertNotSame(a, ScalarConstants.of(0.1, DType.FLOAT64, cpu));
        assertNotSame(a, ScalarConstants.of(-0.1, DType.FLOAT32, cpu));
        assertNotSame(ScalarConstants.of(0.0, DType.FLOAT32, cpu), ScalarConstants.of(-0.0, DType.FLOAT32, cpu));
        assertNotSame(a, ScalarConstants.of(0.1, DType.FLOAT32, new ProfilingBackend(cpu)));
        assertEquals(0, a.rank());
        assertFalse(a.requiresGrad());
        assertArrayEquals(Tensor.scalar(0.1, DType.FLOAT32, Device.CPU).toFloatArray(), a.toFloatArray());
        assertArrayEquals(Tensor.scalar(0.1, DType.FLOAT64, Device.CPU).toDoubleArray(),
                ScalarConstants.of(0.1, DType.FLOAT64, cpu).toDoubleArray());
    }

    /** A constant made while a scope is open outlives it: the next scope's ops use it again, unharmed. */
    @Test
    void constantsOutliveTheScopeThatFirstUsedThemAndAreNeverWritten() {
        float[] first;
        try (TensorScope ignored = TensorScope.open()) {
            Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
            Tensor y = x.mul(0.37).add(0.37).sub(0.37).gt(0.0).mul(x).sum();
            Autograd.backward(y);
            first = x.grad().toFloatArray();
        }
        try (TensorScope ignored = TensorScope.open()) {
            Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
            Tensor y = x.mul(0.37).add(0.37).sub(0.37).gt(0.0).mul(x).sum();
            Autograd.backward(y);
            assertArrayEquals(first, x.grad().toFloatArray());
            assertArrayEquals(new float[] {1, 0, 1}, x.grad().toFloatArray());
            assertArrayEquals(new float[] {0.37f}, ScalarConstants.of(0.37, DType.FLOAT32, x.backend()).toFloatArray());
            assertArrayEquals(new float[] {0f}, ScalarConstants.of(0.0, DType.FLOAT32, x.backend()).toFloatArray());
        }
    }
}
