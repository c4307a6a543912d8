package io.gcgan.autograd;

import static io.gcgan.autograd.Fixtures.BROADCAST;
import static io.gcgan.autograd.Fixtures.awayFromZero;
import static io.gcgan.autograd.Fixtures.positive;
import static io.gcgan.autograd.Fixtures.randn;
import static io.gcgan.autograd.Fixtures.str;
import static io.gcgan.autograd.GradCheck.gradgradcheck;
import static io.gcgan.autograd.GradCheckOpsTest.CONV_CASES;
import static io.gcgan.autograd.GradCheckOpsTest.CONV_TRANSPOSE_CASES;
import static io.gcgan.autograd.GradCheckOpsTest.conv;
import static io.gcgan.autograd.GradCheckOpsTest.convTranspose;
import static io.gcgan.autograd.GradCheckOpsTest.yShape;

import io.gcgan.tensor.Tensor;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Second derivatives (derivative of the createGraph gradient, with respect to the inputs and to the output
 * gradient) of every op a gradient penalty passes through in a discriminator, against finite differences.
 */
class GradGradCheckOpsTest {

    private static final long[][] UNARY_SHAPES = {{}, {2, 1, 3}, {3, 2}};

    private static void unary(String name, UnaryOperator<Tensor> op, double scale) {
        long seed = name.hashCode();
        for (long[] shape : UNARY_SHAPES) {
            gradgradcheck(name + " " + str(shape), in -> op.apply(in.get(0)), randn(seed++, scale, shape));
        }
    }

    private static void unaryAway(String name, UnaryOperator<Tensor> op) {
        long seed = name.hashCode();
        for (long[] shape : UNARY_SHAPES) {
            gradgradcheck(name + " " + str(shape), in -> op.apply(in.get(0)), awayFromZero(seed++, 0.1, shape));
        }
    }

    private static void binary(String name, BiFunction<Tensor, Tensor, Tensor> op, boolean bAwayFromZero) {
        long seed = name.hashCode();
        for (long[][] p : BROADCAST) {
            Tensor b = bAwayFromZero ? awayFromZero(seed++, 0.3, p[1]) : randn(seed++, p[1]);
            gradgradcheck(name + " " + str(p[0]) + " " + str(p[1]), in -> op.apply(in.get(0), in.get(1)),
                    randn(seed++, p[0]), b);
        }
    }

    // ---- pointwise ---------------------------------------------------------------------------------------

    @Test
    void leakyReluAndRelu() {
        unaryAway("leakyRelu(0.2)", x -> x.leakyRelu(0.2));
        unaryAway("relu", Tensor::relu);
        // Composed with a smooth op, the first derivative's mask must stay a constant.
        unaryAway("leakyRelu(0.2)^2", x -> x.leakyRelu(0.2).square());
    }

    @Test
    void tanh() {
        unary("tanh", Tensor::tanh, 1.5);
    }

    @Test
    void sigmoid() {
        unary("sigmoid", Tensor::sigmoid, 2);
    }

    @Test
    void softplus() {
        unary("softplus", Tensor::softplus, 3);
    }

    @Test
    void logSigmoid() {
        unary("logSigmoid", Tensor::logSigmoid, 3);
    }

    @Test
    void squareAndPow() {
        unary("square", Tensor::square, 1);
        unary("pow(3)", x -> x.pow(3.0), 1);
        long seed = 40;
        for (double p : new double[] {0.5, 2.5, -1.5, 1}) {
            gradgradcheck("pow(" + p + ") positive", in -> in.get(0).pow(p), positive(seed++, 0.4, 2, 3));
        }
        gradgradcheck("pow(tensor)", in -> in.get(0).pow(in.get(1)), positive(seed++, 0.4, 2, 3),
                randn(seed, 0.8, 3));
    }

    @Test
    void sqrtWithEpsilonInside() {
        unary("sqrt(x^2 + 1e-3)", x -> x.square().add(1e-3).sqrt(), 0.5);
        gradgradcheck("sqrt positive", in -> in.get(0).sqrt(), positive(50, 0.4, 2, 3));
        // The penalty's norm: sqrt(sum over a row of g^2 + 1e-12).
        gradgradcheck("sqrt(sum(x^2, dim 1) + 1e-12)",
                in -> in.get(0).square().sum(new int[] {1}, false).add(1e-12).sqrt(), randn(51, 3, 4));
    }

    @Test
    void exp() {
        unary("exp", Tensor::exp, 1);
    }

