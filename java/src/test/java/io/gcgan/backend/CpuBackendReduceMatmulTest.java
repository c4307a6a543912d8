package io.gcgan.backend;

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

/** CpuBackend reduce (every axis subset, NaN, long sums) and batched matmul (strides, transposes, odd sizes). */
class CpuBackendReduceMatmulTest {

    private static final CpuBackend B = CpuBackend.instance();

    static Stream<Arguments> reduceCases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            for (ReduceOp op : ReduceOp.values()) {
                out.add(Arguments.of(op, dt));
            }
        }
        return out.stream();
    }

    private static int[] axesOf(int mask, int rank) {
        return java.util.stream.IntStream.range(0, rank).filter(d -> (mask & (1 << d)) != 0).toArray();
    }

    private static void checkReduce(ReduceOp op, DType dt, double[] x, long[] shape, int[] axes, String tag) {
        long[] kept = Ref.keptShape(shape, axes);
        double[] ref = Ref.round(dt, Ref.reduce(op, x, shape, axes));
        Storage out = Host.poisoned(dt, Ref.numel(kept));
        B.reduce(op, Host.of(dt, x), shape, axes, out);
        double tol = dt == DType.FLOAT32 ? 1e-6 : 1e-13;
        Close.assertAllClose(op + " " + dt + " " + tag + " of " + Arrays.toString(shape) + " over "
                + Arrays.toString(axes), kept, ref, Host.read(out), tol, tol);
    }

    /**
     * squaredNorm over lists of storages (empty ones, one element, sizes across the 16384-element chunks, a list
     * long enough for the parallel path) against a plain float64 loop; the same bits on one core as on all.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void squaredNormOfAListAgainstAPlainLoop(DType dt) {
        Random rnd = new Random(97);
        int[][] lists = {{}, {1}, {0, 5, 0}, {16384, 16385, 3}, {40000}, {7, 100000, 1, 33000, 16383, 2}};
        for (int[] sizes : lists) {
            List<Storage> xs = new ArrayList<>();
            double ref = 0.0;
            for (int n : sizes) {
                double[] x = Data.uniform(rnd, n, -3, 3, dt);
                for (double v : x) {
                    ref += v * v;
                }
                xs.add(Host.of(dt, x));
            }
            Storage out = Host.poisoned(dt, 1);
            B.squaredNorm(xs, out);
            double got = Host.read(out)[0];
            double tol = dt == DType.FLOAT32 ? 1e-6 : 1e-12;
            assertTrue(Math.abs(got - Ref.round(dt, new double[] {ref})[0]) <= tol * Math.max(1.0, ref),
                    dt + " " + Arrays.toString(sizes) + ": " + got + " vs " + ref);
            Storage again = Host.poisoned(dt, 1);
            B.squaredNorm(xs, again);
            assertEquals(Double.doubleToRawLongBits(got), Double.doubleToRawLongBits(Host.read(again)[0]),
                    "deterministic");
        }
        Storage wrong = Host.of(dt == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32, new double[] {1, 2});
        String m = assertThrows(IllegalArgumentException.class,
                () -> B.squaredNorm(List.of(Host.of(dt, new double[] {1}), wrong), Host.poisoned(dt, 1)))
                .getMessage();
        assertTrue(m.contains("storage 1 is"), m);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("reduceCases")
    void reduceEverySubsetOfAxes(ReduceOp op, DType dt) {
        Random rnd = new Random(61 + op.ordinal());
        for (int rank = 0; rank <= 4; rank++) {
            for (int trial = 0; trial < 3; trial++) {
                long[] shape = Data.shape(rnd, rank);
                double[] x = Data.uniform(rnd, Data.n(shape), -4, 4, dt);
                for (int mask = 0; mask < (1 << rank); mask++) {
                    checkReduce(op, dt, x, shape, axesOf(mask, rank), "random");
                }
            }
        }
        // Large enough for the parallel path, in both directions.
        long[] big = {300, 7, 200};
        double[] x = Data.uniform(rnd, Data.n(big), -4, 4, dt);
        for (int[] axes : new int[][] {{2}, {0}, {0, 2}, {1}, {0, 1, 2}}) {
            checkReduce(op, dt, x, big, axes, "large");
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void maxPropagatesNanAndStartsBelowEveryValue(DType dt) {
        Random rnd = new Random(62);
        long[] shape = {4, 5, 6};
        double[] x = Data.uniform(rnd, 120, -9, -1, dt); // all negative: a max starting at 0 would show
        x[7] = Double.NaN;
        x[64] = Double.NaN;
        x[119] = Double.NaN;
        x[30] = Double.NEGATIVE_INFINITY;
        for (int mask = 0; mask < 8; mask++) {
            checkReduce(ReduceOp.MAX, dt, x, shape, axesOf(mask, 3), "NaN");
        }
        double[] allNegInf = new double[6];
        Arrays.fill(allNegInf, Double.NEGATIVE_INFINITY);
        checkReduce(ReduceOp.MAX, dt, allNegInf, new long[] {6}, new int[] {0}, "-inf");
        // NaN in the middle of a long row: the result is NaN, not the max of what follows
        double[] row = Data.uniform(rnd, 1000, 0, 1, dt);
        row[500] = Double.NaN;
        checkReduce(ReduceOp.MAX, dt, row, new long[] {1000}, new int[] {0}, "NaN mid-row");
        checkReduce(ReduceOp.MAX, dt, row, new long[] {10, 100}, new int[] {0, 1}, "NaN mid-row 2d");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void reduceOverEmptyDimension(DType dt) {
        long[] shape = {3, 0, 2};
        Storage x = Host.of(dt, new double[0]);
        Storage sum = Host.poisoned(dt, 6);
        B.reduce(ReduceOp.SUM, x, shape, new int[] {1}, sum);
        Close.assertExact("sum over empty dim", new double[6], Host.read(sum));
        Storage mean = Host.poisoned(dt, 6);
        B.reduce(ReduceOp.MEAN, x, shape, new int[] {1}, mean);
        double[] nan = new double[6];
        Arrays.fill(nan, Double.NaN);
        Close.assertExact("mean over empty dim is NaN", nan, Host.read(mean));
        Storage none = Host.poisoned(dt, 0);
        B.reduce(ReduceOp.SUM, x, shape, new int[] {0}, none); // [1, 0, 2]: nothing to write, must not fail
    }

    @Test
    void longFloat32SumAccumulatesInDouble() {
        int n = 1_000_000;
        double[] tenth = new double[n];
        Arrays.fill(tenth, 0.1f);
        // float accumulation of 1e6 x 0.1f drifts to about 100958; double accumulation gives 100000.0015.
        double exact = n * (double) 0.1f;
        for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MEAN}) {
            Storage out = Host.poisoned(DType.FLOAT32, 1);
            B.reduce(op, Host.of(DType.FLOAT32, tenth), new long[] {n}, new int[] {0}, out);
            double expect = op == ReduceOp.SUM ? exact : exact / n;
            assertEquals((float) expect, Host.read(out)[0], 0.0, op + " of 1e6 x 0.1f");
        }
        double[] x = Data.uniform(new Random(63), n, 0, 1, DType.FLOAT32);
        checkReduce(ReduceOp.SUM, DType.FLOAT32, x, new long[] {n}, new int[] {0}, "1e6 uniform");
        checkReduce(ReduceOp.SUM, DType.FLOAT32, x, new long[] {1000, 1000}, new int[] {1}, "1e3 rows of 1e3");
        checkReduce(ReduceOp.SUM, DType.FLOAT32, x, new long[] {1000, 1000}, new int[] {0}, "1e3 columns of 1e3");
    }

    @Test
    void reduceRejectsBadAxes() {
        Storage x = Host.of(DType.FLOAT32, new double[6]);
        Storage out = Host.poisoned(DType.FLOAT32, 6);
        for (int[] axes : new int[][] {{2}, {-1}, {1, 1}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> B.reduce(ReduceOp.SUM, x, new long[] {2, 3}, axes, out), Arrays.toString(axes));
            assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        }
    }

    // ---- matmul ------------------------------------------------------------------------------------------

    static Stream<Arguments> matmulCases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    out.add(Arguments.of(dt, ta, tb));
                }
            }
        }
        return out.stream();
    }

    /** {batch, m, n, k}. */
    private static final int[][] SIZES = {
        {1, 1, 1, 1}, {1, 3, 5, 7}, {3, 4, 1, 13}, {2, 1, 7, 3}, {4, 13, 7, 5}, {1, 37, 29, 41},
        {2, 64, 48, 96}, {1, 130, 7, 300}, {1, 40, 97, 80}, // big enough for a GEMM split by rows / by columns
        {5, 1, 1, 1}, {2, 3, 4, 0}, {1, 1, 1, 0}, {2, 0, 3, 4}, {2, 3, 0, 4}, {0, 3, 3, 3},
    };

    /**
     * Values for a matmul: float32 gets multiples of 1/8 in [-1, 1], so every product and partial sum is exact in
     * float and the result must match exactly whatever the summation order; float64 gets uniform doubles.
     */
    static double[] values(Random rnd, int n, DType dt) {
        if (dt == DType.FLOAT32) {
            double[] v = Data.ints(rnd, n, 8);
            for (int i = 0; i < n; i++) {
                v[i] /= 8;
            }
            return v;
        }
        return Data.uniform(rnd, n, -1, 1, dt);
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @MethodSource("matmulCases")
    void matmulAllStridesAndSizes(DType dt, boolean ta, boolean tb) {
        Random rnd = new Random(71);
        for (int[] sz : SIZES) {
            int batch = sz[0];
            int m = sz[1];
            int n = sz[2];
            int k = sz[3];
            long mk = (long) m * k;
            long kn = (long) k * n;
            // {aStride, bStride}: both dense, a shared, b shared, both shared, padded gaps between matrices
            long[][] strides = {{mk, kn}, {0, kn}, {mk, 0}, {0, 0}, {mk + 5, kn + 3}};
            for (long[] st : strides) {
                int aSize = (int) (st[0] == 0 ? mk : Math.max(0, (batch - 1) * st[0] + mk));
                int bSize = (int) (st[1] == 0 ? kn : Math.max(0, (batch - 1) * st[1] + kn));
                double[] a = values(rnd, aSize, dt);
                double[] b = values(rnd, bSize, dt);
                double[] ref = Ref.round(dt, Ref.matmul(a, st[0], ta, b, st[1], tb, batch, m, n, k));
                Storage out = Host.poisoned(dt, (long) batch * m * n);
                B.matmul(Host.of(dt, a), st[0], ta, Host.of(dt, b), st[1], tb, out, batch, m, n, k);
                double tol = dt == DType.FLOAT32 ? 0 : 1e-14 * (k + 1);
                Close.assertAllClose("matmul " + dt + " batch=" + batch + " m=" + m + " n=" + n + " k=" + k
                                + " strides=" + Arrays.toString(st) + " transA=" + ta + " transB=" + tb,
                        new long[] {batch, m, n}, ref, Host.read(out), tol, tol);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void matmulUniformValuesWithinRoundingBound(DType dt) {
        // Non-dyadic data: the error must stay within a k-scaled bound of the float64 result.
        Random rnd = new Random(72);
        int batch = 3;
        int m = 17;
        int n = 23;
        int k = 301;
        double[] a = Data.uniform(rnd, batch * m * k, -1, 1, dt);
        double[] b = Data.uniform(rnd, k * n, -1, 1, dt);
        double[] ref = Ref.matmul(a, (long) m * k, false, b, 0, true, batch, m, n, k);
        Storage out = Host.poisoned(dt, (long) batch * m * n);
        B.matmul(Host.of(dt, a), (long) m * k, false, Host.of(dt, b), 0, true, out, batch, m, n, k);
        double atol = dt == DType.FLOAT32 ? 1e-6 * k : 1e-14 * k;
        Close.assertAllClose("matmul uniform " + dt, ref, Host.read(out), atol, dt == DType.FLOAT32 ? 1e-5 : 1e-12);
    }

    @Test
    void matmulRejectsMixedDtypesAndNegativeSizes() {
        Storage a = Host.of(DType.FLOAT32, new double[4]);
        Storage b = Host.of(DType.FLOAT64, new double[4]);
        assertThrows(IllegalArgumentException.class,
                () -> B.matmul(a, 0, false, b, 0, false, Host.poisoned(DType.FLOAT32, 4), 1, 2, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> B.matmul(a, 0, false, a, 0, false, Host.poisoned(DType.FLOAT32, 4), 1, -2, 2, 2));
        assertTrue(e.getMessage().contains("-2"), e.getMessage());
    }

    /**
     * Storages too small for the sizes are refused before OpenBLAS runs: a GEMM reads and writes through raw
     * addresses, and an output of one element for a 10x10 product had overwritten the C heap (the JVM aborted with
     * "malloc(): corrupted top size").
     */
    @Test
    void matmulRefusesStoragesTooSmallForItsSizes() {
        Storage small = Host.of(DType.FLOAT32, new double[4]);
        Storage big = Host.of(DType.FLOAT32, new double[100]);
        Storage out = Host.poisoned(DType.FLOAT32, 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> B.matmul(small, 0, false, big, 0, false, out, 1, 10, 10, 10));
        assertEquals("matmul: a holds 4 elements, 1 matrices of [10, 10] 0 apart need 100", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> B.matmul(big, 0, false, big, 60, true, out, 2, 5, 10, 10));
        assertEquals("matmul: b holds 100 elements, 2 matrices of [10, 10] 60 apart need 160", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> B.matmul(big, 0, false, big, 0, false, Host.poisoned(DType.FLOAT32, 1), 1, 10, 10, 10));
        assertEquals("matmul: out holds 1 elements, 1 matrices of [10, 10] 100 apart need 100", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> B.matmul(big, -1, false, big, 0, false, out, 2, 2, 2, 2));
        assertEquals("matmul: negative batch stride aBatchStride=-1 bBatchStride=0", e.getMessage());
        B.matmul(big, 0, false, big, 0, false, out, 1, 10, 10, 10);
        assertEquals(0.0, Host.read(out)[99], "a fitting call still runs");
    }
}
