package io.gcgan.bindings.kernels;

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
 * Bindings to libgcgan_kernels, gcgan's own CUDA kernel library, in jextract's conventions: every function of
 * {@code kernels/include/gcgan_kernels.h}, listed in {@code io/gcgan/bindings/kernels/symbols.txt}. The signature
 * check ({@link io.gcgan.bindings.SignatureCheck}) compiles each descriptor against the header in CI.
 *
 * <p>Same structure as {@link io.gcgan.bindings.cudart.CudaRuntime}: a holder class per function, a typed static
 * method, and {@code $descriptor()} (needs no library), {@code $handle()} and {@code $address()} accessors. Where the
 * library comes from is decided by {@link GcganKernelsLoader}.
 *
 * <p>Every entry point returns a {@code gcgan_status}: pass it to {@link GcganKernelException#check}, on the same
 * thread and right after the call ({@code gcgan_last_error_message} is per thread). Device pointers and
 * {@code gcgan_stream} (a {@code cudaStream_t}) are {@link MemorySegment} addresses; counts are {@code int64_t}
 * elements. {@code gcgan_status_string}, {@code gcgan_last_error_message} and {@code gcgan_abi_version} touch no
 * CUDA state and are linked with {@link Linker.Option#critical(boolean)}.
 *
 * <p>The dense ops take their index spaces, optimizer hyper-parameters and tensor tables as structs in host memory
 * ({@code gcgan_strided_layout}, {@code gcgan_reduce_layout}, {@code gcgan_optimizer_hyper},
 * {@code gcgan_optimizer_tensor}, {@code gcgan_conv_geometry}; {@code NAME$layout()} here), read during the call
 * and free to reuse after it; the signature check asserts their sizes and member offsets against the header.
 */
@SuppressWarnings("restricted") // binding native functions is this class's purpose
public final class GcganKernels {

    private GcganKernels() {
    }

    // ---- GCGAN_ABI_VERSION, gcgan_status ------------------------------------------------------------------

    /** The ABI version these bindings were written for; {@link GcganKernelsLoader} rejects a library with another. */
    public static final int GCGAN_ABI_VERSION = 2;

    public static final int GCGAN_OK = 0;
    /** A bad count, a null pointer, ...; nothing was launched. */
    public static final int GCGAN_ERR_INVALID_ARGUMENT = 1;
    /** A CUDA runtime call or kernel launch failed; the last error message has CUDA's name and text for it. */
    public static final int GCGAN_ERR_CUDA = 2;
    /** A valid request this build or device cannot serve. */
    public static final int GCGAN_ERR_UNSUPPORTED = 3;

    // ---- the dense ops: dtype codes, limits, op codes (enums of gcgan_kernels.h) --------------------------------

    /** The dtype codes of gcgan_copy_strided (the ordinals of io.gcgan.tensor.DType). */
    public static final int GCGAN_DTYPE_FLOAT32 = 0;
    public static final int GCGAN_DTYPE_FLOAT64 = 1;
    /** The largest rank of a gcgan_strided_layout or gcgan_reduce_layout. */
    public static final int GCGAN_MAX_RANK = 8;
    /** The operands one gcgan_strided_layout describes. */
    public static final int GCGAN_MAX_OPERANDS = 4;

    public static final int GCGAN_UNARY_NEG = 0;
    public static final int GCGAN_UNARY_ABS = 1;
    public static final int GCGAN_UNARY_SIGN = 2;
    public static final int GCGAN_UNARY_EXP = 3;
    public static final int GCGAN_UNARY_LOG = 4;
    public static final int GCGAN_UNARY_SQRT = 5;
    public static final int GCGAN_UNARY_TANH = 6;
    public static final int GCGAN_UNARY_SIGMOID = 7;
    public static final int GCGAN_UNARY_RELU = 8;
    public static final int GCGAN_UNARY_LEAKY_RELU = 9;
    public static final int GCGAN_UNARY_SOFTPLUS = 10;
    public static final int GCGAN_UNARY_POW_SCALAR = 11;
    public static final int GCGAN_UNARY_CLAMP = 12;
    public static final int GCGAN_UNARY_OP_COUNT = 13;

    public static final int GCGAN_BINARY_ADD = 0;
    public static final int GCGAN_BINARY_SUB = 1;
    public static final int GCGAN_BINARY_MUL = 2;
    public static final int GCGAN_BINARY_DIV = 3;
    public static final int GCGAN_BINARY_POW = 4;
    public static final int GCGAN_BINARY_MAX = 5;
    public static final int GCGAN_BINARY_MIN = 6;
    public static final int GCGAN_BINARY_EQ = 7;
    public static final int GCGAN_BINARY_NE = 8;
    public static final int GCGAN_BINARY_LT = 9;
    public static final int GCGAN_BINARY_LE = 10;
    public static final int GCGAN_BINARY_GT = 11;
    public static final int GCGAN_BINARY_GE = 12;
    public static final int GCGAN_BINARY_OP_COUNT = 13;

    public static final int GCGAN_REDUCE_SUM = 0;
    public static final int GCGAN_REDUCE_MEAN = 1;
    public static final int GCGAN_REDUCE_MAX = 2;
    public static final int GCGAN_REDUCE_OP_COUNT = 3;

    public static final int GCGAN_OPTIMIZER_SGD = 0;
    public static final int GCGAN_OPTIMIZER_SGD_MOMENTUM = 1;
    public static final int GCGAN_OPTIMIZER_ADAM = 2;
    public static final int GCGAN_OPTIMIZER_RMSPROP = 3;

    /** conv2d flags bit: float32 products may use TF32 tensor cores (see gcgan_kernels.h). */
    public static final int GCGAN_CONV_ALLOW_TF32 = 1;

    // ---- C types ------------------------------------------------------------------------------------------

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_INT64_T = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private static final Linker.Option[] TRIVIAL = {Linker.Option.critical(false)};

    // ---- structs (host memory, read by the functions during the call) ----------------------------------------

    private static final StructLayout GCGAN_STRIDED_LAYOUT = MemoryLayout.structLayout(
            C_INT.withName("rank"),
            C_INT.withName("reserved"),
            MemoryLayout.sequenceLayout(GCGAN_MAX_RANK, C_INT64_T).withName("shape"),
            MemoryLayout.sequenceLayout(GCGAN_MAX_OPERANDS, MemoryLayout.sequenceLayout(GCGAN_MAX_RANK, C_INT64_T))
                    .withName("strides"),
            MemoryLayout.sequenceLayout(GCGAN_MAX_OPERANDS, C_INT64_T).withName("offsets"))
            .withName("gcgan_strided_layout");

    private static final StructLayout GCGAN_REDUCE_LAYOUT = MemoryLayout.structLayout(
            C_INT.withName("kept_rank"),
            C_INT.withName("reduced_rank"),
            C_INT64_T.withName("x_offset"),
            MemoryLayout.sequenceLayout(GCGAN_MAX_RANK, C_INT64_T).withName("kept_shape"),
            MemoryLayout.sequenceLayout(GCGAN_MAX_RANK, C_INT64_T).withName("kept_strides"),
            MemoryLayout.sequenceLayout(GCGAN_MAX_RANK, C_INT64_T).withName("reduced_shape"),
            MemoryLayout.sequenceLayout(GCGAN_MAX_RANK, C_INT64_T).withName("reduced_strides"))
            .withName("gcgan_reduce_layout");

    private static final StructLayout GCGAN_OPTIMIZER_HYPER = MemoryLayout.structLayout(
            C_INT.withName("algorithm"),
            C_INT.withName("nesterov"),
            C_DOUBLE.withName("momentum"),
            C_DOUBLE.withName("dampening"),
            C_DOUBLE.withName("beta1"),
            C_DOUBLE.withName("beta2"),
            C_DOUBLE.withName("alpha"),
            C_DOUBLE.withName("eps"),
            C_DOUBLE.withName("coupled_decay"),
            C_DOUBLE.withName("weight_scale"),
            C_POINTER.withName("guard"),
            C_INT64_T.withName("guard_count"))
            .withName("gcgan_optimizer_hyper");

    private static final StructLayout GCGAN_OPTIMIZER_TENSOR = MemoryLayout.structLayout(
            C_POINTER.withName("weight"),
            C_POINTER.withName("grad"),
            C_POINTER.withName("state1"),
            C_POINTER.withName("state2"),
            C_INT64_T.withName("numel"),
            C_INT64_T.withName("outer"),
            C_INT64_T.withName("slices"),
            C_INT64_T.withName("inner"),
            C_DOUBLE.withName("step_size"),
            C_DOUBLE.withName("bc2_sqrt"),
            C_INT.withName("first_step"),
            C_INT.withName("reserved"))
            .withName("gcgan_optimizer_tensor");

    private static final StructLayout GCGAN_CONV_GEOMETRY = MemoryLayout.structLayout(
            C_INT64_T.withName("n"),
            C_INT64_T.withName("c"),
            C_INT64_T.withName("h"),
            C_INT64_T.withName("w"),
            C_INT64_T.withName("k"),
            C_INT64_T.withName("r"),
            C_INT64_T.withName("s"),
            C_INT64_T.withName("stride_h"),
            C_INT64_T.withName("stride_w"),
            C_INT64_T.withName("pad_h"),
            C_INT64_T.withName("pad_w"))
            .withName("gcgan_conv_geometry");

    /**
     * {@code gcgan_strided_layout}: {@code int32_t rank, reserved; int64_t shape[8]; int64_t strides[4][8];
     * int64_t offsets[4]} (360 bytes). Fill it in a zeroed host segment and pass its address; the signature check
     * asserts the size and every member offset against the header.
     */
    public static StructLayout gcgan_strided_layout$layout() {
        return GCGAN_STRIDED_LAYOUT;
    }

    /**
     * {@code gcgan_reduce_layout}: {@code int32_t kept_rank, reduced_rank; int64_t x_offset; int64_t kept_shape[8],
     * kept_strides[8], reduced_shape[8], reduced_strides[8]} (272 bytes).
     */
    public static StructLayout gcgan_reduce_layout$layout() {
        return GCGAN_REDUCE_LAYOUT;
    }

    /**
     * {@code gcgan_optimizer_hyper}: {@code int32_t algorithm, nesterov; double momentum, dampening, beta1, beta2,
     * alpha, eps, coupled_decay, weight_scale; const void *guard; int64_t guard_count} (88 bytes).
     */
    public static StructLayout gcgan_optimizer_hyper$layout() {
        return GCGAN_OPTIMIZER_HYPER;
    }

    /**
     * {@code gcgan_optimizer_tensor}: {@code void *weight; const void *grad; void *state1, *state2; int64_t numel,
     * outer, slices, inner; double step_size, bc2_sqrt; int32_t first_step, reserved} (88 bytes). The functions take
     * an array of them.
     */
    public static StructLayout gcgan_optimizer_tensor$layout() {
        return GCGAN_OPTIMIZER_TENSOR;
    }

    /**
     * {@code gcgan_conv_geometry}: {@code int64_t n, c, h, w, k, r, s, stride_h, stride_w, pad_h, pad_w} (88 bytes),
     * io.gcgan.backend.ConvGeometry's fields in its order.
     */
    public static StructLayout gcgan_conv_geometry$layout() {
        return GCGAN_CONV_GEOMETRY;
    }

    // ---- linking ----------------------------------------------------------------------------------------------

    private static void requireLoaded() {
        GcganKernelsLoader.library().loaded();
    }

    private static MemorySegment findOrNull(String... symbols) {
        return GcganKernelsLoader.library().findOrNull(symbols);
    }

    private static MethodHandle downcall(MemorySegment address, FunctionDescriptor desc, Linker.Option... options) {
        return NativeLibrary.downcall(address, desc, options);
    }

    private static <T> T required(T linked, String symbol) {
        return GcganKernelsLoader.library().required(linked, symbol);
    }

    private static String string(MemorySegment chars) {
        return NativeLibrary.string(chars);
    }

    // ---- const char* gcgan_status_string(gcgan_status status) -----------------------------------------------------

    private static final class gcgan_status_string {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_status_string");
            static final MethodHandle HANDLE = downcall(ADDR, DESC, TRIVIAL);
        }
    }

    public static FunctionDescriptor gcgan_status_string$descriptor() {
        return gcgan_status_string.DESC;
    }

    public static MethodHandle gcgan_status_string$handle() {
        requireLoaded();
        return required(gcgan_status_string.Linked.HANDLE, "gcgan_status_string");
    }

    public static MemorySegment gcgan_status_string$address() {
        requireLoaded();
        return required(gcgan_status_string.Linked.ADDR, "gcgan_status_string");
    }

    /** A constant string naming the status, e.g. "GCGAN_ERR_CUDA: CUDA runtime error"; never NULL. Needs no GPU. */
    public static String gcgan_status_string(int status) {
        var mh$ = gcgan_status_string$handle();
        try {
            return string((MemorySegment) mh$.invokeExact(status));
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- const char* gcgan_last_error_message(void) ---------------------------------------------------------------

    private static final class gcgan_last_error_message {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_last_error_message");
            static final MethodHandle HANDLE = downcall(ADDR, DESC, TRIVIAL);
        }
    }

    public static FunctionDescriptor gcgan_last_error_message$descriptor() {
        return gcgan_last_error_message.DESC;
    }

    public static MethodHandle gcgan_last_error_message$handle() {
        requireLoaded();
        return required(gcgan_last_error_message.Linked.HANDLE, "gcgan_last_error_message");
    }

    public static MemorySegment gcgan_last_error_message$address() {
        requireLoaded();
        return required(gcgan_last_error_message.Linked.ADDR, "gcgan_last_error_message");
    }

    /**
     * The message of the last failed gcgan call on the calling thread, e.g. "gcgan_random_normal_f32: kernel launch:
     * cudaErrorInvalidDevice (invalid device ordinal)"; "" if none has failed. Needs no GPU.
     */
    public static String gcgan_last_error_message() {
        var mh$ = gcgan_last_error_message$handle();
        try {
            return string((MemorySegment) mh$.invokeExact());
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- int32_t gcgan_abi_version(void) --------------------------------------------------------------------------

    private static final class gcgan_abi_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_abi_version");
            static final MethodHandle HANDLE = downcall(ADDR, DESC, TRIVIAL);
        }
    }

    public static FunctionDescriptor gcgan_abi_version$descriptor() {
        return gcgan_abi_version.DESC;
    }

    public static MethodHandle gcgan_abi_version$handle() {
        requireLoaded();
        return required(gcgan_abi_version.Linked.HANDLE, "gcgan_abi_version");
    }

    public static MemorySegment gcgan_abi_version$address() {
        requireLoaded();
        return required(gcgan_abi_version.Linked.ADDR, "gcgan_abi_version");
    }

    /** GCGAN_ABI_VERSION of the library actually loaded. Needs no GPU. */
    public static int gcgan_abi_version() {
        var mh$ = gcgan_abi_version$handle();
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_random_uniform_f32(float *out, int64_t n, uint64_t seed, uint64_t offset,
    //          gcgan_stream stream) ---------------------------------------------------------------------------------

    private static final class gcgan_random_uniform_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT64_T, C_INT64_T, C_INT64_T, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_random_uniform_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_random_uniform_f32$descriptor() {
        return gcgan_random_uniform_f32.DESC;
    }

    public static MethodHandle gcgan_random_uniform_f32$handle() {
        requireLoaded();
        return required(gcgan_random_uniform_f32.Linked.HANDLE, "gcgan_random_uniform_f32");
    }

    public static MemorySegment gcgan_random_uniform_f32$address() {
        requireLoaded();
        return required(gcgan_random_uniform_f32.Linked.ADDR, "gcgan_random_uniform_f32");
    }

    /**
     * Fills out (n floats, device memory) with Philox 4x32-10 uniforms in (0, 1): element i from block offset + i of
     * stream seed.
     */
    public static int gcgan_random_uniform_f32(MemorySegment out, long n, long seed, long offset,
                                               MemorySegment stream) {
        var mh$ = gcgan_random_uniform_f32$handle();
        try {
            return (int) mh$.invokeExact(out, n, seed, offset, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_random_uniform_f64(double *out, int64_t n, uint64_t seed, uint64_t offset,
    //          gcgan_stream stream) ---------------------------------------------------------------------------------

    private static final class gcgan_random_uniform_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT64_T, C_INT64_T, C_INT64_T, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_random_uniform_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_random_uniform_f64$descriptor() {
        return gcgan_random_uniform_f64.DESC;
    }

    public static MethodHandle gcgan_random_uniform_f64$handle() {
        requireLoaded();
        return required(gcgan_random_uniform_f64.Linked.HANDLE, "gcgan_random_uniform_f64");
    }

    public static MemorySegment gcgan_random_uniform_f64$address() {
        requireLoaded();
        return required(gcgan_random_uniform_f64.Linked.ADDR, "gcgan_random_uniform_f64");
    }

    /**
     * Fills out (n doubles, device memory) with Philox 4x32-10 uniforms in (0, 1): element i from block offset + i of
     * stream seed.
     */
    public static int gcgan_random_uniform_f64(MemorySegment out, long n, long seed, long offset,
                                               MemorySegment stream) {
        var mh$ = gcgan_random_uniform_f64$handle();
        try {
            return (int) mh$.invokeExact(out, n, seed, offset, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_random_normal_f32(float *out, int64_t n, uint64_t seed, uint64_t offset,
    //          gcgan_stream stream) ---------------------------------------------------------------------------------

    private static final class gcgan_random_normal_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT64_T, C_INT64_T, C_INT64_T, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_random_normal_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_random_normal_f32$descriptor() {
        return gcgan_random_normal_f32.DESC;
    }

    public static MethodHandle gcgan_random_normal_f32$handle() {
        requireLoaded();
        return required(gcgan_random_normal_f32.Linked.HANDLE, "gcgan_random_normal_f32");
    }

    public static MemorySegment gcgan_random_normal_f32$address() {
        requireLoaded();
        return required(gcgan_random_normal_f32.Linked.ADDR, "gcgan_random_normal_f32");
    }

    /**
     * Fills out (n floats, device memory) with standard normals (Box-Muller in double, rounded to float): element i
     * from block offset + i.
     */
    public static int gcgan_random_normal_f32(MemorySegment out, long n, long seed, long offset, MemorySegment stream) {
        var mh$ = gcgan_random_normal_f32$handle();
        try {
            return (int) mh$.invokeExact(out, n, seed, offset, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_random_normal_f64(double *out, int64_t n, uint64_t seed, uint64_t offset,
    //          gcgan_stream stream) ---------------------------------------------------------------------------------

    private static final class gcgan_random_normal_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT64_T, C_INT64_T, C_INT64_T, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_random_normal_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_random_normal_f64$descriptor() {
        return gcgan_random_normal_f64.DESC;
    }

    public static MethodHandle gcgan_random_normal_f64$handle() {
        requireLoaded();
        return required(gcgan_random_normal_f64.Linked.HANDLE, "gcgan_random_normal_f64");
    }

    public static MemorySegment gcgan_random_normal_f64$address() {
        requireLoaded();
        return required(gcgan_random_normal_f64.Linked.ADDR, "gcgan_random_normal_f64");
    }

    /**
     * Fills out (n doubles, device memory) with standard normals (Box-Muller): element i from block offset + i of
     * stream seed.
     */
    public static int gcgan_random_normal_f64(MemorySegment out, long n, long seed, long offset, MemorySegment stream) {
        var mh$ = gcgan_random_normal_f64$handle();
        try {
            return (int) mh$.invokeExact(out, n, seed, offset, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_fill_f32(float *out, int64_t n, float value, gcgan_stream stream) -----------------------

    private static final class gcgan_fill_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT64_T, C_FLOAT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_fill_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_fill_f32$descriptor() {
        return gcgan_fill_f32.DESC;
    }

    public static MethodHandle gcgan_fill_f32$handle() {
        requireLoaded();
        return required(gcgan_fill_f32.Linked.HANDLE, "gcgan_fill_f32");
    }

    public static MemorySegment gcgan_fill_f32$address() {
        requireLoaded();
        return required(gcgan_fill_f32.Linked.ADDR, "gcgan_fill_f32");
    }

    /**
     * Sets out[i] = value for i < n (out: n floats, device memory).
     */
    public static int gcgan_fill_f32(MemorySegment out, long n, float value, MemorySegment stream) {
        var mh$ = gcgan_fill_f32$handle();
        try {
            return (int) mh$.invokeExact(out, n, value, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_fill_f64(double *out, int64_t n, double value, gcgan_stream stream) ---------------------

    private static final class gcgan_fill_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT64_T, C_DOUBLE, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_fill_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_fill_f64$descriptor() {
        return gcgan_fill_f64.DESC;
    }

    public static MethodHandle gcgan_fill_f64$handle() {
        requireLoaded();
        return required(gcgan_fill_f64.Linked.HANDLE, "gcgan_fill_f64");
    }

    public static MemorySegment gcgan_fill_f64$address() {
        requireLoaded();
        return required(gcgan_fill_f64.Linked.ADDR, "gcgan_fill_f64");
    }

    /**
     * Sets out[i] = value for i < n (out: n doubles, device memory).
     */
    public static int gcgan_fill_f64(MemorySegment out, long n, double value, MemorySegment stream) {
        var mh$ = gcgan_fill_f64$handle();
        try {
            return (int) mh$.invokeExact(out, n, value, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_busy_wait(int64_t nanoseconds, gcgan_stream stream) ------------------------------------

    private static final class gcgan_busy_wait {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT64_T, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_busy_wait");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_busy_wait$descriptor() {
        return gcgan_busy_wait.DESC;
    }

    public static MethodHandle gcgan_busy_wait$handle() {
        requireLoaded();
        return required(gcgan_busy_wait.Linked.HANDLE, "gcgan_busy_wait");
    }

    public static MemorySegment gcgan_busy_wait$address() {
        requireLoaded();
        return required(gcgan_busy_wait.Linked.ADDR, "gcgan_busy_wait");
    }

    /**
     * Keeps the stream busy on the device for about {@code nanoseconds} (0 to 10^10), so that work queued behind it
     * meanwhile runs back to back: events recorded after it time the device alone, without the host's launch gaps.
     */
    public static int gcgan_busy_wait(long nanoseconds, MemorySegment stream) {
        var mh$ = gcgan_busy_wait$handle();
        try {
            return (int) mh$.invokeExact(nanoseconds, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_copy_strided(int32_t src_dtype, const void *src, int32_t dst_dtype, void *dst,
    //          const gcgan_strided_layout *layout, gcgan_stream stream) -----------------------------------------------

    private static final class gcgan_copy_strided {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_copy_strided");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_copy_strided$descriptor() {
        return gcgan_copy_strided.DESC;
    }

    public static MethodHandle gcgan_copy_strided$handle() {
        requireLoaded();
        return required(gcgan_copy_strided.Linked.HANDLE, "gcgan_copy_strided");
    }

    public static MemorySegment gcgan_copy_strided$address() {
        requireLoaded();
        return required(gcgan_copy_strided.Linked.ADDR, "gcgan_copy_strided");
    }

    /**
     * Strided copy with dtype conversion: layout (host memory, {@link #gcgan_strided_layout$layout()}) operand 0
     * is src, operand 1 is dst; dtypes are GCGAN_DTYPE_* codes.
     */
    public static int gcgan_copy_strided(int src_dtype, MemorySegment src, int dst_dtype, MemorySegment dst,
                                         MemorySegment layout, MemorySegment stream) {
        var mh$ = gcgan_copy_strided$handle();
        try {
            return (int) mh$.invokeExact(src_dtype, src, dst_dtype, dst, layout, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_unary_f32(int32_t op, double p0, double p1, const float *x, float *out, int64_t n,
    //          gcgan_stream stream) -----------------------------------------------------------------------------------

    private static final class gcgan_unary_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_INT, C_DOUBLE, C_DOUBLE, C_POINTER, C_POINTER, C_INT64_T, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_unary_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_unary_f32$descriptor() {
        return gcgan_unary_f32.DESC;
    }

    public static MethodHandle gcgan_unary_f32$handle() {
        requireLoaded();
        return required(gcgan_unary_f32.Linked.HANDLE, "gcgan_unary_f32");
    }

    public static MemorySegment gcgan_unary_f32$address() {
        requireLoaded();
        return required(gcgan_unary_f32.Linked.ADDR, "gcgan_unary_f32");
    }

    /**
     * out[i] = op(x[i]; p0, p1) for i < n, float32 (evaluated in double); op is a GCGAN_UNARY_* code.
     */
    public static int gcgan_unary_f32(int op, double p0, double p1, MemorySegment x, MemorySegment out, long n,
                                      MemorySegment stream) {
        var mh$ = gcgan_unary_f32$handle();
        try {
            return (int) mh$.invokeExact(op, p0, p1, x, out, n, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_unary_f64(int32_t op, double p0, double p1, const double *x, double *out, int64_t n,
    //          gcgan_stream stream) -----------------------------------------------------------------------------------

    private static final class gcgan_unary_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_INT, C_DOUBLE, C_DOUBLE, C_POINTER, C_POINTER, C_INT64_T, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_unary_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_unary_f64$descriptor() {
        return gcgan_unary_f64.DESC;
    }

    public static MethodHandle gcgan_unary_f64$handle() {
        requireLoaded();
        return required(gcgan_unary_f64.Linked.HANDLE, "gcgan_unary_f64");
    }

    public static MemorySegment gcgan_unary_f64$address() {
        requireLoaded();
        return required(gcgan_unary_f64.Linked.ADDR, "gcgan_unary_f64");
    }

    /**
     * out[i] = op(x[i]; p0, p1) for i < n, float64; op is a GCGAN_UNARY_* code.
     */
    public static int gcgan_unary_f64(int op, double p0, double p1, MemorySegment x, MemorySegment out, long n,
                                      MemorySegment stream) {
        var mh$ = gcgan_unary_f64$handle();
        try {
            return (int) mh$.invokeExact(op, p0, p1, x, out, n, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_binary_f32(int32_t op, const float *a, const float *b, float *out,
    //          const gcgan_strided_layout *layout, gcgan_stream stream) -----------------------------------------------

    private static final class gcgan_binary_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_binary_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_binary_f32$descriptor() {
        return gcgan_binary_f32.DESC;
    }

    public static MethodHandle gcgan_binary_f32$handle() {
        requireLoaded();
        return required(gcgan_binary_f32.Linked.HANDLE, "gcgan_binary_f32");
    }

    public static MemorySegment gcgan_binary_f32$address() {
        requireLoaded();
        return required(gcgan_binary_f32.Linked.ADDR, "gcgan_binary_f32");
    }

    /**
     * out = a op b with broadcasting, float32; layout operands 0 = a, 1 = b, 2 = out; op is a GCGAN_BINARY_* code.
     */
    public static int gcgan_binary_f32(int op, MemorySegment a, MemorySegment b, MemorySegment out,
                                       MemorySegment layout, MemorySegment stream) {
        var mh$ = gcgan_binary_f32$handle();
        try {
            return (int) mh$.invokeExact(op, a, b, out, layout, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_binary_f64(int32_t op, const double *a, const double *b, double *out,
    //          const gcgan_strided_layout *layout, gcgan_stream stream) -----------------------------------------------

    private static final class gcgan_binary_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_binary_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_binary_f64$descriptor() {
        return gcgan_binary_f64.DESC;
    }

    public static MethodHandle gcgan_binary_f64$handle() {
        requireLoaded();
        return required(gcgan_binary_f64.Linked.HANDLE, "gcgan_binary_f64");
    }

    public static MemorySegment gcgan_binary_f64$address() {
        requireLoaded();
        return required(gcgan_binary_f64.Linked.ADDR, "gcgan_binary_f64");
    }

    /**
     * out = a op b with broadcasting, float64; layout operands 0 = a, 1 = b, 2 = out; op is a GCGAN_BINARY_* code.
     */
    public static int gcgan_binary_f64(int op, MemorySegment a, MemorySegment b, MemorySegment out,
                                       MemorySegment layout, MemorySegment stream) {
        var mh$ = gcgan_binary_f64$handle();
        try {
            return (int) mh$.invokeExact(op, a, b, out, layout, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_where_f32(const float *cond, const float *a, const float *b, float *out,
    //          const gcgan_strided_layout *layout, gcgan_stream stream) -----------------------------------------------

    private static final class gcgan_where_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_where_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_where_f32$descriptor() {
        return gcgan_where_f32.DESC;
    }

    public static MethodHandle gcgan_where_f32$handle() {
        requireLoaded();
        return required(gcgan_where_f32.Linked.HANDLE, "gcgan_where_f32");
    }

    public static MemorySegment gcgan_where_f32$address() {
        requireLoaded();
        return required(gcgan_where_f32.Linked.ADDR, "gcgan_where_f32");
    }

    /**
     * out = cond != 0 ? a : b with broadcasting, float32; layout operands 0 = cond, 1 = a, 2 = b, 3 = out.
     */
    public static int gcgan_where_f32(MemorySegment cond, MemorySegment a, MemorySegment b, MemorySegment out,
                                      MemorySegment layout, MemorySegment stream) {
        var mh$ = gcgan_where_f32$handle();
        try {
            return (int) mh$.invokeExact(cond, a, b, out, layout, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_where_f64(const double *cond, const double *a, const double *b, double *out,
    //          const gcgan_strided_layout *layout, gcgan_stream stream) -----------------------------------------------

    private static final class gcgan_where_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_where_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_where_f64$descriptor() {
        return gcgan_where_f64.DESC;
    }

    public static MethodHandle gcgan_where_f64$handle() {
        requireLoaded();
        return required(gcgan_where_f64.Linked.HANDLE, "gcgan_where_f64");
    }

    public static MemorySegment gcgan_where_f64$address() {
        requireLoaded();
        return required(gcgan_where_f64.Linked.ADDR, "gcgan_where_f64");
    }

    /**
     * out = cond != 0 ? a : b with broadcasting, float64; layout operands 0 = cond, 1 = a, 2 = b, 3 = out.
     */
    public static int gcgan_where_f64(MemorySegment cond, MemorySegment a, MemorySegment b, MemorySegment out,
                                      MemorySegment layout, MemorySegment stream) {
        var mh$ = gcgan_where_f64$handle();
        try {
            return (int) mh$.invokeExact(cond, a, b, out, layout, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_rectifier_backward_f32(const float *x, const float *g, double positive, double other,
    //          int64_t n, float *out, gcgan_stream stream) ------------------------------------------------------------

    private static final class gcgan_rectifier_backward_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_DOUBLE, C_DOUBLE, C_INT64_T, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_rectifier_backward_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_rectifier_backward_f32$descriptor() {
        return gcgan_rectifier_backward_f32.DESC;
    }

    public static MethodHandle gcgan_rectifier_backward_f32$handle() {
        requireLoaded();
        return required(gcgan_rectifier_backward_f32.Linked.HANDLE, "gcgan_rectifier_backward_f32");
    }

    public static MemorySegment gcgan_rectifier_backward_f32$address() {
        requireLoaded();
        return required(gcgan_rectifier_backward_f32.Linked.ADDR, "gcgan_rectifier_backward_f32");
    }

    /**
     * out[i] = g[i] * (x[i] > 0 ? positive : other) for i &lt; n, float32 (one double multiply, rounded once);
     * a NaN x selects other; out may be g.
     */
    public static int gcgan_rectifier_backward_f32(MemorySegment x, MemorySegment g, double positive, double other,
                                                     long n, MemorySegment out, MemorySegment stream) {
        var mh$ = gcgan_rectifier_backward_f32$handle();
        try {
            return (int) mh$.invokeExact(x, g, positive, other, n, out, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_rectifier_backward_f64(const double *x, const double *g, double positive, double other,
    //          int64_t n, double *out, gcgan_stream stream) -----------------------------------------------------------

    private static final class gcgan_rectifier_backward_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_DOUBLE, C_DOUBLE, C_INT64_T, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_rectifier_backward_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_rectifier_backward_f64$descriptor() {
        return gcgan_rectifier_backward_f64.DESC;
    }

    public static MethodHandle gcgan_rectifier_backward_f64$handle() {
        requireLoaded();
        return required(gcgan_rectifier_backward_f64.Linked.HANDLE, "gcgan_rectifier_backward_f64");
    }

    public static MemorySegment gcgan_rectifier_backward_f64$address() {
        requireLoaded();
        return required(gcgan_rectifier_backward_f64.Linked.ADDR, "gcgan_rectifier_backward_f64");
    }

    /**
     * out[i] = g[i] * (x[i] > 0 ? positive : other) for i &lt; n, float64;
     * a NaN x selects other; out may be g.
     */
    public static int gcgan_rectifier_backward_f64(MemorySegment x, MemorySegment g, double positive, double other,
                                                     long n, MemorySegment out, MemorySegment stream) {
        var mh$ = gcgan_rectifier_backward_f64$handle();
        try {
            return (int) mh$.invokeExact(x, g, positive, other, n, out, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_reduce_f32(int32_t op, const float *x, float *out, const gcgan_reduce_layout *layout,
    //          gcgan_stream stream) -----------------------------------------------------------------------------------

    private static final class gcgan_reduce_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_reduce_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_reduce_f32$descriptor() {
        return gcgan_reduce_f32.DESC;
    }

    public static MethodHandle gcgan_reduce_f32$handle() {
        requireLoaded();
        return required(gcgan_reduce_f32.Linked.HANDLE, "gcgan_reduce_f32");
    }

    public static MemorySegment gcgan_reduce_f32$address() {
        requireLoaded();
        return required(gcgan_reduce_f32.Linked.ADDR, "gcgan_reduce_f32");
    }

    /**
     * Reduces x over the reduced dimensions of layout (host memory, {@link #gcgan_reduce_layout$layout()}) into dense
     * out, float32 (accumulated in double); op is a GCGAN_REDUCE_* code.
     */
    public static int gcgan_reduce_f32(int op, MemorySegment x, MemorySegment out, MemorySegment layout,
                                       MemorySegment stream) {
        var mh$ = gcgan_reduce_f32$handle();
        try {
            return (int) mh$.invokeExact(op, x, out, layout, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_reduce_f64(int32_t op, const double *x, double *out, const gcgan_reduce_layout *layout,
    //          gcgan_stream stream) -----------------------------------------------------------------------------------

    private static final class gcgan_reduce_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_reduce_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_reduce_f64$descriptor() {
        return gcgan_reduce_f64.DESC;
    }

    public static MethodHandle gcgan_reduce_f64$handle() {
        requireLoaded();
        return required(gcgan_reduce_f64.Linked.HANDLE, "gcgan_reduce_f64");
    }

    public static MemorySegment gcgan_reduce_f64$address() {
        requireLoaded();
        return required(gcgan_reduce_f64.Linked.ADDR, "gcgan_reduce_f64");
    }

    /**
     * Reduces x over the reduced dimensions of layout into dense out, float64; op is a GCGAN_REDUCE_* code.
     */
    public static int gcgan_reduce_f64(int op, MemorySegment x, MemorySegment out, MemorySegment layout,
                                       MemorySegment stream) {
        var mh$ = gcgan_reduce_f64$handle();
        try {
            return (int) mh$.invokeExact(op, x, out, layout, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_optimizer_step_f32(const gcgan_optimizer_hyper *hyper,
    //          const gcgan_optimizer_tensor *tensors, int32_t count, gcgan_stream stream) -----------------------------

    private static final class gcgan_optimizer_step_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_optimizer_step_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_optimizer_step_f32$descriptor() {
        return gcgan_optimizer_step_f32.DESC;
    }

    public static MethodHandle gcgan_optimizer_step_f32$handle() {
        requireLoaded();
        return required(gcgan_optimizer_step_f32.Linked.HANDLE, "gcgan_optimizer_step_f32");
    }

    public static MemorySegment gcgan_optimizer_step_f32$address() {
        requireLoaded();
        return required(gcgan_optimizer_step_f32.Linked.ADDR, "gcgan_optimizer_step_f32");
    }

    /**
     * One optimizer step over count float32 tensors in one kernel launch; hyper and the tensors table are host memory
     * ({@link #gcgan_optimizer_hyper$layout()}, {@link #gcgan_optimizer_tensor$layout()}), read during the call.
     */
    public static int gcgan_optimizer_step_f32(MemorySegment hyper, MemorySegment tensors, int count,
                                               MemorySegment stream) {
        var mh$ = gcgan_optimizer_step_f32$handle();
        try {
            return (int) mh$.invokeExact(hyper, tensors, count, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_optimizer_step_f64(const gcgan_optimizer_hyper *hyper,
    //          const gcgan_optimizer_tensor *tensors, int32_t count, gcgan_stream stream) -----------------------------

    private static final class gcgan_optimizer_step_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_optimizer_step_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_optimizer_step_f64$descriptor() {
        return gcgan_optimizer_step_f64.DESC;
    }

    public static MethodHandle gcgan_optimizer_step_f64$handle() {
        requireLoaded();
        return required(gcgan_optimizer_step_f64.Linked.HANDLE, "gcgan_optimizer_step_f64");
    }

    public static MemorySegment gcgan_optimizer_step_f64$address() {
        requireLoaded();
        return required(gcgan_optimizer_step_f64.Linked.ADDR, "gcgan_optimizer_step_f64");
    }

    /**
     * One optimizer step over count float64 tensors in one kernel launch; hyper and the tensors table are host memory.
     */
    public static int gcgan_optimizer_step_f64(MemorySegment hyper, MemorySegment tensors, int count,
                                               MemorySegment stream) {
        var mh$ = gcgan_optimizer_step_f64$handle();
        try {
            return (int) mh$.invokeExact(hyper, tensors, count, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_conv2d_forward_f32(const float *x, const float *w, float *y,
    //          const gcgan_conv_geometry *geometry, int32_t flags, gcgan_stream stream) ----------------------------

    private static final class gcgan_conv2d_forward_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_conv2d_forward_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_conv2d_forward_f32$descriptor() {
        return gcgan_conv2d_forward_f32.DESC;
    }

    public static MethodHandle gcgan_conv2d_forward_f32$handle() {
        requireLoaded();
        return required(gcgan_conv2d_forward_f32.Linked.HANDLE, "gcgan_conv2d_forward_f32");
    }

    public static MemorySegment gcgan_conv2d_forward_f32$address() {
        requireLoaded();
        return required(gcgan_conv2d_forward_f32.Linked.ADDR, "gcgan_conv2d_forward_f32");
    }

    /**
     * y = conv2d(x, w) (x [n,c,h,w], w [k,c,r,s], y [n,k,p,q]), float32; geometry is host memory
     * ({@link #gcgan_conv_geometry$layout()}), flags 0 or GCGAN_CONV_ALLOW_TF32.
     */
    public static int gcgan_conv2d_forward_f32(MemorySegment x, MemorySegment w, MemorySegment y, MemorySegment geometry,
            int flags, MemorySegment stream) {
        var mh$ = gcgan_conv2d_forward_f32$handle();
        try {
            return (int) mh$.invokeExact(x, w, y, geometry, flags, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_conv2d_forward_f64(const double *x, const double *w, double *y,
    //          const gcgan_conv_geometry *geometry, int32_t flags, gcgan_stream stream) ----------------------------

    private static final class gcgan_conv2d_forward_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_conv2d_forward_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_conv2d_forward_f64$descriptor() {
        return gcgan_conv2d_forward_f64.DESC;
    }

    public static MethodHandle gcgan_conv2d_forward_f64$handle() {
        requireLoaded();
        return required(gcgan_conv2d_forward_f64.Linked.HANDLE, "gcgan_conv2d_forward_f64");
    }

    public static MemorySegment gcgan_conv2d_forward_f64$address() {
        requireLoaded();
        return required(gcgan_conv2d_forward_f64.Linked.ADDR, "gcgan_conv2d_forward_f64");
    }

    /**
     * y = conv2d(x, w) (x [n,c,h,w], w [k,c,r,s], y [n,k,p,q]), float64; geometry is host memory
     * ({@link #gcgan_conv_geometry$layout()}), flags 0 or GCGAN_CONV_ALLOW_TF32.
     */
    public static int gcgan_conv2d_forward_f64(MemorySegment x, MemorySegment w, MemorySegment y, MemorySegment geometry,
            int flags, MemorySegment stream) {
        var mh$ = gcgan_conv2d_forward_f64$handle();
        try {
            return (int) mh$.invokeExact(x, w, y, geometry, flags, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_conv2d_backward_data_f32(const float *dy, const float *w, float *dx,
    //          const gcgan_conv_geometry *geometry, int32_t flags, gcgan_stream stream) ----------------------------

    private static final class gcgan_conv2d_backward_data_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_conv2d_backward_data_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_conv2d_backward_data_f32$descriptor() {
        return gcgan_conv2d_backward_data_f32.DESC;
    }

    public static MethodHandle gcgan_conv2d_backward_data_f32$handle() {
        requireLoaded();
        return required(gcgan_conv2d_backward_data_f32.Linked.HANDLE, "gcgan_conv2d_backward_data_f32");
    }

    public static MemorySegment gcgan_conv2d_backward_data_f32$address() {
        requireLoaded();
        return required(gcgan_conv2d_backward_data_f32.Linked.ADDR, "gcgan_conv2d_backward_data_f32");
    }

    /**
     * dx = conv2d backward-data of dy with w, float32; geometry is host memory
     * ({@link #gcgan_conv_geometry$layout()}), flags 0 or GCGAN_CONV_ALLOW_TF32.
     */
    public static int gcgan_conv2d_backward_data_f32(MemorySegment dy, MemorySegment w, MemorySegment dx, MemorySegment geometry,
            int flags, MemorySegment stream) {
        var mh$ = gcgan_conv2d_backward_data_f32$handle();
        try {
            return (int) mh$.invokeExact(dy, w, dx, geometry, flags, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_conv2d_backward_data_f64(const double *dy, const double *w, double *dx,
    //          const gcgan_conv_geometry *geometry, int32_t flags, gcgan_stream stream) ----------------------------

    private static final class gcgan_conv2d_backward_data_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_conv2d_backward_data_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_conv2d_backward_data_f64$descriptor() {
        return gcgan_conv2d_backward_data_f64.DESC;
    }

    public static MethodHandle gcgan_conv2d_backward_data_f64$handle() {
        requireLoaded();
        return required(gcgan_conv2d_backward_data_f64.Linked.HANDLE, "gcgan_conv2d_backward_data_f64");
    }

    public static MemorySegment gcgan_conv2d_backward_data_f64$address() {
        requireLoaded();
        return required(gcgan_conv2d_backward_data_f64.Linked.ADDR, "gcgan_conv2d_backward_data_f64");
    }

    /**
     * dx = conv2d backward-data of dy with w, float64; geometry is host memory
     * ({@link #gcgan_conv_geometry$layout()}), flags 0 or GCGAN_CONV_ALLOW_TF32.
     */
    public static int gcgan_conv2d_backward_data_f64(MemorySegment dy, MemorySegment w, MemorySegment dx, MemorySegment geometry,
            int flags, MemorySegment stream) {
        var mh$ = gcgan_conv2d_backward_data_f64$handle();
        try {
            return (int) mh$.invokeExact(dy, w, dx, geometry, flags, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_conv2d_backward_weight_f32(const float *x, const float *dy, float *dw,
    //          const gcgan_conv_geometry *geometry, int32_t flags, gcgan_stream stream) ----------------------------

    private static final class gcgan_conv2d_backward_weight_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_conv2d_backward_weight_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_conv2d_backward_weight_f32$descriptor() {
        return gcgan_conv2d_backward_weight_f32.DESC;
    }

    public static MethodHandle gcgan_conv2d_backward_weight_f32$handle() {
        requireLoaded();
        return required(gcgan_conv2d_backward_weight_f32.Linked.HANDLE, "gcgan_conv2d_backward_weight_f32");
    }

    public static MemorySegment gcgan_conv2d_backward_weight_f32$address() {
        requireLoaded();
        return required(gcgan_conv2d_backward_weight_f32.Linked.ADDR, "gcgan_conv2d_backward_weight_f32");
    }

    /**
     * dw = conv2d backward-weight of x and dy, summed over the batch, float32; geometry is host memory
     * ({@link #gcgan_conv_geometry$layout()}), flags 0 or GCGAN_CONV_ALLOW_TF32.
     */
    public static int gcgan_conv2d_backward_weight_f32(MemorySegment x, MemorySegment dy, MemorySegment dw, MemorySegment geometry,
            int flags, MemorySegment stream) {
        var mh$ = gcgan_conv2d_backward_weight_f32$handle();
        try {
            return (int) mh$.invokeExact(x, dy, dw, geometry, flags, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_conv2d_backward_weight_f64(const double *x, const double *dy, double *dw,
    //          const gcgan_conv_geometry *geometry, int32_t flags, gcgan_stream stream) ----------------------------

    private static final class gcgan_conv2d_backward_weight_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_conv2d_backward_weight_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_conv2d_backward_weight_f64$descriptor() {
        return gcgan_conv2d_backward_weight_f64.DESC;
    }

    public static MethodHandle gcgan_conv2d_backward_weight_f64$handle() {
        requireLoaded();
        return required(gcgan_conv2d_backward_weight_f64.Linked.HANDLE, "gcgan_conv2d_backward_weight_f64");
    }

    public static MemorySegment gcgan_conv2d_backward_weight_f64$address() {
        requireLoaded();
        return required(gcgan_conv2d_backward_weight_f64.Linked.ADDR, "gcgan_conv2d_backward_weight_f64");
    }

    /**
     * dw = conv2d backward-weight of x and dy, summed over the batch, float64; geometry is host memory
     * ({@link #gcgan_conv_geometry$layout()}), flags 0 or GCGAN_CONV_ALLOW_TF32.
     */
    public static int gcgan_conv2d_backward_weight_f64(MemorySegment x, MemorySegment dy, MemorySegment dw, MemorySegment geometry,
            int flags, MemorySegment stream) {
        var mh$ = gcgan_conv2d_backward_weight_f64$handle();
        try {
            return (int) mh$.invokeExact(x, dy, dw, geometry, flags, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_im2col_f32(const float *x, float *col, const gcgan_conv_geometry *geometry,
    //          gcgan_stream stream) --------------------------------------------------------------------------------

    private static final class gcgan_im2col_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_im2col_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_im2col_f32$descriptor() {
        return gcgan_im2col_f32.DESC;
    }

    public static MethodHandle gcgan_im2col_f32$handle() {
        requireLoaded();
        return required(gcgan_im2col_f32.Linked.HANDLE, "gcgan_im2col_f32");
    }

    public static MemorySegment gcgan_im2col_f32$address() {
        requireLoaded();
        return required(gcgan_im2col_f32.Linked.ADDR, "gcgan_im2col_f32");
    }

    /** col [c*r*s, n*p*q] = im2col(x), float32; geometry is host memory ({@link #gcgan_conv_geometry$layout()}). */
    public static int gcgan_im2col_f32(MemorySegment x, MemorySegment col, MemorySegment geometry, MemorySegment stream) {
        var mh$ = gcgan_im2col_f32$handle();
        try {
            return (int) mh$.invokeExact(x, col, geometry, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_im2col_f64(const double *x, double *col, const gcgan_conv_geometry *geometry,
    //          gcgan_stream stream) --------------------------------------------------------------------------------

    private static final class gcgan_im2col_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_im2col_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_im2col_f64$descriptor() {
        return gcgan_im2col_f64.DESC;
    }

    public static MethodHandle gcgan_im2col_f64$handle() {
        requireLoaded();
        return required(gcgan_im2col_f64.Linked.HANDLE, "gcgan_im2col_f64");
    }

    public static MemorySegment gcgan_im2col_f64$address() {
        requireLoaded();
        return required(gcgan_im2col_f64.Linked.ADDR, "gcgan_im2col_f64");
    }

    /** col [c*r*s, n*p*q] = im2col(x), float64; geometry is host memory. */
    public static int gcgan_im2col_f64(MemorySegment x, MemorySegment col, MemorySegment geometry, MemorySegment stream) {
        var mh$ = gcgan_im2col_f64$handle();
        try {
            return (int) mh$.invokeExact(x, col, geometry, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_col2im_f32(const float *col, float *dx, const gcgan_conv_geometry *geometry,
    //          gcgan_stream stream) --------------------------------------------------------------------------------

    private static final class gcgan_col2im_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_col2im_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_col2im_f32$descriptor() {
        return gcgan_col2im_f32.DESC;
    }

    public static MethodHandle gcgan_col2im_f32$handle() {
        requireLoaded();
        return required(gcgan_col2im_f32.Linked.HANDLE, "gcgan_col2im_f32");
    }

    public static MemorySegment gcgan_col2im_f32$address() {
        requireLoaded();
        return required(gcgan_col2im_f32.Linked.ADDR, "gcgan_col2im_f32");
    }

    /** dx [n, c, h, w] = col2im(col), the adjoint of im2col, float32 (deterministic sums). */
    public static int gcgan_col2im_f32(MemorySegment col, MemorySegment dx, MemorySegment geometry, MemorySegment stream) {
        var mh$ = gcgan_col2im_f32$handle();
        try {
            return (int) mh$.invokeExact(col, dx, geometry, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_col2im_f64(const double *col, double *dx, const gcgan_conv_geometry *geometry,
    //          gcgan_stream stream) --------------------------------------------------------------------------------

    private static final class gcgan_col2im_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_col2im_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_col2im_f64$descriptor() {
        return gcgan_col2im_f64.DESC;
    }

    public static MethodHandle gcgan_col2im_f64$handle() {
        requireLoaded();
        return required(gcgan_col2im_f64.Linked.HANDLE, "gcgan_col2im_f64");
    }

    public static MemorySegment gcgan_col2im_f64$address() {
        requireLoaded();
        return required(gcgan_col2im_f64.Linked.ADDR, "gcgan_col2im_f64");
    }

    /** dx [n, c, h, w] = col2im(col), the adjoint of im2col, float64 (deterministic sums). */
    public static int gcgan_col2im_f64(MemorySegment col, MemorySegment dx, MemorySegment geometry, MemorySegment stream) {
        var mh$ = gcgan_col2im_f64$handle();
        try {
            return (int) mh$.invokeExact(col, dx, geometry, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_batchnorm_forward_f32(const float *x, const float *weight, const float *bias,
    //          int64_t n, int64_t c, int64_t s, double eps, float *y, float *mean, float *var,
    //          float *running_mean, float *running_var, double momentum, gcgan_stream stream) ------------------------

    private static final class gcgan_batchnorm_forward_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT64_T, C_INT64_T, C_INT64_T, C_DOUBLE, C_POINTER, C_POINTER,
                C_POINTER, C_POINTER, C_POINTER, C_DOUBLE, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_batchnorm_forward_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_batchnorm_forward_f32$descriptor() {
        return gcgan_batchnorm_forward_f32.DESC;
    }

    public static MethodHandle gcgan_batchnorm_forward_f32$handle() {
        requireLoaded();
        return required(gcgan_batchnorm_forward_f32.Linked.HANDLE, "gcgan_batchnorm_forward_f32");
    }

    public static MemorySegment gcgan_batchnorm_forward_f32$address() {
        requireLoaded();
        return required(gcgan_batchnorm_forward_f32.Linked.ADDR, "gcgan_batchnorm_forward_f32");
    }

    /**
     * Batch normalization with batch statistics, float32: x and y [n, c, s] (element (i, k, j) at (i * c + k) * s + j),
     * weight, bias, mean, var [c]; weight and bias may each be NULL (1, 0). y may be x. runningMean and runningVar
     * [c], both NULL or both given, are updated in place with factor momentum in [0, 1] (n * s >= 2). See
     * gcgan_kernels.h.
     */
    public static int gcgan_batchnorm_forward_f32(MemorySegment x, MemorySegment weight, MemorySegment bias,
            long n, long c, long s, double eps, MemorySegment y, MemorySegment mean, MemorySegment var,
            MemorySegment runningMean, MemorySegment runningVar, double momentum, MemorySegment stream) {
        var mh$ = gcgan_batchnorm_forward_f32$handle();
        try {
            return (int) mh$.invokeExact(x, weight, bias, n, c, s, eps, y, mean, var, runningMean, runningVar,
                    momentum, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_batchnorm_forward_f64(const double *x, const double *weight, const double *bias,
    //          int64_t n, int64_t c, int64_t s, double eps, double *y, double *mean, double *var,
    //          double *running_mean, double *running_var, double momentum, gcgan_stream stream) ----------------------

    private static final class gcgan_batchnorm_forward_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT64_T, C_INT64_T, C_INT64_T, C_DOUBLE, C_POINTER, C_POINTER,
                C_POINTER, C_POINTER, C_POINTER, C_DOUBLE, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_batchnorm_forward_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_batchnorm_forward_f64$descriptor() {
        return gcgan_batchnorm_forward_f64.DESC;
    }

    public static MethodHandle gcgan_batchnorm_forward_f64$handle() {
        requireLoaded();
        return required(gcgan_batchnorm_forward_f64.Linked.HANDLE, "gcgan_batchnorm_forward_f64");
    }

    public static MemorySegment gcgan_batchnorm_forward_f64$address() {
        requireLoaded();
        return required(gcgan_batchnorm_forward_f64.Linked.ADDR, "gcgan_batchnorm_forward_f64");
    }

    /**
     * Batch normalization with batch statistics, float64: x and y [n, c, s] (element (i, k, j) at (i * c + k) * s + j),
     * weight, bias, mean, var [c]; weight and bias may each be NULL (1, 0). y may be x. runningMean and runningVar
     * [c], both NULL or both given, are updated in place with factor momentum in [0, 1] (n * s >= 2). See
     * gcgan_kernels.h.
     */
    public static int gcgan_batchnorm_forward_f64(MemorySegment x, MemorySegment weight, MemorySegment bias,
            long n, long c, long s, double eps, MemorySegment y, MemorySegment mean, MemorySegment var,
            MemorySegment runningMean, MemorySegment runningVar, double momentum, MemorySegment stream) {
        var mh$ = gcgan_batchnorm_forward_f64$handle();
        try {
            return (int) mh$.invokeExact(x, weight, bias, n, c, s, eps, y, mean, var, runningMean, runningVar,
                    momentum, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_batchnorm_backward_f32(const float *dy, const float *x, const float *mean,
    //          const float *var, const float *weight, int64_t n, int64_t c, int64_t s, double eps, float *dx,
    //          float *dweight, float *dbias, gcgan_stream stream) -----------------------------------------------------

    private static final class gcgan_batchnorm_backward_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT64_T, C_INT64_T, C_INT64_T,
                C_DOUBLE, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_batchnorm_backward_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_batchnorm_backward_f32$descriptor() {
        return gcgan_batchnorm_backward_f32.DESC;
    }

    public static MethodHandle gcgan_batchnorm_backward_f32$handle() {
        requireLoaded();
        return required(gcgan_batchnorm_backward_f32.Linked.HANDLE, "gcgan_batchnorm_backward_f32");
    }

    public static MemorySegment gcgan_batchnorm_backward_f32$address() {
        requireLoaded();
        return required(gcgan_batchnorm_backward_f32.Linked.ADDR, "gcgan_batchnorm_backward_f32");
    }

    /**
     * The derivative of gcgan_batchnorm_forward_f32 from the saved mean and var, float32: dy, x, dx [n, c, s];
     * mean, var, weight, dweight, dbias [c]. weight NULL means 1; each of dx, dweight, dbias may be NULL (not
     * computed). dx may be dy or x. See gcgan_kernels.h.
     */
    public static int gcgan_batchnorm_backward_f32(MemorySegment dy, MemorySegment x, MemorySegment mean,
            MemorySegment var, MemorySegment weight, long n, long c, long s, double eps, MemorySegment dx,
            MemorySegment dweight, MemorySegment dbias, MemorySegment stream) {
        var mh$ = gcgan_batchnorm_backward_f32$handle();
        try {
            return (int) mh$.invokeExact(dy, x, mean, var, weight, n, c, s, eps, dx, dweight, dbias, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_batchnorm_backward_f64(const double *dy, const double *x, const double *mean,
    //          const double *var, const double *weight, int64_t n, int64_t c, int64_t s, double eps, double *dx,
    //          double *dweight, double *dbias, gcgan_stream stream) ---------------------------------------------------

    private static final class gcgan_batchnorm_backward_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_INT64_T, C_INT64_T, C_INT64_T,
                C_DOUBLE, C_POINTER, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_batchnorm_backward_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_batchnorm_backward_f64$descriptor() {
        return gcgan_batchnorm_backward_f64.DESC;
    }

    public static MethodHandle gcgan_batchnorm_backward_f64$handle() {
        requireLoaded();
        return required(gcgan_batchnorm_backward_f64.Linked.HANDLE, "gcgan_batchnorm_backward_f64");
    }

    public static MemorySegment gcgan_batchnorm_backward_f64$address() {
        requireLoaded();
        return required(gcgan_batchnorm_backward_f64.Linked.ADDR, "gcgan_batchnorm_backward_f64");
    }

    /**
     * The derivative of gcgan_batchnorm_forward_f64 from the saved mean and var, float64: dy, x, dx [n, c, s];
     * mean, var, weight, dweight, dbias [c]. weight NULL means 1; each of dx, dweight, dbias may be NULL (not
     * computed). dx may be dy or x. See gcgan_kernels.h.
     */
    public static int gcgan_batchnorm_backward_f64(MemorySegment dy, MemorySegment x, MemorySegment mean,
            MemorySegment var, MemorySegment weight, long n, long c, long s, double eps, MemorySegment dx,
            MemorySegment dweight, MemorySegment dbias, MemorySegment stream) {
        var mh$ = gcgan_batchnorm_backward_f64$handle();
        try {
            return (int) mh$.invokeExact(dy, x, mean, var, weight, n, c, s, eps, dx, dweight, dbias, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_squared_norm_f32(const float *const *xs, const int64_t *counts, int32_t count,
    //          float *out, gcgan_stream stream) ------------------------------------------------------------------

    private static final class gcgan_squared_norm_f32 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_squared_norm_f32");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_squared_norm_f32$descriptor() {
        return gcgan_squared_norm_f32.DESC;
    }

    public static MethodHandle gcgan_squared_norm_f32$handle() {
        requireLoaded();
        return required(gcgan_squared_norm_f32.Linked.HANDLE, "gcgan_squared_norm_f32");
    }

    public static MemorySegment gcgan_squared_norm_f32$address() {
        requireLoaded();
        return required(gcgan_squared_norm_f32.Linked.ADDR, "gcgan_squared_norm_f32");
    }

    /**
     * The squared L2 norm of count float tensors, out[0] = sum of x^2 over all their elements, accumulated in double
     * in an order fixed by the counts alone and rounded once: xs (device addresses) and counts are host arrays of
     * count entries, read during the call; out is one element on the device. See gcgan_kernels.h.
     */
    public static int gcgan_squared_norm_f32(MemorySegment xs, MemorySegment counts, int count, MemorySegment out,
            MemorySegment stream) {
        var mh$ = gcgan_squared_norm_f32$handle();
        try {
            return (int) mh$.invokeExact(xs, counts, count, out, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- gcgan_status gcgan_squared_norm_f64(const double *const *xs, const int64_t *counts, int32_t count,
    //          double *out, gcgan_stream stream) ----------------------------------------------------------------

    private static final class gcgan_squared_norm_f64 {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("gcgan_squared_norm_f64");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor gcgan_squared_norm_f64$descriptor() {
        return gcgan_squared_norm_f64.DESC;
    }

    public static MethodHandle gcgan_squared_norm_f64$handle() {
        requireLoaded();
        return required(gcgan_squared_norm_f64.Linked.HANDLE, "gcgan_squared_norm_f64");
    }

    public static MemorySegment gcgan_squared_norm_f64$address() {
        requireLoaded();
        return required(gcgan_squared_norm_f64.Linked.ADDR, "gcgan_squared_norm_f64");
    }

    /**
     * The squared L2 norm of count double tensors, out[0] = sum of x^2 over all their elements, accumulated in double
     * in an order fixed by the counts alone and rounded once: xs (device addresses) and counts are host arrays of
     * count entries, read during the call; out is one element on the device. See gcgan_kernels.h.
     */
    public static int gcgan_squared_norm_f64(MemorySegment xs, MemorySegment counts, int count, MemorySegment out,
            MemorySegment stream) {
        var mh$ = gcgan_squared_norm_f64$handle();
        try {
            return (int) mh$.invokeExact(xs, counts, count, out, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
