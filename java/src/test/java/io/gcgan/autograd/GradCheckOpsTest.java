package io.gcgan.autograd;

import static io.gcgan.autograd.Fixtures.BROADCAST;
import static io.gcgan.autograd.Fixtures.awayFromZero;
import static io.gcgan.autograd.Fixtures.distinct;
import static io.gcgan.autograd.Fixtures.grid;
import static io.gcgan.autograd.Fixtures.positive;
import static io.gcgan.autograd.Fixtures.randn;
import static io.gcgan.autograd.Fixtures.str;
import static io.gcgan.autograd.GradCheck.gradcheck;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** First derivatives of every differentiable op against central finite differences (float64). */
class GradCheckOpsTest {

    /** A few random shapes of rank 0..4 with sizes 1..3, plus a fixed one with size-1 dimensions. */
    private static List<long[]> unaryShapes(long seed) {
        Random rnd = new Random(seed);
        List<long[]> shapes = new ArrayList<>();
        shapes.add(new long[] {});
        shapes.add(new long[] {2, 1, 3});
        for (int i = 0; i < 3; i++) {
            shapes.add(Fixtures.shape(rnd, 1 + rnd.nextInt(4)));
        }
        return shapes;
    }

    private interface Make {
        Tensor make(long seed, long[] shape);
    }

    private static void unary(String name, UnaryOperator<Tensor> op, Make make) {
        long seed = name.hashCode();
        for (long[] shape : unaryShapes(seed)) {
            gradcheck(name + " " + str(shape), in -> op.apply(in.get(0)), make.make(seed++, shape));
        }
    }

    /** The fixed broadcast table and some random broadcast-compatible pairs. */
    private static List<long[][]> binaryShapes(long seed) {
        List<long[][]> pairs = new ArrayList<>(List.of(BROADCAST));
        Random rnd = new Random(seed);
        for (int i = 0; i < 4; i++) {
            long[] out = Fixtures.shape(rnd, 1 + rnd.nextInt(3));
            long[] a = Fixtures.broadcastable(rnd, out);
            long[] b = rnd.nextBoolean() ? out : Fixtures.broadcastable(rnd, out);
            pairs.add(rnd.nextBoolean() ? new long[][] {a, b} : new long[][] {b, a});
        }
        return pairs;
    }

    private static void binary(String name, BiFunction<Tensor, Tensor, Tensor> op, Make makeA, Make makeB) {
        long seed = name.hashCode();
        for (long[][] p : binaryShapes(seed)) {
            gradcheck(name + " " + str(p[0]) + " " + str(p[1]), in -> op.apply(in.get(0), in.get(1)),
                    makeA.make(seed++, p[0]), makeB.make(seed++, p[1]));
        }
    }

    private static final Make NORMAL = Fixtures::randn;
    private static final Make AWAY = (s, shape) -> awayFromZero(s, 0.1, shape);
    private static final Make POSITIVE = (s, shape) -> positive(s, 0.3, shape);

    // ---- unary -------------------------------------------------------------------------------------------

    @Test
    void neg() {
        unary("neg", Tensor::neg, NORMAL);
    }

    @Test
    void abs() {
        unary("abs", Tensor::abs, AWAY);
    }

    @Test
    void exp() {
        unary("exp", Tensor::exp, NORMAL);
    }

    @Test
    void log() {
        unary("log", Tensor::log, POSITIVE);
    }

    @Test
    void sqrt() {
        unary("sqrt", Tensor::sqrt, POSITIVE);
        // The penalty's form: epsilon inside the square root, inputs through and near 0.
        unary("sqrt(x^2 + 1e-3)", x -> x.square().add(1e-3).sqrt(), (s, shape) -> randn(s, 0.1, shape));
    }

    @Test
    void tanh() {
        unary("tanh", Tensor::tanh, (s, shape) -> randn(s, 1.5, shape));
    }

    @Test
    void sigmoid() {
        unary("sigmoid", Tensor::sigmoid, (s, shape) -> randn(s, 3, shape));
    }

    @Test
    void relu() {
        unary("relu", Tensor::relu, AWAY);
    }

    @Test
    void leakyRelu() {
        unary("leakyRelu(0.2)", x -> x.leakyRelu(0.2), AWAY);
        unary("leakyRelu(0.01)", x -> x.leakyRelu(0.01), AWAY);
    }

