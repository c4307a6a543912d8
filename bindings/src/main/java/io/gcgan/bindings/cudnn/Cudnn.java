package io.gcgan.bindings.cudnn;

import io.gcgan.bindings.NativeLibrary;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Bindings to libcudnn (cuDNN 9) in jextract's conventions, for the functions, constants and structs listed in
 * {@code io/gcgan/bindings/cudnn/symbols.txt}: the legacy descriptor API for 2-d convolutions (forward,
 * backward-data, backward-filter; cuDNN 9 still ships it, marked deprecated, in {@code cudnn_cnn.h} and
 * {@code cudnn_ops.h}). Prototypes follow the cuDNN 9 API reference; the signature check
 * ({@link io.gcgan.bindings.SignatureCheck}) compiles each descriptor against the real {@code cudnn.h} wherever it is
 * installed (the GPU machine; the CI machine has no cuDNN headers).
 *
 * <p>Same structure as {@link io.gcgan.bindings.cudart.CudaRuntime}: a holder class per function, a typed static
 * method, and {@code $descriptor()} (needs no library), {@code $handle()} and {@code $address()} accessors. Where the
 * library comes from is decided by {@link CudnnLoader}.
 *
 * <p>Every function except {@code cudnnGetVersion} and the error-string lookups returns a {@code cudnnStatus_t} as it
 * is: pass it to {@link CudnnException#check}. Handles and descriptors are {@link MemorySegment} addresses;
 * {@code alpha} and {@code beta} point to host scalars of the compute type (float for float32 data, double for
 * float64). Tensors are NCHW ({@link #CUDNN_TENSOR_NCHW}); filters are KCRS, [out, in, kh, kw].
 */
@SuppressWarnings("restricted") // binding native functions is this class's purpose
public final class Cudnn {

    private Cudnn() {
    }

    // ---- cudnnStatus_t (cuDNN 9 numbers its statuses by category: 1xxx, 2xxx, ...) --------------------------

    public static final int CUDNN_STATUS_SUCCESS = 0;
    public static final int CUDNN_STATUS_NOT_INITIALIZED = 1001;
    public static final int CUDNN_STATUS_BAD_PARAM = 2000;
    public static final int CUDNN_STATUS_NOT_SUPPORTED = 3000;
    public static final int CUDNN_STATUS_INTERNAL_ERROR = 4000;
    public static final int CUDNN_STATUS_EXECUTION_FAILED = 5000;

    // ---- cudnnDataType_t, cudnnTensorFormat_t, cudnnConvolutionMode_t, cudnnMathType_t, cudnnDeterminism_t ---

    public static final int CUDNN_DATA_FLOAT = 0;
    public static final int CUDNN_DATA_DOUBLE = 1;
    public static final int CUDNN_DATA_HALF = 2;
    public static final int CUDNN_TENSOR_NCHW = 0;
    public static final int CUDNN_TENSOR_NHWC = 1;
    /** True convolution (the filter is flipped). */
    public static final int CUDNN_CONVOLUTION = 0;
    /** What deep-learning frameworks call convolution (no flip); gcgan uses this. */
    public static final int CUDNN_CROSS_CORRELATION = 1;
    public static final int CUDNN_DEFAULT_MATH = 0;
    public static final int CUDNN_TENSOR_OP_MATH = 1;
    public static final int CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2;
    /** FMA only: no tensor cores, so no TF32 rounding of float32 inputs. */
    public static final int CUDNN_FMA_MATH = 3;
    public static final int CUDNN_NON_DETERMINISTIC = 0;
    public static final int CUDNN_DETERMINISTIC = 1;

    // ---- cudnnConvolutionFwdAlgo_t, cudnnConvolutionBwdDataAlgo_t, cudnnConvolutionBwdFilterAlgo_t ----------

    public static final int CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM = 0;
    public static final int CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM = 1;
    public static final int CUDNN_CONVOLUTION_FWD_ALGO_GEMM = 2;
    public static final int CUDNN_CONVOLUTION_FWD_ALGO_DIRECT = 3;
    public static final int CUDNN_CONVOLUTION_FWD_ALGO_FFT = 4;
    public static final int CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING = 5;
    public static final int CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD = 6;
    public static final int CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED = 7;
    public static final int CUDNN_CONVOLUTION_FWD_ALGO_COUNT = 8;
    public static final int CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 = 0;
    public static final int CUDNN_CONVOLUTION_BWD_DATA_ALGO_1 = 1;
    public static final int CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT = 2;
    public static final int CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING = 3;
    public static final int CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD = 4;
    public static final int CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED = 5;
    public static final int CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT = 6;
    public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 = 0;
    public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1 = 1;
    public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT = 2;
    public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3 = 3;
    public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD = 4;
    public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED = 5;
    public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING = 6;
    public static final int CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT = 7;

    // ---- C types ------------------------------------------------------------------------------------------

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_SIZE_T = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private static final Linker.Option[] TRIVIAL = {Linker.Option.critical(false)};

    // ---- the algorithm-performance structs --------------------------------------------------------------------

    /*
     * cudnnConvolutionFwdAlgoPerf_t, cudnnConvolutionBwdDataAlgoPerf_t and cudnnConvolutionBwdFilterAlgoPerf_t
     * have the same members: { algo; cudnnStatus_t status; float time; size_t memory; cudnnDeterminism_t
     * determinism; cudnnMathType_t mathType; int reserved[3]; } = 48 bytes on LP64 (4 bytes of padding before
     * memory and at the end). The signature check asserts each one's size and member offsets.
     */
    private static StructLayout algoPerf(String name) {
        return MemoryLayout.structLayout(
                C_INT.withName("algo"),
                C_INT.withName("status"),
                C_FLOAT.withName("time"),
                MemoryLayout.paddingLayout(4),
                C_SIZE_T.withName("memory"),
                C_INT.withName("determinism"),
                C_INT.withName("mathType"),
                MemoryLayout.sequenceLayout(3, C_INT).withName("reserved"),
                MemoryLayout.paddingLayout(4)).withName(name);
    }

    private static final StructLayout FWD_PERF = algoPerf("cudnnConvolutionFwdAlgoPerf_t");
    private static final StructLayout BWD_DATA_PERF = algoPerf("cudnnConvolutionBwdDataAlgoPerf_t");
    private static final StructLayout BWD_FILTER_PERF = algoPerf("cudnnConvolutionBwdFilterAlgoPerf_t");

    public static StructLayout cudnnConvolutionFwdAlgoPerf_t$layout() {
        return FWD_PERF;
    }

    public static StructLayout cudnnConvolutionBwdDataAlgoPerf_t$layout() {
        return BWD_DATA_PERF;
    }

    public static StructLayout cudnnConvolutionBwdFilterAlgoPerf_t$layout() {
        return BWD_FILTER_PERF;
    }

    private static final long PERF_BYTES = FWD_PERF.byteSize();
    private static final long PERF_STATUS = FWD_PERF.byteOffset(MemoryLayout.PathElement.groupElement("status"));
    private static final long PERF_TIME = FWD_PERF.byteOffset(MemoryLayout.PathElement.groupElement("time"));
    private static final long PERF_MEMORY = FWD_PERF.byteOffset(MemoryLayout.PathElement.groupElement("memory"));
    private static final long PERF_DETERMINISM =
            FWD_PERF.byteOffset(MemoryLayout.PathElement.groupElement("determinism"));
    private static final long PERF_MATH_TYPE = FWD_PERF.byteOffset(MemoryLayout.PathElement.groupElement("mathType"));

    /** Member algo of element i of an array of any of the three *AlgoPerf_t structs. */
    public static int algoPerf$algo(MemorySegment perfResults, long i) {
        return perfResults.get(C_INT, i * PERF_BYTES);
    }

    /** Member status (a cudnnStatus_t: whether this algorithm can run the problem at all). */
    public static int algoPerf$status(MemorySegment perfResults, long i) {
        return perfResults.get(C_INT, i * PERF_BYTES + PERF_STATUS);
    }

    /** Member time, in milliseconds (measured by the Find functions, estimated or -1 by the Get functions). */
    public static float algoPerf$time(MemorySegment perfResults, long i) {
        return perfResults.get(C_FLOAT, i * PERF_BYTES + PERF_TIME);
    }

    /** Member memory: the workspace the algorithm needs, in bytes. */
    public static long algoPerf$memory(MemorySegment perfResults, long i) {
        return perfResults.get(C_SIZE_T, i * PERF_BYTES + PERF_MEMORY);
    }

    /** Member determinism: CUDNN_DETERMINISTIC or CUDNN_NON_DETERMINISTIC. */
    public static int algoPerf$determinism(MemorySegment perfResults, long i) {
        return perfResults.get(C_INT, i * PERF_BYTES + PERF_DETERMINISM);
    }

    /** Member mathType: the cudnnMathType_t the algorithm was measured with. */
    public static int algoPerf$mathType(MemorySegment perfResults, long i) {
        return perfResults.get(C_INT, i * PERF_BYTES + PERF_MATH_TYPE);
    }

    // ---- linking ----------------------------------------------------------------------------------------------

    private static void requireLoaded() {
        CudnnLoader.library().loaded();
    }

    private static MemorySegment findOrNull(String... symbols) {
        return CudnnLoader.library().findOrNull(symbols);
    }

    private static MethodHandle downcall(MemorySegment address, FunctionDescriptor desc, Linker.Option... options) {
        return NativeLibrary.downcall(address, desc, options);
    }

    private static <T> T required(T linked, String symbol) {
        return CudnnLoader.library().required(linked, symbol);
    }

    private static String string(MemorySegment chars) {
        return NativeLibrary.string(chars);
    }

    // ---- size_t cudnnGetVersion(void) -----------------------------------------------------------------------------

    private static final class cudnnGetVersion {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_SIZE_T);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnGetVersion");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnGetVersion$descriptor() {
        return cudnnGetVersion.DESC;
    }

    public static MethodHandle cudnnGetVersion$handle() {
        requireLoaded();
        return required(cudnnGetVersion.Linked.HANDLE, "cudnnGetVersion");
    }

    public static MemorySegment cudnnGetVersion$address() {
        requireLoaded();
        return required(cudnnGetVersion.Linked.ADDR, "cudnnGetVersion");
    }

    /**
     * The version of the loaded library, 10000 * major + 100 * minor + patch for cuDNN 9 (90600 for 9.6.0); needs no
     * device.
     */
    public static long cudnnGetVersion() {
        var mh$ = cudnnGetVersion$handle();
        try {
            return (long) mh$.invokeExact();
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- const char* cudnnGetErrorString(cudnnStatus_t status) ----------------------------------------------------

    private static final class cudnnGetErrorString {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnGetErrorString");
            static final MethodHandle HANDLE = downcall(ADDR, DESC, TRIVIAL);
        }
    }

    public static FunctionDescriptor cudnnGetErrorString$descriptor() {
        return cudnnGetErrorString.DESC;
    }

    public static MethodHandle cudnnGetErrorString$handle() {
        requireLoaded();
        return required(cudnnGetErrorString.Linked.HANDLE, "cudnnGetErrorString");
    }

    public static MemorySegment cudnnGetErrorString$address() {
        requireLoaded();
        return required(cudnnGetErrorString.Linked.ADDR, "cudnnGetErrorString");
    }

    /** The name of a status, e.g. "CUDNN_STATUS_BAD_PARAM" (a static string). */
    public static String cudnnGetErrorString(int status) {
        var mh$ = cudnnGetErrorString$handle();
        try {
            return string((MemorySegment) mh$.invokeExact(status));
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- void cudnnGetLastErrorString(char *message, size_t max_size) ---------------------------------------------

    private static final class cudnnGetLastErrorString {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_SIZE_T);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnGetLastErrorString");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnGetLastErrorString$descriptor() {
        return cudnnGetLastErrorString.DESC;
    }

    public static MethodHandle cudnnGetLastErrorString$handle() {
        requireLoaded();
        return required(cudnnGetLastErrorString.Linked.HANDLE, "cudnnGetLastErrorString");
    }

    public static MemorySegment cudnnGetLastErrorString$address() {
        requireLoaded();
        return required(cudnnGetLastErrorString.Linked.ADDR, "cudnnGetLastErrorString");
    }

    /**
     * Copies the calling thread's most recent detailed error message (NUL-terminated, at most max_size bytes) into
     * message; "" when there is none.
     */
    public static void cudnnGetLastErrorString(MemorySegment message, long max_size) {
        var mh$ = cudnnGetLastErrorString$handle();
        try {
            mh$.invokeExact(message, max_size);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnCreate(cudnnHandle_t *handle) ---------------------------------------------------------

    private static final class cudnnCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnCreate");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnCreate$descriptor() {
        return cudnnCreate.DESC;
    }

    public static MethodHandle cudnnCreate$handle() {
        requireLoaded();
        return required(cudnnCreate.Linked.HANDLE, "cudnnCreate");
    }

    public static MemorySegment cudnnCreate$address() {
        requireLoaded();
        return required(cudnnCreate.Linked.ADDR, "cudnnCreate");
    }

    /** Creates a cuDNN context on the current device and writes its handle; needs a device. */
    public static int cudnnCreate(MemorySegment handle) {
        var mh$ = cudnnCreate$handle();
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnDestroy(cudnnHandle_t handle) ---------------------------------------------------------

    private static final class cudnnDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnDestroy");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnDestroy$descriptor() {
        return cudnnDestroy.DESC;
    }

    public static MethodHandle cudnnDestroy$handle() {
        requireLoaded();
        return required(cudnnDestroy.Linked.HANDLE, "cudnnDestroy");
    }

    public static MemorySegment cudnnDestroy$address() {
        requireLoaded();
        return required(cudnnDestroy.Linked.ADDR, "cudnnDestroy");
    }

    /** Destroys a context. */
    public static int cudnnDestroy(MemorySegment handle) {
        var mh$ = cudnnDestroy$handle();
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, cudaStream_t streamId) --------------------------------

    private static final class cudnnSetStream {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnSetStream");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnSetStream$descriptor() {
        return cudnnSetStream.DESC;
    }

    public static MethodHandle cudnnSetStream$handle() {
        requireLoaded();
        return required(cudnnSetStream.Linked.HANDLE, "cudnnSetStream");
    }

    public static MemorySegment cudnnSetStream$address() {
        requireLoaded();
        return required(cudnnSetStream.Linked.ADDR, "cudnnSetStream");
    }

    /** Makes later calls on handle run on streamId. */
    public static int cudnnSetStream(MemorySegment handle, MemorySegment streamId) {
        var mh$ = cudnnSetStream$handle();
        try {
            return (int) mh$.invokeExact(handle, streamId);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t *tensorDesc) ---------------------------

    private static final class cudnnCreateTensorDescriptor {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnCreateTensorDescriptor");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnCreateTensorDescriptor$descriptor() {
        return cudnnCreateTensorDescriptor.DESC;
    }

    public static MethodHandle cudnnCreateTensorDescriptor$handle() {
        requireLoaded();
        return required(cudnnCreateTensorDescriptor.Linked.HANDLE, "cudnnCreateTensorDescriptor");
    }

    public static MemorySegment cudnnCreateTensorDescriptor$address() {
        requireLoaded();
        return required(cudnnCreateTensorDescriptor.Linked.ADDR, "cudnnCreateTensorDescriptor");
    }

    /** Creates a tensor descriptor. */
    public static int cudnnCreateTensorDescriptor(MemorySegment tensorDesc) {
        var mh$ = cudnnCreateTensorDescriptor$handle();
        try {
            return (int) mh$.invokeExact(tensorDesc);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t tensorDesc,
    //          cudnnTensorFormat_t format, cudnnDataType_t dataType, int n, int c, int h, int w) --------------------

    private static final class cudnnSetTensor4dDescriptor {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnSetTensor4dDescriptor");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnSetTensor4dDescriptor$descriptor() {
        return cudnnSetTensor4dDescriptor.DESC;
    }

    public static MethodHandle cudnnSetTensor4dDescriptor$handle() {
        requireLoaded();
        return required(cudnnSetTensor4dDescriptor.Linked.HANDLE, "cudnnSetTensor4dDescriptor");
    }

    public static MemorySegment cudnnSetTensor4dDescriptor$address() {
        requireLoaded();
        return required(cudnnSetTensor4dDescriptor.Linked.ADDR, "cudnnSetTensor4dDescriptor");
    }

    /** Describes a dense 4-d tensor (n, c, h, w) in format (CUDNN_TENSOR_NCHW) of dataType. */
    public static int cudnnSetTensor4dDescriptor(MemorySegment tensorDesc, int format, int dataType, int n, int c,
                                                 int h, int w) {
        var mh$ = cudnnSetTensor4dDescriptor$handle();
        try {
            return (int) mh$.invokeExact(tensorDesc, format, dataType, n, c, h, w);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t tensorDesc) ---------------------------

    private static final class cudnnDestroyTensorDescriptor {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnDestroyTensorDescriptor");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnDestroyTensorDescriptor$descriptor() {
        return cudnnDestroyTensorDescriptor.DESC;
    }

    public static MethodHandle cudnnDestroyTensorDescriptor$handle() {
        requireLoaded();
        return required(cudnnDestroyTensorDescriptor.Linked.HANDLE, "cudnnDestroyTensorDescriptor");
    }

    public static MemorySegment cudnnDestroyTensorDescriptor$address() {
        requireLoaded();
        return required(cudnnDestroyTensorDescriptor.Linked.ADDR, "cudnnDestroyTensorDescriptor");
    }

    /** Destroys a tensor descriptor. */
    public static int cudnnDestroyTensorDescriptor(MemorySegment tensorDesc) {
        var mh$ = cudnnDestroyTensorDescriptor$handle();
        try {
            return (int) mh$.invokeExact(tensorDesc);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t *filterDesc) ---------------------------

    private static final class cudnnCreateFilterDescriptor {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnCreateFilterDescriptor");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnCreateFilterDescriptor$descriptor() {
        return cudnnCreateFilterDescriptor.DESC;
    }

    public static MethodHandle cudnnCreateFilterDescriptor$handle() {
        requireLoaded();
        return required(cudnnCreateFilterDescriptor.Linked.HANDLE, "cudnnCreateFilterDescriptor");
    }

    public static MemorySegment cudnnCreateFilterDescriptor$address() {
        requireLoaded();
        return required(cudnnCreateFilterDescriptor.Linked.ADDR, "cudnnCreateFilterDescriptor");
    }

    /** Creates a filter descriptor. */
    public static int cudnnCreateFilterDescriptor(MemorySegment filterDesc) {
        var mh$ = cudnnCreateFilterDescriptor$handle();
        try {
            return (int) mh$.invokeExact(filterDesc);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t filterDesc,
    //          cudnnDataType_t dataType, cudnnTensorFormat_t format, int k, int c, int h, int w) --------------------

    private static final class cudnnSetFilter4dDescriptor {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnSetFilter4dDescriptor");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnSetFilter4dDescriptor$descriptor() {
        return cudnnSetFilter4dDescriptor.DESC;
    }

    public static MethodHandle cudnnSetFilter4dDescriptor$handle() {
        requireLoaded();
        return required(cudnnSetFilter4dDescriptor.Linked.HANDLE, "cudnnSetFilter4dDescriptor");
    }

    public static MemorySegment cudnnSetFilter4dDescriptor$address() {
        requireLoaded();
        return required(cudnnSetFilter4dDescriptor.Linked.ADDR, "cudnnSetFilter4dDescriptor");
    }

    /**
     * Describes a 4-d filter: k output channels, c input channels, h x w; note dataType comes before format here,
     * unlike cudnnSetTensor4dDescriptor.
     */
    public static int cudnnSetFilter4dDescriptor(MemorySegment filterDesc, int dataType, int format, int k, int c,
                                                 int h, int w) {
        var mh$ = cudnnSetFilter4dDescriptor$handle();
        try {
            return (int) mh$.invokeExact(filterDesc, dataType, format, k, c, h, w);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t filterDesc) ---------------------------

    private static final class cudnnDestroyFilterDescriptor {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnDestroyFilterDescriptor");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnDestroyFilterDescriptor$descriptor() {
        return cudnnDestroyFilterDescriptor.DESC;
    }

    public static MethodHandle cudnnDestroyFilterDescriptor$handle() {
        requireLoaded();
        return required(cudnnDestroyFilterDescriptor.Linked.HANDLE, "cudnnDestroyFilterDescriptor");
    }

    public static MemorySegment cudnnDestroyFilterDescriptor$address() {
        requireLoaded();
        return required(cudnnDestroyFilterDescriptor.Linked.ADDR, "cudnnDestroyFilterDescriptor");
    }

    /** Destroys a filter descriptor. */
    public static int cudnnDestroyFilterDescriptor(MemorySegment filterDesc) {
        var mh$ = cudnnDestroyFilterDescriptor$handle();
        try {
            return (int) mh$.invokeExact(filterDesc);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t *convDesc) -------------------

    private static final class cudnnCreateConvolutionDescriptor {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnCreateConvolutionDescriptor");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnCreateConvolutionDescriptor$descriptor() {
        return cudnnCreateConvolutionDescriptor.DESC;
    }

    public static MethodHandle cudnnCreateConvolutionDescriptor$handle() {
        requireLoaded();
        return required(cudnnCreateConvolutionDescriptor.Linked.HANDLE, "cudnnCreateConvolutionDescriptor");
    }

    public static MemorySegment cudnnCreateConvolutionDescriptor$address() {
        requireLoaded();
        return required(cudnnCreateConvolutionDescriptor.Linked.ADDR, "cudnnCreateConvolutionDescriptor");
    }

    /** Creates a convolution descriptor. */
    public static int cudnnCreateConvolutionDescriptor(MemorySegment convDesc) {
        var mh$ = cudnnCreateConvolutionDescriptor$handle();
        try {
            return (int) mh$.invokeExact(convDesc);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t convDesc, int pad_h,
    //          int pad_w, int u, int v, int dilation_h, int dilation_w, cudnnConvolutionMode_t mode,
    //          cudnnDataType_t computeType) -------------------------------------------------------------------------

    private static final class cudnnSetConvolution2dDescriptor {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnSetConvolution2dDescriptor");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnSetConvolution2dDescriptor$descriptor() {
        return cudnnSetConvolution2dDescriptor.DESC;
    }

    public static MethodHandle cudnnSetConvolution2dDescriptor$handle() {
        requireLoaded();
        return required(cudnnSetConvolution2dDescriptor.Linked.HANDLE, "cudnnSetConvolution2dDescriptor");
    }

    public static MemorySegment cudnnSetConvolution2dDescriptor$address() {
        requireLoaded();
        return required(cudnnSetConvolution2dDescriptor.Linked.ADDR, "cudnnSetConvolution2dDescriptor");
    }

    /**
     * Describes a 2-d convolution: zero padding, strides u (vertical) and v, dilations, mode (CUDNN_CROSS_CORRELATION)
     * and the compute type.
     */
    public static int cudnnSetConvolution2dDescriptor(MemorySegment convDesc, int pad_h, int pad_w, int u, int v,
                                                      int dilation_h, int dilation_w, int mode, int computeType) {
        var mh$ = cudnnSetConvolution2dDescriptor$handle();
        try {
            return (int) mh$.invokeExact(convDesc, pad_h, pad_w, u, v, dilation_h, dilation_w, mode, computeType);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t convDesc,
    //          cudnnMathType_t mathType) ----------------------------------------------------------------------------

    private static final class cudnnSetConvolutionMathType {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnSetConvolutionMathType");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnSetConvolutionMathType$descriptor() {
        return cudnnSetConvolutionMathType.DESC;
    }

    public static MethodHandle cudnnSetConvolutionMathType$handle() {
        requireLoaded();
        return required(cudnnSetConvolutionMathType.Linked.HANDLE, "cudnnSetConvolutionMathType");
    }

    public static MemorySegment cudnnSetConvolutionMathType$address() {
        requireLoaded();
        return required(cudnnSetConvolutionMathType.Linked.ADDR, "cudnnSetConvolutionMathType");
    }

    /**
     * Chooses whether tensor cores may be used (CUDNN_FMA_MATH: no; CUDNN_DEFAULT_MATH: where the data type allows).
     */
    public static int cudnnSetConvolutionMathType(MemorySegment convDesc, int mathType) {
        var mh$ = cudnnSetConvolutionMathType$handle();
        try {
            return (int) mh$.invokeExact(convDesc, mathType);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t convDesc) -------------------

    private static final class cudnnDestroyConvolutionDescriptor {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnDestroyConvolutionDescriptor");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnDestroyConvolutionDescriptor$descriptor() {
        return cudnnDestroyConvolutionDescriptor.DESC;
    }

    public static MethodHandle cudnnDestroyConvolutionDescriptor$handle() {
        requireLoaded();
        return required(cudnnDestroyConvolutionDescriptor.Linked.HANDLE, "cudnnDestroyConvolutionDescriptor");
    }

    public static MemorySegment cudnnDestroyConvolutionDescriptor$address() {
        requireLoaded();
        return required(cudnnDestroyConvolutionDescriptor.Linked.ADDR, "cudnnDestroyConvolutionDescriptor");
    }

    /** Destroys a convolution descriptor. */
    public static int cudnnDestroyConvolutionDescriptor(MemorySegment convDesc) {
        var mh$ = cudnnDestroyConvolutionDescriptor$handle();
        try {
            return (int) mh$.invokeExact(convDesc);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnGetConvolution2dForwardOutputDim(const cudnnConvolutionDescriptor_t convDesc,
    //          const cudnnTensorDescriptor_t inputTensorDesc, const cudnnFilterDescriptor_t filterDesc,
    //          int *n, int *c, int *h, int *w) ----------------------------------------------------------------------

    private static final class cudnnGetConvolution2dForwardOutputDim {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnGetConvolution2dForwardOutputDim");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnGetConvolution2dForwardOutputDim$descriptor() {
        return cudnnGetConvolution2dForwardOutputDim.DESC;
    }

    public static MethodHandle cudnnGetConvolution2dForwardOutputDim$handle() {
        requireLoaded();
        return required(cudnnGetConvolution2dForwardOutputDim.Linked.HANDLE, "cudnnGetConvolution2dForwardOutputDim");
    }

    public static MemorySegment cudnnGetConvolution2dForwardOutputDim$address() {
        requireLoaded();
        return required(cudnnGetConvolution2dForwardOutputDim.Linked.ADDR, "cudnnGetConvolution2dForwardOutputDim");
    }

    /** Writes the output shape of a forward convolution. */
    public static int cudnnGetConvolution2dForwardOutputDim(MemorySegment convDesc, MemorySegment inputTensorDesc,
                                                            MemorySegment filterDesc, MemorySegment n, MemorySegment c,
                                                            MemorySegment h, MemorySegment w) {
        var mh$ = cudnnGetConvolution2dForwardOutputDim$handle();
        try {
            return (int) mh$.invokeExact(convDesc, inputTensorDesc, filterDesc, n, c, h, w);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t handle,
    //          const cudnnTensorDescriptor_t srcDesc, const cudnnFilterDescriptor_t filterDesc,
    //          const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t destDesc,
    //          const int requestedAlgoCount, int *returnedAlgoCount,
    //          cudnnConvolutionFwdAlgoPerf_t *perfResults) ----------------------------------------------------------

    private static final class cudnnGetConvolutionForwardAlgorithm_v7 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnGetConvolutionForwardAlgorithm_v7");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnGetConvolutionForwardAlgorithm_v7$descriptor() {
        return cudnnGetConvolutionForwardAlgorithm_v7.DESC;
    }

    public static MethodHandle cudnnGetConvolutionForwardAlgorithm_v7$handle() {
        requireLoaded();
        return required(cudnnGetConvolutionForwardAlgorithm_v7.Linked.HANDLE, "cudnnGetConvolutionForwardAlgorithm_v7");
    }

    public static MemorySegment cudnnGetConvolutionForwardAlgorithm_v7$address() {
        requireLoaded();
        return required(cudnnGetConvolutionForwardAlgorithm_v7.Linked.ADDR, "cudnnGetConvolutionForwardAlgorithm_v7");
    }

    /**
     * Ranks forward algorithms by heuristics (runs nothing); perfResults holds requestedAlgoCount
     * cudnnConvolutionFwdAlgoPerf_t.
     */
    public static int cudnnGetConvolutionForwardAlgorithm_v7(MemorySegment handle, MemorySegment srcDesc,
                                                             MemorySegment filterDesc, MemorySegment convDesc,
                                                             MemorySegment destDesc, int requestedAlgoCount,
                                                             MemorySegment returnedAlgoCount,
                                                             MemorySegment perfResults) {
        var mh$ = cudnnGetConvolutionForwardAlgorithm_v7$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, srcDesc, filterDesc, convDesc, destDesc, requestedAlgoCount, returnedAlgoCount,
                    perfResults);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnFindConvolutionForwardAlgorithm(cudnnHandle_t handle,
    //          const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc,
    //          const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc,
    //          const int requestedAlgoCount, int *returnedAlgoCount,
    //          cudnnConvolutionFwdAlgoPerf_t *perfResults) ----------------------------------------------------------

    private static final class cudnnFindConvolutionForwardAlgorithm {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnFindConvolutionForwardAlgorithm");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnFindConvolutionForwardAlgorithm$descriptor() {
        return cudnnFindConvolutionForwardAlgorithm.DESC;
    }

    public static MethodHandle cudnnFindConvolutionForwardAlgorithm$handle() {
        requireLoaded();
        return required(cudnnFindConvolutionForwardAlgorithm.Linked.HANDLE, "cudnnFindConvolutionForwardAlgorithm");
    }

    public static MemorySegment cudnnFindConvolutionForwardAlgorithm$address() {
        requireLoaded();
        return required(cudnnFindConvolutionForwardAlgorithm.Linked.ADDR, "cudnnFindConvolutionForwardAlgorithm");
    }

    /**
     * Ranks forward algorithms by running them on buffers cuDNN allocates itself (cudaMalloc, outside the stream-
     * ordered pool).
     */
    public static int cudnnFindConvolutionForwardAlgorithm(MemorySegment handle, MemorySegment xDesc,
                                                           MemorySegment wDesc, MemorySegment convDesc,
                                                           MemorySegment yDesc, int requestedAlgoCount,
                                                           MemorySegment returnedAlgoCount, MemorySegment perfResults) {
        var mh$ = cudnnFindConvolutionForwardAlgorithm$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, xDesc, wDesc, convDesc, yDesc, requestedAlgoCount, returnedAlgoCount, perfResults);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnFindConvolutionForwardAlgorithmEx(cudnnHandle_t handle,
    //          const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnFilterDescriptor_t wDesc,
    //          const void *w, const cudnnConvolutionDescriptor_t convDesc,
    //          const cudnnTensorDescriptor_t yDesc, void *y, const int requestedAlgoCount,
    //          int *returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t *perfResults, void *workSpace,
    //          size_t workSpaceSizeInBytes) -------------------------------------------------------------------------

    private static final class cudnnFindConvolutionForwardAlgorithmEx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT,
                C_POINTER, C_POINTER, C_POINTER, C_SIZE_T);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnFindConvolutionForwardAlgorithmEx");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnFindConvolutionForwardAlgorithmEx$descriptor() {
        return cudnnFindConvolutionForwardAlgorithmEx.DESC;
    }

    public static MethodHandle cudnnFindConvolutionForwardAlgorithmEx$handle() {
        requireLoaded();
        return required(cudnnFindConvolutionForwardAlgorithmEx.Linked.HANDLE, "cudnnFindConvolutionForwardAlgorithmEx");
    }

    public static MemorySegment cudnnFindConvolutionForwardAlgorithmEx$address() {
        requireLoaded();
        return required(cudnnFindConvolutionForwardAlgorithmEx.Linked.ADDR, "cudnnFindConvolutionForwardAlgorithmEx");
    }

    /** Ranks forward algorithms by running them on the caller's buffers and workspace (y is overwritten). */
    public static int cudnnFindConvolutionForwardAlgorithmEx(MemorySegment handle, MemorySegment xDesc,
                                                             MemorySegment x, MemorySegment wDesc, MemorySegment w,
                                                             MemorySegment convDesc, MemorySegment yDesc,
                                                             MemorySegment y, int requestedAlgoCount,
                                                             MemorySegment returnedAlgoCount,
                                                             MemorySegment perfResults, MemorySegment workSpace,
                                                             long workSpaceSizeInBytes) {
        var mh$ = cudnnFindConvolutionForwardAlgorithmEx$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, xDesc, x, wDesc, w, convDesc, yDesc, y, requestedAlgoCount, returnedAlgoCount,
                    perfResults, workSpace, workSpaceSizeInBytes);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(cudnnHandle_t handle,
    //          const cudnnTensorDescriptor_t xDesc, const cudnnFilterDescriptor_t wDesc,
    //          const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t yDesc,
    //          cudnnConvolutionFwdAlgo_t algo, size_t *sizeInBytes) -------------------------------------------------

    private static final class cudnnGetConvolutionForwardWorkspaceSize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnGetConvolutionForwardWorkspaceSize");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnGetConvolutionForwardWorkspaceSize$descriptor() {
        return cudnnGetConvolutionForwardWorkspaceSize.DESC;
    }

    public static MethodHandle cudnnGetConvolutionForwardWorkspaceSize$handle() {
        requireLoaded();
        return required(cudnnGetConvolutionForwardWorkspaceSize.Linked.HANDLE,
                "cudnnGetConvolutionForwardWorkspaceSize");
    }

    public static MemorySegment cudnnGetConvolutionForwardWorkspaceSize$address() {
        requireLoaded();
        return required(cudnnGetConvolutionForwardWorkspaceSize.Linked.ADDR, "cudnnGetConvolutionForwardWorkspaceSize");
    }

    /** Writes the workspace bytes the forward algorithm algo needs. */
    public static int cudnnGetConvolutionForwardWorkspaceSize(MemorySegment handle, MemorySegment xDesc,
                                                              MemorySegment wDesc, MemorySegment convDesc,
                                                              MemorySegment yDesc, int algo,
                                                              MemorySegment sizeInBytes) {
        var mh$ = cudnnGetConvolutionForwardWorkspaceSize$handle();
        try {
            return (int) mh$.invokeExact(handle, xDesc, wDesc, convDesc, yDesc, algo, sizeInBytes);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, const void *alpha,
    //          const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnFilterDescriptor_t wDesc,
    //          const void *w, const cudnnConvolutionDescriptor_t convDesc, cudnnConvolutionFwdAlgo_t algo,
    //          void *workSpace, size_t workSpaceSizeInBytes, const void *beta,
    //          const cudnnTensorDescriptor_t yDesc, void *y) --------------------------------------------------------

    private static final class cudnnConvolutionForward {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER,
                C_SIZE_T, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnConvolutionForward");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnConvolutionForward$descriptor() {
        return cudnnConvolutionForward.DESC;
    }

    public static MethodHandle cudnnConvolutionForward$handle() {
        requireLoaded();
        return required(cudnnConvolutionForward.Linked.HANDLE, "cudnnConvolutionForward");
    }

    public static MemorySegment cudnnConvolutionForward$address() {
        requireLoaded();
        return required(cudnnConvolutionForward.Linked.ADDR, "cudnnConvolutionForward");
    }

    /** y = alpha conv(x, w) + beta y. */
    public static int cudnnConvolutionForward(MemorySegment handle, MemorySegment alpha, MemorySegment xDesc,
                                              MemorySegment x, MemorySegment wDesc, MemorySegment w,
                                              MemorySegment convDesc, int algo, MemorySegment workSpace,
                                              long workSpaceSizeInBytes, MemorySegment beta, MemorySegment yDesc,
                                              MemorySegment y) {
        var mh$ = cudnnConvolutionForward$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, alpha, xDesc, x, wDesc, w, convDesc, algo, workSpace, workSpaceSizeInBytes, beta, yDesc,
                    y);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(cudnnHandle_t handle,
    //          const cudnnFilterDescriptor_t filterDesc, const cudnnTensorDescriptor_t diffDesc,
    //          const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t gradDesc,
    //          const int requestedAlgoCount, int *returnedAlgoCount,
    //          cudnnConvolutionBwdDataAlgoPerf_t *perfResults) ------------------------------------------------------

    private static final class cudnnGetConvolutionBackwardDataAlgorithm_v7 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnGetConvolutionBackwardDataAlgorithm_v7");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnGetConvolutionBackwardDataAlgorithm_v7$descriptor() {
        return cudnnGetConvolutionBackwardDataAlgorithm_v7.DESC;
    }

    public static MethodHandle cudnnGetConvolutionBackwardDataAlgorithm_v7$handle() {
        requireLoaded();
        return required(cudnnGetConvolutionBackwardDataAlgorithm_v7.Linked.HANDLE,
                "cudnnGetConvolutionBackwardDataAlgorithm_v7");
    }

    public static MemorySegment cudnnGetConvolutionBackwardDataAlgorithm_v7$address() {
        requireLoaded();
        return required(cudnnGetConvolutionBackwardDataAlgorithm_v7.Linked.ADDR,
                "cudnnGetConvolutionBackwardDataAlgorithm_v7");
    }

    /** Ranks backward-data algorithms by heuristics (runs nothing). */
    public static int cudnnGetConvolutionBackwardDataAlgorithm_v7(MemorySegment handle, MemorySegment filterDesc,
                                                                  MemorySegment diffDesc, MemorySegment convDesc,
                                                                  MemorySegment gradDesc, int requestedAlgoCount,
                                                                  MemorySegment returnedAlgoCount,
                                                                  MemorySegment perfResults) {
        var mh$ = cudnnGetConvolutionBackwardDataAlgorithm_v7$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, filterDesc, diffDesc, convDesc, gradDesc, requestedAlgoCount, returnedAlgoCount,
                    perfResults);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithm(cudnnHandle_t handle,
    //          const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    //          const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc,
    //          const int requestedAlgoCount, int *returnedAlgoCount,
    //          cudnnConvolutionBwdDataAlgoPerf_t *perfResults) ------------------------------------------------------

    private static final class cudnnFindConvolutionBackwardDataAlgorithm {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnFindConvolutionBackwardDataAlgorithm");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnFindConvolutionBackwardDataAlgorithm$descriptor() {
        return cudnnFindConvolutionBackwardDataAlgorithm.DESC;
    }

    public static MethodHandle cudnnFindConvolutionBackwardDataAlgorithm$handle() {
        requireLoaded();
        return required(cudnnFindConvolutionBackwardDataAlgorithm.Linked.HANDLE,
                "cudnnFindConvolutionBackwardDataAlgorithm");
    }

    public static MemorySegment cudnnFindConvolutionBackwardDataAlgorithm$address() {
        requireLoaded();
        return required(cudnnFindConvolutionBackwardDataAlgorithm.Linked.ADDR,
                "cudnnFindConvolutionBackwardDataAlgorithm");
    }

    /** Ranks backward-data algorithms by running them on buffers cuDNN allocates itself. */
    public static int cudnnFindConvolutionBackwardDataAlgorithm(MemorySegment handle, MemorySegment wDesc,
                                                                MemorySegment dyDesc, MemorySegment convDesc,
                                                                MemorySegment dxDesc, int requestedAlgoCount,
                                                                MemorySegment returnedAlgoCount,
                                                                MemorySegment perfResults) {
        var mh$ = cudnnFindConvolutionBackwardDataAlgorithm$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, wDesc, dyDesc, convDesc, dxDesc, requestedAlgoCount, returnedAlgoCount, perfResults);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnFindConvolutionBackwardDataAlgorithmEx(cudnnHandle_t handle,
    //          const cudnnFilterDescriptor_t wDesc, const void *w, const cudnnTensorDescriptor_t dyDesc,
    //          const void *dy, const cudnnConvolutionDescriptor_t convDesc,
    //          const cudnnTensorDescriptor_t dxDesc, void *dx, const int requestedAlgoCount,
    //          int *returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t *perfResults, void *workSpace,
    //          size_t workSpaceSizeInBytes) -------------------------------------------------------------------------

    private static final class cudnnFindConvolutionBackwardDataAlgorithmEx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT,
                C_POINTER, C_POINTER, C_POINTER, C_SIZE_T);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnFindConvolutionBackwardDataAlgorithmEx");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnFindConvolutionBackwardDataAlgorithmEx$descriptor() {
        return cudnnFindConvolutionBackwardDataAlgorithmEx.DESC;
    }

    public static MethodHandle cudnnFindConvolutionBackwardDataAlgorithmEx$handle() {
        requireLoaded();
        return required(cudnnFindConvolutionBackwardDataAlgorithmEx.Linked.HANDLE,
                "cudnnFindConvolutionBackwardDataAlgorithmEx");
    }

    public static MemorySegment cudnnFindConvolutionBackwardDataAlgorithmEx$address() {
        requireLoaded();
        return required(cudnnFindConvolutionBackwardDataAlgorithmEx.Linked.ADDR,
                "cudnnFindConvolutionBackwardDataAlgorithmEx");
    }

    /** Ranks backward-data algorithms by running them on the caller's buffers and workspace (dx is overwritten). */
    public static int cudnnFindConvolutionBackwardDataAlgorithmEx(MemorySegment handle, MemorySegment wDesc,
                                                                  MemorySegment w, MemorySegment dyDesc,
                                                                  MemorySegment dy, MemorySegment convDesc,
                                                                  MemorySegment dxDesc, MemorySegment dx,
                                                                  int requestedAlgoCount,
                                                                  MemorySegment returnedAlgoCount,
                                                                  MemorySegment perfResults, MemorySegment workSpace,
                                                                  long workSpaceSizeInBytes) {
        var mh$ = cudnnFindConvolutionBackwardDataAlgorithmEx$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, wDesc, w, dyDesc, dy, convDesc, dxDesc, dx, requestedAlgoCount, returnedAlgoCount,
                    perfResults, workSpace, workSpaceSizeInBytes);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(cudnnHandle_t handle,
    //          const cudnnFilterDescriptor_t wDesc, const cudnnTensorDescriptor_t dyDesc,
    //          const cudnnConvolutionDescriptor_t convDesc, const cudnnTensorDescriptor_t dxDesc,
    //          cudnnConvolutionBwdDataAlgo_t algo, size_t *sizeInBytes) ---------------------------------------------

    private static final class cudnnGetConvolutionBackwardDataWorkspaceSize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnGetConvolutionBackwardDataWorkspaceSize");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnGetConvolutionBackwardDataWorkspaceSize$descriptor() {
        return cudnnGetConvolutionBackwardDataWorkspaceSize.DESC;
    }

    public static MethodHandle cudnnGetConvolutionBackwardDataWorkspaceSize$handle() {
        requireLoaded();
        return required(cudnnGetConvolutionBackwardDataWorkspaceSize.Linked.HANDLE,
                "cudnnGetConvolutionBackwardDataWorkspaceSize");
    }

    public static MemorySegment cudnnGetConvolutionBackwardDataWorkspaceSize$address() {
        requireLoaded();
        return required(cudnnGetConvolutionBackwardDataWorkspaceSize.Linked.ADDR,
                "cudnnGetConvolutionBackwardDataWorkspaceSize");
    }

    /** Writes the workspace bytes the backward-data algorithm algo needs. */
    public static int cudnnGetConvolutionBackwardDataWorkspaceSize(MemorySegment handle, MemorySegment wDesc,
                                                                   MemorySegment dyDesc, MemorySegment convDesc,
                                                                   MemorySegment dxDesc, int algo,
                                                                   MemorySegment sizeInBytes) {
        var mh$ = cudnnGetConvolutionBackwardDataWorkspaceSize$handle();
        try {
            return (int) mh$.invokeExact(handle, wDesc, dyDesc, convDesc, dxDesc, algo, sizeInBytes);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, const void *alpha,
    //          const cudnnFilterDescriptor_t wDesc, const void *w, const cudnnTensorDescriptor_t dyDesc,
    //          const void *dy, const cudnnConvolutionDescriptor_t convDesc,
    //          cudnnConvolutionBwdDataAlgo_t algo, void *workSpace, size_t workSpaceSizeInBytes,
    //          const void *beta, const cudnnTensorDescriptor_t dxDesc, void *dx) ------------------------------------

    private static final class cudnnConvolutionBackwardData {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER,
                C_SIZE_T, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnConvolutionBackwardData");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnConvolutionBackwardData$descriptor() {
        return cudnnConvolutionBackwardData.DESC;
    }

    public static MethodHandle cudnnConvolutionBackwardData$handle() {
        requireLoaded();
        return required(cudnnConvolutionBackwardData.Linked.HANDLE, "cudnnConvolutionBackwardData");
    }

    public static MemorySegment cudnnConvolutionBackwardData$address() {
        requireLoaded();
        return required(cudnnConvolutionBackwardData.Linked.ADDR, "cudnnConvolutionBackwardData");
    }

    /** dx = alpha conv_backward_data(w, dy) + beta dx (also the forward pass of a transposed convolution). */
    public static int cudnnConvolutionBackwardData(MemorySegment handle, MemorySegment alpha, MemorySegment wDesc,
                                                   MemorySegment w, MemorySegment dyDesc, MemorySegment dy,
                                                   MemorySegment convDesc, int algo, MemorySegment workSpace,
                                                   long workSpaceSizeInBytes, MemorySegment beta, MemorySegment dxDesc,
                                                   MemorySegment dx) {
        var mh$ = cudnnConvolutionBackwardData$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, alpha, wDesc, w, dyDesc, dy, convDesc, algo, workSpace, workSpaceSizeInBytes, beta,
                    dxDesc, dx);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(cudnnHandle_t handle,
    //          const cudnnTensorDescriptor_t srcDesc, const cudnnTensorDescriptor_t diffDesc,
    //          const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc,
    //          const int requestedAlgoCount, int *returnedAlgoCount,
    //          cudnnConvolutionBwdFilterAlgoPerf_t *perfResults) ----------------------------------------------------

    private static final class cudnnGetConvolutionBackwardFilterAlgorithm_v7 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnGetConvolutionBackwardFilterAlgorithm_v7");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnGetConvolutionBackwardFilterAlgorithm_v7$descriptor() {
        return cudnnGetConvolutionBackwardFilterAlgorithm_v7.DESC;
    }

    public static MethodHandle cudnnGetConvolutionBackwardFilterAlgorithm_v7$handle() {
        requireLoaded();
        return required(cudnnGetConvolutionBackwardFilterAlgorithm_v7.Linked.HANDLE,
                "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
    }

    public static MemorySegment cudnnGetConvolutionBackwardFilterAlgorithm_v7$address() {
        requireLoaded();
        return required(cudnnGetConvolutionBackwardFilterAlgorithm_v7.Linked.ADDR,
                "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
    }

    /** Ranks backward-filter algorithms by heuristics (runs nothing). */
    public static int cudnnGetConvolutionBackwardFilterAlgorithm_v7(MemorySegment handle, MemorySegment srcDesc,
                                                                    MemorySegment diffDesc, MemorySegment convDesc,
                                                                    MemorySegment gradDesc, int requestedAlgoCount,
                                                                    MemorySegment returnedAlgoCount,
                                                                    MemorySegment perfResults) {
        var mh$ = cudnnGetConvolutionBackwardFilterAlgorithm_v7$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, srcDesc, diffDesc, convDesc, gradDesc, requestedAlgoCount, returnedAlgoCount,
                    perfResults);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithm(cudnnHandle_t handle,
    //          const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    //          const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t dwDesc,
    //          const int requestedAlgoCount, int *returnedAlgoCount,
    //          cudnnConvolutionBwdFilterAlgoPerf_t *perfResults) ----------------------------------------------------

    private static final class cudnnFindConvolutionBackwardFilterAlgorithm {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnFindConvolutionBackwardFilterAlgorithm");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnFindConvolutionBackwardFilterAlgorithm$descriptor() {
        return cudnnFindConvolutionBackwardFilterAlgorithm.DESC;
    }

    public static MethodHandle cudnnFindConvolutionBackwardFilterAlgorithm$handle() {
        requireLoaded();
        return required(cudnnFindConvolutionBackwardFilterAlgorithm.Linked.HANDLE,
                "cudnnFindConvolutionBackwardFilterAlgorithm");
    }

    public static MemorySegment cudnnFindConvolutionBackwardFilterAlgorithm$address() {
        requireLoaded();
        return required(cudnnFindConvolutionBackwardFilterAlgorithm.Linked.ADDR,
                "cudnnFindConvolutionBackwardFilterAlgorithm");
    }

    /** Ranks backward-filter algorithms by running them on buffers cuDNN allocates itself. */
    public static int cudnnFindConvolutionBackwardFilterAlgorithm(MemorySegment handle, MemorySegment xDesc,
                                                                  MemorySegment dyDesc, MemorySegment convDesc,
                                                                  MemorySegment dwDesc, int requestedAlgoCount,
                                                                  MemorySegment returnedAlgoCount,
                                                                  MemorySegment perfResults) {
        var mh$ = cudnnFindConvolutionBackwardFilterAlgorithm$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, xDesc, dyDesc, convDesc, dwDesc, requestedAlgoCount, returnedAlgoCount, perfResults);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnFindConvolutionBackwardFilterAlgorithmEx(cudnnHandle_t handle,
    //          const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t dyDesc,
    //          const void *y, const cudnnConvolutionDescriptor_t convDesc,
    //          const cudnnFilterDescriptor_t dwDesc, void *dw, const int requestedAlgoCount,
    //          int *returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t *perfResults, void *workSpace,
    //          size_t workSpaceSizeInBytes) -------------------------------------------------------------------------

    private static final class cudnnFindConvolutionBackwardFilterAlgorithmEx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT,
                C_POINTER, C_POINTER, C_POINTER, C_SIZE_T);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnFindConvolutionBackwardFilterAlgorithmEx");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnFindConvolutionBackwardFilterAlgorithmEx$descriptor() {
        return cudnnFindConvolutionBackwardFilterAlgorithmEx.DESC;
    }

    public static MethodHandle cudnnFindConvolutionBackwardFilterAlgorithmEx$handle() {
        requireLoaded();
        return required(cudnnFindConvolutionBackwardFilterAlgorithmEx.Linked.HANDLE,
                "cudnnFindConvolutionBackwardFilterAlgorithmEx");
    }

    public static MemorySegment cudnnFindConvolutionBackwardFilterAlgorithmEx$address() {
        requireLoaded();
        return required(cudnnFindConvolutionBackwardFilterAlgorithmEx.Linked.ADDR,
                "cudnnFindConvolutionBackwardFilterAlgorithmEx");
    }

    /**
     * Ranks backward-filter algorithms by running them on the caller's buffers and workspace (dw is overwritten; the
     * header names the dy argument y).
     */
    public static int cudnnFindConvolutionBackwardFilterAlgorithmEx(MemorySegment handle, MemorySegment xDesc,
                                                                    MemorySegment x, MemorySegment dyDesc,
                                                                    MemorySegment y, MemorySegment convDesc,
                                                                    MemorySegment dwDesc, MemorySegment dw,
                                                                    int requestedAlgoCount,
                                                                    MemorySegment returnedAlgoCount,
                                                                    MemorySegment perfResults, MemorySegment workSpace,
                                                                    long workSpaceSizeInBytes) {
        var mh$ = cudnnFindConvolutionBackwardFilterAlgorithmEx$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, xDesc, x, dyDesc, y, convDesc, dwDesc, dw, requestedAlgoCount, returnedAlgoCount,
                    perfResults, workSpace, workSpaceSizeInBytes);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(cudnnHandle_t handle,
    //          const cudnnTensorDescriptor_t xDesc, const cudnnTensorDescriptor_t dyDesc,
    //          const cudnnConvolutionDescriptor_t convDesc, const cudnnFilterDescriptor_t gradDesc,
    //          cudnnConvolutionBwdFilterAlgo_t algo, size_t *sizeInBytes) -------------------------------------------

    private static final class cudnnGetConvolutionBackwardFilterWorkspaceSize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnGetConvolutionBackwardFilterWorkspaceSize");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnGetConvolutionBackwardFilterWorkspaceSize$descriptor() {
        return cudnnGetConvolutionBackwardFilterWorkspaceSize.DESC;
    }

    public static MethodHandle cudnnGetConvolutionBackwardFilterWorkspaceSize$handle() {
        requireLoaded();
        return required(cudnnGetConvolutionBackwardFilterWorkspaceSize.Linked.HANDLE,
                "cudnnGetConvolutionBackwardFilterWorkspaceSize");
    }

    public static MemorySegment cudnnGetConvolutionBackwardFilterWorkspaceSize$address() {
        requireLoaded();
        return required(cudnnGetConvolutionBackwardFilterWorkspaceSize.Linked.ADDR,
                "cudnnGetConvolutionBackwardFilterWorkspaceSize");
    }

    /** Writes the workspace bytes the backward-filter algorithm algo needs. */
    public static int cudnnGetConvolutionBackwardFilterWorkspaceSize(MemorySegment handle, MemorySegment xDesc,
                                                                     MemorySegment dyDesc, MemorySegment convDesc,
                                                                     MemorySegment gradDesc, int algo,
                                                                     MemorySegment sizeInBytes) {
        var mh$ = cudnnGetConvolutionBackwardFilterWorkspaceSize$handle();
        try {
            return (int) mh$.invokeExact(handle, xDesc, dyDesc, convDesc, gradDesc, algo, sizeInBytes);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t handle, const void *alpha,
    //          const cudnnTensorDescriptor_t xDesc, const void *x, const cudnnTensorDescriptor_t dyDesc,
    //          const void *dy, const cudnnConvolutionDescriptor_t convDesc,
    //          cudnnConvolutionBwdFilterAlgo_t algo, void *workSpace, size_t workSpaceSizeInBytes,
    //          const void *beta, const cudnnFilterDescriptor_t dwDesc, void *dw) ------------------------------------

    private static final class cudnnConvolutionBackwardFilter {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER,
                C_SIZE_T, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudnnConvolutionBackwardFilter");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudnnConvolutionBackwardFilter$descriptor() {
        return cudnnConvolutionBackwardFilter.DESC;
    }

    public static MethodHandle cudnnConvolutionBackwardFilter$handle() {
        requireLoaded();
        return required(cudnnConvolutionBackwardFilter.Linked.HANDLE, "cudnnConvolutionBackwardFilter");
    }

    public static MemorySegment cudnnConvolutionBackwardFilter$address() {
        requireLoaded();
        return required(cudnnConvolutionBackwardFilter.Linked.ADDR, "cudnnConvolutionBackwardFilter");
    }

    /** dw = alpha conv_backward_filter(x, dy) + beta dw. */
    public static int cudnnConvolutionBackwardFilter(MemorySegment handle, MemorySegment alpha, MemorySegment xDesc,
                                                     MemorySegment x, MemorySegment dyDesc, MemorySegment dy,
                                                     MemorySegment convDesc, int algo, MemorySegment workSpace,
                                                     long workSpaceSizeInBytes, MemorySegment beta,
                                                     MemorySegment dwDesc, MemorySegment dw) {
        var mh$ = cudnnConvolutionBackwardFilter$handle();
        try {
            return (int) mh$.invokeExact(
                    handle, alpha, xDesc, x, dyDesc, dy, convDesc, algo, workSpace, workSpaceSizeInBytes, beta,
                    dwDesc, dw);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

}
