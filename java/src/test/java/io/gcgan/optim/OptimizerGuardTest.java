package io.gcgan.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Optimizer#step(Tensor)} on the CPU backend (the reference of the GPU kernel's guard, which
 * {@code io.gcgan.gpu.CudaOptimizerStepTest} compares with it): a guard holding a NaN or an infinity leaves every
 * weight and moment as it was, a finite guard gives the unguarded step bit for bit, and a guard that does not fit the
 * call is refused by name.
 */
class OptimizerGuardTest {

    /** A centred weight [4, 6] and a bias [4], float32 or float64, with gradients from a fixed stream. */
    private record Model(Tensor weight, Tensor bias, Optimizer optimizer) {

        static Model adamWithGc(DType dtype, long seed) {
            Generator gen = new Generator(seed);
            Tensor w = Tensor.randn(gen, dtype, Device.CPU, 4, 6).requiresGrad(true);
            Tensor b = Tensor.randn(gen, dtype, Device.CPU, 4).requiresGrad(true);
            Optimizer opt = new Adam(List.of(ParamGroup.builder(0.01).add("w", w).add("b", b).gc(GcMode.CONV_AND_FC).build()),
                    0.9, 0.999, 1e-8);
            return new Model(w, b, opt);
        }

        /** Gradients of sum(w * r) + sum(b * r') for fresh random r, r' (so each step has new ones). */
        void gradients(Generator gen) {
            weight.zeroGrad();
            bias.zeroGrad();
            Tensor loss = weight.mul(Tensor.randn(gen, weight.dtype(), Device.CPU, 4, 6)).sum()
                    .add(bias.mul(Tensor.randn(gen, bias.dtype(), Device.CPU, 4)).sum());
            io.gcgan.autograd.Autograd.backward(loss);
        }

        List<double[]> weightsAndMoments() {
            List<double[]> out = new ArrayList<>();
            out.add(weight.toDoubleArray());
            out.add(bias.toDoubleArray());
            optimizer.state().params().values().forEach(ps -> ps.buffers().values()
                    .forEach(t -> out.add(t.toDoubleArray())));
            return out;
        }
    }

    private static Tensor guard(DType dtype, double... values) {
        return Tensor.of(values, values.length).to(dtype);
    }

    @ParameterizedTest(name = "{0}, guard value {1}")
    @CsvSource({"FLOAT32, NaN", "FLOAT32, Infinity", "FLOAT32, -Infinity", "FLOAT64, NaN", "FLOAT64, -Infinity"})
    void aNonFiniteGuardValueChangesNoWeightAndNoMoment(DType dtype, double bad) {
        Model m = Model.adamWithGc(dtype, 1);
        Generator gen = new Generator(2);
        m.gradients(gen);
        m.optimizer().step(); // moments are non-zero from here on
        m.gradients(gen);
        List<double[]> before = m.weightsAndMoments();
        m.optimizer().step(guard(dtype, 0.5, bad, 3.0));
        List<double[]> after = m.weightsAndMoments();
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(before.get(i), after.get(i), "array " + i + " (weights, then moments) changed");
        }
        assertEquals(2, m.optimizer().steps(), "the guarded step still counts");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT32", "FLOAT64"})
    void aFiniteGuardGivesTheUnguardedStepBitForBit(DType dtype) {
        Model guarded = Model.adamWithGc(dtype, 3);
        Model plain = Model.adamWithGc(dtype, 3);
        Generator g1 = new Generator(4);
        Generator g2 = new Generator(4);
        for (int step = 0; step < 3; step++) {
            guarded.gradients(g1);
            plain.gradients(g2);
            // Large, tiny, negative and zero values are all finite.
            guarded.optimizer().step(guard(dtype, 1e30, -2.5, 0.0, 1e-30));
            plain.optimizer().step();
        }
        List<double[]> a = guarded.weightsAndMoments();
        List<double[]> b = plain.weightsAndMoments();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(b.get(i), a.get(i), "array " + i);
        }
    }

    @Test
    void aGuardOfAnotherDtypeIsRefusedByName() {
        Model m = Model.adamWithGc(DType.FLOAT32, 5);
        m.gradients(new Generator(6));
        double[] before = m.weight().toDoubleArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.optimizer().step(guard(DType.FLOAT64, 1.0)));
        assertTrue(e.getMessage().contains("the guard is float64 but slot 0 is float32"), e.getMessage());
        assertArrayEquals(before, m.weight().toDoubleArray(), "a refused call changes nothing");
    }
    @Test
    void aGuardThatTheStepWritesIsRefusedByName() {
        Model m = Model.adamWithGc(DType.FLOAT32, 5);
        m.gradients(new Generator(6));
        double[] before = m.weight().toDoubleArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.optimizer().step(m.weight().detach()));
        assertTrue(e.getMessage().contains("the guard is slot 0's weight or state"), e.getMessage());
        assertArrayEquals(before, m.weight().toDoubleArray(), "a refused call changes nothing");
    }
}
