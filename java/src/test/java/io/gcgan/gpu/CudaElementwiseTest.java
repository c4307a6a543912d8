package io.gcgan.gpu;

import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.UnaryOp;
import io.gcgan.gpu.Gpu.Twin;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * unary, binary (with broadcasting and non-dense strides) and where on CUDA against the CPU, both dtypes, sizes from
 * one element to a million and three. Outputs are NaN-filled by the backend first.
 *
 * <p>Tolerances, relative to |reference| (the CPU computes in double and rounds once, so its float32 results are
 * correctly rounded for +, -, *, / and sqrt):
 * <ul>
 *   <li>exact: neg, abs, sign, relu, clamp, max, min, comparisons, where (no rounding involved);</li>
 *   <li>1 ulp: add, sub, mul, div, sqrt, leaky relu (IEEE round-to-nearest gives the exact answer; one ulp leaves
 *       room for a slope rounded to float32 before the multiply);</li>
 *   <li>16 ulps: exp, log, tanh, sigmoid, softplus, pow (CUDA's libm is within 1-4 ulps per function, CUDA Math API
 *       appendix; sigmoid and softplus compose two or three of them).</li>
 * </ul>
 */
@GpuTest
class CudaElementwiseTest {

    /** Allowed error in ulps of the result (0 = exact). */
    static int ulps(UnaryOp op) {
        return switch (op) {
            case NEG, ABS, SIGN, RELU, CLAMP -> 0;
            case SQRT, LEAKY_RELU -> 1;
            case EXP, LOG, TANH, SIGMOID, SOFTPLUS, POW_SCALAR -> 16;
        };
    }

    static int ulps(BinaryOp op) {
        return switch (op) {
            case MAX, MIN, EQ, NE, LT, LE, GT, GE -> 0;
            case ADD, SUB, MUL, DIV -> 1;
            case POW -> 16;
        };
    }

    /** Inputs inside the op's domain, away from overflow, with exact zeros and ties where they matter. */
    static double[] unaryInput(UnaryOp op, Random rnd, int n, DType dtype) {
        return switch (op) {
            case EXP -> Data.uniform(rnd, n, -10, 10, dtype);
            case LOG -> Data.uniform(rnd, n, 1e-3, 100, dtype);
            case SQRT -> Data.uniform(rnd, n, 0, 100, dtype);
            case POW_SCALAR -> Data.uniform(rnd, n, 0.1, 4, dtype);
            case SIGMOID, SOFTPLUS -> Data.uniform(rnd, n, -20, 20, dtype);
            case TANH -> Data.uniform(rnd, n, -6, 6, dtype);
            case SIGN, RELU, LEAKY_RELU, ABS, NEG, CLAMP -> {
                double[] v = Data.uniform(rnd, n, -3, 3, dtype);
                for (int i = 0; i < n; i += 5) {
                    v[i] = (i / 5) % 2 == 0 ? 0.0 : -0.0;
                }
                yield v;
            }
        };
    }

