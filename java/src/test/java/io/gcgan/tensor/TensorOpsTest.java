package io.gcgan.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.ReduceOp;
import io.gcgan.backend.UnaryOp;
import io.gcgan.random.Generator;
import io.gcgan.random.Philox;
import io.gcgan.tensor.testutil.Close;
import io.gcgan.tensor.testutil.Data;
import io.gcgan.tensor.testutil.Ref;
import io.gcgan.tensor.testutil.Ref.Conv;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Tensor layer against the float64 references of Ref, in float32 and float64. */
class TensorOpsTest {

    // ---- helpers -----------------------------------------------------------------------------------------

    /** A CPU tensor of {@code dt} holding {@code v} (rounded to dt). */
    static Tensor tensor(double[] v, DType dt, long... shape) {
        if (dt == DType.FLOAT32) {
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            return Tensor.of(f, shape);
        }
        return Tensor.of(v.clone(), shape);
    }

    static void check(String what, Tensor got, long[] shape, DType dt, double[] ref, double tol) {
        assertArrayEquals(shape, got.shape(), what + ": shape " + Arrays.toString(got.shape()) + ", expected "
                + Arrays.toString(shape));
        assertEquals(dt, got.dtype(), what + ": dtype");
        assertEquals(Device.CPU, got.device(), what + ": device");
        assertEquals(Ref.numel(shape), got.numel(), what + ": numel");
        Close.assertAllClose(what, shape, Ref.round(dt, ref), got.toDoubleArray(), tol, tol);
    }

    static void checkExact(String what, Tensor got, long[] shape, DType dt, double[] ref) {
        check(what, got, shape, dt, ref, 0);
    }

    /** Multiples of 1/8 in [-1, 1]: products and sums stay exact in float32, so GEMM-based ops match exactly. */
    static double[] dyadic(Random rnd, int n) {
        double[] v = Data.ints(rnd, n, 8);
        for (int i = 0; i < n; i++) {
            v[i] /= 8;
        }
        return v;
    }

    static double[] filled(int n, double value) {
        double[] v = new double[n];
        Arrays.fill(v, value);
        return v;
    }

    // ---- creation ----------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void zerosOnesFullScalar(DType dt) {
        Random rnd = new Random(101);
        for (int rank = 0; rank <= 4; rank++) {
            long[] s = Data.shape(rnd, rank);
            int n = Data.n(s);
            checkExact("zeros", Tensor.zeros(dt, Device.CPU, s), s, dt, new double[n]);
            checkExact("ones", Tensor.ones(dt, Device.CPU, s), s, dt, filled(n, 1));
            checkExact("full", Tensor.full(-0.1, dt, Device.CPU, s), s, dt, filled(n, -0.1));
        }
        checkExact("scalar", Tensor.scalar(2.5, dt, Device.CPU), new long[0], dt, new double[] {2.5});
        checkExact("zeros(long...)", Tensor.zeros(2, 3), new long[] {2, 3}, DType.FLOAT32, new double[6]);
        checkExact("ones(long...)", Tensor.ones(4), new long[] {4}, DType.FLOAT32, filled(4, 1));
        checkExact("full(v, long...)", Tensor.full(0.3, 1, 2), new long[] {1, 2}, DType.FLOAT32, filled(2, 0.3));
        checkExact("scalar(v)", Tensor.scalar(7), new long[0], DType.FLOAT32, new double[] {7});
        checkExact("empty shape", Tensor.zeros(dt, Device.CPU, 3, 0, 2), new long[] {3, 0, 2}, dt, new double[0]);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void arangeIncludingNegativeStep(DType dt) {
        checkExact("arange(5)", Tensor.arange(5), new long[] {5}, DType.FLOAT32, new double[] {0, 1, 2, 3, 4});
        checkExact("arange(2, 3, 0.25)", Tensor.arange(2, 3, 0.25, dt, Device.CPU), new long[] {4}, dt,
                new double[] {2, 2.25, 2.5, 2.75});
        checkExact("arange(5, 0, -1.5)", Tensor.arange(5, 0, -1.5, dt, Device.CPU), new long[] {4}, dt,
                new double[] {5, 3.5, 2, 0.5});
        checkExact("arange(-1, -4, -1)", Tensor.arange(-1, -4, -1, dt, Device.CPU), new long[] {3}, dt,
                new double[] {-1, -2, -3});
        checkExact("arange(0, 1, 0.1)", Tensor.arange(0, 1, 0.1, dt, Device.CPU), new long[] {10}, dt,
                new double[] {0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9});
        checkExact("arange(0, 2.5, 1)", Tensor.arange(0, 2.5, 1, dt, Device.CPU), new long[] {3}, dt, new double[] {0, 1, 2});
        checkExact("arange(3, 0, 1) is empty", Tensor.arange(3, 0, 1, dt, Device.CPU), new long[] {0}, dt, new double[0]);
        checkExact("arange(0, 3, -1) is empty", Tensor.arange(0, 3, -1, dt, Device.CPU), new long[] {0}, dt, new double[0]);
        checkExact("arange(0) is empty", Tensor.arange(0), new long[] {0}, DType.FLOAT32, new double[0]);
    }