    @Test
    void addSubMulDiv() {
        binary("add", Tensor::add, false);
        binary("sub", Tensor::sub, false);
        binary("mul", Tensor::mul, false);
        binary("div", Tensor::div, true);
        gradgradcheck("x * x", in -> in.get(0).mul(in.get(0)), randn(60, 2, 3));
        gradgradcheck("x / (1 + x^2)", in -> in.get(0).div(in.get(0).square().add(1.0)), randn(61, 3));
    }

    // ---- reductions --------------------------------------------------------------------------------------

    @Test
    void sumMean() {
        long seed = 70;
        for (int[] dims : new int[][] {{}, {0}, {1, 2}, {-1}, {0, 2}}) {
            for (boolean keep : new boolean[] {false, true}) {
                String d = Arrays.toString(dims) + " keepDim " + keep;
                gradgradcheck("sum " + d, in -> in.get(0).sum(dims, keep), randn(seed++, 2, 3, 2));
                gradgradcheck("mean " + d, in -> in.get(0).mean(dims, keep), randn(seed++, 2, 3, 2));
                // Reduction of a non-linear function, so the second derivative with respect to x is not 0.
                gradgradcheck("sum(x^3) " + d, in -> in.get(0).pow(3.0).sum(dims, keep), randn(seed++, 2, 3, 2));
                gradgradcheck("mean(x)^2 " + d, in -> in.get(0).mean(dims, keep).square(), randn(seed++, 2, 3, 2));
            }
        }
    }

    @Test
    void variance() {
        long seed = 90;
        for (int correction : new int[] {0, 1}) {
            for (int[] dims : new int[][] {{0}, {0, 2}, {}}) {
                gradgradcheck("variance " + Arrays.toString(dims) + " correction " + correction,
                        in -> in.get(0).variance(dims, correction, true), randn(seed++, 2, 3, 2));
            }
        }
    }

    // ---- shape -------------------------------------------------------------------------------------------

    @Test
    void shapeOps() {
        long seed = 100;
        // Each composed with a square so that the second derivative with respect to x is not zero either.
        gradgradcheck("reshape", in -> in.get(0).reshape(4, -1).square(), randn(seed++, 2, 3, 2));
        gradgradcheck("flattenFrom(1)", in -> in.get(0).flattenFrom(1).square(), randn(seed++, 2, 3, 2));
        gradgradcheck("unsqueeze/squeeze", in -> in.get(0).unsqueeze(1).square().squeeze(1), randn(seed++, 2, 3));
        gradgradcheck("permute", in -> in.get(0).permute(2, 0, 1).square(), randn(seed++, 2, 3, 2));
        gradgradcheck("transpose", in -> in.get(0).transpose(0, 1).tanh(), randn(seed++, 2, 3));
        gradgradcheck("slice step 2", in -> in.get(0).slice(1, 1, 5, 2).square(), randn(seed++, 2, 5, 2));
        gradgradcheck("slice step 1", in -> in.get(0).slice(0, 1, 3).tanh(), randn(seed++, 3, 2));
        gradgradcheck("cat", in -> Tensor.cat(1, in.get(0), in.get(1).square(), in.get(2)).tanh(),
                randn(seed++, 2, 1, 2), randn(seed++, 2, 2, 2), randn(seed++, 2, 3, 2));
        gradgradcheck("cat dim 0 linear", in -> Tensor.cat(0, in.get(0), in.get(1), in.get(2)),
                randn(seed++, 1, 2), randn(seed++, 2, 2), randn(seed++, 1, 2));
        gradgradcheck("expand", in -> in.get(0).expand(2, 3, 2).square(), randn(seed++, 3, 1));
        gradgradcheck("expand linear", in -> in.get(0).expand(2, 2, 3), randn(seed, 1, 3));
    }

    // ---- linear algebra ----------------------------------------------------------------------------------

    @Test
    void matmul() {
        Object[][] cases = {
                {new long[] {3, 4}, new long[] {4, 2}, false, false},
                {new long[] {4, 3}, new long[] {4, 2}, true, false},
                {new long[] {3, 4}, new long[] {2, 4}, false, true},
                {new long[] {4, 3}, new long[] {2, 4}, true, true},
                {new long[] {2, 1, 2, 3}, new long[] {2, 3, 2}, false, false},
                {new long[] {2, 3, 2}, new long[] {2, 3}, true, true},
        };
        long seed = 120;
        for (Object[] c : cases) {
            long[] a = (long[]) c[0];
            long[] b = (long[]) c[1];
            boolean ta = (Boolean) c[2];
            boolean tb = (Boolean) c[3];
            gradgradcheck("matmul " + str(a) + (ta ? "^T" : "") + " @ " + str(b) + (tb ? "^T" : ""),
                    in -> in.get(0).matmul(in.get(1), ta, tb), randn(seed++, a), randn(seed++, b));
        }
        gradgradcheck("tanh(x @ w)", in -> in.get(0).matmul(in.get(1)).tanh(), randn(seed++, 2, 3),
                randn(seed++, 3, 2));
        gradgradcheck("x @ x^T", in -> in.get(0).matmul(in.get(0), false, true), randn(seed, 2, 3));
    }

