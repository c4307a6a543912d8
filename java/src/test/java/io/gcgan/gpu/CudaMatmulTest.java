package io.gcgan.gpu;

import io.gcgan.backend.Backend;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * matmul on CUDA against the CPU backend in float64 on the same values: every transpose combination, batch 1,
 * batched with a shared (batch stride 0) operand, odd sizes, and the three GEMMs of each Linear layer of mnist28
 * (forward, backward-data, backward-weight at batch 64 and 1).
 *
 * <p>Tolerance per output element: {@code Check.sumFactor(dtype, k) * (|A| |B|)_ij}, where {@code |A||B|} is the
 * same product of the absolute values (the sum of |terms| of each dot product) and sumFactor is
 * {@code 8 sqrt(k) u + u}. For float32 at k = 1024 that is 1.5e-5 of sum|terms|; see {@link Check#LAMBDA} for why
 * sqrt(k). {@link #float32ProductsAreNotRoundedToTf32} checks separately that float32 work is not done in TF32.
 */
@GpuTest
class CudaMatmulTest {

    /** One call: out[batch, m, n] = op(a) op(b). */
    record Case(String name, int batch, int m, int n, int k, boolean transA, boolean transB, boolean shareA,
                boolean shareB) {
        @Override
        public String toString() {
            return name + " [" + batch + "x" + m + "x" + n + "x" + k + (transA ? " A^T" : "") + (transB ? " B^T" : "")
                    + (shareA ? " A shared" : "") + (shareB ? " B shared" : "") + "]";
        }
    }

    static List<Case> shapes() {
        List<Case> c = new ArrayList<>();
        int[][] odd = {{1, 1, 1}, {3, 5, 7}, {17, 1, 33}, {1, 129, 65}, {127, 131, 257}, {64, 64, 64}, {5, 3, 1000}};
        for (int[] s : odd) {
            for (int t = 0; t < 4; t++) {
                c.add(new Case("odd", 1, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, false, false));
            }
        }
        c.add(new Case("batched", 7, 13, 9, 11, false, false, false, false));
        c.add(new Case("batched", 3, 31, 17, 5, true, true, false, false));
        c.add(new Case("batched, shared weight", 5, 33, 65, 17, false, true, false, true));
        c.add(new Case("batched, shared left", 4, 9, 10, 11, true, false, true, false));
        // mnist28: G's Linear(100, 6272) and D's Linear(6272, 1), x [b, in], W [out, in]
        for (int b : new int[] {64, 1}) {
            c.add(new Case("mnist28 G fc forward x W^T", 1, b, 6272, 100, false, true, false, false));
            c.add(new Case("mnist28 G fc backward-data dy W", 1, b, 100, 6272, false, false, false, false));
            c.add(new Case("mnist28 G fc backward-weight dy^T x", 1, 6272, 100, b, true, false, false, false));
            c.add(new Case("mnist28 D fc forward x W^T", 1, b, 1, 6272, false, true, false, false));
            c.add(new Case("mnist28 D fc backward-data dy W", 1, b, 6272, 1, false, false, false, false));
            c.add(new Case("mnist28 D fc backward-weight dy^T x", 1, 1, 6272, b, true, false, false, false));
        }
        c.add(new Case("square 1024", 1, 1024, 1024, 1024, false, false, false, false));
        return c;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Case c : shapes()) {
            out.add(Arguments.of(c, DType.FLOAT32));
            if (c.m() * (long) c.n() * c.k() * c.batch() <= 1_000_000) {
                out.add(Arguments.of(c, DType.FLOAT64));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matmul(Case c, DType dtype) {
        long aSize = (long) c.m() * c.k();
        long bSize = (long) c.k() * c.n();
        int aCount = (int) (c.shareA() ? aSize : aSize * c.batch());
        int bCount = (int) (c.shareB() ? bSize : bSize * c.batch());
        double[] a = Data.uniform(Data.random(c + "A"), aCount, -1, 1, dtype);
        double[] b = Data.uniform(Data.random(c + "B"), bCount, -1, 1, dtype);
        String what = "matmul " + c + " " + dtype;
        try (TensorScope scope = TensorScope.open()) {
            double[] got = run(Gpu.cuda(), dtype, c, a, b, scope);
            double[] ref = run(Gpu.cpu(), DType.FLOAT64, c, a, b, scope);
            double[] absRef = run(Gpu.cpu(), DType.FLOAT64, c, Data.abs(a), Data.abs(b), scope);
            Check.scaled(what, ref, got, absRef, Check.sumFactor(dtype, c.k()), Double.MIN_NORMAL);
        }
    }

    private static double[] run(Backend be, DType dtype, Case c, double[] a, double[] b, TensorScope scope) {
        Storage sa = Gpu.upload(be, dtype, a, scope);
        Storage sb = Gpu.upload(be, dtype, b, scope);
        Storage out = Gpu.poisoned(be, dtype, (long) c.batch() * c.m() * c.n(), scope);
        be.matmul(sa, c.shareA() ? 0 : (long) c.m() * c.k(), c.transA(), sb, c.shareB() ? 0 : (long) c.k() * c.n(),
                c.transB(), out, c.batch(), c.m(), c.n(), c.k());
        return Gpu.read(out);
    }

    /**
     * Inputs with low-order significand bits: v = 1 + 2^-20 needs 21 bits, TF32 keeps 10, so a TF32 tensor-core GEMM
     * sees v as 1 and returns exactly k. In float32 each product rounds to 1 + 2^-19 and, with k = 16, every partial
     * sum j (1 + 2^-19), j <= 16, is exact in any summation order, so float32 gives 16 (1 + 2^-19): 1.9e-6 above TF32's
     * answer, where the tolerance is 2^-21 = 4.8e-7 relative.
     */
    @Test
    void float32ProductsAreNotRoundedToTf32() {
        int m = 16;
        int n = 16;
        int k = 16;
        double v = 1 + 0x1p-20;
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        java.util.Arrays.fill(a, v);
        java.util.Arrays.fill(b, v);
        Case c = new Case("tf32 probe", 1, m, n, k, false, false, false, false);
        try (TensorScope scope = TensorScope.open()) {
            double[] got = run(Gpu.cuda(), DType.FLOAT32, c, a, b, scope);
            double[] ref = run(Gpu.cpu(), DType.FLOAT64, c, a, b, scope);
            Check.close("matmul of 1 + 2^-20 (TF32 would give exactly " + k + ")", ref, got, 0, 0x1p-21);
        }
    }
}
