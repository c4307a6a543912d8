package io.gcgan.bindings.openblas;

import static io.gcgan.bindings.openblas.OpenBlas.CblasNoTrans;
import static io.gcgan.bindings.openblas.OpenBlas.CblasRowMajor;
import static io.gcgan.bindings.openblas.OpenBlas.CblasTrans;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * cblas_sgemm and cblas_dgemm, row-major, against a naive triple loop in float64.
 *
 * <pre>
 *   op(A) [M, K]  stored [M, K] (NoTrans) or [K, M] (Trans), row stride lda = stored columns + pad
 *   op(B) [K, N]  stored [K, N] or [N, K], ldb likewise
 *   C     [M, N]  ldc = N + pad; the pad columns must come back untouched
 * </pre>
 *
 * With beta = 0 the incoming C is poisoned with NaN: BLAS must not read it, and every element must be written.
 * Tolerance per element: 2 (K + 2) u (sum_p |alpha a_ip b_pj| + |beta c_ij|), u the unit roundoff of the dtype.
 */
class OpenBlasGemmTest {

    private static final int[][] SHAPES = {{1, 1, 1}, {3, 5, 7}, {17, 33, 9}, {64, 1, 128}, {2, 70, 31}};
    private static final double[][] ALPHA_BETA = {{1.0, 0.0}, {0.75, -1.5}};
    private static final int[] PADS = {0, 3};
    private static final float PAD_SENTINEL = 12345.0f;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean f64 : new boolean[] {false, true}) {
            for (int[] s : SHAPES) {
                for (int transA : new int[] {CblasNoTrans, CblasTrans}) {
                    for (int transB : new int[] {CblasNoTrans, CblasTrans}) {
                        for (double[] ab : ALPHA_BETA) {
                            for (int pad : PADS) {
                                cases.add(Arguments.of(f64 ? "dgemm" : "sgemm", s[0], s[1], s[2],
                                        transA == CblasTrans, transB == CblasTrans, ab[0], ab[1], pad));
                            }
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} M={1} N={2} K={3} transA={4} transB={5} alpha={6} beta={7} pad={8}")
    @MethodSource("cases")
    void gemmMatchesNaiveReference(String fn, int m, int n, int k, boolean transA, boolean transB,
                                   double alpha, double beta, int pad) {
        boolean f64 = fn.equals("dgemm");
        ValueLayout layout = f64 ? ValueLayout.JAVA_DOUBLE : ValueLayout.JAVA_FLOAT;
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        Random random = new Random(31L * m + 17L * n + k + (transA ? 1000 : 0) + (transB ? 2000 : 0));

        double[] a = randomMatrix(random, aRows, lda, f64);
        double[] b = randomMatrix(random, bRows, ldb, f64);
        double[] c = randomMatrix(random, m, ldc, f64);
        if (beta == 0.0) {
            java.util.Arrays.fill(c, Double.NaN);
        }
        for (int i = 0; i < m; i++) {
            for (int j = n; j < ldc; j++) {
                c[i * ldc + j] = PAD_SENTINEL;
            }
        }

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = toSegment(arena, a, layout);
            MemorySegment sb = toSegment(arena, b, layout);
            MemorySegment sc = toSegment(arena, c, layout);
            int ta = transA ? CblasTrans : CblasNoTrans, tb = transB ? CblasTrans : CblasNoTrans;
            if (f64) {
                OpenBlas.cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, sa, lda, sb, ldb, beta, sc, ldc);
            } else {
                OpenBlas.cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, (float) alpha, sa, lda, sb, ldb,
                        (float) beta, sc, ldc);
            }

            double u = f64 ? 0x1p-53 : 0x1p-24;
            List<String> mismatches = new ArrayList<>();
            int bad = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < ldc; j++) {
                    double got = get(sc, layout, (long) i * ldc + j);
                    double want;
                    double tol;
                    if (j >= n) {
                        want = PAD_SENTINEL;
                        tol = 0;
                    } else {
                        double sum = 0, bound = 0;
                        for (int p = 0; p < k; p++) {
                            double av = transA ? a[p * lda + i] : a[i * lda + p];
                            double bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                            sum += av * bv;
                            bound += Math.abs(alpha * av * bv);
                        }
                        want = alpha * sum;
                        if (beta != 0.0) {
                            want += beta * c[i * ldc + j];
                            bound += Math.abs(beta * c[i * ldc + j]);
                        }
                        tol = 1e-300 + 2.0 * (k + 2) * u * bound;
                    }
                    if (!(Math.abs(got - want) <= tol)) {
                        if (++bad <= 5) {
                            mismatches.add("C[" + i + "][" + j + "] = " + got + ", want " + want + " (tol " + tol + ")");
                        }
                    }
                }
            }
            if (bad > 0) {
                fail(fn + " M=" + m + " N=" + n + " K=" + k + " transA=" + transA + " transB=" + transB
                        + " alpha=" + alpha + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc
                        + ": " + bad + " of " + m * ldc + " elements wrong; first: " + String.join("; ", mismatches));
            }
        }
    }

    /** rows x ld values in [-1, 1), rounded to float when the test is float32 so the reference sees the same inputs. */
    private static double[] randomMatrix(Random random, int rows, int ld, boolean f64) {
        double[] values = new double[rows * ld];
        for (int i = 0; i < values.length; i++) {
            double v = 2 * random.nextDouble() - 1;
            values[i] = f64 ? v : (float) v;
        }
        return values;
    }

    private static MemorySegment toSegment(Arena arena, double[] values, ValueLayout layout) {
        MemorySegment segment = arena.allocate(Math.max(1, values.length) * layout.byteSize(), 64);
        for (int i = 0; i < values.length; i++) {
            if (layout == ValueLayout.JAVA_DOUBLE) {
                segment.setAtIndex(ValueLayout.JAVA_DOUBLE, i, values[i]);
            } else {
                segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) values[i]);
            }
        }
        return segment;
    }

    private static double get(MemorySegment segment, ValueLayout layout, long index) {
        return layout == ValueLayout.JAVA_DOUBLE
                ? segment.getAtIndex(ValueLayout.JAVA_DOUBLE, index)
                : segment.getAtIndex(ValueLayout.JAVA_FLOAT, index);
    }
}
