package io.gcgan.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.gcgan.autograd.Autograd;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every differentiable tensor operation's derivative rule against central differences, in float64: the
 * gradient of {@code sum(g * f(inputs))} for a fixed random g. Each case also runs with only one input requiring
 * grad, and the other input must then get no gradient. Inputs stay away from kinks (0 for abs and relu, ties for
 * max and minimum), where the difference quotient is not the derivative.
 */
class TensorGradientCheckTest {

    private static final double H = 1e-6;
    private static final double TOL = 1e-6;

    /** An input: its values and shape. */
    private record In(double[] values, long... shape) {
    }

    private static In in(long[] shape, double lo, double hi, long seed) {
        Random r = new Random(seed);
        double[] v = new double[Math.toIntExact(Shapes.numel(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return new In(v, shape);
    }

    private static In in(double lo, double hi, long... shape) {
        return in(shape, lo, hi, 42 + shape.length);
    }

    private static Tensor[] tensors(List<In> inputs, boolean[] requires) {
        Tensor[] t = new Tensor[inputs.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = Tensor.of(inputs.get(i).values().clone(), inputs.get(i).shape()).requiresGrad(requires[i]);
        }
        return t;
    }

    private static double weightedSum(Tensor y, double[] g) {
        double[] v = y.toDoubleArray();
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += v[i] * g[i];
        }
        return s;
    }

    private static void check(String name, Function<Tensor[], Tensor> f, In... inputs) {
        check(name, f, inputs.length, inputs);
    }

    /**
     * Checks f's gradient with the first {@code differentiable} inputs requiring grad, then with each one alone; the
     * others (a where's condition) are constants.
     */
    private static void check(String name, Function<Tensor[], Tensor> f, int differentiable, In... inputs) {
        List<In> list = List.of(inputs);
        int n = inputs.length;
        List<boolean[]> masks = new ArrayList<>();
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, 0, differentiable, true);
        masks.add(all);
        for (int i = 0; differentiable > 1 && i < differentiable; i++) {
            boolean[] one = new boolean[n];
            one[i] = true;
            masks.add(one);
        }
        for (boolean[] requires : masks) {
            Tensor[] x = tensors(list, requires);
            Tensor y = f.apply(x);
            double[] g = in(y.shape(), -1, 1, 7).values();
            Autograd.backward(y, Tensor.of(g, y.shape()));
            for (int i = 0; i < n; i++) {
                if (!requires[i]) {
                    assertNull(x[i].grad(), name + ": input " + i + " does not require grad");
                    continue;
                }
                if (x[i].grad() == null) {
                    fail(name + ": input " + i + " requires grad but got none");
                }
                double[] analytic = x[i].grad().toDoubleArray();
                double[] v = inputs[i].values();
                for (int j = 0; j < v.length; j++) {
                    double[] plus = v.clone();
                    double[] minus = v.clone();
                    plus[j] += H;
                    minus[j] -= H;
                    double numeric;
                    try (GradMode.Guard ignored = GradMode.noGrad()) {
                        numeric = (weightedSum(f.apply(replaced(list, i, plus)), g)
                                - weightedSum(f.apply(replaced(list, i, minus)), g)) / (2 * H);
                    }
                    assertEquals(numeric, analytic[j], TOL + TOL * Math.abs(numeric),
                            name + ": d/d input " + i + "[" + j + "]");
                }
            }
        }
    }

    private static Tensor[] replaced(List<In> inputs, int which, double[] values) {
        Tensor[] t = new Tensor[inputs.size()];
        for (int i = 0; i < t.length; i++) {
            double[] v = i == which ? values : inputs.get(i).values().clone();
            t[i] = Tensor.of(v, inputs.get(i).shape());
        }
        return t;
    }

    @Test
    void unaryOps() {
        In pos = in(0.2, 2, 2, 3);
        In mixed = new In(new double[] {-1.5, -0.4, 0.3, 0.8, 1.7, -2.2}, 2, 3);
        check("neg", x -> x[0].neg(), mixed);
        check("abs", x -> x[0].abs(), mixed);
        check("exp", x -> x[0].exp(), mixed);
        check("log", x -> x[0].log(), pos);
        check("sqrt", x -> x[0].sqrt(), pos);
        check("tanh", x -> x[0].tanh(), mixed);
        check("sigmoid", x -> x[0].sigmoid(), mixed);
        check("relu", x -> x[0].relu(), mixed);
        check("leakyRelu", x -> x[0].leakyRelu(0.2), mixed);
        check("softplus", x -> x[0].softplus(), mixed);
        check("logSigmoid", x -> x[0].logSigmoid(), mixed);
        check("pow 3", x -> x[0].pow(3.0), mixed);
        check("pow 2", x -> x[0].pow(2.0), mixed);
        check("pow -1.5", x -> x[0].pow(-1.5), pos);
        check("pow 0", x -> x[0].pow(0.0), mixed);
        check("square", x -> x[0].square(), mixed);
        check("clamp", x -> x[0].clamp(-1, 1), mixed);
        check("copy", x -> x[0].copy(), mixed);
        check("add scalar", x -> x[0].add(2.0).mul(3.0).sub(1.0).div(4.0), mixed);
    }

    @Test
    void binaryOpsWithBroadcasting() {
        In a = in(0.5, 2, 2, 3);
        In b = in(0.5, 2, 3);
        In col = in(-1, 1, 2, 1);
        check("add", x -> x[0].add(x[1]), a, b);
        check("sub", x -> x[0].sub(x[1]), a, col);
        check("sub", x -> x[1].sub(x[0]), a, b);
        check("mul", x -> x[0].mul(x[1]), a, col);
        check("div", x -> x[0].div(x[1]), a, b);
        check("div", x -> x[1].div(x[0]), a, b);
        check("pow", x -> x[0].pow(x[1]), a, col);
        In c = new In(new double[] {0.1, 0.9, 0.5, 1.2, 0.3, 0.7}, 2, 3);
        check("maximum", x -> x[0].maximum(x[1]), a, c);
        check("minimum", x -> x[0].minimum(x[1]), c, b);
        In cond = new In(new double[] {1, 0, 1, 0, 0, 1}, 2, 3);
        check("where", x -> Tensor.where(x[2].gt(0.5), x[0], x[1]), 2, a, b, cond);
    }

    @Test
    void reductions() {
        In a = new In(new double[] {0.1, 0.9, -0.5, 1.2, 0.3, 0.7, -2, 4, 1.5, 0.2, -0.1, 3}, 2, 2, 3);
        check("sum", x -> x[0].sum(), a);
        check("sum dims", x -> x[0].sum(new int[] {0, 2}, false), a);
        check("mean", x -> x[0].mean(), a);
        check("mean dims", x -> x[0].mean(new int[] {1}, true), a);
        check("max", x -> x[0].max(), a);
        check("max dims", x -> x[0].max(new int[] {-1}, false), a);
        check("variance", x -> x[0].variance(new int[] {0, 1}, 1, false), a);
        check("squaredNorm", x -> Tensor.squaredNorm(List.of(x[0], x[1])), a, in(-1, 1, 3));
    }

    @Test
    void shapeOps() {
        In a = in(-1, 1, 2, 3, 4);
        check("reshape", x -> x[0].reshape(4, -1), a);
        check("permute", x -> x[0].permute(2, 0, 1), a);
        check("transpose", x -> x[0].transpose(0, 2), a);
        check("slice", x -> x[0].slice(2, 1, 4, 2), a);
        check("slice of slice", x -> x[0].slice(1, 1, 3).slice(2, 0, 4, 3), a);
        check("cat", x -> Tensor.cat(1, x[0], x[1]), a, in(-1, 1, 2, 2, 4));
        check("expand", x -> x[0].expand(2, 3, 4), in(-1, 1, 3, 1));
        check("unsqueeze squeeze", x -> x[0].unsqueeze(1).mul(2.0).squeeze(1), a);
    }

    @Test
    void matmulAndConvolutions() {
        check("matmul", x -> x[0].matmul(x[1]), in(-1, 1, 2, 3), in(-1, 1, 3, 4));
        check("matmul ta", x -> x[0].matmul(x[1], true, false), in(-1, 1, 3, 2), in(-1, 1, 3, 4));
        check("matmul tb", x -> x[0].matmul(x[1], false, true), in(-1, 1, 2, 3), in(-1, 1, 4, 3));
        check("matmul ta tb", x -> x[0].matmul(x[1], true, true), in(-1, 1, 3, 2), in(-1, 1, 4, 3));
        check("matmul batch broadcast", x -> x[0].matmul(x[1]), in(-1, 1, 2, 1, 2, 3), in(-1, 1, 3, 3, 2));
        In img = in(-1, 1, 2, 2, 4, 4);
        In w = in(-1, 1, 3, 2, 2, 2);
        check("conv2d", x -> x[0].conv2d(x[1], 2, 1, 1, 0), img, w);
        In dy = in(-1, 1, 2, 3, 3, 3);
        check("conv2dBackwardData", x -> Tensor.conv2dBackwardData(x[0], x[1], new long[] {2, 2, 4, 4}, 1, 1, 0, 0),
                dy, w);
        check("conv2dBackwardWeight", x -> Tensor.conv2dBackwardWeight(x[0], x[1], new long[] {3, 2, 2, 2},
                1, 1, 0, 0), img, dy);
        check("convTranspose2d", x -> x[0].convTranspose2d(x[1], 2, 2, 1, 0, 1, 0), in(-1, 1, 1, 3, 3, 2), w);
    }

    @Test
    void secondDerivativesThroughComposedRules() {
        // leakyRelu's gradient g * (x > 0 ? 1 : 0.2) is linear in g; x gets none (a step function).
        In x = new In(new double[] {-1, 2, -3, 4}, 4);
        check("rectifierBackward", t -> Pointwise.rectifierBackward(t[1], t[0], 1.0, 0.2), 1, in(-1, 1, 4), x);
        check("unslice", t -> ShapeOps.unslice(t[0], new long[] {2, 5}, 1, 1, 2), in(-1, 1, 2, 2));
    }
}
