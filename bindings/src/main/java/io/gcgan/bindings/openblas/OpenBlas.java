package io.gcgan.bindings.openblas;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Bindings to libopenblas, in jextract's conventions, for the functions listed in
 * {@code io/gcgan/bindings/openblas/symbols.txt} (prototypes from OpenBLAS 0.3.31's cblas.h, where
 * {@code blasint} is a 32-bit int and the CBLAS enums are C ints).
 *
 * <p>Each function has a holder class that creates its downcall handle on first use (class initialization
 * makes that lazy and thread-safe), a typed static method, and {@code $descriptor()}, {@code $handle()} and
 * {@code $address()} accessors. Where the library is found is decided by {@link OpenBlasLoader}; a failure to
 * load it surfaces as {@link io.gcgan.bindings.NativeLibraryException} from any call.
 *
 * <p>Arguments are passed as they are: segments must be native, large enough for the shapes and leading
 * dimensions given, and alive for the call. The gemm calls are plain downcalls (they run long and use OpenBLAS's
 * worker threads); only the trivial getters are linked with {@link Linker.Option#critical(boolean)}.
 */
@SuppressWarnings("restricted") // binding native functions is this class's purpose
public final class OpenBlas {

    private OpenBlas() {
    }

    // ---- enum CBLAS_ORDER, enum CBLAS_TRANSPOSE -----------------------------------------------------------

    public static final int CblasRowMajor = 101;
    public static final int CblasColMajor = 102;
    public static final int CblasNoTrans = 111;
    public static final int CblasTrans = 112;
    public static final int CblasConjTrans = 113;

    // ---- C types ------------------------------------------------------------------------------------------

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final ValueLayout.OfInt C_BLASINT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfInt C_ENUM = ValueLayout.JAVA_INT;
    public static final java.lang.foreign.AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option[] TRIVIAL = {Linker.Option.critical(false)};

    static MemorySegment findOrThrow(String symbol) {
        return OpenBlasLoader.lookup().find(symbol).orElseThrow(() -> new UnsatisfiedLinkError(
                "unresolved symbol: " + symbol + " in " + OpenBlasLoader.loaded().source()));
    }

    static MemorySegment findOrNull(String symbol) {
        return OpenBlasLoader.lookup().find(symbol).orElse(null);
    }

    // Loads the library before a holder class is initialized, so that a load failure is thrown as a
    // NativeLibraryException on every call instead of poisoning the holder (NoClassDefFoundError).
    private static void requireLoaded() {
        OpenBlasLoader.loaded();
    }

    private static String string(MemorySegment chars) {
        return chars.equals(MemorySegment.NULL) ? null : chars.reinterpret(Long.MAX_VALUE).getString(0);
    }

    // ---- void cblas_sgemm(enum CBLAS_ORDER Order, enum CBLAS_TRANSPOSE TransA, enum CBLAS_TRANSPOSE TransB,
    //          blasint M, blasint N, blasint K, float alpha, const float *A, blasint lda,
    //          const float *B, blasint ldb, float beta, float *C, blasint ldc) ---------------------------

    private static final class cblas_sgemm {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
                C_ENUM, C_ENUM, C_ENUM, C_BLASINT, C_BLASINT, C_BLASINT,
                C_FLOAT, C_POINTER, C_BLASINT, C_POINTER, C_BLASINT, C_FLOAT, C_POINTER, C_BLASINT);
        static final MemorySegment ADDR = findOrThrow("cblas_sgemm");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cblas_sgemm$descriptor() {
        requireLoaded();
        return cblas_sgemm.DESC;
    }

    public static MethodHandle cblas_sgemm$handle() {
        requireLoaded();
        return cblas_sgemm.HANDLE;
    }

    public static MemorySegment cblas_sgemm$address() {
        requireLoaded();
        return cblas_sgemm.ADDR;
    }

    /** C = alpha op(A) op(B) + beta C, float32; op(A) is M x K, op(B) is K x N, C is M x N. */
    public static void cblas_sgemm(int Order, int TransA, int TransB, int M, int N, int K,
                                   float alpha, MemorySegment A, int lda, MemorySegment B, int ldb,
                                   float beta, MemorySegment C, int ldc) {
        var mh$ = cblas_sgemm$handle();
        try {
            mh$.invokeExact(Order, TransA, TransB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- void cblas_dgemm(... same as cblas_sgemm with double ...) -----------------------------------------

    private static final class cblas_dgemm {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
                C_ENUM, C_ENUM, C_ENUM, C_BLASINT, C_BLASINT, C_BLASINT,
                C_DOUBLE, C_POINTER, C_BLASINT, C_POINTER, C_BLASINT, C_DOUBLE, C_POINTER, C_BLASINT);
        static final MemorySegment ADDR = findOrThrow("cblas_dgemm");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor cblas_dgemm$descriptor() {
        requireLoaded();
        return cblas_dgemm.DESC;
    }

    public static MethodHandle cblas_dgemm$handle() {
        requireLoaded();
        return cblas_dgemm.HANDLE;
    }

    public static MemorySegment cblas_dgemm$address() {
        requireLoaded();
        return cblas_dgemm.ADDR;
    }

    /** C = alpha op(A) op(B) + beta C, float64; op(A) is M x K, op(B) is K x N, C is M x N. */
    public static void cblas_dgemm(int Order, int TransA, int TransB, int M, int N, int K,
                                   double alpha, MemorySegment A, int lda, MemorySegment B, int ldb,
                                   double beta, MemorySegment C, int ldc) {
        var mh$ = cblas_dgemm$handle();
        try {
            mh$.invokeExact(Order, TransA, TransB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- void openblas_set_num_threads(int num_threads) ----------------------------------------------------

    private static final class openblas_set_num_threads {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_INT);
        static final MemorySegment ADDR = findOrThrow("openblas_set_num_threads");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor openblas_set_num_threads$descriptor() {
        requireLoaded();
        return openblas_set_num_threads.DESC;
    }

    public static MethodHandle openblas_set_num_threads$handle() {
        requireLoaded();
        return openblas_set_num_threads.HANDLE;
    }

    public static MemorySegment openblas_set_num_threads$address() {
        requireLoaded();
        return openblas_set_num_threads.ADDR;
    }

    /** Sets the number of OpenBLAS worker threads (may start or stop threads, hence a plain downcall). */
    public static void openblas_set_num_threads(int num_threads) {
        var mh$ = openblas_set_num_threads$handle();
        try {
            mh$.invokeExact(num_threads);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- int openblas_get_num_threads(void) ----------------------------------------------------------------

    private static final class openblas_get_num_threads {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MemorySegment ADDR = findOrThrow("openblas_get_num_threads");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC, TRIVIAL);
    }

    public static FunctionDescriptor openblas_get_num_threads$descriptor() {
        requireLoaded();
        return openblas_get_num_threads.DESC;
    }

    public static MethodHandle openblas_get_num_threads$handle() {
        requireLoaded();
        return openblas_get_num_threads.HANDLE;
    }

    public static MemorySegment openblas_get_num_threads$address() {
        requireLoaded();
        return openblas_get_num_threads.ADDR;
    }

    public static int openblas_get_num_threads() {
        var mh$ = openblas_get_num_threads$handle();
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- char *openblas_get_config(void) -------------------------------------------------------------------

    private static final class openblas_get_config {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        static final MemorySegment ADDR = findOrThrow("openblas_get_config");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC, TRIVIAL);
    }

    public static FunctionDescriptor openblas_get_config$descriptor() {
        requireLoaded();
        return openblas_get_config.DESC;
    }

    public static MethodHandle openblas_get_config$handle() {
        requireLoaded();
        return openblas_get_config.HANDLE;
    }

    public static MemorySegment openblas_get_config$address() {
        requireLoaded();
        return openblas_get_config.ADDR;
    }

    /** The build configuration, e.g. "OpenBLAS 0.3.31 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=..." (static C string). */
    public static String openblas_get_config() {
        var mh$ = openblas_get_config$handle();
        try {
            return string((MemorySegment) mh$.invokeExact());
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- char *openblas_get_corename(void), optional: not every build exports it ---------------------------

    private static final class openblas_get_corename {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        static final MemorySegment ADDR = findOrNull("openblas_get_corename");
        static final MethodHandle HANDLE = ADDR == null ? null : LINKER.downcallHandle(ADDR, DESC, TRIVIAL);
    }

    public static FunctionDescriptor openblas_get_corename$descriptor() {
        requireLoaded();
        return openblas_get_corename.DESC;
    }

    /** The handle, or null when the loaded library does not export the symbol. */
    public static MethodHandle openblas_get_corename$handle() {
        requireLoaded();
        return openblas_get_corename.HANDLE;
    }

    /** The address, or null when the loaded library does not export the symbol. */
    public static MemorySegment openblas_get_corename$address() {
        requireLoaded();
        return openblas_get_corename.ADDR;
    }

    public static boolean openblas_get_corename$isPresent() {
        return openblas_get_corename$handle() != null;
    }

    /**
     * The name of the kernel set chosen for this CPU, e.g. "SkylakeX" (static C string).
     *
     * @throws UnsupportedOperationException when the loaded library does not export openblas_get_corename
     */
    public static String openblas_get_corename() {
        var mh$ = openblas_get_corename$handle();
        if (mh$ == null) {
            throw new UnsupportedOperationException(
                    "openblas_get_corename is not exported by " + OpenBlasLoader.loaded().source());
        }
        try {
            return string((MemorySegment) mh$.invokeExact());
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- hand-written convenience (not part of the generated surface) -------------------------------------

    /** One line for logs, e.g. "OpenBLAS 0.3.31 (SkylakeX, 2 threads)". */
    public static String description() {
        String config = openblas_get_config();
        String[] words = config == null ? new String[0] : config.strip().split("\\s+");
        String version = words.length >= 2 && words[0].equals("OpenBLAS") ? "OpenBLAS " + words[1] : "OpenBLAS";
        int threads = openblas_get_num_threads();
        String threadWord = threads + (threads == 1 ? " thread" : " threads");
        return openblas_get_corename$isPresent()
                ? version + " (" + openblas_get_corename() + ", " + threadWord + ")"
                : version + " (" + threadWord + ")";
    }
}
