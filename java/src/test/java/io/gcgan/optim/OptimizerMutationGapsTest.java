package io.gcgan.optim;

import static io.gcgan.optim.OptimizerFixtures.grad;
import static io.gcgan.optim.OptimizerFixtures.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.autograd.Autograd;
import io.gcgan.backend.MomentumStart;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.testutil.Close;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Contracts of the optimizer API that mutation testing (PIT, profile {@code mutation} of this module) found
 * unchecked: each test names the mutant it kills. Expected values are computed by hand in the comments.
 */
class OptimizerMutationGapsTest {

    /**
     * A ramp to a non-zero end (the existing test ramps to 0, which a "return 0" mutant also returns), and the end
     * rate exactly from step {@code steps} on: 1e-3 + (3e-4 - 1e-3) * 1 rounds to 2.999999999999999e-4 in double,
     * so evaluating the ramp at k = steps (the {@code >=} -> {@code >} mutant) misses the documented lrEnd.
     */
    @Test
    void linearDecayRampsToANonZeroEndAndHoldsItExactly() {
        LearningRateSchedule s = LearningRateSchedule.linearDecay(1e-3, 3e-4, 4);
        // 1e-3 - 7e-4 k / 4: 1e-3, 8.25e-4, 6.5e-4, 4.75e-4
        double[] ramp = {1e-3, 8.25e-4, 6.5e-4, 4.75e-4};
        for (int k = 0; k < ramp.length; k++) {
            assertEquals(ramp[k], s.learningRate(k), 1e-18, "step " + k);
        }
        for (long k : new long[] {4, 5, 1_000_000}) {
            assertEquals(3e-4, s.learningRate(k), 0.0, "from step 4 on the end rate itself, step " + k);
        }
    }

    /** One step is the shortest ramp ({@code steps < 1} is the error, not {@code steps <= 1}). */
    @Test
    void linearDecayOverOneStep() {
        LearningRateSchedule s = LearningRateSchedule.linearDecay(0.5, 0.25, 1);
        assertEquals(0.5, s.learningRate(0), 0.0);
        assertEquals(0.25, s.learningRate(1), 0.0);
        assertEquals(0.25, s.learningRate(7), 0.0);
    }

    /** Both ends of a ramp are checked like a constant rate (the checks of start and end were both removable). */
    @Test
    void linearDecayRejectsBadRatesAtEitherEnd() {
        for (double bad : new double[] {-1e-3, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException start = assertThrows(IllegalArgumentException.class,
                    () -> LearningRateSchedule.linearDecay(bad, 1e-4, 10));
            assertTrue(start.getMessage().startsWith("linearDecay start:"), start.getMessage());
            IllegalArgumentException end = assertThrows(IllegalArgumentException.class,
                    () -> LearningRateSchedule.linearDecay(1e-3, bad, 10));
            assertTrue(end.getMessage().startsWith("linearDecay end:"), end.getMessage());
        }
    }

    /** A learning rate of 0 is a frozen group, not an error ({@code lr >= 0}, not {@code lr > 0}). */
    @Test
    void aGroupAtLearningRateZeroIsFrozen() {
        Tensor w = param(1, 2);
        Sgd sgd = new Sgd(List.of(ParamGroup.builder(0.0).add("w", w).build()), 0.9);
        grad(w, 3, -4);
        sgd.step();
        assertArrayEquals(new double[] {1, 2}, w.toDoubleArray());
        // the momentum buffer still starts from the gradient (PyTorch's rule), only the weight stays
        assertArrayEquals(new double[] {3, -4}, sgd.state().params().get("w").buffers().get("momentum_buffer")
                .toDoubleArray());
    }

    /**
     * A checkpoint of an optimizer that has not stepped (steps 0) loads, and so does a parameter state at step 0
     * (the checks are {@code < 0}, not {@code <= 0}). From zero moments at step 0 the next Adam update is its
     * first: bias-corrected, w - lr g / (|g| + eps) = w - 0.1 sign(g) to within 1e-8.
     */
    @Test
    void loadStateAcceptsStepZero() {
        Tensor w = param(1, 2);
        Adam adam = new Adam(List.of(ParamGroup.of(0.1, Map.of("w", w))));
        Adam fresh = new Adam(List.of(ParamGroup.of(0.1, Map.of("w", param(5, 6)))));
        adam.loadState(fresh.state());
        assertEquals(0, adam.steps());

        Map<String, Tensor> zeros = Map.of("exp_avg", Tensor.zeros(DType.FLOAT64, w.device(), 2),
                "exp_avg_sq", Tensor.zeros(DType.FLOAT64, w.device(), 2));
        adam.loadState(new OptimizerState(0, Map.of("w", new OptimizerState.ParamState(0, zeros))));
        grad(w, 0.5, -2);
        adam.step();
        Close.assertAllClose("w", new double[] {0.9, 2.1}, w.toDoubleArray(), 1e-8, 0);
        assertEquals(1, adam.state().params().get("w").step());
    }

    /**
     * A step writes the weights in place, so a derivative recorded with the old weights must be refused (the
     * mutant that drops {@code noteWrittenInPlace} lets backward compute 2 w with the new w silently).
     */
    @Test
    void aDerivativeRecordedBeforeAStepIsRefused() {
        Tensor w = param(1, 2);
        Sgd sgd = new Sgd(List.of(ParamGroup.of(0.1, Map.of("w", w))));
        Tensor loss = w.square().sum();
        grad(w, 1, 1);
        sgd.step();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autograd.backward(loss));
        assertTrue(e.getMessage().contains("written in place since (by an optimizer step)"), e.getMessage());
    }

