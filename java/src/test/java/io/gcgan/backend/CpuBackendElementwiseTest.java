package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.testutil.Close;
import io.gcgan.tensor.testutil.Data;
import io.gcgan.tensor.testutil.Host;
import io.gcgan.tensor.testutil.Ref;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** CpuBackend unary, binary (with every broadcast pattern) and where, against Ref in float64. */
class CpuBackendElementwiseTest {

    private static final CpuBackend B = CpuBackend.instance();
    private static final int[] SIZES = {0, 1, 13, 40_000};

    static Stream<Arguments> unaryCases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            for (UnaryOp op : UnaryOp.values()) {
                switch (op) {
                    case LEAKY_RELU -> {
                        out.add(Arguments.of(op, 0.2, 0.0, dt));
                        out.add(Arguments.of(op, -1.5, 0.0, dt));
                    }
                    case POW_SCALAR -> {
                        for (double p : new double[] {2, 1, 0, 3, -1, -2, 0.5, 1.7, -2.3}) {
                            out.add(Arguments.of(op, p, 0.0, dt));
                        }
                    }
                    case CLAMP -> {
                        out.add(Arguments.of(op, -1.0, 2.0, dt));
                        out.add(Arguments.of(op, 0.5, 0.5, dt));
                    }
                    default -> out.add(Arguments.of(op, 0.0, 0.0, dt));
                }
            }
        }
        return out.stream();
    }

    /** The input range an op is tested on: positive where the op (or a fractional power) needs it. */
    private static double[] domain(UnaryOp op, double p0) {
        return switch (op) {
            case LOG, SQRT -> new double[] {0.01, 20};
            case POW_SCALAR -> p0 == Math.rint(p0) ? new double[] {-3, 3} : new double[] {0.05, 4};
            case EXP, SOFTPLUS, SIGMOID, TANH -> new double[] {-30, 30};
            default -> new double[] {-5, 5};
        };
    }

    @ParameterizedTest(name = "{0}({1}, {2}) {3}")
    @MethodSource("unaryCases")
    void unaryMatchesReference(UnaryOp op, double p0, double p1, DType dt) {
        Random rnd = new Random(31 + op.ordinal());
        double[] dom = domain(op, p0);
        for (int n : SIZES) {
            double[] x = Data.uniform(rnd, n, dom[0], dom[1], dt);
            if (n > 3 && op != UnaryOp.LOG && op != UnaryOp.SQRT && (op != UnaryOp.POW_SCALAR || p0 >= 0)) {
                x[1] = 0.0; // exact zero: sign, relu, leaky relu, pow 0^p
            }
            double[] ref = Ref.round(dt, Ref.unary(op, p0, p1, x));
            Storage out = Host.poisoned(dt, n);
            B.unary(op, p0, p1, Host.of(dt, x), out);
            Close.assertAllClose(op + "(" + p0 + ", " + p1 + ") " + dt + " n=" + n, ref, Host.read(out),
                    Close.tol(dt), Close.tol(dt));
        }
    }

    @ParameterizedTest(name = "{0}({1}, {2}) {3}")
    @MethodSource("unaryCases")
    void unaryInPlace(UnaryOp op, double p0, double p1, DType dt) {
        double[] dom = domain(op, p0);
        double[] x = Data.uniform(new Random(32), 40_000, dom[0], dom[1], dt);
        Storage s = Host.of(dt, x);
        B.unary(op, p0, p1, s, s);
        Close.assertAllClose("in-place " + op + " " + dt, Ref.round(dt, Ref.unary(op, p0, p1, x)), Host.read(s),
                Close.tol(dt), Close.tol(dt));
    }

    private static final double[] SPECIALS = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
        100, -100, 1000, -1000, 1e-30, -1e-30, 1, -1, 88.7, -88.7, 710, -745};

    @ParameterizedTest(name = "{0}({1}, {2}) {3}")
    @MethodSource("unaryCases")
    void unarySpecialValuesMatchReference(UnaryOp op, double p0, double p1, DType dt) {
        double[] x = Ref.round(dt, SPECIALS);
        Storage out = Host.poisoned(dt, x.length);
        B.unary(op, p0, p1, Host.of(dt, x), out);
        Close.assertAllClose(op + " special values " + dt + " on " + Arrays.toString(x),
                Ref.round(dt, Ref.unary(op, p0, p1, x)), Host.read(out), Close.tol(dt), Close.tol(dt));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void unarySpecialValuesByName(DType dt) {
        double inf = Double.POSITIVE_INFINITY;
        double nan = Double.NaN;
        assertUnary(dt, UnaryOp.EXP, 0, 0, new double[] {1000, -1000, nan, inf, -inf}, new double[] {inf, 0, nan, inf, 0});
        assertUnary(dt, UnaryOp.SIGMOID, 0, 0, new double[] {1000, -1000, 100, nan, inf, -inf, 0},
                new double[] {1, 0, 1, nan, 1, 0, 0.5});
        assertUnary(dt, UnaryOp.SOFTPLUS, 0, 0, new double[] {1000, -1000, 100, nan, inf, -inf, 0},
                new double[] {1000, 0, 100, nan, inf, 0, Math.log(2)});
        assertUnary(dt, UnaryOp.LOG, 0, 0, new double[] {0, -0.0, -1, 1, inf, nan}, new double[] {-inf, -inf, nan, 0, inf, nan});
        assertUnary(dt, UnaryOp.SQRT, 0, 0, new double[] {-1, 0, 4, inf, nan}, new double[] {nan, 0, 2, inf, nan});
        assertUnary(dt, UnaryOp.TANH, 0, 0, new double[] {1000, -1000, nan}, new double[] {1, -1, nan});
        assertUnary(dt, UnaryOp.SIGN, 0, 0, new double[] {-3, 0, 2, nan, -inf}, new double[] {-1, 0, 1, nan, -1});
        assertUnary(dt, UnaryOp.RELU, 0, 0, new double[] {-3, 2, nan, -inf}, new double[] {0, 2, nan, 0});
        assertUnary(dt, UnaryOp.LEAKY_RELU, 0.2, 0, new double[] {-3, 2, nan}, new double[] {-0.6, 2, nan});
        assertUnary(dt, UnaryOp.CLAMP, -1, 2, new double[] {-3, 0.5, 7, nan, inf, -inf}, new double[] {-1, 0.5, 2, nan, 2, -1});
        assertUnary(dt, UnaryOp.POW_SCALAR, 0.5, 0, new double[] {4, -1, 0, nan}, new double[] {2, nan, 0, nan});
        assertUnary(dt, UnaryOp.POW_SCALAR, 2, 0, new double[] {-3, nan}, new double[] {9, nan});
        assertUnary(dt, UnaryOp.ABS, 0, 0, new double[] {-3, -inf, nan}, new double[] {3, inf, nan});
        assertUnary(dt, UnaryOp.NEG, 0, 0, new double[] {-3, inf, nan}, new double[] {3, -inf, nan});
    }

    private static void assertUnary(DType dt, UnaryOp op, double p0, double p1, double[] x, double[] expected) {
        Storage out = Host.poisoned(dt, x.length);
        B.unary(op, p0, p1, Host.of(dt, x), out);
        Close.assertAllClose(op + " " + dt + " on " + Arrays.toString(x), Ref.round(dt, expected), Host.read(out),
                dt == DType.FLOAT32 ? 1e-7 : 1e-15, dt == DType.FLOAT32 ? 1e-6 : 1e-15);
    }

    @Test
    void unaryRejectsSizeAndDtypeMismatch() {
        Storage x = Host.of(DType.FLOAT32, new double[5]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> B.unary(UnaryOp.EXP, 0, 0, x, Host.poisoned(DType.FLOAT32, 4)));
        assertTrue(e.getMessage().contains("5") && e.getMessage().contains("4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> B.unary(UnaryOp.EXP, 0, 0, x, Host.poisoned(DType.FLOAT64, 5)));
    }

    // ---- binary ------------------------------------------------------------------------------------------

    /** Broadcast-reading strides of a dense {@code shape} under {@code out}: 0 on size-1 and missing dims. */
    static long[] readStrides(long[] shape, long[] out) {
        long[] dense = CpuBackendMemoryTest.dense(shape);
        long[] st = new long[out.length];
        int lead = out.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            st[lead + i] = shape[i] == 1 ? 0 : dense[i];
        }
        return st;
    }

    private static final long[][][] PATTERNS = {
        {{3, 1}, {1, 4}},
        {{2, 3, 4}, {4}},
        {{4}, {2, 3, 4}},
        {{}, {2, 3}},
        {{2, 3}, {}},
        {{}, {}},
        {{1}, {5, 1, 3}},
        {{5, 1, 3}, {1}},
        {{7, 13}, {7, 13}},
        {{2, 1, 3, 1}, {1, 5, 1, 4}},
        {{13, 1, 7}, {13, 5, 1}},
        {{64, 1, 1}, {1, 33, 17}}, // large enough for the parallel path
        {{100, 50}, {100, 50}}, // one coalesced row of 5000: several blocks and a partial one
        {{3, 4099}, {1, 4099}}, // long rows, b re-read per row
        {{4099}, {}}, // long row against a scalar (stride 0)
        {{3, 40001}, {1, 40001}}, // fewer rows than tasks: each row cut into pieces for the cores
        {{100003}, {}}, // one dense row, cut into pieces
        {{3, 0, 2}, {1, 2}}, // empty
    };

    static Stream<Arguments> binaryCases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            for (BinaryOp op : BinaryOp.values()) {
                out.add(Arguments.of(op, dt));
            }
        }
        return out.stream();
    }

    private static double[][] operands(Random rnd, BinaryOp op, int na, int nb, DType dt) {
        if (op.isComparison() || op == BinaryOp.MAX || op == BinaryOp.MIN) {
            return new double[][] {Data.ints(rnd, na, 2), Data.ints(rnd, nb, 2)};
        }
        if (op == BinaryOp.POW) {
            return new double[][] {Data.uniform(rnd, na, 0.1, 3, dt), Data.uniform(rnd, nb, -2.5, 2.5, dt)};
        }
        double[] b = Data.uniform(rnd, nb, 0.5, 2, dt);
        if (op == BinaryOp.DIV) {
            for (int i = 0; i < nb; i += 2) {
                b[i] = -b[i];
            }
        } else {
            b = Data.uniform(rnd, nb, -3, 3, dt);
        }
        return new double[][] {Data.uniform(rnd, na, -3, 3, dt), b};
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("binaryCases")
    void binaryBroadcastPatterns(BinaryOp op, DType dt) {
        Random rnd = new Random(41 + op.ordinal());
        List<long[][]> cases = new ArrayList<>(Arrays.asList(PATTERNS));
        for (int trial = 0; trial < 30; trial++) {
            // random broadcast-compatible pair of rank 0..4: each dim kept, set to 1 in a or b, or dropped
            int rank = trial % 5;
            long[] full = Data.shape(rnd, rank);
            long[] a = full.clone();
            long[] b = full.clone();
            for (int d = 0; d < rank; d++) {
                int c = rnd.nextInt(3);
                if (c == 1) {
                    a[d] = 1;
                } else if (c == 2) {
                    b[d] = 1;
                }
            }
            int dropA = rnd.nextInt(rank + 1);
            cases.add(new long[][] {Arrays.copyOfRange(a, rank - (rank - dropA), rank), b});
        }
        for (long[][] c : cases) {
            long[] as = c[0];
            long[] bs = c[1];
            long[] os = Ref.broadcastShape(as, bs);
            double[][] v = operands(rnd, op, Data.n(as), Data.n(bs), dt);
            double[] ref = Ref.round(dt, Ref.binary(op, v[0], as, v[1], bs));
            Storage out = Host.poisoned(dt, ref.length);
            B.binary(op, Host.of(dt, v[0]), readStrides(as, os), Host.of(dt, v[1]), readStrides(bs, os), out, os);
            double[] got = Host.read(out);
            String what = op + " " + dt + " " + Arrays.toString(as) + " x " + Arrays.toString(bs);
            if (op.isComparison()) {
                for (double g : got) {
                    assertTrue(g == 0.0 || g == 1.0, what + ": comparison wrote " + g);
                }
                Close.assertAllClose(what, os, ref, got, 0, 0);
            } else {
                Close.assertAllClose(what, os, ref, got, Close.tol(dt), Close.tol(dt));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("binaryCases")
    void binaryReadsTransposedOperand(BinaryOp op, DType dt) {
        // a is stored [cols, 3] and read as its transpose [3, cols] (strides {1, 3}); b broadcasts a row [1, cols].
        Random rnd = new Random(42);
        for (int cols : new int[] {5, 5000}) {
            int n = 3 * cols;
            double[][] v = operands(rnd, op, n, cols, dt);
            double[] at = new double[n];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < cols; j++) {
                    at[i * cols + j] = v[0][j * 3 + i];
                }
            }
            long[] os = {3, cols};
            double[] ref = Ref.round(dt, Ref.binary(op, at, os, v[1], new long[] {1, cols}));
            Storage out = Host.poisoned(dt, n);
            B.binary(op, Host.of(dt, v[0]), new long[] {1, 3}, Host.of(dt, v[1]), new long[] {0, 1}, out, os);
            Close.assertAllClose(op + " transposed operand [3, " + cols + "] " + dt, os, ref, Host.read(out),
                    Close.tol(dt), Close.tol(dt));
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void binaryNanPropagationAndComparisons(DType dt) {
        double nan = Double.NaN;
        double[] a = {nan, 1, nan, 2, Double.POSITIVE_INFINITY};
        double[] b = {1, nan, nan, 2, Double.POSITIVE_INFINITY};
        for (BinaryOp op : BinaryOp.values()) {
            Storage out = Host.poisoned(dt, 5);
            B.binary(op, Host.of(dt, a), new long[] {1}, Host.of(dt, b), new long[] {1}, out, new long[] {5});
            double[] expected = switch (op) {
                case EQ -> new double[] {0, 0, 0, 1, 1};
                case NE -> new double[] {1, 1, 1, 0, 0};
                case LT, GT -> new double[] {0, 0, 0, 0, 0};
                case LE, GE -> new double[] {0, 0, 0, 1, 1};
                case ADD, MUL -> new double[] {nan, nan, nan, 4, Double.POSITIVE_INFINITY};
                case MAX, MIN -> new double[] {nan, nan, nan, 2, Double.POSITIVE_INFINITY};
                case POW -> new double[] {nan, nan, nan, 4, Double.POSITIVE_INFINITY}; // Java: pow(1, NaN) = NaN
                case SUB, DIV -> new double[] {nan, nan, nan, op == BinaryOp.SUB ? 0 : 1, nan};
            };
            Close.assertExact(op + " with NaN/inf " + dt, expected, Host.read(out));
        }
    }

    @Test
    void binaryRejectsMixedDtypes() {
        Storage a = Host.of(DType.FLOAT32, new double[3]);
        Storage b = Host.of(DType.FLOAT64, new double[3]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> B.binary(BinaryOp.ADD, a,
                new long[] {1}, b, new long[] {1}, Host.poisoned(DType.FLOAT32, 3), new long[] {3}));
        assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("float64"), e.getMessage());
    }

    // ---- where -------------------------------------------------------------------------------------------

    /**
     * rectifierBackward against the composed sequence it replaces (GT with a broadcast zero, where, MUL), bit for bit:
     * random values, signed zeros, infinities and NaN in x and g, sizes across blocks and the parallel path, in place.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void rectifierBackwardEqualsTheComposedSequence(DType dt) {
        Random rnd = new Random(71);
        double[] special = {0.0, -0.0, 1.5, -2.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
            Double.MIN_VALUE, -Double.MIN_VALUE};
        double[][] factors = {{1.0, 0.0}, {1.0, 0.2}, {1.0, (float) 0.01}};
        for (int n : new int[] {1, 9, 81, 2049, 300001}) {
            double[] x = Data.uniform(rnd, n, -3, 3, dt);
            double[] g = Data.uniform(rnd, n, -3, 3, dt);
            for (int i = 0; i < Math.min(n, special.length * special.length); i++) {
                x[i] = special[i % special.length];
                g[i] = special[i / special.length];
            }
            for (double[] f : factors) {
                Storage xs = Host.of(dt, x);
                Storage gs = Host.of(dt, g);
                long[] shape = {n};
                long[] dense = {1};
                long[] scalar = {0};
                Storage mask = Host.poisoned(dt, n);
                B.binary(BinaryOp.GT, xs, dense, Host.of(dt, new double[] {0.0}), scalar, mask, shape);
                Storage factor = Host.poisoned(dt, n);
                B.where(mask, dense, Host.of(dt, new double[] {f[0]}), scalar, Host.of(dt, new double[] {f[1]}),
                        scalar, factor, shape);
                Storage composed = Host.poisoned(dt, n);
                B.binary(BinaryOp.MUL, gs, dense, factor, dense, composed, shape);
                Storage fused = Host.poisoned(dt, n);
                B.rectifierBackward(xs, gs, f[0], f[1], fused);
                double[] want = Host.read(composed);
                double[] got = Host.read(fused);
                for (int i = 0; i < n; i++) {
                    assertEquals(Double.doubleToRawLongBits(want[i]), Double.doubleToRawLongBits(got[i]),
                            dt + " n=" + n + " factors " + Arrays.toString(f) + " element " + i + ": x=" + x[i]
                                    + " g=" + g[i] + ": " + got[i] + " vs " + want[i]);
                }
                B.rectifierBackward(xs, gs, f[0], f[1], gs); // in place
                assertArrayEquals(want, Host.read(gs), 0.0, "in place");
            }
        }
        Storage three = Host.poisoned(dt, 3);
        String m = assertThrows(IllegalArgumentException.class,
                () -> B.rectifierBackward(three, Host.poisoned(dt, 4), 1, 0, three)).getMessage();
        assertTrue(m.contains("x has 3 elements, g 4"), m);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void whereBroadcastsAllThree(DType dt) {
        long[][][] cases = {
            {{3, 1}, {1, 4}, {3, 4}},
            {{4}, {2, 3, 4}, {}},
            {{}, {2, 3}, {3}},
            {{2, 1, 3}, {5, 1}, {1, 1, 3}},
            {{7, 13}, {7, 13}, {7, 13}},
            {{1, 5, 1, 4}, {2, 1, 3, 1}, {4}},
            {{64, 33, 1}, {1}, {17}},
            {{2, 50001}, {1}, {50001}}, // few long rows: cut into pieces
        };
        Random rnd = new Random(51);
        for (long[][] c : cases) {
            long[] out = Ref.broadcastShape(Ref.broadcastShape(c[0], c[1]), c[2]);
            double[] cond = Data.ints(rnd, Data.n(c[0]), 1);
            for (int i = 0; i < cond.length; i += 5) {
                cond[i] = i % 2 == 0 ? 0.5 : Double.NaN; // non-zero and NaN count as true
            }
            double[] a = Data.uniform(rnd, Data.n(c[1]), -3, 3, dt);
            double[] b = Data.uniform(rnd, Data.n(c[2]), -3, 3, dt);
            double[] ref = Ref.where(cond, c[0], a, c[1], b, c[2], out);
            Storage o = Host.poisoned(dt, ref.length);
            B.where(Host.of(dt, cond), readStrides(c[0], out), Host.of(dt, a), readStrides(c[1], out),
                    Host.of(dt, b), readStrides(c[2], out), o, out);
            Close.assertAllClose("where " + dt + " " + Arrays.deepToString(c), out, ref, Host.read(o), 0, 0);
        }
    }
}
