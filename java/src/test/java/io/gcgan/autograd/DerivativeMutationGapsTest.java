package io.gcgan.autograd;

import static io.gcgan.autograd.Fixtures.awayFromZero;
import static io.gcgan.autograd.Fixtures.randn;
import static io.gcgan.autograd.GradCheck.gradcheck;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Gaps that mutation testing of the derivative rules found: each test names the mutant it kills. Expected values
 * come from hand computation or float64 finite differences ({@link GradCheck}), never from the code under test.
 */
class DerivativeMutationGapsTest {

    private static void assertRejects(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message \"" + e.getMessage() + "\" should contain \"" + p + "\"");
        }
    }

    /**
     * clamp with min == max is a valid (constant) clamp. Kills Pointwise.clamp's boundary mutant
     * {@code min > max} -> {@code min >= max}, which rejects it. By hand: every output is c; the gradient of
     * sum(clamp(x, c, c)) is 1 where min <= x <= max holds, i.e. only where x == c exactly, else 0.
     */
    @Test
    void clampWithEqualBoundsIsConstantWithGradientOnlyAtTheBound() {
        Tensor x = Tensor.of(new double[] {-1.25, 0.5, 0.75, 0.5}, 4).requiresGrad(true);
        Tensor y = x.clamp(0.5, 0.5);
        assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.5}, y.toDoubleArray(), 0.0);
        Tensor g = Autograd.grad(y.sum(), x, false);
        assertArrayEquals(new double[] {0, 1, 0, 1}, g.toDoubleArray(), 0.0);
    }

    /**
     * A transposed conv whose output is 1 x 1 is valid. Kills both boundary mutants of LinearAlgebra.convTranspose2d's
     * {@code outH < 1 || outW < 1} (-> {@code <= 1}), which reject it. By hand, with a 1 x 1 input and kernel:
     * y = x * w, dy/dx = w, dy/dw = x. A second case, (H-1)*s - 2p + R = 1*1 - 2*1 + 2 = 1 in both dimensions,
     * is checked against finite differences.
     */
    @Test
    void convTransposeWithAOneByOneOutput() {
        Tensor x = Tensor.of(new double[] {2.0}, 1, 1, 1, 1).requiresGrad(true);
        Tensor w = Tensor.of(new double[] {-3.0}, 1, 1, 1, 1).requiresGrad(true);
        Tensor y = x.convTranspose2d(w, 1, 1, 0, 0, 0, 0);
        assertArrayEquals(new long[] {1, 1, 1, 1}, y.shape());
        assertArrayEquals(new double[] {-6.0}, y.toDoubleArray(), 0.0);
        List<Tensor> g = Autograd.grad(List.of(y.sum()), List.of(x, w), List.of(Tensor.ones(DType.FLOAT64, Device.CPU)),
                false);
        assertArrayEquals(new double[] {-3.0}, g.get(0).toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {2.0}, g.get(1).toDoubleArray(), 0.0);
        gradcheck("convTranspose2d to 1x1", in -> in.get(0).convTranspose2d(in.get(1), 1, 1, 1, 1, 0, 0),
                randn(901, 2, 3, 2, 2), randn(902, 3, 2, 2, 2));
    }

    /**
     * An output padding as large as the stride is rejected as such in the width too (the existing check covers
     * the height). Kills the boundary mutant {@code outPadW >= max(strideW, 1)} -> {@code >}, whose call fails
     * later, in the geometry check, with a message that does not name the output padding.
     */
    @Test
    void convTransposeRejectsAnOutputPaddingWidthEqualToTheStride() {
        assertRejects(() -> randn(941, 1, 3, 4, 4).convTranspose2d(randn(942, 3, 5, 3, 3), 2, 2, 1, 1, 0, 2),
                "convTranspose2d", "output padding");
    }

    /**
     * The fused batch-norm backward (first derivatives, no createGraph) when only the weight needs a gradient.
     * Kills the mutant of Normalization.fusedBackward's {@code dx != null || dw != null || db != null} that
     * negates {@code dw != null}: with x and bias constant it skips the backend call and returns an unwritten dw.
     */
    @Test
    void fusedBatchNormGradientOfTheWeightAlone() {
        Tensor x = randn(911, 3, 2, 2, 2);
        Tensor bias = randn(912, 2);
        gradcheck("batchNorm, weight only", in -> x.batchNorm(in.get(0), bias, 1e-5).output(),
                awayFromZero(913, 0.5, 2));
    }

    /**
     * As above when only the bias needs a gradient. Kills the mutant negating {@code db != null} (no test reached
     * that condition before): with x and weight constant it skips the backend call and returns an unwritten db.
     */
    @Test
    void fusedBatchNormGradientOfTheBiasAlone() {
        Tensor x = randn(921, 3, 2, 2, 2);
        Tensor weight = awayFromZero(922, 0.5, 2);
        gradcheck("batchNorm, bias only", in -> x.batchNorm(weight, in.get(0), 1e-5).output(), randn(923, 2));
    }

    /**
     * batchNorm's argument checks. Kills Normalization.batchNorm's removed calls to checkPerChannel for weight,
     * bias and the running statistics (a [1, C] tensor has C elements, so only that check rejects it) and the
     * negated {@code r == runningMean} that names the wrong statistic; the weight-without-bias case covers the
     * "weight only" / "bias only" message, which no test reached.
     */
    @Test
    void batchNormRejectsMisshapenOrUnpairedParameters() {
        Tensor x = randn(931, 3, 2, 2);
        Tensor c = randn(932, 2);
        Tensor row = randn(933, 1, 2);
        assertRejects(() -> x.batchNorm(row, c, 1e-5), "batchNorm", "weight must have shape [2]", "[1, 2]");
        assertRejects(() -> x.batchNorm(c, row, 1e-5), "batchNorm", "bias must have shape [2]", "[1, 2]");
        assertRejects(() -> x.batchNorm(null, null, 1e-5, row, randn(934, 2), 0.1), "runningMean must have shape");
        assertRejects(() -> x.batchNorm(null, null, 1e-5, randn(935, 2), row, 0.1), "runningVar must have shape");
        assertRejects(() -> x.batchNorm(c, null, 1e-5), "batchNorm", "weight only");
        assertRejects(() -> x.batchNorm(null, c, 1e-5), "batchNorm", "bias only");
    }

    /**
     * Every output given to Autograd.grad must require grad, as the method states. Kills Autograd.grad's removed
     * call to requireGraph: with two outputs, one computed under noGrad, the mutant ignores that output and
     * returns the other's gradient (one output alone still fails, later, as "not used").
     */
    @Test
    void gradRejectsAnOutputThatRequiresNoGradAmongOthers() {
        Tensor x = Tensor.of(new double[] {1.5, -2.0}, 2).requiresGrad(true);
        Tensor constant;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            constant = x.square().sum();
        }
        Tensor one = Tensor.ones(DType.FLOAT64, Device.CPU);
        assertRejects(() -> Autograd.grad(List.of(x.sum(), constant), List.of(x), List.of(one, one), false),
                "grad", "does not require grad");
    }
}
