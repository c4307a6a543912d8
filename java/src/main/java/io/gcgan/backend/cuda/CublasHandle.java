package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.gcgan.bindings.cublas.Cublas;
import io.gcgan.bindings.cublas.CublasException;
import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The backend's cuBLAS context, bound to its device and stream, and row-major GEMM on top of column-major cuBLAS.
 *
 * <p>Row-major trick: a row-major [m, n] matrix is the column-major [n, m] matrix of its transpose, so
 * {@code C = op(A) op(B)} (row-major) is computed as the column-major {@code C^T = op(B)^T op(A)^T}: cuBLAS is called
 * with the operands swapped, dimensions (n, m, k), and each operand's row-major leading dimension.
 *
 * <p>Math mode: {@code CUBLAS_DEFAULT_MATH} unless TF32 is allowed for the call, then
 * {@code CUBLAS_TF32_TENSOR_OP_MATH} (float32 only; float64 never changes). The default mode never lowers float32
 * products to TF32, so float32 results match the CPU oracle to float32 rounding. Pointer mode is host: alpha and beta
 * are host constants.
 */
final class CublasHandle {

    private final CudaDevice device;
    private final MemorySegment handle;
    private int mathMode = -1;

    CublasHandle(CudaDevice device) {
        this.device = device;
        device.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            CublasException.check(Cublas.cublasCreate_v2(out), "cublasCreate_v2 on cuda:" + device.index());
            this.handle = out.get(ADDRESS, 0);
        }
        CublasException.check(Cublas.cublasSetStream_v2(handle, device.stream()), "cublasSetStream_v2");
        setMathMode(Cublas.CUBLAS_DEFAULT_MATH);
    }

    /** "13.0.0" from cublasGetProperty. */
    static String version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT, 3);
            CublasException.check(Cublas.cublasGetProperty(Cublas.MAJOR_VERSION, v), "cublasGetProperty(MAJOR)");
            CublasException.check(Cublas.cublasGetProperty(Cublas.MINOR_VERSION, v.asSlice(4)),
                    "cublasGetProperty(MINOR)");
            CublasException.check(Cublas.cublasGetProperty(Cublas.PATCH_LEVEL, v.asSlice(8)),
                    "cublasGetProperty(PATCH)");
            return v.get(JAVA_INT, 0) + "." + v.get(JAVA_INT, 4) + "." + v.get(JAVA_INT, 8);
        }
    }

    private void setMathMode(int mode) {
        if (mode != mathMode) {
            CublasException.check(Cublas.cublasSetMathMode(handle, mode), "cublasSetMathMode(" + mode + ")");
            mathMode = mode;
        }
    }

    /**
     * Row-major batched GEMM on device memory: for {@code i < batch}, {@code out_i [m, n] = op(a_i) op(b_i)} with
     * {@code a_i} at element {@code i * aStride} stored [m, k] ([k, m] when transA), {@code b_i} at
     * {@code i * bStride} stored [k, n] ([n, k] when transB) and {@code out} dense [batch, m, n]. A stride of 0 reuses
     * one matrix. All sizes are >= 1 (the caller handles empty products).
     */
    synchronized void gemm(DType dtype, boolean tf32, MemorySegment a, long aStride, boolean transA, MemorySegment b,
                           long bStride, boolean transB, MemorySegment out, int batch, int m, int n, int k) {
        device.makeCurrent();
        setMathMode(dtype == DType.FLOAT32 && tf32 ? Cublas.CUBLAS_TF32_TENSOR_OP_MATH : Cublas.CUBLAS_DEFAULT_MATH);
        // Column-major view: out^T [n, m] = op(b)^T [n, k] * op(a)^T [k, m].
        int opB = transB ? Cublas.CUBLAS_OP_T : Cublas.CUBLAS_OP_N;
        int opA = transA ? Cublas.CUBLAS_OP_T : Cublas.CUBLAS_OP_N;
        int ldb = transB ? k : n;
        int lda = transA ? m : k;
        long outStride = (long) m * n;
        boolean f32 = dtype == DType.FLOAT32;
        MemorySegment one = HostScalars.one(dtype);
        MemorySegment zero = HostScalars.zero(dtype);
        int status;
        String call;
        if (batch == 1) {
            call = f32 ? "cublasSgemm_v2" : "cublasDgemm_v2";
            status = f32
                    ? Cublas.cublasSgemm_v2(handle, opB, opA, n, m, k, one, b, ldb, a, lda, zero, out, n)
                    : Cublas.cublasDgemm_v2(handle, opB, opA, n, m, k, one, b, ldb, a, lda, zero, out, n);
        } else {
            call = f32 ? "cublasSgemmStridedBatched" : "cublasDgemmStridedBatched";
            status = f32
                    ? Cublas.cublasSgemmStridedBatched(handle, opB, opA, n, m, k, one, b, ldb, bStride, a, lda,
                            aStride, zero, out, n, outStride, batch)
                    : Cublas.cublasDgemmStridedBatched(handle, opB, opA, n, m, k, one, b, ldb, bStride, a, lda,
                            aStride, zero, out, n, outStride, batch);
        }
        if (status != Cublas.CUBLAS_STATUS_SUCCESS) {
            CublasException.check(status, call + "(row-major batch=" + batch + " m=" + m + " n=" + n + " k=" + k
                    + " transA=" + transA + " transB=" + transB + ", " + dtype.displayName() + ")");
        }
    }
}