    @Test
    void softplus() {
        unary("softplus", Tensor::softplus, (s, shape) -> randn(s, 5, shape));
        gradcheck("softplus large |x|", in -> in.get(0).softplus(),
                Tensor.of(new double[] {-40, -15, -1e-3, 0, 12, 40}, 6));
    }

    @Test
    void logSigmoid() {
        unary("logSigmoid", Tensor::logSigmoid, (s, shape) -> randn(s, 5, shape));
        gradcheck("logSigmoid large |x|", in -> in.get(0).logSigmoid(),
                Tensor.of(new double[] {-40, -15, -1e-3, 0, 12, 40}, 6));
    }

    @Test
    void powScalar() {
        for (double p : new double[] {2, 3, 0.5, 2.7, -1.5, 1, 0}) {
            unary("pow(" + p + ") positive", x -> x.pow(p), POSITIVE);
        }
        for (double p : new double[] {2, 3, -1}) {
            unary("pow(" + p + ") signed", x -> x.pow(p), AWAY);
        }
        unary("square", Tensor::square, NORMAL);
    }

    @Test
    void clamp() {
        // Values at least 0.05 away from the bounds -0.5 and 0.5; inside and outside both occur.
        unary("clamp(-0.5, 0.5)", x -> x.clamp(-0.5, 0.5), (s, shape) -> Fixtures.map(randn(s, shape),
                v -> Math.abs(Math.abs(v) - 0.5) < 0.05 ? v + Math.copySign(0.1, v) : v));
    }

    // ---- binary ------------------------------------------------------------------------------------------

    @Test
    void add() {
        binary("add", Tensor::add, NORMAL, NORMAL);
        unary("add scalar", x -> x.add(0.75), NORMAL);
    }

    @Test
    void sub() {
        binary("sub", Tensor::sub, NORMAL, NORMAL);
        unary("sub scalar", x -> x.sub(0.75), NORMAL);
    }

    @Test
    void mul() {
        binary("mul", Tensor::mul, NORMAL, NORMAL);
        unary("mul scalar", x -> x.mul(-1.25), NORMAL);
        unary("x * x (same tensor twice)", x -> x.mul(x), NORMAL);
    }

    @Test
    void div() {
        binary("div", Tensor::div, NORMAL, AWAY);
        unary("div scalar", x -> x.div(-1.25), NORMAL);
        unary("x / x^2", x -> x.div(x.square().add(1.0)), NORMAL);
    }

    @Test
    void powTensor() {
        binary("pow(tensor)", Tensor::pow, POSITIVE, (s, shape) -> randn(s, 0.8, shape));
    }

    @Test
    void maximumMinimum() {
        // a on the grid k/10 + 0.05, b on k/10: never within 0.05 of each other.
        Make a = (s, shape) -> grid(s, 0.05, shape);
        Make b = (s, shape) -> grid(s, 0, shape);
        binary("maximum", Tensor::maximum, a, b);
        binary("minimum", Tensor::minimum, a, b);
        unary("maximum scalar", x -> x.maximum(0.05), (s, shape) -> grid(s, 0, shape));
        unary("minimum scalar", x -> x.minimum(0.05), (s, shape) -> grid(s, 0, shape));
    }

    @Test
    void where() {
        long[][][] cases = {
                // cond, a, b
                {{3, 1}, {3, 4}, {4}},
                {{2, 3}, {}, {2, 3}},
                {{2, 3}, {2, 3}, {1}},
                {{4}, {2, 1}, {2, 4}},
        };
        long seed = 11;
        for (long[][] c : cases) {
            Tensor cond = Fixtures.map(randn(seed++, c[0]), v -> v > 0 ? 1 : 0);
            gradcheck("where " + str(c[0]) + " " + str(c[1]) + " " + str(c[2]),
                    in -> Tensor.where(cond, in.get(0), in.get(1)), randn(seed++, c[1]), randn(seed++, c[2]));
        }
    }

