package io.gcgan.gan.penalty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.nn.BatchNorm1d;
import io.gcgan.nn.Linear;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.nn.Sequential;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightClippingTest {

    @Test
    void clampsEveryParameterInPlaceAndLeavesBuffersAlone() {
        var opts = ModuleOptions.of(new Generator(1)).withDType(DType.FLOAT64);
        var fc = new Linear(3, 2, true, opts);
        var bn = new BatchNorm1d(2, opts);
        var d = new Sequential(fc, bn);
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            fc.weight().assign(Tensor.of(new double[] {-0.5, 0.05, 0.1, 0.2, -0.1, 0.0}, 2, 3));
            fc.bias().assign(Tensor.of(new double[] {0.3, -0.02}, 2));
        }
        List<Tensor> before = d.parameters();
        WeightClipping.apply(d, 0.1);
        // weight [-0.5, 0.05, 0.1, 0.2, -0.1, 0] -> [-0.1, 0.05, 0.1, 0.1, -0.1, 0]; bias [0.3, -0.02] -> [0.1, -0.02]
        assertArrayEquals(new double[] {-0.1, 0.05, 0.1, 0.1, -0.1, 0.0}, fc.weight().toDoubleArray(), 0);
        assertArrayEquals(new double[] {0.1, -0.02}, fc.bias().toDoubleArray(), 0);
        // BatchNorm's affine weight (1) is a parameter and is clipped; running_var (1) is a buffer and is not
        assertArrayEquals(new double[] {0.1, 0.1}, bn.weight().toDoubleArray(), 0);
        assertArrayEquals(new double[] {1, 1}, d.namedBuffers().get("1.running_var").toDoubleArray(), 0);
        for (int i = 0; i < before.size(); i++) {
            assertSame(before.get(i), d.parameters().get(i));
        }
        assertThrows(IllegalArgumentException.class, () -> WeightClipping.apply(d, 0));
        assertThrows(IllegalArgumentException.class, () -> WeightClipping.apply(d, Double.NaN));
    }
}