    static Stream<Arguments> unaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (DType dtype : DType.values()) {
                cases.add(Arguments.of(op, dtype));
            }
        }
        return cases.stream();
    }

    /** The scalar parameters each op is tested with. */
    static double[][] params(UnaryOp op) {
        return switch (op) {
            case LEAKY_RELU -> new double[][] {{0.2, 0}, {0.01, 0}};
            case POW_SCALAR -> new double[][] {{2.0, 0}, {0.5, 0}, {-1.5, 0}, {3.0, 0}};
            case CLAMP -> new double[][] {{-0.5, 0.75}, {-1, 1}};
            default -> new double[][] {{0, 0}};
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryCases")
    void unary(UnaryOp op, DType dtype) {
        for (int n : new int[] {1, 7, 1000, 65_537, 1_000_003}) {
            for (double[] p : params(op)) {
                double[] x = unaryInput(op, Data.random(op + "" + n), n, dtype);
                if (op == UnaryOp.POW_SCALAR && p[0] == 2.0) {
                    x = Data.uniform(Data.random("pow2" + n), n, -4, 4, dtype); // x*x is defined everywhere
                }
                String what = "unary " + op + "(p0=" + p[0] + ", p1=" + p[1] + ") " + dtype + " n=" + n;
                try (TensorScope scope = TensorScope.open()) {
                    Twin in = Twin.of(dtype, x, scope);
                    Twin out = Twin.poisoned(dtype, n, scope);
                    Gpu.cpu().unary(op, p[0], p[1], in.cpu(), out.cpu());
                    Gpu.cuda().unary(op, p[0], p[1], in.cuda(), out.cuda());
                    compare(what, ulps(op), dtype, Gpu.read(out.cpu()), Gpu.read(out.cuda()));
                    // the input must be left as it was
                    Check.exact(what + ": input after the call", x, Gpu.read(in.cuda()));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} in place")
    @MethodSource("unaryCases")
    void unaryInPlace(UnaryOp op, DType dtype) {
        int n = 100_003;
        double[] p = params(op)[0];
        double[] x = unaryInput(op, Data.random("inplace" + op), n, dtype);
        try (TensorScope scope = TensorScope.open()) {
            Twin t = Twin.of(dtype, x, scope);
            Gpu.cpu().unary(op, p[0], p[1], t.cpu(), t.cpu());
            Gpu.cuda().unary(op, p[0], p[1], t.cuda(), t.cuda());
            compare("unary " + op + " in place (out == x) " + dtype + " n=" + n, ulps(op), dtype, Gpu.read(t.cpu()),
                    Gpu.read(t.cuda()));
        }
    }

    private static void compare(String what, int ulps, DType dtype, double[] ref, double[] got) {
        if (ulps == 0) {
            Check.exact(what, ref, got);
        } else {
            Check.close(what, ref, got, Double.MIN_NORMAL, ulps * Check.eps(dtype));
        }
    }

    // ---- binary -------------------------------------------------------------------------------------------

    /** (a's shape, b's shape): same shapes, bias and per-channel broadcasts, both sides broadcast, rank 0, rank 5. */
    static final long[][][] BROADCASTS = {
        {{1_000_003}, {1_000_003}},
        {{64, 6272}, {6272}},
        {{64, 128, 14, 14}, {1, 128, 1, 1}},
        {{3, 1, 5}, {1, 4, 1}},
        {{}, {}},
        {{7, 13}, {}},
        {{1}, {9, 1}},
        {{2, 3, 5, 7, 11}, {2, 1, 5, 1, 11}},
    };

    static Stream<Arguments> binaryCases() {
        List<Arguments> cases = new ArrayList<>();
        for (BinaryOp op : BinaryOp.values()) {
            for (DType dtype : DType.values()) {
                cases.add(Arguments.of(op, dtype));
            }
        }
        return cases.stream();
    }

    static double[] binaryInput(BinaryOp op, boolean second, Random rnd, int n, DType dtype) {
        if (op.isComparison() || op == BinaryOp.MAX || op == BinaryOp.MIN) {
            return Data.ints(rnd, n, 3); // ties
        }
        if (op == BinaryOp.POW) {
            return second ? Data.uniform(rnd, n, -2, 2, dtype) : Data.uniform(rnd, n, 0.1, 4, dtype);
        }
        if (op == BinaryOp.DIV && second) {
            double[] v = Data.uniform(rnd, n, 0.5, 3, dtype);
            for (int i = 0; i < n; i += 2) {
                v[i] = -v[i];
            }
            return v;
        }
        return Data.uniform(rnd, n, -3, 3, dtype);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("binaryCases")
    void binary(BinaryOp op, DType dtype) {
        for (long[][] shapes : BROADCASTS) {
            long[] as = shapes[0];
            long[] bs = shapes[1];
            long[] out = Data.broadcast(as, bs);
            Random rnd = Data.random(op + Data.shape(as) + Data.shape(bs));
            double[] a = binaryInput(op, false, rnd, (int) Data.numel(as), dtype);
            double[] b = binaryInput(op, true, rnd, (int) Data.numel(bs), dtype);
            runBinary("binary " + op + " " + dtype + " " + Data.shape(as) + " op " + Data.shape(bs), op, dtype, a,
                    Data.broadcastStrides(as, out), b, Data.broadcastStrides(bs, out), out);
        }
        // a read through a transpose: a is stored [13, 7] and read as [7, 13]
        long[] out = {7, 13};
        Random rnd = Data.random(op + "transposed");
        double[] a = binaryInput(op, false, rnd, 91, dtype);
        double[] b = binaryInput(op, true, rnd, 91, dtype);
        runBinary("binary " + op + " " + dtype + " a transposed [13,7]^T op [7,13]", op, dtype, a,
                new long[] {1, 7}, b, Data.denseStrides(out), out);
    }

    private static void runBinary(String what, BinaryOp op, DType dtype, double[] a, long[] aStrides, double[] b,
                                  long[] bStrides, long[] outShape) {
        long n = Data.numel(outShape);
        try (TensorScope scope = TensorScope.open()) {
            Twin ta = Twin.of(dtype, a, scope);
            Twin tb = Twin.of(dtype, b, scope);
            Twin to = Twin.poisoned(dtype, n, scope);
            Gpu.cpu().binary(op, ta.cpu(), aStrides, tb.cpu(), bStrides, to.cpu(), outShape);
            Gpu.cuda().binary(op, ta.cuda(), aStrides, tb.cuda(), bStrides, to.cuda(), outShape);
            compare(what, ulps(op), dtype, Gpu.read(to.cpu()), Gpu.read(to.cuda()));
        }
    }

    @ParameterizedTest(name = "{0} in place")
    @EnumSource(DType.class)
    void binaryInPlaceBroadcast(DType dtype) {
        // x += bias, the way a fused update or accumulateGrad writes back into its first operand
        long[] out = {33, 517};
        double[] x = Data.uniform(Data.random("inplaceA"), 33 * 517, -1, 1, dtype);
        double[] bias = Data.uniform(Data.random("inplaceB"), 517, -1, 1, dtype);
        try (TensorScope scope = TensorScope.open()) {
            Twin tx = Twin.of(dtype, x, scope);
            Twin tb = Twin.of(dtype, bias, scope);
            long[] xs = Data.denseStrides(out);
            long[] bs = Data.broadcastStrides(new long[] {517}, out);
            Gpu.cpu().binary(BinaryOp.ADD, tx.cpu(), xs, tb.cpu(), bs, tx.cpu(), out);
            Gpu.cuda().binary(BinaryOp.ADD, tx.cuda(), xs, tb.cuda(), bs, tx.cuda(), out);
            compare("binary ADD in place (out == a) " + dtype, 1, dtype, Gpu.read(tx.cpu()), Gpu.read(tx.cuda()));
        }
    }

    // ---- where --------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(DType.class)
    void where(DType dtype) {
        long[][][] cases = {
            {{1_000_003}, {1_000_003}, {1_000_003}},
            {{4, 1, 6}, {1, 5, 6}, {}},
            {{64, 1}, {64, 1}, {1}},
            {{}, {3, 3}, {3, 3}},
        };
        for (long[][] c : cases) {
            long[] out = Data.broadcast(Data.broadcast(c[0], c[1]), c[2]);
            Random rnd = Data.random("where" + Data.shape(out));
            double[] cond = Data.ints(rnd, (int) Data.numel(c[0]), 1);
            for (int i = 0; i < cond.length; i += 3) {
                cond[i] = i % 2 == 0 ? 0.25 : -2.5; // any non-zero value selects a
            }
            double[] a = Data.uniform(rnd, (int) Data.numel(c[1]), -1, 1, dtype);
            double[] b = Data.uniform(rnd, (int) Data.numel(c[2]), 5, 6, dtype);
            String what = "where " + dtype + " cond " + Data.shape(c[0]) + " a " + Data.shape(c[1]) + " b "
                    + Data.shape(c[2]);
            try (TensorScope scope = TensorScope.open()) {
                Twin tc = Twin.of(dtype, cond, scope);
                Twin ta = Twin.of(dtype, a, scope);
                Twin tb = Twin.of(dtype, b, scope);
                Twin to = Twin.poisoned(dtype, Data.numel(out), scope);
                long[] cs = Data.broadcastStrides(c[0], out);
                long[] as = Data.broadcastStrides(c[1], out);
                long[] bs = Data.broadcastStrides(c[2], out);
                Gpu.cpu().where(tc.cpu(), cs, ta.cpu(), as, tb.cpu(), bs, to.cpu(), out);
                Gpu.cuda().where(tc.cuda(), cs, ta.cuda(), as, tb.cuda(), bs, to.cuda(), out);
                Check.exact(what, Gpu.read(to.cpu()), Gpu.read(to.cuda()));
            }
        }
    }
}
