package io.gcgan.backend.cpu;

import static io.gcgan.bindings.openblas.OpenBlas.CblasNoTrans;
import static io.gcgan.bindings.openblas.OpenBlas.CblasRowMajor;
import static io.gcgan.bindings.openblas.OpenBlas.CblasTrans;

import io.gcgan.bindings.openblas.OpenBlas;
import io.gcgan.tensor.DType;
import java.lang.foreign.MemorySegment;

/**
 * Row-major GEMM for the CPU backend over OpenBLAS's cblas_sgemm / cblas_dgemm.
 *
 * <p>The CPU backend owns its threads: OpenBLAS runs single-threaded and large products are split into
 * blocks of rows (or columns) computed on the Java worker threads. OpenBLAS's own workers busy-wait after
 * each call, which on a small machine starves the Java loops (im2col, transposes) that run between GEMMs;
 * measured on 2 cores it cut conv throughput by 1.5-3x.
 */
final class Blas {

    /** Below this many multiply-adds a product stays on one thread. */
    private static final long MIN_PARALLEL_MACS = 1L << 18;

    Blas() {
        OpenBlas.openblas_set_num_threads(1);
    }

    String description() {
        return OpenBlas.description() + ", one OpenBLAS thread per Java worker";
    }

    /**
     * {@code C [m, n] = alpha * op(A) @ op(B) + beta * C}, row-major with leading dimensions in elements;
     * A is [m, k] (or [k, m] when transA), B is [k, n] (or [n, k] when transB). Large products run in
     * parallel over blocks of the larger of m and n.
     */
    void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, double alpha,
              MemorySegment a, int lda, MemorySegment b, int ldb, double beta, MemorySegment c, int ldc) {
        long macs = (long) m * n * k;
        int threads = Parallel.threads();
        if (threads == 1 || macs < MIN_PARALLEL_MACS || Math.max(m, n) < 2 * threads) {
            gemmOnThisThread(dtype, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        long es = dtype.byteSize();
        boolean splitRows = m >= n;
        int extent = splitRows ? m : n;
        Parallel.forParts(threads, part -> {
            int from = (int) ((long) extent * part / threads);
            int to = (int) ((long) extent * (part + 1) / threads);
            if (from == to) {
                return;
            }
            if (splitRows) {
                // Rows [from, to) of op(A) and of C. op(A) row i starts at A[i, 0], or at A^T's column i.
                long aOff = (transA ? from : (long) from * lda) * es;
                gemmOnThisThread(dtype, transA, transB, to - from, n, k, alpha, a.asSlice(aOff), lda, b, ldb,
                        beta, c.asSlice((long) from * ldc * es), ldc);
            } else {
                // Columns [from, to) of op(B) and of C.
                long bOff = (transB ? (long) from * ldb : from) * es;
                gemmOnThisThread(dtype, transA, transB, m, to - from, k, alpha, a, lda, b.asSlice(bOff), ldb,
                        beta, c.asSlice(from * es), ldc);
            }
        });
    }

    /** One OpenBLAS call on the calling thread. */
    void gemmOnThisThread(DType dtype, boolean transA, boolean transB, int m, int n, int k, double alpha,
                          MemorySegment a, int lda, MemorySegment b, int ldb, double beta, MemorySegment c, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        boolean f32 = dtype == DType.FLOAT32;
        if (k == 0) {
            // op(A) @ op(B) is all zeros; not every BLAS accepts k = 0.
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    long at = (long) i * ldc + j;
                    double old = beta == 0 ? 0 : CpuBackend.get(c, f32, at);
                    CpuBackend.set(c, f32, at, beta * old);
                }
            }
            return;
        }
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        if (f32) {
            OpenBlas.cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, (float) alpha, a, lda, b, ldb, (float) beta, c, ldc);
        } else {
            OpenBlas.cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }
}