    @Test
    void constantOperands() {
        // Ops where only some operands require grad (the others get no gradient rule run).
        Tensor c23 = randn(30, 2, 3);
        Tensor c3 = Fixtures.awayFromZero(31, 0.3, 3);
        gradcheck("mul(x, const)", in -> in.get(0).mul(c23), randn(32, 2, 3));
        gradcheck("mul(const, x) broadcast", in -> c23.mul(in.get(0)), randn(33, 3));
        gradcheck("div(const, x)", in -> c23.div(in.get(0)), Fixtures.awayFromZero(34, 0.3, 3));
        gradcheck("div(x, const)", in -> in.get(0).div(c3), randn(35, 2, 3));
        gradcheck("sub(const, x)", in -> c23.sub(in.get(0)), randn(36, 2, 1));
        gradcheck("pow(const, x)", in -> c3.abs().pow(in.get(0)), randn(37, 2, 3));
        gradcheck("pow(x, const)", in -> in.get(0).pow(c3), positive(38, 0.3, 2, 3));
        gradcheck("maximum(const, x)", in -> Fixtures.grid(39, 0, 2, 3).maximum(in.get(0)),
                Fixtures.grid(40, 0.05, 3));
        gradcheck("where(cond, const, x)", in -> Tensor.where(c23.gt(0.0), c23, in.get(0)), randn(41, 3));
        gradcheck("cat(const, x, const)", in -> Tensor.cat(1, c23, in.get(0), c23), randn(42, 2, 2));
        gradcheck("matmul(const, x)", in -> c23.matmul(in.get(0)), randn(43, 3, 2));
        gradcheck("matmul(x, const^T)", in -> in.get(0).matmul(c23, false, true), randn(44, 4, 3));
        Tensor w = randn(45, 2, 2, 3, 3);
        gradcheck("conv2d(x, const w)", in -> in.get(0).conv2d(w, 1, 1, 1, 1), randn(46, 1, 2, 4, 4));
        Tensor x = randn(47, 1, 2, 4, 4);
        gradcheck("conv2d(const x, w)", in -> x.conv2d(in.get(0), 2, 2, 1, 1), randn(48, 2, 2, 3, 3));
    }

