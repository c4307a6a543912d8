package io.gcgan.bindings.cublas;

import io.gcgan.bindings.NativeLibrary;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Bindings to libcublas in jextract's conventions, for the functions and constants listed in
 * {@code io/gcgan/bindings/cublas/symbols.txt}. Prototypes are those of {@code cublas_api.h} (cuBLAS 12 and 13); the
 * {@code _v2} names are the exported symbols that {@code cublas_v2.h} maps the plain names to. The signature check
 * ({@link io.gcgan.bindings.SignatureCheck}) compiles each descriptor against the real header wherever
 * {@code cublas_v2.h} is installed (the GPU machine; the CI machine's toolkit has no cuBLAS).
 *
 * <p>Same structure as {@link io.gcgan.bindings.cudart.CudaRuntime}: a holder class per function, a typed static
 * method, and {@code $descriptor()} (needs no library), {@code $handle()} and {@code $address()} accessors. Where the
 * library comes from is decided by {@link CublasLoader}.
 *
 * <p>Every function except the status-string lookups returns a {@code cublasStatus_t} as it is: pass it to
 * {@link CublasException#check}. {@code cublasHandle_t} and {@code cudaStream_t} are {@link MemorySegment} addresses.
 * Matrices are column-major, as everywhere in BLAS; {@code alpha} and {@code beta} point to host memory under
 * {@link #CUBLAS_POINTER_MODE_HOST} (the default) and to device memory under {@link #CUBLAS_POINTER_MODE_DEVICE}.
 */
@SuppressWarnings("restricted") // binding native functions is this class's purpose
public final class Cublas {

    private Cublas() {
    }

    // ---- cublasStatus_t -----------------------------------------------------------------------------------

    public static final int CUBLAS_STATUS_SUCCESS = 0;
    public static final int CUBLAS_STATUS_NOT_INITIALIZED = 1;
    public static final int CUBLAS_STATUS_ALLOC_FAILED = 3;
    public static final int CUBLAS_STATUS_INVALID_VALUE = 7;
    public static final int CUBLAS_STATUS_ARCH_MISMATCH = 8;
    public static final int CUBLAS_STATUS_MAPPING_ERROR = 11;
    public static final int CUBLAS_STATUS_EXECUTION_FAILED = 13;
    public static final int CUBLAS_STATUS_INTERNAL_ERROR = 14;
    public static final int CUBLAS_STATUS_NOT_SUPPORTED = 15;
    public static final int CUBLAS_STATUS_LICENSE_ERROR = 16;

    // ---- cublasOperation_t, cublasPointerMode_t, cublasMath_t -------------------------------------------------

    public static final int CUBLAS_OP_N = 0;
    public static final int CUBLAS_OP_T = 1;
    public static final int CUBLAS_OP_C = 2;
    public static final int CUBLAS_POINTER_MODE_HOST = 0;
    public static final int CUBLAS_POINTER_MODE_DEVICE = 1;
    public static final int CUBLAS_DEFAULT_MATH = 0;
    /** Plain IEEE float arithmetic: no TF32 or other reduced-precision tensor-core paths. */
    public static final int CUBLAS_PEDANTIC_MATH = 2;
    /** Lets single-precision routines use TF32 tensor cores (10-bit mantissa products). */
    public static final int CUBLAS_TF32_TENSOR_OP_MATH = 3;
    /** A flag to OR into the math mode. */
    public static final int CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION = 16;

    // ---- libraryPropertyType (library_types.h), for cublasGetProperty ----------------------------------------

    public static final int MAJOR_VERSION = 0;
    public static final int MINOR_VERSION = 1;
    public static final int PATCH_LEVEL = 2;

    // ---- C types ------------------------------------------------------------------------------------------

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private static final Linker.Option[] TRIVIAL = {Linker.Option.critical(false)};

    // ---- linking ----------------------------------------------------------------------------------------------

    private static void requireLoaded() {
        CublasLoader.library().loaded();
    }

    private static MemorySegment findOrNull(String... symbols) {
        return CublasLoader.library().findOrNull(symbols);
    }

    private static MethodHandle downcall(MemorySegment address, FunctionDescriptor desc, Linker.Option... options) {
        return NativeLibrary.downcall(address, desc, options);
    }

    private static <T> T required(T linked, String symbol) {
        return CublasLoader.library().required(linked, symbol);
    }

    private static String string(MemorySegment chars) {
        return NativeLibrary.string(chars);
    }

    // ---- cublasStatus_t cublasCreate_v2(cublasHandle_t *handle) ---------------------------------------------------

    private static final class cublasCreate_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasCreate_v2");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cublasCreate_v2$descriptor() {
        return cublasCreate_v2.DESC;
    }

    public static MethodHandle cublasCreate_v2$handle() {
        requireLoaded();
        return required(cublasCreate_v2.Linked.HANDLE, "cublasCreate_v2");
    }

    public static MemorySegment cublasCreate_v2$address() {
        requireLoaded();
        return required(cublasCreate_v2.Linked.ADDR, "cublasCreate_v2");
    }

    /**
     * Creates a cuBLAS context on the current device and writes its handle; needs a device
     * (CUBLAS_STATUS_NOT_INITIALIZED without one).
     */
    public static int cublasCreate_v2(MemorySegment handle) {
        var mh$ = cublasCreate_v2$handle();
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cublasStatus_t cublasDestroy_v2(cublasHandle_t handle) ---------------------------------------------------

    private static final class cublasDestroy_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasDestroy_v2");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cublasDestroy_v2$descriptor() {
        return cublasDestroy_v2.DESC;
    }

    public static MethodHandle cublasDestroy_v2$handle() {
        requireLoaded();
        return required(cublasDestroy_v2.Linked.HANDLE, "cublasDestroy_v2");
    }

    public static MemorySegment cublasDestroy_v2$address() {
        requireLoaded();
        return required(cublasDestroy_v2.Linked.ADDR, "cublasDestroy_v2");
    }

    /** Destroys a context (synchronizes the device first). */
    public static int cublasDestroy_v2(MemorySegment handle) {
        var mh$ = cublasDestroy_v2$handle();
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId) --------------------------

    private static final class cublasSetStream_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasSetStream_v2");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cublasSetStream_v2$descriptor() {
        return cublasSetStream_v2.DESC;
    }

    public static MethodHandle cublasSetStream_v2$handle() {
        requireLoaded();
        return required(cublasSetStream_v2.Linked.HANDLE, "cublasSetStream_v2");
    }

    public static MemorySegment cublasSetStream_v2$address() {
        requireLoaded();
        return required(cublasSetStream_v2.Linked.ADDR, "cublasSetStream_v2");
    }

    /** Makes later calls on handle run on streamId. */
    public static int cublasSetStream_v2(MemorySegment handle, MemorySegment streamId) {
        var mh$ = cublasSetStream_v2$handle();
        try {
            return (int) mh$.invokeExact(handle, streamId);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cublasStatus_t cublasSetMathMode(cublasHandle_t handle, cublasMath_t mode) -------------------------------

    private static final class cublasSetMathMode {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasSetMathMode");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cublasSetMathMode$descriptor() {
        return cublasSetMathMode.DESC;
    }

    public static MethodHandle cublasSetMathMode$handle() {
        requireLoaded();
        return required(cublasSetMathMode.Linked.HANDLE, "cublasSetMathMode");
    }

    public static MemorySegment cublasSetMathMode$address() {
        requireLoaded();
        return required(cublasSetMathMode.Linked.ADDR, "cublasSetMathMode");
    }

    /**
     * Chooses the math mode, e.g. CUBLAS_PEDANTIC_MATH for results comparable with the CPU oracle,
     * CUBLAS_TF32_TENSOR_OP_MATH for speed.
     */
    public static int cublasSetMathMode(MemorySegment handle, int mode) {
        var mh$ = cublasSetMathMode$handle();
        try {
            return (int) mh$.invokeExact(handle, mode);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode) ------------------

    private static final class cublasSetPointerMode_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasSetPointerMode_v2");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cublasSetPointerMode_v2$descriptor() {
        return cublasSetPointerMode_v2.DESC;
    }

    public static MethodHandle cublasSetPointerMode_v2$handle() {
        requireLoaded();
        return required(cublasSetPointerMode_v2.Linked.HANDLE, "cublasSetPointerMode_v2");
    }

    public static MemorySegment cublasSetPointerMode_v2$address() {
        requireLoaded();
        return required(cublasSetPointerMode_v2.Linked.ADDR, "cublasSetPointerMode_v2");
    }

    /** Whether alpha and beta point to host (CUBLAS_POINTER_MODE_HOST) or device memory. */
    public static int cublasSetPointerMode_v2(MemorySegment handle, int mode) {
        var mh$ = cublasSetPointerMode_v2$handle();
        try {
            return (int) mh$.invokeExact(handle, mode);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cublasStatus_t cublasGetProperty(libraryPropertyType type, int *value) -----------------------------------

    private static final class cublasGetProperty {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasGetProperty");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cublasGetProperty$descriptor() {
        return cublasGetProperty.DESC;
    }

    public static MethodHandle cublasGetProperty$handle() {
        requireLoaded();
        return required(cublasGetProperty.Linked.HANDLE, "cublasGetProperty");
    }

    public static MemorySegment cublasGetProperty$address() {
        requireLoaded();
        return required(cublasGetProperty.Linked.ADDR, "cublasGetProperty");
    }

    /** Writes the library's MAJOR_VERSION, MINOR_VERSION or PATCH_LEVEL to value; needs no device. */
    public static int cublasGetProperty(int type, MemorySegment value) {
        var mh$ = cublasGetProperty$handle();
        try {
            return (int) mh$.invokeExact(type, value);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- const char* cublasGetStatusName(cublasStatus_t status) ---------------------------------------------------

    private static final class cublasGetStatusName {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasGetStatusName");
            static final MethodHandle HANDLE = downcall(ADDR, DESC, TRIVIAL);
        }
    }

    public static FunctionDescriptor cublasGetStatusName$descriptor() {
        return cublasGetStatusName.DESC;
    }

    public static MethodHandle cublasGetStatusName$handle() {
        requireLoaded();
        return required(cublasGetStatusName.Linked.HANDLE, "cublasGetStatusName");
    }

    public static MemorySegment cublasGetStatusName$address() {
        requireLoaded();
        return required(cublasGetStatusName.Linked.ADDR, "cublasGetStatusName");
    }

    /** The enum name of a status, e.g. "CUBLAS_STATUS_NOT_INITIALIZED" (a static string). */
    public static String cublasGetStatusName(int status) {
        var mh$ = cublasGetStatusName$handle();
        try {
            return string((MemorySegment) mh$.invokeExact(status));
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- const char* cublasGetStatusString(cublasStatus_t status) -------------------------------------------------

    private static final class cublasGetStatusString {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasGetStatusString");
            static final MethodHandle HANDLE = downcall(ADDR, DESC, TRIVIAL);
        }
    }

    public static FunctionDescriptor cublasGetStatusString$descriptor() {
        return cublasGetStatusString.DESC;
    }

    public static MethodHandle cublasGetStatusString$handle() {
        requireLoaded();
        return required(cublasGetStatusString.Linked.HANDLE, "cublasGetStatusString");
    }

    public static MemorySegment cublasGetStatusString$address() {
        requireLoaded();
        return required(cublasGetStatusString.Linked.ADDR, "cublasGetStatusString");
    }

    /** The description of a status, e.g. "the library was not initialized" (a static string). */
    public static String cublasGetStatusString(int status) {
        var mh$ = cublasGetStatusString$handle();
        try {
            return string((MemorySegment) mh$.invokeExact(status));
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cublasStatus_t cublasSgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
    //          cublasOperation_t transb, int m, int n, int k, const float *alpha, const float *A, int lda,
    //          const float *B, int ldb, const float *beta, float *C, int ldc) ---------------------------------------

    private static final class cublasSgemm_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT,
                C_POINTER, C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasSgemm_v2");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cublasSgemm_v2$descriptor() {
        return cublasSgemm_v2.DESC;
    }

    public static MethodHandle cublasSgemm_v2$handle() {
        requireLoaded();
        return required(cublasSgemm_v2.Linked.HANDLE, "cublasSgemm_v2");
    }

    public static MemorySegment cublasSgemm_v2$address() {
        requireLoaded();
        return required(cublasSgemm_v2.Linked.ADDR, "cublasSgemm_v2");
    }

    /** C = alpha op(A) op(B) + beta C in float32, column-major; op(A) is m x k, op(B) is k x n, C is m x n. */
    public static int cublasSgemm_v2(MemorySegment handle, int transa, int transb, int m, int n, int k,
                                     MemorySegment alpha, MemorySegment A, int lda, MemorySegment B, int ldb,
                                     MemorySegment beta, MemorySegment C, int ldc) {
        var mh$ = cublasSgemm_v2$handle();
        try {
            return (int) mh$.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cublasStatus_t cublasDgemm_v2(cublasHandle_t handle, cublasOperation_t transa,
    //          cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int lda,
    //          const double *B, int ldb, const double *beta, double *C, int ldc) ------------------------------------

    private static final class cublasDgemm_v2 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_INT,
                C_POINTER, C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasDgemm_v2");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cublasDgemm_v2$descriptor() {
        return cublasDgemm_v2.DESC;
    }

    public static MethodHandle cublasDgemm_v2$handle() {
        requireLoaded();
        return required(cublasDgemm_v2.Linked.HANDLE, "cublasDgemm_v2");
    }

    public static MemorySegment cublasDgemm_v2$address() {
        requireLoaded();
        return required(cublasDgemm_v2.Linked.ADDR, "cublasDgemm_v2");
    }

    /** C = alpha op(A) op(B) + beta C in float64, column-major; op(A) is m x k, op(B) is k x n, C is m x n. */
    public static int cublasDgemm_v2(MemorySegment handle, int transa, int transb, int m, int n, int k,
                                     MemorySegment alpha, MemorySegment A, int lda, MemorySegment B, int ldb,
                                     MemorySegment beta, MemorySegment C, int ldc) {
        var mh$ = cublasDgemm_v2$handle();
        try {
            return (int) mh$.invokeExact(handle, transa, transb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cublasStatus_t cublasSgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
    //          cublasOperation_t transb, int m, int n, int k, const float *alpha, const float *A, int lda,
    //          long long int strideA, const float *B, int ldb, long long int strideB, const float *beta,
    //          float *C, int ldc, long long int strideC, int batchCount) --------------------------------------------

    private static final class cublasSgemmStridedBatched {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_LONG_LONG,
                C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasSgemmStridedBatched");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cublasSgemmStridedBatched$descriptor() {
        return cublasSgemmStridedBatched.DESC;
    }

    public static MethodHandle cublasSgemmStridedBatched$handle() {
        requireLoaded();
        return required(cublasSgemmStridedBatched.Linked.HANDLE, "cublasSgemmStridedBatched");
    }

    public static MemorySegment cublasSgemmStridedBatched$address() {
        requireLoaded();
        return required(cublasSgemmStridedBatched.Linked.ADDR, "cublasSgemmStridedBatched");
    }

    /** batchCount float32 gemms; matrix i of A, B and C starts stride{A,B,C} * i elements after the first. */
    public static int cublasSgemmStridedBatched(MemorySegment handle, int transa, int transb, int m, int n, int k,
                                                MemorySegment alpha, MemorySegment A, int lda, long strideA,
                                                MemorySegment B, int ldb, long strideB, MemorySegment beta,
                                                MemorySegment C, int ldc, long strideC, int batchCount) {
        var mh$ = cublasSgemmStridedBatched$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC,
                    batchCount);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cublasStatus_t cublasDgemmStridedBatched(cublasHandle_t handle, cublasOperation_t transa,
    //          cublasOperation_t transb, int m, int n, int k, const double *alpha, const double *A, int lda,
    //          long long int strideA, const double *B, int ldb, long long int strideB, const double *beta,
    //          double *C, int ldc, long long int strideC, int batchCount) -------------------------------------------

    private static final class cublasDgemmStridedBatched {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_INT, C_LONG_LONG,
                C_POINTER, C_INT, C_LONG_LONG, C_POINTER, C_POINTER, C_INT, C_LONG_LONG, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cublasDgemmStridedBatched");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cublasDgemmStridedBatched$descriptor() {
        return cublasDgemmStridedBatched.DESC;
    }

    public static MethodHandle cublasDgemmStridedBatched$handle() {
        requireLoaded();
        return required(cublasDgemmStridedBatched.Linked.HANDLE, "cublasDgemmStridedBatched");
    }

    public static MemorySegment cublasDgemmStridedBatched$address() {
        requireLoaded();
        return required(cublasDgemmStridedBatched.Linked.ADDR, "cublasDgemmStridedBatched");
    }

    /** batchCount float64 gemms; matrix i of A, B and C starts stride{A,B,C} * i elements after the first. */
    public static int cublasDgemmStridedBatched(MemorySegment handle, int transa, int transb, int m, int n, int k,
                                                MemorySegment alpha, MemorySegment A, int lda, long strideA,
                                                MemorySegment B, int ldb, long strideB, MemorySegment beta,
                                                MemorySegment C, int ldc, long strideC, int batchCount) {
        var mh$ = cublasDgemmStridedBatched$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, transa, transb, m, n, k, alpha, A, lda, strideA, B, ldb, strideB, beta, C, ldc, strideC,
                    batchCount);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

}
