package io.gcgan.autograd;

import static org.junit.jupiter.api.Assertions.fail;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Autograd derivatives against central finite differences, in float64.
 *
 * <ul>
 *   <li>{@link #gradcheck}: for L(x) = sum(f(x) * W) with fixed random weights W of f's output shape (so a
 *       non-scalar output is covered in every element), dL/dx_i from {@link Autograd#grad} against
 *       (L(x + eps e_j) - L(x - eps e_j)) / (2 eps) for every element j of every input i.</li>
 *   <li>{@link #gradgradcheck}: the first derivative, computed with {@code createGraph}, differentiated again.
 *       With the cotangent W a differentiable input as well (as PyTorch's gradgradcheck does) and fixed random
 *       V_i of the inputs' shapes, h(x, W) = sum_i sum(vjp_i(x, W) * V_i), where vjp = Autograd.grad(f(x), x, W);
 *       dh/dx and dh/dW from autograd against finite differences of h. Linear ops (conv, matmul, add) have a
 *       zero dh/dx but a non-zero dh/dW, which is what their double backward rules compute.</li>
 * </ul>
 *
 * A pair passes when |analytic - numeric| <= atol + rtol * |numeric|. A failure names the op, the input (its
 * index and shape), the element (flat and multi-index), analytic and numeric values; the first few mismatches
 * are listed. The inputs given are only read: the checks build their own leaves from the values.
 */
final class GradCheck {

    static final double EPS = 1e-6;
    static final double ATOL = 1e-5;
    static final double RTOL = 1e-4;

    private static final int MAX_REPORTED = 8;

    private GradCheck() {
    }

    // ---- first derivative --------------------------------------------------------------------------------

    static void gradcheck(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps, double atol,
                          double rtol) {
        gradcheck("f", f, inputs, eps, atol, rtol);
    }

    static void gradcheck(String op, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        gradcheck(op, f, List.of(inputs), EPS, ATOL, RTOL);
    }

    static void gradcheck(String op, Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps,
                          double atol, double rtol) {
        Values x = Values.of(op, inputs);
        List<Tensor> leaves = x.leaves();
        Tensor y = f.apply(leaves);
        checkOutput(op, y);
        double[] w = weights(op.hashCode(), Math.toIntExact(y.numel()));
        Tensor loss = y.mul(Tensor.of(w, y.shape())).sum();
        List<Tensor> analytic = Autograd.grad(List.of(loss), leaves,
                List.of(Tensor.ones(DType.FLOAT64, Device.CPU)), false);
        Mismatches bad = new Mismatches("gradcheck " + op);
        for (int i = 0; i < x.count(); i++) {
            double[] a = checkedGradient(op, "input " + i, analytic.get(i), x.shapes[i]);
            for (int j = 0; j < a.length; j++) {
                double saved = x.values[i][j];
                x.values[i][j] = saved + eps;
                double plus = dot(evaluate(f, x), w);
                x.values[i][j] = saved - eps;
                double minus = dot(evaluate(f, x), w);
                x.values[i][j] = saved;
                bad.compare("input " + i, x.shapes[i], j, a[j], (plus - minus) / (2 * eps), atol, rtol);
            }
        }
        bad.throwIfAny();
    }

    // ---- second derivative -------------------------------------------------------------------------------

    static void gradgradcheck(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps, double atol,
                              double rtol) {
        gradgradcheck("f", f, inputs, eps, atol, rtol);
    }

    static void gradgradcheck(String op, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        gradgradcheck(op, f, List.of(inputs), EPS, ATOL, RTOL);
    }

    static void gradgradcheck(String op, Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps,
                              double atol, double rtol) {
        Values x = Values.of(op, inputs);
        long[] yShape;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            yShape = f.apply(x.constants()).shape();
        }
        double[] w = weights(op.hashCode(), Math.toIntExact(Shapes.numel(yShape)));
        double[][] v = new double[x.count()][];
        for (int i = 0; i < x.count(); i++) {
            v[i] = weights(op.hashCode() * 31 + i + 1, x.values[i].length);
        }

        // Analytic: h = sum_i <vjp_i(x, W), V_i>, differentiated with respect to every x_i and W.
        List<Tensor> leaves = x.leaves();
        Tensor wLeaf = Tensor.of(w.clone(), yShape).requiresGrad(true);
        Tensor y = f.apply(leaves);
        checkOutput(op, y);
        List<Tensor> vjp = Autograd.grad(List.of(y), leaves, List.of(wLeaf), true);
        Tensor h = null;
        for (int i = 0; i < x.count(); i++) {
            Tensor term = vjp.get(i).mul(Tensor.of(v[i], x.shapes[i])).sum();
            h = h == null ? term : h.add(term);
        }
        // h + 0 * sum(z) for every z: a z that h does not depend on (a linear op's input) gets an exact zero.
        List<Tensor> all = new ArrayList<>(leaves);
        all.add(wLeaf);
        for (Tensor z : all) {
            h = h.add(z.sum().mul(0.0));
        }
        List<Tensor> analytic = Autograd.grad(List.of(h), all, List.of(Tensor.ones(DType.FLOAT64, Device.CPU)),
                false);

        Mismatches bad = new Mismatches("gradgradcheck " + op);
        for (int i = 0; i <= x.count(); i++) {
            boolean isW = i == x.count();
            long[] shape = isW ? yShape : x.shapes[i];
            String what = isW ? "output gradient (cotangent)" : "input " + i;
            double[] values = isW ? w : x.values[i];
            double[] a = checkedGradient(op, what, analytic.get(i), shape);
            for (int j = 0; j < a.length; j++) {
                double saved = values[j];
                values[j] = saved + eps;
                double plus = firstDerivativeDotV(f, x, w, yShape, v);
                values[j] = saved - eps;
                double minus = firstDerivativeDotV(f, x, w, yShape, v);
                values[j] = saved;
                bad.compare(what, shape, j, a[j], (plus - minus) / (2 * eps), atol, rtol);
            }
        }
        bad.throwIfAny();
    }

    /** h(x, W) = sum_i <vjp_i(x, W), V_i>, the first derivative computed without recording. */
    private static double firstDerivativeDotV(Function<List<Tensor>, Tensor> f, Values x, double[] w,
                                              long[] yShape, double[][] v) {
        List<Tensor> leaves = x.leaves();
        Tensor y = f.apply(leaves);
        List<Tensor> vjp = Autograd.grad(List.of(y), leaves, List.of(Tensor.of(w.clone(), yShape)), false);
        double h = 0;
        for (int i = 0; i < x.count(); i++) {
            h += dot(vjp.get(i).toDoubleArray(), v[i]);
        }
        return h;
    }

    // ---- building blocks for checks of composed functions ------------------------------------------------

    /** Central differences of {@code fn} with respect to every element of {@code values} (perturbed in place). */
    static double[] numericGradient(double[] values, java.util.function.DoubleSupplier fn, double eps) {
        double[] out = new double[values.length];
        for (int j = 0; j < values.length; j++) {
            double saved = values[j];
            values[j] = saved + eps;
            double plus = fn.getAsDouble();
            values[j] = saved - eps;
            double minus = fn.getAsDouble();
            values[j] = saved;
            out[j] = (plus - minus) / (2 * eps);
        }
        return out;
    }

    /** Fails (naming check, what, shape, elements) where |analytic - numeric| > atol + rtol * |numeric|. */
    static void assertClose(String check, String what, long[] shape, double[] analytic, double[] numeric,
                            double atol, double rtol) {
        if (analytic.length != numeric.length) {
            fail(check + ": " + what + " has " + analytic.length + " analytic and " + numeric.length
                    + " numeric derivatives");
        }
        Mismatches bad = new Mismatches(check);
        for (int j = 0; j < analytic.length; j++) {
            bad.compare(what, shape, j, analytic[j], numeric[j], atol, rtol);
        }
        bad.throwIfAny();
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    /** Fixed pseudo-random weights in +-[0.5, 1.5] (never near zero, so no element is left unchecked). */
    static double[] weights(long seed, int n) {
        Random rnd = new Random(seed);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = (rnd.nextBoolean() ? 1 : -1) * (0.5 + rnd.nextDouble());
        }
        return w;
    }

    private static void checkOutput(String op, Tensor y) {
        if (y.dtype() != DType.FLOAT64) {
            fail(op + ": output is " + y.dtype().displayName() + "; checks run in float64");
        }
        if (!y.requiresGrad()) {
            fail(op + ": output " + Shapes.toString(y.shape()) + " does not require grad: nothing was recorded");
        }
    }

    private static double[] checkedGradient(String op, String what, Tensor g, long[] shape) {
        if (!Arrays.equals(g.shape(), shape)) {
            fail(op + ": gradient of " + what + " has shape " + Shapes.toString(g.shape()) + ", expected "
                    + Shapes.toString(shape));
        }
        if (g.dtype() != DType.FLOAT64) {
            fail(op + ": gradient of " + what + " is " + g.dtype().displayName() + ", expected float64");
        }
        if (g.requiresGrad()) {
            fail(op + ": gradient of " + what + " computed with createGraph=false requires grad");
        }
        return g.toDoubleArray();
    }

    private static double[] evaluate(Function<List<Tensor>, Tensor> f, Values x) {
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            return f.apply(x.constants()).toDoubleArray();
        }
    }

    static double dot(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dot: lengths " + a.length + " and " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Multi-index of flat element j of a row-major shape, e.g. [1, 0, 2]. */
    static String index(long[] shape, int j) {
        long[] idx = new long[shape.length];
        long rest = j;
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = rest % shape[d];
            rest /= shape[d];
        }
        return Arrays.toString(idx);
    }

    /** The checked inputs as host arrays that the finite differences perturb in place. */
    private record Values(long[][] shapes, double[][] values) {

        static Values of(String op, List<Tensor> inputs) {
            long[][] shapes = new long[inputs.size()][];
            double[][] values = new double[inputs.size()][];
            for (int i = 0; i < inputs.size(); i++) {
                Tensor t = inputs.get(i);
                if (t.dtype() != DType.FLOAT64) {
                    throw new IllegalArgumentException(op + ": input " + i + " is " + t.dtype().displayName()
                            + "; checks run in float64");
                }
                shapes[i] = t.shape();
                values[i] = t.toDoubleArray();
            }
            return new Values(shapes, values);
        }

        int count() {
            return shapes.length;
        }

        List<Tensor> leaves() {
            List<Tensor> out = new ArrayList<>();
            for (int i = 0; i < count(); i++) {
                out.add(Tensor.of(values[i].clone(), shapes[i]).requiresGrad(true));
            }
            return out;
        }

        List<Tensor> constants() {
            List<Tensor> out = new ArrayList<>();
            for (int i = 0; i < count(); i++) {
                out.add(Tensor.of(values[i].clone(), shapes[i]));
            }
            return out;
        }
    }

    /** Collects mismatches and fails with the first few. */
    private static final class Mismatches {
        private final String check;
        private final List<String> lines = new ArrayList<>();
        private int count;
        private int total;

        Mismatches(String check) {
            this.check = check;
        }

        void compare(String what, long[] shape, int j, double analytic, double numeric, double atol, double rtol) {
            total++;
            boolean ok = Math.abs(analytic - numeric) <= atol + rtol * Math.abs(numeric);
            if (!ok || Double.isNaN(analytic) || Double.isNaN(numeric)) {
                count++;
                if (lines.size() < MAX_REPORTED) {
                    lines.add(String.format("  %s %s element %d %s: analytic %.10g, numeric %.10g (diff %.3g)",
                            what, Shapes.toString(shape), j, index(shape, j), analytic, numeric,
                            analytic - numeric));
                }
            }
        }

        void throwIfAny() {
            if (count > 0) {
                fail(check + ": " + count + " of " + total + " derivatives differ from finite differences:\n"
                        + String.join("\n", lines));
            }
        }
    }
}