    @Test
    void powScalarZeroExponentAtZero() {
        // d/dx x^0 = 0 everywhere (also at x = 0, where the rule's 0 * x^-1 would be 0 * inf).
        Tensor x = Tensor.of(new double[] {0, 1.5}, 2).requiresGrad(true);
        Tensor g = Autograd.grad(x.pow(0.0).sum(), x, false);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0}, g.toDoubleArray(), 0,
                "d/dx pow(x, 0) at x = [0, 1.5]");
    }

    @Test
    void powTensorAtZeroBase() {
        // d/db 0^b = 0 for b > 0 (the rule's out * log(a) would be 0 * -inf).
        Tensor base = Tensor.of(new double[] {0, 0}, 2);
        Tensor b = Tensor.of(new double[] {2, 0.5}, 2).requiresGrad(true);
        Tensor gb = Autograd.grad(base.pow(b).sum(), b, false);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0}, gb.toDoubleArray(), 0,
                "d/db pow(0, b) at b = [2, 0.5]");
    }

    // ---- reductions --------------------------------------------------------------------------------------

    private static final int[][] DIM_SETS = {{}, {0}, {1}, {2}, {-1}, {0, 2}, {1, 2}, {2, 0}, {0, 1, 2}};
    private static final long[][] REDUCE_SHAPES = {{2, 3, 4}, {3, 1, 2}};

    private static void reduction(String name, Function<Tensor, BiFunction<int[], Boolean, Tensor>> op, Make make) {
        long seed = name.hashCode();
        for (long[] shape : REDUCE_SHAPES) {
            for (int[] dims : DIM_SETS) {
                for (boolean keep : new boolean[] {false, true}) {
                    gradcheck(name + " " + str(shape) + " dims " + java.util.Arrays.toString(dims) + " keepDim " + keep,
                            in -> op.apply(in.get(0)).apply(dims, keep), make.make(seed++, shape));
                }
            }
        }
    }

    @Test
    void sum() {
        reduction("sum", x -> x::sum, NORMAL);
        gradcheck("sum()", in -> in.get(0).sum(), randn(3, 2, 3));
        gradcheck("sum() of rank 0", in -> in.get(0).sum(), randn(4));
    }

    @Test
    void mean() {
        reduction("mean", x -> x::mean, NORMAL);
        gradcheck("mean()", in -> in.get(0).mean(), randn(5, 2, 3));
    }

    @Test
    void max() {
        reduction("max", x -> x::max, Fixtures::distinct);
        gradcheck("max()", in -> in.get(0).max(), distinct(6, 3, 4));
    }

    @Test
    void variance() {
        long seed = 70;
        for (int correction : new int[] {0, 1}) {
            for (int[] dims : new int[][] {{}, {0}, {1, 2}, {-1}, {0, 2}}) {
                for (boolean keep : new boolean[] {false, true}) {
                    gradcheck("variance " + java.util.Arrays.toString(dims) + " correction " + correction
                                    + " keepDim " + keep,
                            in -> in.get(0).variance(dims, correction, keep), randn(seed++, 2, 3, 4));
                }
            }
        }
    }

    // ---- shape -------------------------------------------------------------------------------------------

    @Test
    void reshapeFamily() {
        long[][] targets = {{6, 4}, {4, -1}, {24}, {2, 1, 12}, {1, 2, 3, 4}, {-1}};
        long seed = 90;
        for (long[] t : targets) {
            gradcheck("reshape " + str(t), in -> in.get(0).reshape(t), randn(seed++, 2, 3, 4));
        }
        for (int d : new int[] {0, 1, 2, -1}) {
            gradcheck("flattenFrom(" + d + ")", in -> in.get(0).flattenFrom(d), randn(seed++, 2, 3, 4));
        }
        for (int d : new int[] {0, 1, 3, -1, -4}) {
            gradcheck("unsqueeze(" + d + ")", in -> in.get(0).unsqueeze(d), randn(seed++, 2, 3, 4));
        }
        for (int d : new int[] {1, 3, -1, -3}) {
            gradcheck("squeeze(" + d + ")", in -> in.get(0).squeeze(d), randn(seed++, 2, 1, 3, 1));
        }
    }

    @Test
    void permuteTranspose() {
        int[][] perms3 = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}, {-1, 0, -2}};
        long seed = 120;
        for (int[] p : perms3) {
            gradcheck("permute " + java.util.Arrays.toString(p), in -> in.get(0).permute(p), randn(seed++, 2, 3, 4));
        }
        int[][] perms4 = {{0, 2, 3, 1}, {3, 1, 0, 2}, {1, 0, 3, 2}};
        for (int[] p : perms4) {
            gradcheck("permute " + java.util.Arrays.toString(p), in -> in.get(0).permute(p),
                    randn(seed++, 2, 1, 3, 2));
        }
        int[][] pairs = {{0, 1}, {0, 2}, {-1, -2}, {1, 1}};
        for (int[] t : pairs) {
            gradcheck("transpose " + t[0] + " " + t[1], in -> in.get(0).transpose(t[0], t[1]), randn(seed++, 2, 3, 4));
        }
    }

    @Test
    void slice() {
        // dim, start, end, step on [5, 4, 3]
        long[][] cases = {{0, 1, 5, 2}, {1, 0, 4, 3}, {-1, 1, 3, 1}, {0, 0, 5, 5}, {2, 0, 3, 1}, {1, 1, 4, 2},
                {0, 2, 3, 1}};
        long seed = 140;
        for (long[] c : cases) {
            int dim = (int) c[0];
            gradcheck("slice dim " + dim + " [" + c[1] + ", " + c[2] + ") step " + c[3],
                    in -> in.get(0).slice(dim, c[1], c[2], c[3]), randn(seed++, 5, 4, 3));
        }
    }

    @Test
    void cat() {
        long seed = 160;
        for (int dim : new int[] {0, 1, 2, -1, -3}) {
            int d = dim < 0 ? dim + 3 : dim;
            long[][] shapes = new long[3][];
            for (int i = 0; i < 3; i++) {
                shapes[i] = new long[] {2, 3, 2};
                shapes[i][d] = i + 1;
            }
            gradcheck("cat dim " + dim, in -> Tensor.cat(dim, in.get(0), in.get(1), in.get(2)),
                    randn(seed++, shapes[0]), randn(seed++, shapes[1]), randn(seed++, shapes[2]));
        }
        // One input used twice in the same cat.
        gradcheck("cat(x, y, x)", in -> Tensor.cat(1, in.get(0), in.get(1), in.get(0)),
                randn(seed++, 2, 2), randn(seed, 2, 1));
    }

    @Test
    void expand() {
        long[][][] cases = {{{3, 1}, {2, 3, 4}}, {{1}, {3, 2}}, {{}, {2, 2}}, {{2, 1, 3}, {2, 4, 3}},
                {{1, 3}, {1, 3}}, {{3}, {2, 1, 3}}};
        long seed = 180;
        for (long[][] c : cases) {
            gradcheck("expand " + str(c[0]) + " -> " + str(c[1]), in -> in.get(0).expand(c[1]), randn(seed++, c[0]));
        }
    }

    @Test
    void copyAndDtypeRoundTrip() {
        gradcheck("copy", in -> in.get(0).copy(), randn(200, 2, 3));
        gradcheck("copy * copy", in -> in.get(0).copy().mul(in.get(0).copy()), randn(201, 2, 3));
        gradcheck("to(float64) (identity)", in -> in.get(0).to(DType.FLOAT64).mul(2.0), randn(202, 3));
        // Through float32 the values are rounded (relative 6e-8), so the step is larger and the tolerance wider.
        gradcheck("to(float32).to(float64)", in -> in.get(0).to(DType.FLOAT32).to(DType.FLOAT64).square(),
                List.of(randn(203, 2, 3)), 1e-3, 1e-3, 1e-3);
    }

    // ---- linear algebra ----------------------------------------------------------------------------------

    @Test
    void matmul() {
        // a, b as stored, transposeA, transposeB
        Object[][] cases = {
                {new long[] {3, 4}, new long[] {4, 2}, false, false},
                {new long[] {4, 3}, new long[] {4, 2}, true, false},
                {new long[] {3, 4}, new long[] {2, 4}, false, true},
                {new long[] {4, 3}, new long[] {2, 4}, true, true},
                {new long[] {2, 3, 4}, new long[] {2, 4, 5}, false, false},
                {new long[] {2, 4, 3}, new long[] {2, 5, 4}, true, true},
                {new long[] {2, 1, 3, 4}, new long[] {3, 4, 2}, false, false},
                {new long[] {2, 1, 4, 3}, new long[] {3, 2, 4}, true, true},
                {new long[] {2, 1, 3, 4}, new long[] {1, 3, 2, 4}, false, true},
                {new long[] {3, 4}, new long[] {2, 4, 5}, false, false},
                {new long[] {2, 4, 3}, new long[] {4, 2}, true, false},
                {new long[] {1, 3, 4}, new long[] {2, 4, 1}, false, false},
                {new long[] {1, 1}, new long[] {1, 3}, false, false},
        };
        long seed = 220;
        for (Object[] c : cases) {
            long[] a = (long[]) c[0];
            long[] b = (long[]) c[1];
            boolean ta = (Boolean) c[2];
            boolean tb = (Boolean) c[3];
            gradcheck("matmul " + str(a) + (ta ? "^T" : "") + " @ " + str(b) + (tb ? "^T" : ""),
                    in -> in.get(0).matmul(in.get(1), ta, tb), randn(seed++, a), randn(seed++, b));
        }
        gradcheck("matmul x @ x", in -> in.get(0).matmul(in.get(0)), randn(seed++, 3, 3));
        gradcheck("matmul x^T @ x", in -> in.get(0).matmul(in.get(0), true, false), randn(seed, 3, 2));
    }

    /** x shape, w shape, strideH, strideW, padH, padW. */
    static final long[][][] CONV_CASES = {
            {{2, 2, 5, 5}, {3, 2, 3, 3}, {1, 1, 1, 1}},
            {{1, 3, 6, 5}, {2, 3, 2, 3}, {2, 1, 0, 1}},
            {{2, 1, 7, 7}, {2, 1, 3, 3}, {2, 2, 1, 1}},
            {{2, 2, 6, 6}, {2, 2, 3, 3}, {2, 2, 0, 0}},
            {{1, 2, 5, 6}, {1, 2, 1, 1}, {1, 1, 0, 0}},
            {{1, 2, 4, 4}, {2, 2, 4, 4}, {1, 1, 0, 0}},
            {{1, 1, 5, 4}, {2, 1, 3, 2}, {1, 2, 2, 0}},
            {{1, 2, 7, 5}, {2, 2, 3, 1}, {3, 2, 1, 0}},
    };

    static String conv(long[][] c) {
        return "x " + str(c[0]) + " w " + str(c[1]) + " stride (" + c[2][0] + ", " + c[2][1] + ") pad (" + c[2][2]
                + ", " + c[2][3] + ")";
    }

    /** The conv2d output shape for a case. */
    static long[] yShape(long[][] c) {
        long p = (c[0][2] + 2 * c[2][2] - c[1][2]) / c[2][0] + 1;
        long q = (c[0][3] + 2 * c[2][3] - c[1][3]) / c[2][1] + 1;
        return new long[] {c[0][0], c[1][0], p, q};
    }

    @Test
    void conv2d() {
        long seed = 260;
        for (long[][] c : CONV_CASES) {
            int[] s = {(int) c[2][0], (int) c[2][1], (int) c[2][2], (int) c[2][3]};
            gradcheck("conv2d " + conv(c), in -> in.get(0).conv2d(in.get(1), s[0], s[1], s[2], s[3]),
                    randn(seed++, c[0]), randn(seed++, c[1]));
        }
    }

    @Test
    void conv2dBackwardData() {
        long seed = 300;
        for (long[][] c : CONV_CASES) {
            int[] s = {(int) c[2][0], (int) c[2][1], (int) c[2][2], (int) c[2][3]};
            gradcheck("conv2dBackwardData " + conv(c),
                    in -> Tensor.conv2dBackwardData(in.get(0), in.get(1), c[0], s[0], s[1], s[2], s[3]),
                    randn(seed++, yShape(c)), randn(seed++, c[1]));
        }
    }

    @Test
    void conv2dBackwardWeight() {
        long seed = 340;
        for (long[][] c : CONV_CASES) {
            int[] s = {(int) c[2][0], (int) c[2][1], (int) c[2][2], (int) c[2][3]};
            gradcheck("conv2dBackwardWeight " + conv(c),
                    in -> Tensor.conv2dBackwardWeight(in.get(0), in.get(1), c[1], s[0], s[1], s[2], s[3]),
                    randn(seed++, c[0]), randn(seed++, yShape(c)));
        }
    }

    /** x shape, w shape [Cin, Cout, R, S], strideH, strideW, padH, padW, outPadH, outPadW. */
    static final long[][][] CONV_TRANSPOSE_CASES = {
            {{1, 2, 3, 3}, {2, 3, 3, 3}, {2, 2, 1, 1, 1, 1}},
            {{2, 2, 3, 2}, {2, 1, 3, 2}, {2, 3, 0, 1, 1, 2}},
            {{1, 3, 2, 3}, {3, 2, 2, 2}, {1, 1, 0, 0, 0, 0}},
            {{2, 1, 3, 3}, {1, 2, 4, 4}, {2, 2, 1, 1, 0, 0}},
            {{1, 2, 2, 2}, {2, 2, 3, 1}, {3, 2, 1, 0, 2, 1}},
    };

    static String convTranspose(long[][] c) {
        return "x " + str(c[0]) + " w " + str(c[1]) + " stride (" + c[2][0] + ", " + c[2][1] + ") pad (" + c[2][2]
                + ", " + c[2][3] + ") outPad (" + c[2][4] + ", " + c[2][5] + ")";
    }

    @Test
    void convTranspose2d() {
        long seed = 380;
        for (long[][] c : CONV_TRANSPOSE_CASES) {
            int[] s = new int[6];
            for (int i = 0; i < 6; i++) {
                s[i] = (int) c[2][i];
            }
            gradcheck("convTranspose2d " + convTranspose(c),
                    in -> in.get(0).convTranspose2d(in.get(1), s[0], s[1], s[2], s[3], s[4], s[5]),
                    randn(seed++, c[0]), randn(seed++, c[1]));
        }
    }

    /** The fused batch normalization (one backend call each way) over every layout BatchNormShape covers. */
    @Test
    void fusedBatchNorm() {
        long seed = 400;
        long[][] shapes = {{4, 3}, {3, 2, 5}, {2, 3, 2, 3}, {1, 2, 3, 2}, {5, 1, 2}};
        for (long[] shape : shapes) {
            long c = shape[1];
            gradcheck("batchNorm " + str(shape) + " affine",
                    in -> in.get(0).batchNorm(in.get(1), in.get(2), 1e-5).output(),
                    randn(seed++, shape), awayFromZero(seed++, 0.5, c), randn(seed++, c));
            gradcheck("batchNorm " + str(shape), in -> in.get(0).batchNorm(null, null, 1e-3).output(),
                    randn(seed++, shape));
        }
    }

    /** The squared norm of a list of tensors (one backend call): d/dx_i = 2 x_i. */
    @Test
    void squaredNormOfAList() {
        gradcheck("squaredNorm", in -> Tensor.squaredNorm(in), randn(410, 3, 2), randn(411, 5), randn(412, 1));
        gradcheck("squaredNorm of one", in -> Tensor.squaredNorm(in), randn(413, 2, 2, 2));
    }
}
