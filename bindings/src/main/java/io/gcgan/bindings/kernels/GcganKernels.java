package io.gcgan.bindings.kernels;

import io.gcgan.bindings.NativeLibrary;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
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
 */
@SuppressWarnings("restricted") // binding native functions is this class's purpose
public final class GcganKernels {

    private GcganKernels() {
    }

    // ---- GCGAN_ABI_VERSION, gcgan_status ------------------------------------------------------------------

    /** The ABI version these bindings were written for; {@link GcganKernelsLoader} rejects a library with another. */
    public static final int GCGAN_ABI_VERSION = 1;

    public static final int GCGAN_OK = 0;
    /** A bad count, a null pointer, ...; nothing was launched. */
    public static final int GCGAN_ERR_INVALID_ARGUMENT = 1;
    /** A CUDA runtime call or kernel launch failed; the last error message has CUDA's name and text for it. */
    public static final int GCGAN_ERR_CUDA = 2;
    /** A valid request this build or device cannot serve. */
    public static final int GCGAN_ERR_UNSUPPORTED = 3;

    // ---- C types ------------------------------------------------------------------------------------------

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_INT64_T = ValueLayout.JAVA_LONG;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private static final Linker.Option[] TRIVIAL = {Linker.Option.critical(false)};

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

}