    /**
     * A group index out of range names the optimizer's group count (the mutants that drop or loosen
     * {@code checkGroup} still throw an IndexOutOfBoundsException, the array's, which names neither).
     */
    @Test
    void aGroupIndexOutOfRangeNamesTheGroupCount() {
        Sgd sgd = new Sgd(List.of(ParamGroup.of(0.1, List.of(param(1)))));
        String expected = "Sgd has 1 parameter group(s), not group 1";
        assertEquals(expected, assertThrows(IndexOutOfBoundsException.class, () -> sgd.schedule(1)).getMessage());
        assertEquals(expected, assertThrows(IndexOutOfBoundsException.class, () -> sgd.learningRate(1)).getMessage());
        assertEquals(expected, assertThrows(IndexOutOfBoundsException.class,
                () -> sgd.setSchedule(1, LearningRateSchedule.constant(0.2))).getMessage());
        assertEquals(expected, assertThrows(IndexOutOfBoundsException.class,
                () -> sgd.setLearningRate(1, 0.2)).getMessage());
        assertEquals("Sgd has 1 parameter group(s), not group -1",
                assertThrows(IndexOutOfBoundsException.class, () -> sgd.schedule(-1)).getMessage());
    }

    /**
     * A rank-3 transposed-conv weight [in, out, k] (ConvTranspose1d's) is accepted (rank < 3 is the error), and
     * OUTPUT_FILTER centres it per output channel: w = 0, g [2, 2, 1] = [[1, 2], [3, 4]] (in x out), output
     * channel 0 holds {1, 3} (mean 2), channel 1 {2, 4} (mean 3); centred [-1, -1, 1, 1]; SGD at lr 1 moves w
     * to [1, 1, -1, -1].
     */
    @Test
    void aRank3TransposedConvWeightIsCentredPerOutputChannel() {
        Tensor w = Tensor.of(new double[4], 2, 2, 1).requiresGrad(true);
        Sgd sgd = new Sgd(List.of(ParamGroup.builder(1.0).gc(GcMode.CONV_AND_FC)
                .transposedConvCentring(TransposedConvCentring.OUTPUT_FILTER).addTransposedConvWeight("t", w)
                .build()));
        w.accumulateGrad(Tensor.of(new double[] {1, 2, 3, 4}, 2, 2, 1));
        sgd.step();
        assertArrayEquals(new double[] {1, 1, -1, -1}, w.toDoubleArray());
    }

    /**
     * The composed centring returns a tensor that is not centred unchanged (the same object) and subtracts the
     * row means of a centred one: g [2, 2] = [[1, 3], [2, 6]] has row means 2 and 4.
     */
    @Test
    void composedCentring() {
        Tensor bias = Tensor.of(new double[] {1, 3}, 2);
        assertSame(bias, GradientCentralization.centre(bias, GcMode.CONV_AND_FC, ParamKind.DEFAULT,
                TransposedConvCentring.INPUT_CHANNEL));
        Tensor g = Tensor.of(new double[] {1, 3, 2, 6}, 2, 2);
        assertSame(g, GradientCentralization.centre(g, GcMode.CONV_ONLY, ParamKind.DEFAULT,
                TransposedConvCentring.INPUT_CHANNEL));
        assertArrayEquals(new double[] {-1, 1, -2, 2}, GradientCentralization.centre(g, GcMode.CONV_AND_FC,
                ParamKind.DEFAULT, TransposedConvCentring.INPUT_CHANNEL).toDoubleArray());
    }

    /** The hyper-parameters an optimizer reports are those it was made with (the CLI writes them to config.json). */
    @Test
    void hyperParametersAreReported() {
        List<ParamGroup> g = List.of(ParamGroup.of(0.1, List.of(param(1))));
        Adam adam = new Adam(g, 0.5, 0.99, 1e-6);
        assertEquals(0.5, adam.beta1());
        assertEquals(0.99, adam.beta2());
        assertEquals(1e-6, adam.eps());
        RmsProp rms = new RmsProp(g, 0.9, 1e-5, 0.25);
        assertEquals(0.9, rms.alpha());
        assertEquals(1e-5, rms.eps());
        assertEquals(0.25, rms.momentum());
        // the thesis's Algorithm 1: momentum = dampening = beta, the buffer from zero
        Sgd thesis = Sgd.thesisMomentum(g, 0.8);
        assertEquals(0.8, thesis.momentum());
        assertEquals(0.8, thesis.dampening());
        assertFalse(thesis.nesterov());
        assertEquals(MomentumStart.ZERO, thesis.momentumStart());
        Sgd nesterov = new Sgd(g, 0.9, 0.0, true, MomentumStart.FIRST_GRADIENT);
        assertTrue(nesterov.nesterov());
        assertEquals(MomentumStart.FIRST_GRADIENT, nesterov.momentumStart());
    }
}