    private static final long[][][] CONV2 = {CONV_CASES[0], CONV_CASES[2], CONV_CASES[3], CONV_CASES[6]};

    private static int[] geometry(long[][] c) {
        return new int[] {(int) c[2][0], (int) c[2][1], (int) c[2][2], (int) c[2][3]};
    }

    @Test
    void conv2d() {
        long seed = 140;
        for (long[][] c : CONV2) {
            int[] s = geometry(c);
            gradgradcheck("conv2d " + conv(c), in -> in.get(0).conv2d(in.get(1), s[0], s[1], s[2], s[3]),
                    randn(seed++, c[0]), randn(seed++, c[1]));
        }
        long[][] c = CONV_CASES[0];
        int[] s = geometry(c);
        gradgradcheck("tanh(conv2d) " + conv(c), in -> in.get(0).conv2d(in.get(1), s[0], s[1], s[2], s[3]).tanh(),
                randn(seed++, c[0]), randn(seed, c[1]));
    }

    @Test
    void conv2dBackwardData() {
        long seed = 160;
        for (long[][] c : CONV2) {
            int[] s = geometry(c);
            gradgradcheck("conv2dBackwardData " + conv(c),
                    in -> Tensor.conv2dBackwardData(in.get(0), in.get(1), c[0], s[0], s[1], s[2], s[3]),
                    randn(seed++, yShape(c)), randn(seed++, c[1]));
        }
    }

    @Test
    void conv2dBackwardWeight() {
        long seed = 180;
        for (long[][] c : CONV2) {
            int[] s = geometry(c);
            gradgradcheck("conv2dBackwardWeight " + conv(c),
                    in -> Tensor.conv2dBackwardWeight(in.get(0), in.get(1), c[1], s[0], s[1], s[2], s[3]),
                    randn(seed++, c[0]), randn(seed++, yShape(c)));
        }
    }

    @Test
    void convTranspose2d() {
        long seed = 200;
        for (long[][] c : new long[][][] {CONV_TRANSPOSE_CASES[0], CONV_TRANSPOSE_CASES[1], CONV_TRANSPOSE_CASES[4]}) {
            int[] s = new int[6];
            for (int i = 0; i < 6; i++) {
                s[i] = (int) c[2][i];
            }
            gradgradcheck("convTranspose2d " + convTranspose(c),
                    in -> in.get(0).convTranspose2d(in.get(1), s[0], s[1], s[2], s[3], s[4], s[5]),
                    randn(seed++, c[0]), randn(seed++, c[1]));
        }
    }

    // ---- composed ----------------------------------------------------------------------------------------

    @Test
    void batchNormStyleNormalisation() {
        int[] dims = {0, 2, 3};
        // (x - mean) / sqrt(var + eps) * gamma + beta over N, H, W (population variance, as BatchNorm).
        gradgradcheck("batchnorm", in -> {
            Tensor x = in.get(0);
            Tensor normalized = x.sub(x.mean(dims, true)).div(x.variance(dims, 0, true).add(1e-5).sqrt());
            return normalized.mul(in.get(1)).add(in.get(2));
        }, randn(220, 3, 2, 2, 2), awayFromZero(221, 0.5, 1, 2, 1, 1), randn(222, 1, 2, 1, 1));
        // The fused op: its derivative rule, run while recording, switches to the composed gradients.
        gradgradcheck("fused batchNorm", in -> in.get(0).batchNorm(in.get(1), in.get(2), 1e-5).output(),
                randn(224, 3, 2, 2, 2), awayFromZero(225, 0.5, 2), randn(226, 2));
        gradgradcheck("fused batchNorm, rank 2, not affine", in -> in.get(0).batchNorm(null, null, 1e-5).output(),
                randn(227, 4, 3));
        gradgradcheck("batchnorm then leakyRelu", in -> {
            Tensor x = in.get(0);
            Tensor normalized = x.sub(x.mean(dims, true)).div(x.variance(dims, 0, true).add(1e-5).sqrt());
            return normalized.leakyRelu(0.2);
        }, randn(223, 2, 2, 2, 2));
    }
}
