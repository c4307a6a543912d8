package io.gcgan.backend.cpu;

import io.gcgan.bindings.openblas.OpenBlas;
import io.gcgan.tensor.DType;
import java.lang.foreign.MemorySegment;

/** Row-major GEMM for the CPU backend, dispatched by dtype to OpenBLAS's cblas_sgemm / cblas_dgemm. */
final class Blas {

    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    String description() {
        return OpenBlas.description();
    }

    /**
     * {@code C [m, n] = alpha * op(A) @ op(B) + beta * C}, row-major with leading dimensions in elements;
     * A is [m, k] (or [k, m] when transA), B is [k, n] (or [n, k] when transB).
     */
    void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, double alpha,
              MemorySegment a, int lda, MemorySegment b, int ldb, double beta, MemorySegment c, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            // op(A) @ op(B) is all zeros; not every BLAS accepts k = 0.
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    long at = (long) i * ldc + j;
                    double old = beta == 0 ? 0 : CpuBackend.get(c, dtype == DType.FLOAT32, at);
                    CpuBackend.set(c, dtype == DType.FLOAT32, at, beta * old);
                }
            }
            return;
        }
        int ta = transA ? TRANS : NO_TRANS;
        int tb = transB ? TRANS : NO_TRANS;
        // BLAS requires ld >= 1 even when a dimension is 0.
        lda = Math.max(lda, 1);
        ldb = Math.max(ldb, 1);
        ldc = Math.max(ldc, 1);
        if (dtype == DType.FLOAT32) {
            OpenBlas.cblas_sgemm(ROW_MAJOR, ta, tb, m, n, k, (float) alpha, a, lda, b, ldb, (float) beta, c, ldc);
        } else {
            OpenBlas.cblas_dgemm(ROW_MAJOR, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }
}
