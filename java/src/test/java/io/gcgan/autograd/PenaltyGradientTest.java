package io.gcgan.autograd;

import static io.gcgan.autograd.Fixtures.randn;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Gradient penalties on a small conv discriminator, end to end: the penalty is built from
 * Autograd.grad(createGraph=true), differentiated by Autograd.backward, and every parameter's gradient is
 * compared with central finite differences of the penalty's value.
 *
 * <pre>
 *   x      [3, 3, 6, 6]   (N, C, H, W)
 *   conv1  w1 [4, 3, 3, 3] stride 2 pad 1, bias b1 [1, 4, 1, 1]  -> [3, 4, 3, 3], leakyRelu(0.2)
 *   conv2  w2 [2, 4, 3, 3] stride 1 pad 1, bias b2 [1, 2, 1, 1]  -> [3, 2, 3, 3], tanh
 *   flatten -> [3, 18] @ wl [18, 1] + bl [1]                     -> logits [3, 1]
 * </pre>
 */
class PenaltyGradientTest {

    private static final String[] NAMES = {"w1", "b1", "w2", "b2", "wl", "bl"};
    private static final long[][] SHAPES = {{4, 3, 3, 3}, {1, 4, 1, 1}, {2, 4, 3, 3}, {1, 2, 1, 1}, {18, 1}, {1}};
    private static final long[] X_SHAPE = {3, 3, 6, 6};
    private static final double EPS = 1e-6;
    private static final double ATOL = 1e-6;
    private static final double RTOL = 1e-4;

    static Tensor discriminator(List<Tensor> p, Tensor x) {
        Tensor h = x.conv2d(p.get(0), 2, 2, 1, 1).add(p.get(1)).leakyRelu(0.2);
        h = h.conv2d(p.get(2), 1, 1, 1, 1).add(p.get(3)).tanh();
        return h.flattenFrom(1).matmul(p.get(4)).add(p.get(5));
    }

    /** mean over the batch of (sqrt(sum g_n^2 + 1e-12) - centre)^2, or of sum g_n^2 when centre is NaN. */
    static Tensor penalty(List<Tensor> params, Tensor x, double centre, boolean createGraph) {
        Tensor logits = discriminator(params, x);
        // Samples are independent, so the gradient of the summed logits holds each sample's own gradient.
        Tensor g = Autograd.grad(logits.sum(), x, createGraph);
        Tensor squaredNorm = g.square().sum(new int[] {1, 2, 3}, false);
        if (Double.isNaN(centre)) {
            return squaredNorm.mean();
        }
        return squaredNorm.add(1e-12).sqrt().sub(centre).square().mean();
    }

    private static double[][] initialParams() {
        double[][] values = new double[SHAPES.length][];
        for (int i = 0; i < SHAPES.length; i++) {
            double scale = i == 4 ? 0.5 : 0.4;
            values[i] = randn(500 + i, scale, SHAPES[i]).toDoubleArray();
        }
        return values;
    }

    private static List<Tensor> tensors(double[][] values, boolean requiresGrad) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(Tensor.of(values[i].clone(), SHAPES[i]).requiresGrad(requiresGrad));
        }
        return out;
    }

    /** The points where the penalty is taken: real samples, or interpolates a*real + (1-a)*fake. */
    private static Tensor points(boolean interpolate) {
        Tensor real = randn(600, X_SHAPE);
        if (!interpolate) {
            return real;
        }
        Tensor fake = randn(601, 1.5, X_SHAPE);
        Tensor a = Tensor.rand(new Generator(602), DType.FLOAT64, Device.CPU, 3, 1, 1, 1);
        // Computed from tensors that require no grad: a leaf, which the penalty marks.
        return a.mul(real).add(a.neg().add(1.0).mul(fake));
    }

    private interface Objective {
        Tensor compute(List<Tensor> params, Tensor x, boolean createGraph);
    }

    /** Autograd.backward of the objective, each parameter against finite differences of its value. */
    private static void checkEveryParameter(String name, Objective objective, boolean interpolate) {
        double[][] values = initialParams();
        List<Tensor> params = tensors(values, true);
        Tensor x = points(interpolate).requiresGrad(true);
        Tensor value = objective.compute(params, x, true);
        assertTrue(value.requiresGrad(), name + ": the objective records nothing");
        Autograd.backward(value);

        Tensor xConstant = points(interpolate);
        for (int i = 0; i < params.size(); i++) {
            Tensor grad = params.get(i).grad();
            // A parameter that cannot reach the objective (bl for a pure penalty) gets no gradient: zero.
            double[] analytic = grad == null ? new double[values[i].length] : grad.toDoubleArray();
            double[] numeric = GradCheck.numericGradient(values[i], () -> objective.compute(tensors(values, false),
                    xConstant.detach().requiresGrad(true), false).item(), EPS);
            GradCheck.assertClose(name, NAMES[i], SHAPES[i], analytic, numeric, ATOL, RTOL);
        }
    }

    @Test
    void discriminatorInputGradientMatchesFiniteDifferences() {
        // The penalty's inner derivative d D(x) / dx itself, for every element of x and every parameter.
        double[][] values = initialParams();
        List<Tensor> all = new ArrayList<>(tensors(values, false));
        all.add(0, randn(600, X_SHAPE));
        GradCheck.gradcheck("discriminator", in -> discriminator(in.subList(1, in.size()), in.get(0)), all,
                EPS, 1e-5, 1e-4);
    }

    @Test
    void squaredGradientNormPenalty() {
        // P = mean_n ||d D(x_n) / d x_n||^2 at real samples (R1's form).
        checkEveryParameter("R1 penalty", (p, x, cg) -> penalty(p, x, Double.NaN, cg), false);
    }

    @Test
    void zeroCentredPenaltyAtInterpolates() {
        checkEveryParameter("zero-centred penalty at interpolates", (p, x, cg) -> penalty(p, x, 0.0, cg), true);
    }

    @Test
    void oneCentredPenaltyAtInterpolates() {
        // WGAN-GP: mean_n (sqrt(sum g_n^2 + 1e-12) - 1)^2 at a*real + (1-a)*fake.
        checkEveryParameter("one-centred penalty at interpolates", (p, x, cg) -> penalty(p, x, 1.0, cg), true);
    }

    @Test
    void criticLossPlusPenaltyInOneBackward() {
        // The discriminator step: first-order terms and the penalty's second-order graph in one backward.
        Tensor fake = randn(610, 1.5, X_SHAPE);
        checkEveryParameter("critic loss + 10 * penalty", (p, x, cg) -> discriminator(p, fake).mean()
                .sub(discriminator(p, x).mean()).add(penalty(p, x, 1.0, cg).mul(10.0)), true);
    }
}
