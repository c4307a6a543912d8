package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorSums} against the exact sum (BigDecimal) of the same decayed values: every start and length around
 * the vector widths (the unrolled loop, single vectors, the masked tail, any of them alone or none), runs that end
 * at the storage's last element, float32 and float64, with and without
 * coupled decay. The bound, 1e-15 of the sum of magnitudes, holds for any order of double adds at these lengths
 * and is 1e8 times tighter than a float32 accumulator would manage; a skipped or doubled element is off by far more.
 * (Without the Vector API in the test JVM, {@link CpuOptimizerStepTest#theTestJvmResolvesTheVectorApi} fails.)
 */
class VectorSumsTest {

    private static final int N = 600;

    @BeforeAll
    static void vectorApi() {
        assumeTrue(CpuOptimizerStep.VECTOR_API, "the JVM was started without --add-modules jdk.incubator.vector");
    }

    @Test
    void float32SumsAreExactToDoubleRounding() {
        check(true);
    }

    @Test
    void float64SumsAreExactToDoubleRounding() {
        check(false);
    }

    private static void check(boolean f32) {
        Random rnd = new Random(f32 ? 7 : 8);
        try (Arena arena = Arena.ofConfined()) {
            // Storage of exactly N elements: the runs that end at N read up to the segment's last byte, so a masked
            // tail load that touched a lane past its run would fail with an IndexOutOfBoundsException.
            long bytes = N * (f32 ? 4L : 8L);
            MemorySegment g = arena.allocate(bytes, 64);
            MemorySegment w = arena.allocate(bytes, 64);
            double[] gv = new double[N];
            double[] wv = new double[N];
            for (int i = 0; i < N; i++) {
                // Magnitudes over 2^20: an order-dependent float32 sum would lose many bits.
                double scale = Math.scalb(1.0, rnd.nextInt(21) - 10);
                gv[i] = set(g, f32, i, (rnd.nextGaussian() + 0.3) * scale);
                wv[i] = set(w, f32, i, rnd.nextGaussian());
            }
            for (double lambda : new double[] {0.0, 0.01}) {
                for (int first : new int[] {0, 1, 3, 17}) {
                    for (int n = 0; n <= 140; n++) {
                        checkOne(g, w, gv, wv, f32, lambda, first, n);
                    }
                    checkOne(g, w, gv, wv, f32, lambda, first, N - first);
                }
                for (int n = 0; n <= 40; n++) {
                    checkOne(g, w, gv, wv, f32, lambda, N - n, n);
                }
            }
        }
    }

    private static void checkOne(MemorySegment g, MemorySegment w, double[] gv, double[] wv, boolean f32,
                                 double lambda, int first, int n) {
        BigDecimal exact = BigDecimal.ZERO;
        double magnitude = 0.0;
        for (int i = first; i < first + n; i++) {
            // The decayed value as the step forms it, in double: g + lambda * w.
            double d = lambda == 0.0 ? gv[i] : gv[i] + lambda * wv[i];
            exact = exact.add(new BigDecimal(d));
            magnitude += Math.abs(d);
        }
        double actual = f32 ? VectorSums.sumFloat(g, w, lambda, first, n)
                : VectorSums.sumDouble(g, w, lambda, first, n);
        assertEquals(exact.doubleValue(), actual, 1e-15 * magnitude,
                (f32 ? "float32" : "float64") + " sum of [" + first + ", " + (first + n) + ") with lambda " + lambda);
    }

    private static double set(MemorySegment s, boolean f32, int i, double v) {
        if (f32) {
            s.setAtIndex(JAVA_FLOAT, i, (float) v);
            return (float) v;
        }
        s.setAtIndex(JAVA_DOUBLE, i, v);
        return v;
    }
}
