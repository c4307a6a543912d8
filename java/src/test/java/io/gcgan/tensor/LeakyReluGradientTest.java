package io.gcgan.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.gcgan.autograd.Autograd;
import io.gcgan.random.Generator;
import org.junit.jupiter.api.Test;

/**
 * leakyRelu's derivative selects the two values of {@code mask * (1 - slope) + slope} instead of computing them per
 * element; it must give the bits of the computed form for every slope and dtype.
 */
class LeakyReluGradientTest {

    @Test
    void selectedFactorsEqualTheComputedFormBitForBit() {
        double[] slopes = {0.2, 0.01, 0.3, 1.0 / 3, 0.7, 0.1 + 0.2, 1.5, 0.0, -0.25, 1e-8};
        for (DType dtype : DType.values()) {
            for (double slope : slopes) {
                Tensor x = Tensor.randn(new Generator(3), dtype, Device.CPU, 7, 5).requiresGrad(true);
                Tensor g = Tensor.randn(new Generator(4), dtype, Device.CPU, 7, 5);
                Autograd.backward(x.leakyRelu(slope).mul(g).sum());
                Tensor expected;
                try (GradMode.Guard ignored = GradMode.noGrad()) {
                    expected = g.mul(x.gt(0.0).mul(1.0 - slope).add(slope));
                }
                assertArrayEquals(expected.toDoubleArray(), x.grad().toDoubleArray(), 0.0,
                        dtype + ", slope " + slope);
            }
        }
    }
}