    @Test
    void ofCopiesDataRowMajor() {
        float[] f = {1, 2, 3, 4, 5, 6};
        Tensor a = Tensor.of(f, 2, 3);
        f[0] = 99; // a copy, not a view
        checkExact("of(float[])", a, new long[] {2, 3}, DType.FLOAT32, new double[] {1, 2, 3, 4, 5, 6});
        double[] d = {0.1, 0.2, 0.3};
        Tensor b = Tensor.of(d, 3, 1);
        d[1] = 99;
        checkExact("of(double[])", b, new long[] {3, 1}, DType.FLOAT64, new double[] {0.1, 0.2, 0.3});
        checkExact("of rank 0", Tensor.of(new double[] {4}), new long[0], DType.FLOAT64, new double[] {4});
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void randAndRandnArePhiloxAndReproducible(DType dt) {
        Generator g = new Generator(42);
        Tensor u1 = Tensor.rand(g, dt, Device.CPU, 3, 4);
        Tensor u2 = Tensor.rand(g, dt, Device.CPU, 5);
        Tensor z = Tensor.randn(g, dt, Device.CPU, 2, 3);
        assertEquals(12 + 5 + 6, g.offset(), "generator offset after drawing 23 elements");
        double[] ru = new double[17];
        for (int i = 0; i < 17; i++) {
            ru[i] = dt == DType.FLOAT32 ? Philox.uniformFloat(42, i) : Philox.uniformDouble(42, i);
        }
        checkExact("rand [3, 4]", u1, new long[] {3, 4}, dt, Arrays.copyOfRange(ru, 0, 12));
        checkExact("rand [5] continues the stream", u2, new long[] {5}, dt, Arrays.copyOfRange(ru, 12, 17));
        double[] rz = new double[6];
        for (int i = 0; i < 6; i++) {
            rz[i] = Philox.normal(42, 17 + i);
        }
        checkExact("randn [2, 3]", z, new long[] {2, 3}, dt, rz);

        Generator same = new Generator(42);
        assertArrayEquals(u1.toDoubleArray(), Tensor.rand(same, dt, Device.CPU, 3, 4).toDoubleArray(), "same seed");
        Generator other = new Generator(43);
        assertFalse(Arrays.equals(u1.toDoubleArray(), Tensor.rand(other, dt, Device.CPU, 3, 4).toDoubleArray()),
                "different seeds gave the same numbers");
        assertFalse(Arrays.equals(Tensor.randn(new Generator(1), dt, Device.CPU, 8).toDoubleArray(),
                Tensor.randn(new Generator(2), dt, Device.CPU, 8).toDoubleArray()), "randn: different seeds");
        if (dt == DType.FLOAT32) {
            assertArrayEquals(Tensor.rand(new Generator(9), 4).toDoubleArray(),
                    Tensor.rand(new Generator(9), DType.FLOAT32, Device.CPU, 4).toDoubleArray(), "rand default dtype");
            assertEquals(DType.FLOAT32, Tensor.randn(new Generator(9), 4).dtype());
        }
    }

    // ---- shape -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void reshapeSharesStorageAndInfersMinusOne(DType dt) {
        double[] v = Data.uniform(new Random(102), 24, -1, 1, dt);
        Tensor t = tensor(v, dt, 2, 3, 4);
        Tensor r = t.reshape(4, -1);
        checkExact("reshape(4, -1)", r, new long[] {4, 6}, dt, v);
        assertSame(t.storage(), r.storage(), "reshape shares storage");
        checkExact("reshape(-1)", t.reshape(-1), new long[] {24}, dt, v);
        checkExact("reshape(1, 2, -1, 3)", t.reshape(1, 2, -1, 3), new long[] {1, 2, 4, 3}, dt, v);
        checkExact("scalar reshape(1, 1)", Tensor.scalar(3, dt, Device.CPU).reshape(1, 1), new long[] {1, 1}, dt,
                new double[] {3});
        checkExact("reshape() to rank 0", tensor(new double[] {5}, dt, 1, 1).reshape(), new long[0], dt, new double[] {5});
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void permuteAndTranspose(DType dt) {
        Random rnd = new Random(103);
        for (int trial = 0; trial < 25; trial++) {
            int rank = trial % 5;
            long[] s = Data.shape(rnd, rank);
            double[] v = Data.uniform(rnd, Data.n(s), -1, 1, dt);
            int[] perm = Data.permutation(rnd, rank);
            long[] out = new long[rank];
            int[] negPerm = new int[rank];
            for (int i = 0; i < rank; i++) {
                out[i] = s[perm[i]];
                negPerm[i] = (i % 2 == 0) ? perm[i] - rank : perm[i]; // mix negative dims in
            }
            checkExact("permute " + Arrays.toString(s) + " " + Arrays.toString(perm), tensor(v, dt, s).permute(negPerm),
                    out, dt, Ref.permute(v, s, perm));
            if (rank >= 2) {
                int[] swap = new int[rank];
                for (int i = 0; i < rank; i++) {
                    swap[i] = i;
                }
                swap[0] = rank - 1;
                swap[rank - 1] = 0;
                long[] ts = s.clone();
                ts[0] = s[rank - 1];
                ts[rank - 1] = s[0];
                checkExact("transpose(0, -1) " + Arrays.toString(s), tensor(v, dt, s).transpose(0, -1), ts, dt,
                        Ref.permute(v, s, swap));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sliceWithAndWithoutStep(DType dt) {
        Random rnd = new Random(104);
        for (int trial = 0; trial < 30; trial++) {
            int rank = 1 + trial % 4;
            long[] s = Data.shape(rnd, rank);
            int d = rnd.nextInt(rank);
            s[d] += 2 + rnd.nextInt(8);
            double[] v = Data.uniform(rnd, Data.n(s), -1, 1, dt);
            long start = rnd.nextInt((int) s[d]);
            long end = start + rnd.nextInt((int) (s[d] - start) + 1);
            long step = 1 + rnd.nextInt(3);
            double[] ref = Ref.slice(v, s, d, start, end, step);
            long[] out = s.clone();
            out[d] = (end - start + step - 1) / step;
            String what = "slice(" + d + ", " + start + ", " + end + ", " + step + ") of " + Arrays.toString(s);
            checkExact(what, tensor(v, dt, s).slice(d - rank, start, end, step), out, dt, ref);
            if (step == 1) {
                checkExact(what + " default step", tensor(v, dt, s).slice(d, start, end), out, dt, ref);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void catAlongEveryDim(DType dt) {
        Random rnd = new Random(105);
        for (int rank = 1; rank <= 4; rank++) {
            long[] base = Data.shape(rnd, rank);
            for (int d = 0; d < rank; d++) {
                long[][] shapes = new long[3][];
                double[][] vals = new double[3][];
                Tensor[] ts = new Tensor[3];
                long total = 0;
                for (int p = 0; p < 3; p++) {
                    shapes[p] = base.clone();
                    shapes[p][d] = p == 1 ? 0 : 1 + rnd.nextInt(3); // the middle part may be empty
                    if (p == 1 && rnd.nextBoolean()) {
                        shapes[p][d] = 2;
                    }
                    vals[p] = Data.uniform(rnd, Data.n(shapes[p]), -1, 1, dt);
                    ts[p] = tensor(vals[p], dt, shapes[p]);
                    total += shapes[p][d];
                }
                long[] out = base.clone();
                out[d] = total;
                double[] ref = new double[Data.n(out)];
                int dim = d;
                Ref.forEach(out, t -> {
                    long[] s = t.clone();
                    int p = 0;
                    while (s[dim] >= shapes[p][dim]) {
                        s[dim] -= shapes[p][dim];
                        p++;
                    }
                    ref[Ref.flat(t, out)] = vals[p][Ref.flat(s, shapes[p])];
                });
                checkExact("cat dim " + d + " of " + Arrays.deepToString(shapes), Tensor.cat(d, ts), out, dt, ref);
                checkExact("cat negative dim", Tensor.cat(d - rank, ts), out, dt, ref);
            }
        }
        double[] one = {1, 2};
        checkExact("cat of one tensor", Tensor.cat(0, tensor(one, dt, 2)), new long[] {2}, dt, one);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void expandSqueezeUnsqueezeFlatten(DType dt) {
        Random rnd = new Random(106);
        long[][][] cases = {{{3, 1}, {3, 4}}, {{1}, {2, 5, 3}}, {{}, {2, 2}}, {{2, 1, 3}, {4, 2, 5, 3}}, {{4}, {4}}};
        for (long[][] c : cases) {
            double[] v = Data.uniform(rnd, Data.n(c[0]), -1, 1, dt);
            checkExact("expand " + Arrays.toString(c[0]) + " to " + Arrays.toString(c[1]), tensor(v, dt, c[0]).expand(c[1]),
                    c[1], dt, Ref.expand(v, c[0], c[1]));
        }
        double[] v = Data.uniform(rnd, 6, -1, 1, dt);
        Tensor t = tensor(v, dt, 2, 1, 3);
        checkExact("squeeze(1)", t.squeeze(1), new long[] {2, 3}, dt, v);
        checkExact("squeeze(-2)", t.squeeze(-2), new long[] {2, 3}, dt, v);
        checkExact("unsqueeze(0)", t.unsqueeze(0), new long[] {1, 2, 1, 3}, dt, v);
        checkExact("unsqueeze(3)", t.unsqueeze(3), new long[] {2, 1, 3, 1}, dt, v);
        checkExact("unsqueeze(-1)", t.unsqueeze(-1), new long[] {2, 1, 3, 1}, dt, v);
        checkExact("unsqueeze(-4)", t.unsqueeze(-4), new long[] {1, 2, 1, 3}, dt, v);
        checkExact("unsqueeze(2)", t.unsqueeze(2), new long[] {2, 1, 1, 3}, dt, v);
        checkExact("scalar unsqueeze(0)", Tensor.scalar(2, dt, Device.CPU).unsqueeze(0), new long[] {1}, dt, new double[] {2});
        checkExact("[1] squeeze(0)", tensor(new double[] {2}, dt, 1).squeeze(0), new long[0], dt, new double[] {2});
        double[] w = Data.uniform(rnd, 24, -1, 1, dt);
        Tensor u = tensor(w, dt, 2, 3, 4);
        checkExact("flattenFrom(1)", u.flattenFrom(1), new long[] {2, 12}, dt, w);
        checkExact("flattenFrom(0)", u.flattenFrom(0), new long[] {24}, dt, w);
        checkExact("flattenFrom(-1)", u.flattenFrom(-1), new long[] {2, 3, 4}, dt, w);
        checkExact("flattenFrom(-2)", u.flattenFrom(-2), new long[] {2, 12}, dt, w);
    }

    // ---- elementwise -------------------------------------------------------------------------------------

    private record UnaryCase(String name, UnaryOp op, double p0, double p1, double lo, double hi,
                             Function<Tensor, Tensor> f) {
    }

    private static final List<UnaryCase> UNARY = List.of(
            new UnaryCase("neg", UnaryOp.NEG, 0, 0, -5, 5, Tensor::neg),
            new UnaryCase("abs", UnaryOp.ABS, 0, 0, -5, 5, Tensor::abs),
            new UnaryCase("sign", UnaryOp.SIGN, 0, 0, -5, 5, Tensor::sign),
            new UnaryCase("exp", UnaryOp.EXP, 0, 0, -20, 20, Tensor::exp),
            new UnaryCase("log", UnaryOp.LOG, 0, 0, 0.01, 50, Tensor::log),
            new UnaryCase("sqrt", UnaryOp.SQRT, 0, 0, 0, 50, Tensor::sqrt),
            new UnaryCase("tanh", UnaryOp.TANH, 0, 0, -10, 10, Tensor::tanh),
            new UnaryCase("sigmoid", UnaryOp.SIGMOID, 0, 0, -40, 40, Tensor::sigmoid),
            new UnaryCase("relu", UnaryOp.RELU, 0, 0, -5, 5, Tensor::relu),
            new UnaryCase("leakyRelu(0.2)", UnaryOp.LEAKY_RELU, 0.2, 0, -5, 5, x -> x.leakyRelu(0.2)),
            new UnaryCase("softplus", UnaryOp.SOFTPLUS, 0, 0, -40, 40, Tensor::softplus),
            new UnaryCase("pow(1.7)", UnaryOp.POW_SCALAR, 1.7, 0, 0.01, 5, x -> x.pow(1.7)),
            new UnaryCase("pow(-0.5)", UnaryOp.POW_SCALAR, -0.5, 0, 0.01, 5, x -> x.pow(-0.5)),
            new UnaryCase("pow(3)", UnaryOp.POW_SCALAR, 3, 0, -3, 3, x -> x.pow(3)),
            new UnaryCase("square", UnaryOp.POW_SCALAR, 2, 0, -3, 3, Tensor::square),
            new UnaryCase("clamp(-1, 2)", UnaryOp.CLAMP, -1, 2, -5, 5, x -> x.clamp(-1, 2)));

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyUnaryOp(DType dt) {
        Random rnd = new Random(107);
        for (UnaryCase c : UNARY) {
            for (int rank = 0; rank <= 4; rank++) {
                long[] s = Data.shape(rnd, rank);
                double[] v = Data.uniform(rnd, Data.n(s), c.lo, c.hi, dt);
                Tensor x = tensor(v, dt, s);
                Tensor y = c.f.apply(x);
                check(c.name + " " + Arrays.toString(s), y, s, dt, Ref.unary(c.op, c.p0, c.p1, v), Close.tol(dt));
                Close.assertExact(c.name + " leaves its input alone", Ref.round(dt, v), x.toDoubleArray());
            }
        }
    }

    private record BinaryCase(String name, BinaryOp op, BiFunction<Tensor, Tensor, Tensor> f) {
    }

    private static final List<BinaryCase> BINARY = List.of(
            new BinaryCase("add", BinaryOp.ADD, Tensor::add), new BinaryCase("sub", BinaryOp.SUB, Tensor::sub),
            new BinaryCase("mul", BinaryOp.MUL, Tensor::mul), new BinaryCase("div", BinaryOp.DIV, Tensor::div),
            new BinaryCase("pow", BinaryOp.POW, Tensor::pow), new BinaryCase("maximum", BinaryOp.MAX, Tensor::maximum),
            new BinaryCase("minimum", BinaryOp.MIN, Tensor::minimum), new BinaryCase("eq", BinaryOp.EQ, Tensor::eq),
            new BinaryCase("ne", BinaryOp.NE, Tensor::ne), new BinaryCase("lt", BinaryOp.LT, Tensor::lt),
            new BinaryCase("le", BinaryOp.LE, Tensor::le), new BinaryCase("gt", BinaryOp.GT, Tensor::gt),
            new BinaryCase("ge", BinaryOp.GE, Tensor::ge));

    private static final long[][][] BROADCASTS = {
        {{3, 1}, {1, 4}}, {{2, 3, 4}, {4}}, {{}, {2, 3}}, {{2, 3}, {}}, {{1}, {5, 1, 3}}, {{7, 13}, {7, 13}},
        {{2, 1, 3, 1}, {5, 1, 4}}, {{}, {}}, {{4, 1, 1, 3}, {1, 2, 1}},
    };

    private static double[][] operands(Random rnd, BinaryOp op, int na, int nb, DType dt) {
        if (op.isComparison() || op == BinaryOp.MAX || op == BinaryOp.MIN) {
            return new double[][] {Data.ints(rnd, na, 2), Data.ints(rnd, nb, 2)};
        }
        if (op == BinaryOp.POW) {
            return new double[][] {Data.uniform(rnd, na, 0.1, 3, dt), Data.uniform(rnd, nb, -2, 2, dt)};
        }
        if (op == BinaryOp.DIV) {
            double[] b = Data.uniform(rnd, nb, 0.5, 2, dt);
            for (int i = 0; i < nb; i += 2) {
                b[i] = -b[i];
            }
            return new double[][] {Data.uniform(rnd, na, -3, 3, dt), b};
        }
        return new double[][] {Data.uniform(rnd, na, -3, 3, dt), Data.uniform(rnd, nb, -3, 3, dt)};
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void everyBinaryOpWithBroadcasting(DType dt) {
        Random rnd = new Random(108);
        for (BinaryCase c : BINARY) {
            for (long[][] sh : BROADCASTS) {
                double[][] v = operands(rnd, c.op, Data.n(sh[0]), Data.n(sh[1]), dt);
                long[] out = Ref.broadcastShape(sh[0], sh[1]);
                Tensor got = c.f.apply(tensor(v[0], dt, sh[0]), tensor(v[1], dt, sh[1]));
                String what = c.name + " " + Arrays.toString(sh[0]) + " x " + Arrays.toString(sh[1]);
                check(what, got, out, dt, Ref.binary(c.op, v[0], sh[0], v[1], sh[1]),
                        c.op.isComparison() ? 0 : Close.tol(dt));
                if (c.op.isComparison()) {
                    for (double g : got.toDoubleArray()) {
                        assertTrue(g == 0 || g == 1, what + " wrote " + g);
                    }
                }
            }
        }
    }

    private record ScalarCase(String name, BinaryOp op, double value, BiFunction<Tensor, Double, Tensor> f) {
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void scalarOperandOps(DType dt) {
        List<ScalarCase> cases = List.of(
                new ScalarCase("add", BinaryOp.ADD, 0.75, Tensor::add), new ScalarCase("sub", BinaryOp.SUB, -1.5, Tensor::sub),
                new ScalarCase("mul", BinaryOp.MUL, 0.1, Tensor::mul), new ScalarCase("div", BinaryOp.DIV, 3, Tensor::div),
                new ScalarCase("maximum", BinaryOp.MAX, 0.5, Tensor::maximum),
                new ScalarCase("minimum", BinaryOp.MIN, -0.5, Tensor::minimum),
                new ScalarCase("gt", BinaryOp.GT, 1, Tensor::gt), new ScalarCase("lt", BinaryOp.LT, 1, Tensor::lt));
        Random rnd = new Random(109);
        long[] s = {3, 1, 5};
        for (ScalarCase c : cases) {
            double[] v = Data.ints(rnd, 15, 2);
            for (int i = 0; i < 15; i += 3) {
                v[i] = Data.uniform(rnd, 1, -2, 2, dt)[0];
            }
            double sv = dt == DType.FLOAT32 ? (float) c.value : c.value;
            check(c.name + "(" + c.value + ")", c.f.apply(tensor(v, dt, s), c.value), s, dt,
                    Ref.binary(c.op, v, s, new double[] {sv}, new long[0]), Close.tol(dt));
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void whereBroadcastsConditionAndBothBranches(DType dt) {
        Random rnd = new Random(110);
        long[][][] cases = {{{3, 1}, {1, 4}, {3, 4}}, {{4}, {2, 3, 4}, {}}, {{}, {2, 3}, {3}}, {{2, 1, 3}, {5, 1}, {1, 1, 3}}};
        for (long[][] c : cases) {
            double[] cond = Data.ints(rnd, Data.n(c[0]), 1);
            double[] a = Data.uniform(rnd, Data.n(c[1]), -1, 1, dt);
            double[] b = Data.uniform(rnd, Data.n(c[2]), -1, 1, dt);
            long[] out = Ref.broadcastShape(Ref.broadcastShape(c[0], c[1]), c[2]);
            checkExact("where " + Arrays.deepToString(c),
                    Tensor.where(tensor(cond, dt, c[0]), tensor(a, dt, c[1]), tensor(b, dt, c[2])), out, dt,
                    Ref.where(cond, c[0], a, c[1], b, c[2], out));
        }
        // typical use: a mask from a comparison
        double[] x = Data.uniform(rnd, 12, -1, 1, dt);
        Tensor t = tensor(x, dt, 3, 4);
        double[] ref = new double[12];
        for (int i = 0; i < 12; i++) {
            ref[i] = x[i] > 0 ? x[i] : 0;
        }
        checkExact("where(x > 0, x, 0)", Tensor.where(t.gt(0), t, Tensor.zeros(dt, Device.CPU)), new long[] {3, 4}, dt, ref);
    }

    // ---- reductions --------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void reductionsOverDimsWithKeepDim(DType dt) {
        Random rnd = new Random(111);
        double tol = dt == DType.FLOAT32 ? 1e-6 : 1e-13;
        for (int rank = 1; rank <= 4; rank++) {
            long[] s = Data.shape(rnd, rank);
            double[] v = Data.uniform(rnd, Data.n(s), -3, 3, dt);
            Tensor x = tensor(v, dt, s);
            for (int mask = 1; mask < (1 << rank); mask++) {
                List<Integer> axes = new ArrayList<>();
                for (int d = 0; d < rank; d++) {
                    if ((mask & (1 << d)) != 0) {
                        axes.add(d);
                    }
                }
                int[] sorted = axes.stream().mapToInt(Integer::intValue).toArray();
                int[] given = new int[sorted.length]; // reversed order, negative where odd
                for (int i = 0; i < sorted.length; i++) {
                    int a = sorted[sorted.length - 1 - i];
                    given[i] = a % 2 == 1 ? a - rank : a;
                }
                long[] kept = Ref.keptShape(s, sorted);
                List<Long> dl = new ArrayList<>();
                for (int d = 0; d < rank; d++) {
                    if (!axes.contains(d)) {
                        dl.add(s[d]);
                    }
                }
                long[] dropped = dl.stream().mapToLong(Long::longValue).toArray();
                for (ReduceOp op : ReduceOp.values()) {
                    double[] ref = Ref.reduce(op, v, s, sorted);
                    String what = op + " over " + Arrays.toString(given) + " of " + Arrays.toString(s);
                    check(what + " keepDim", reduce(x, op, given, true), kept, dt, ref, tol);
                    check(what, reduce(x, op, given, false), dropped, dt, ref, tol);
                }
                for (int correction = 0; correction <= 1; correction++) {
                    long count = 1;
                    for (int a : sorted) {
                        count *= s[a];
                    }
                    if (count - correction <= 0) {
                        continue;
                    }
                    double[] ref = Ref.variance(v, s, sorted, correction);
                    String what = "variance(" + correction + ") over " + Arrays.toString(given) + " of " + Arrays.toString(s);
                    check(what + " keepDim", x.variance(given, correction, true), kept, dt, ref, 10 * tol);
                    check(what, x.variance(given, correction, false), dropped, dt, ref, 10 * tol);
                }
            }
            check("sum() of " + Arrays.toString(s), x.sum(), new long[0], dt, Ref.reduce(ReduceOp.SUM, v, s, all(rank)), tol);
            check("mean()", x.mean(), new long[0], dt, Ref.reduce(ReduceOp.MEAN, v, s, all(rank)), tol);
            check("max()", x.max(), new long[0], dt, Ref.reduce(ReduceOp.MAX, v, s, all(rank)), tol);
            check("sum(new int[0], true) is over every dim", x.sum(new int[0], true), Ref.keptShape(s, all(rank)), dt,
                    Ref.reduce(ReduceOp.SUM, v, s, all(rank)), tol);
        }
        Tensor sc = Tensor.scalar(3, dt, Device.CPU);
        checkExact("sum of a scalar", sc.sum(), new long[0], dt, new double[] {3});
        checkExact("max of a scalar", sc.max(), new long[0], dt, new double[] {3});
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void varianceKnownValues(DType dt) {
        Tensor x = tensor(new double[] {1, 2, 3, 4, 10, 20, 30, 40}, dt, 2, 4);
        check("population variance", x.variance(new int[] {1}, 0, false), new long[] {2}, dt, new double[] {1.25, 125}, 1e-6);
        check("unbiased variance", x.variance(new int[] {-1}, 1, true), new long[] {2, 1}, dt,
                new double[] {5.0 / 3, 500.0 / 3}, 1e-6);
        check("variance over all", x.variance(new int[0], 0, false), new long[0], dt,
                Ref.variance(new double[] {1, 2, 3, 4, 10, 20, 30, 40}, new long[] {2, 4}, new int[] {0, 1}, 0), 1e-6);
    }

    private static Tensor reduce(Tensor x, ReduceOp op, int[] dims, boolean keep) {
        return switch (op) {
            case SUM -> x.sum(dims, keep);
            case MEAN -> x.mean(dims, keep);
            case MAX -> x.max(dims, keep);
        };
    }

    private static int[] all(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }

    // ---- matmul ------------------------------------------------------------------------------------------

    /** op(a) @ op(b) with broadcast batch dims, by index tuples. */
    static double[] matmulRef(double[] a, long[] as, boolean ta, double[] b, long[] bs, boolean tb, long[] outShape) {
        int ra = as.length;
        int rb = bs.length;
        long[] aBatch = Arrays.copyOf(as, ra - 2);
        long[] bBatch = Arrays.copyOf(bs, rb - 2);
        long k = ta ? as[ra - 2] : as[ra - 1];
        int rank = outShape.length;
        double[] out = new double[Data.n(outShape)];
        Ref.forEach(outShape, idx -> {
            long[] bt = Arrays.copyOf(idx, rank - 2);
            long[] ai = Arrays.copyOf(Ref.sourceIndex(bt, aBatch), ra);
            long[] bi = Arrays.copyOf(Ref.sourceIndex(bt, bBatch), rb);
            double s = 0;
            for (long t = 0; t < k; t++) {
                ai[ra - 2] = ta ? t : idx[rank - 2];
                ai[ra - 1] = ta ? idx[rank - 2] : t;
                bi[rb - 2] = tb ? idx[rank - 1] : t;
                bi[rb - 1] = tb ? t : idx[rank - 1];
                s += a[Ref.flat(ai, as)] * b[Ref.flat(bi, bs)];
            }
            out[Ref.flat(idx, outShape)] = s;
        });
        return out;
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void matmulWithBroadcastBatchAndTransposes(DType dt) {
        // {a shape, b shape, out shape} without transposes
        long[][][] cases = {
            {{2, 3, 4, 5}, {5, 6}, {2, 3, 4, 6}},
            {{1, 4, 5}, {3, 5, 2}, {3, 4, 2}},
            {{3, 4, 5}, {3, 5, 2}, {3, 4, 2}},
            {{2, 1, 4, 5}, {3, 5, 6}, {2, 3, 4, 6}},
            {{4, 5}, {5, 6}, {4, 6}},
            {{4, 5}, {2, 5, 6}, {2, 4, 6}},
            {{1, 1}, {1, 1}, {1, 1}},
            {{7, 13}, {13, 1}, {7, 1}},
            {{2, 3, 0}, {0, 4}, {2, 3, 4}},
            {{3, 1, 4, 5}, {1, 2, 5, 3}, {3, 2, 4, 3}},
        };
        Random rnd = new Random(112);
        for (long[][] c : cases) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    long[] as = c[0].clone();
                    long[] bs = c[1].clone();
                    if (ta) {
                        swapLast(as);
                    }
                    if (tb) {
                        swapLast(bs);
                    }
                    double[] a = dyadic(rnd, Data.n(as));
                    double[] b = dyadic(rnd, Data.n(bs));
                    double[] ref = matmulRef(a, as, ta, b, bs, tb, c[2]);
                    String what = "matmul " + Arrays.toString(as) + (ta ? "^T" : "") + " @ " + Arrays.toString(bs)
                            + (tb ? "^T" : "");
                    Tensor got = tensor(a, dt, as).matmul(tensor(b, dt, bs), ta, tb);
                    check(what, got, c[2], dt, ref, dt == DType.FLOAT32 ? 0 : 1e-13);
                    if (!ta && !tb) {
                        check(what + " (two-argument)", tensor(a, dt, as).matmul(tensor(b, dt, bs)), c[2], dt, ref,
                                dt == DType.FLOAT32 ? 0 : 1e-13);
                    }
                }
            }
        }
    }

    private static void swapLast(long[] s) {
        long t = s[s.length - 1];
        s[s.length - 1] = s[s.length - 2];
        s[s.length - 2] = t;
    }

    // ---- convolution -------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DType.class)
    void conv2dAndItsTwoGradients(DType dt) {
        Conv[] geometries = {
            new Conv(2, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1),
            new Conv(1, 2, 8, 8, 3, 4, 4, 2, 2, 1, 1),
            new Conv(3, 1, 7, 5, 2, 5, 3, 3, 2, 2, 0),
            new Conv(2, 4, 1, 1, 5, 1, 1, 1, 1, 0, 0),
        };
        Random rnd = new Random(113);
        double tol = dt == DType.FLOAT32 ? 0 : 1e-13;
        for (Conv g : geometries) {
            long[] xs = {g.n(), g.c(), g.h(), g.w()};
            long[] ws = {g.k(), g.c(), g.r(), g.s()};
            long[] ys = {g.n(), g.k(), g.p(), g.q()};
            double[] x = dyadic(rnd, g.xSize());
            double[] w = dyadic(rnd, g.wSize());
            double[] dy = dyadic(rnd, g.ySize());
            check("conv2d " + g, tensor(x, dt, xs).conv2d(tensor(w, dt, ws), g.sh(), g.sw(), g.ph(), g.pw()), ys, dt,
                    Ref.convForward(x, w, g), tol);
            check("conv2dBackwardData " + g, Tensor.conv2dBackwardData(tensor(dy, dt, ys), tensor(w, dt, ws), xs,
                    g.sh(), g.sw(), g.ph(), g.pw()), xs, dt, Ref.convBackwardData(dy, w, g), tol);
            check("conv2dBackwardWeight " + g, Tensor.conv2dBackwardWeight(tensor(x, dt, xs), tensor(dy, dt, ys), ws,
                    g.sh(), g.sw(), g.ph(), g.pw()), ws, dt, Ref.convBackwardWeight(x, dy, g), tol);
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void convTranspose2dIsTheScatterDefinition(DType dt) {
        // {n, cin, h, w, cout, r, s, strideH, strideW, padH, padW, outPadH, outPadW}
        int[][] cases = {
            {2, 3, 5, 4, 2, 3, 3, 2, 2, 1, 1, 1, 1},
            {1, 4, 7, 7, 1, 4, 4, 2, 2, 1, 1, 0, 0}, // mnist28 G last layer, 7 -> 14
            {2, 2, 3, 5, 3, 5, 3, 3, 1, 2, 0, 2, 0},
            {1, 2, 1, 1, 3, 4, 4, 1, 1, 0, 0, 0, 0}, // dcgan64 g1: 1x1 -> 4x4
            {1, 1, 4, 3, 2, 1, 1, 3, 2, 0, 0, 2, 1},
            {2, 3, 6, 6, 2, 3, 2, 1, 1, 0, 1, 0, 0},
        };
        Random rnd = new Random(114);
        for (int[] c : cases) {
            long[] xs = {c[0], c[1], c[2], c[3]};
            long[] ws = {c[1], c[4], c[5], c[6]};
            int outH = (c[2] - 1) * c[7] - 2 * c[9] + c[5] + c[11];
            int outW = (c[3] - 1) * c[8] - 2 * c[10] + c[6] + c[12];
            double[] x = dyadic(rnd, Data.n(xs));
            double[] w = dyadic(rnd, Data.n(ws));
            double[] ref = Ref.convTranspose(x, xs, w, ws, c[7], c[8], c[9], c[10], outH, outW);
            Tensor got = tensor(x, dt, xs).convTranspose2d(tensor(w, dt, ws), c[7], c[8], c[9], c[10], c[11], c[12]);
            check("convTranspose2d " + Arrays.toString(c), got, new long[] {c[0], c[4], outH, outW}, dt, ref,
                    dt == DType.FLOAT32 ? 0 : 1e-13);
        }
    }

    // ---- conversion --------------------------------------------------------------------------------------

    @Test
    void dtypeAndDeviceConversionAndHostArrays() {
        double[] v = {0.1, -2.5, 1e-50, 3e38, 1.0 / 3, 7};
        Tensor d = Tensor.of(v.clone(), 2, 3);
        Tensor f = d.to(DType.FLOAT32);
        checkExact("to(float32)", f, new long[] {2, 3}, DType.FLOAT32, v);
        assertNotEquals(0.1, f.toDoubleArray()[0], "float32 rounding applied");
        Tensor back = f.to(DType.FLOAT64);
        checkExact("to(float64) is exact", back, new long[] {2, 3}, DType.FLOAT64, Ref.round(DType.FLOAT32, v));
        assertSame(d, d.to(DType.FLOAT64), "to(own dtype) is the tensor itself");
        assertSame(d, d.to(Device.CPU), "to(own device) is the tensor itself");

        float[] fa = f.toFloatArray();
        double[] da = d.toDoubleArray();
        float[] fromD = d.toFloatArray();
        double[] fromF = f.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            assertEquals((float) v[i], fa[i], 0f, "toFloatArray of float32 [" + i + "]");
            assertEquals(v[i], da[i], 0.0, "toDoubleArray of float64 [" + i + "]");
            assertEquals((float) v[i], fromD[i], 0f, "toFloatArray of float64 [" + i + "]");
            assertEquals((double) (float) v[i], fromF[i], 0.0, "toDoubleArray of float32 [" + i + "]");
        }
        assertEquals(2.5, Tensor.scalar(2.5).item(), 0.0);
        assertEquals(-7.25, Tensor.of(new double[] {-7.25}, 1, 1, 1).item(), 0.0);
        assertEquals((float) 0.1, Tensor.of(new float[] {0.1f}, 1).item(), 0.0);

        Tensor c = d.copy();
        assertNotEquals(d.storage(), c.storage(), "copy has its own storage");
        checkExact("copy", c, new long[] {2, 3}, DType.FLOAT64, v);
        Tensor target = Tensor.zeros(DType.FLOAT32, Device.CPU, 2, 3);
        assertSame(target, target.assign(d), "assign returns this");
        checkExact("assign converts dtype", target, new long[] {2, 3}, DType.FLOAT32, v);
    }

    @Test
    void wrapChecksTheElementCount() {
        Tensor t = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 6);
        checkExact("wrap", Tensor.wrap(t.storage(), 3, 2), new long[] {3, 2}, DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6});
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Tensor.wrap(t.storage(), 4, 2));
        assertTrue(e.getMessage().contains("wrap") && e.getMessage().contains("[4, 2]"), e.getMessage());
    }

    @Test
    void shapeAccessors() {
        Tensor t = Tensor.zeros(2, 3, 4);
        assertEquals(3, t.rank());
        assertEquals(24, t.numel());
        assertEquals(4, t.size(-1));
        assertEquals(2, t.size(0));
        long[] s = t.shape();
        s[0] = 99;
        assertArrayEquals(new long[] {2, 3, 4}, t.shape(), "shape() returns a copy");
    }
}
