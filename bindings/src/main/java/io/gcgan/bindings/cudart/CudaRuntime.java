package io.gcgan.bindings.cudart;

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
 * Bindings to libcudart, the CUDA runtime, in jextract's conventions, for the functions, constants and structs
 * listed in {@code io/gcgan/bindings/cudart/symbols.txt}. Prototypes are those of {@code cuda_runtime_api.h} and
 * {@code driver_types.h} of CUDA 13.0; CUDA 12.x declares the same ones (cudaGetDeviceProperties under its exported
 * name cudaGetDeviceProperties_v2). The signature check ({@link io.gcgan.bindings.SignatureCheck}) compiles each
 * descriptor against the real header.
 *
 * <p>Each function has a holder class with its {@link FunctionDescriptor} and, in a nested class initialized on the
 * first call, its address and downcall handle; a typed static method; and {@code $descriptor()}, {@code $handle()}
 * and {@code $address()} accessors. {@code $descriptor()} needs no library (the signature check reads it on
 * machines without CUDA). Where the library comes from is decided by {@link CudaRuntimeLoader}; a failure to load it
 * surfaces as {@link io.gcgan.bindings.NativeLibraryException} from any call, a symbol the loaded library lacks as
 * {@link UnsatisfiedLinkError}.
 *
 * <p>Every function but the two error-string lookups returns a {@code cudaError_t} as it is: pass it to
 * {@link CudaException#check}, the one place that turns a failure into an exception. Handles
 * ({@code cudaStream_t}, {@code cudaEvent_t}, {@code cudaMemPool_t}, {@code cudaGraph_t}, {@code cudaGraphExec_t})
 * and device pointers are {@link MemorySegment} addresses; out-parameters are native segments the caller allocates.
 * Only the error-string lookups are linked with {@link Linker.Option#critical(boolean)}.
 */
@SuppressWarnings("restricted") // binding native functions is this class's purpose
public final class CudaRuntime {

    private CudaRuntime() {
    }

    // ---- enum cudaError (driver_types.h): the statuses gcgan looks at; cudaGetErrorName names any other -----

    public static final int cudaSuccess = 0;
    public static final int cudaErrorInvalidValue = 1;
    public static final int cudaErrorMemoryAllocation = 2;
    public static final int cudaErrorInitializationError = 3;
    /** libcudart found only the stub libcuda.so that the toolkit ships for linking, not a real driver. */
    public static final int cudaErrorStubLibrary = 34;
    /** No driver, or a driver older than this runtime. */
    public static final int cudaErrorInsufficientDriver = 35;
    public static final int cudaErrorCallRequiresNewerDriver = 36;
    public static final int cudaErrorNoDevice = 100;
    public static final int cudaErrorInvalidDevice = 101;
    public static final int cudaErrorNoKernelImageForDevice = 209;
    public static final int cudaErrorNotReady = 600;
    public static final int cudaErrorIllegalAddress = 700;
    public static final int cudaErrorLaunchFailure = 719;
    public static final int cudaErrorSystemDriverMismatch = 803;

    // ---- enum cudaMemcpyKind ---------------------------------------------------------------------------------

    public static final int cudaMemcpyHostToHost = 0;
    public static final int cudaMemcpyHostToDevice = 1;
    public static final int cudaMemcpyDeviceToHost = 2;
    public static final int cudaMemcpyDeviceToDevice = 3;
    public static final int cudaMemcpyDefault = 4;

    // ---- stream and event flags (macros), enum cudaStreamCaptureMode, cudaGraphInstantiateFlags --------------

    public static final int cudaStreamDefault = 0x00;
    public static final int cudaStreamNonBlocking = 0x01;
    public static final int cudaEventDefault = 0x00;
    public static final int cudaEventDisableTiming = 0x02;
    public static final int cudaStreamCaptureModeGlobal = 0;
    public static final int cudaStreamCaptureModeThreadLocal = 1;
    public static final int cudaStreamCaptureModeRelaxed = 2;
    public static final int cudaGraphInstantiateFlagAutoFreeOnLaunch = 1;

    // ---- enum cudaDeviceAttr, enum cudaMemPoolAttr ------------------------------------------------------------

    public static final int cudaDevAttrMultiProcessorCount = 16;
    public static final int cudaDevAttrComputeCapabilityMajor = 75;
    public static final int cudaDevAttrComputeCapabilityMinor = 76;
    public static final int cudaDevAttrMemoryPoolsSupported = 115;
    /** Value type: cuuint64_t (8 bytes). Bytes the pool keeps reserved at a synchronization; UINT64_MAX = all. */
    public static final int cudaMemPoolAttrReleaseThreshold = 0x4;
    /** Value type: cuuint64_t. Bytes the pool holds from the driver now (in use and kept for reuse). */
    public static final int cudaMemPoolAttrReservedMemCurrent = 0x5;
    /** Value type: cuuint64_t. Bytes of the pool's memory allocated and not yet freed. */
    public static final int cudaMemPoolAttrUsedMemCurrent = 0x7;

    // ---- enum cudaGraphMemAttributeType (values: cuuint64_t) ------------------------------------------------

    /** Bytes of graph allocations currently made (allocated by a launched graph and not yet freed). */
    public static final int cudaGraphMemAttrUsedMemCurrent = 0x0;
    /** Bytes the graphs' allocator holds from the driver now. */
    public static final int cudaGraphMemAttrReservedMemCurrent = 0x2;

    // ---- C types ------------------------------------------------------------------------------------------

    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_SIZE_T = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS;

    private static final Linker.Option[] TRIVIAL = {Linker.Option.critical(false)};

    // ---- struct cudaDeviceProp, bound partially -----------------------------------------------------------

    private static final long cudaDeviceProp$NAME_BYTES = 256;
    private static final StructLayout cudaDeviceProp$LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(cudaDeviceProp$NAME_BYTES, C_CHAR).withName("name")).withName("cudaDeviceProp");

    /**
     * The members of {@code struct cudaDeviceProp} that gcgan reads: only {@code char name[256]} at offset 0. The
     * struct's size changes between CUDA versions (1032 bytes in CUDA 12's {@code cudaGetDeviceProperties_v2},
     * 1008 in CUDA 13), so it is not bound whole: pass a zeroed buffer of {@link #cudaDeviceProp$bufferSize()}
     * bytes, which the signature check proves is large enough, and read the name with {@link #cudaDeviceProp$name}.
     * Numeric properties come from {@link #cudaDeviceGetAttribute} instead.
     */
    public static StructLayout cudaDeviceProp$layout() {
        return cudaDeviceProp$LAYOUT;
    }

    /** Bytes to allocate (zeroed) for a {@code struct cudaDeviceProp}: at least its size in every supported CUDA. */
    public static long cudaDeviceProp$bufferSize() {
        return 4096;
    }

    /** The device name in a {@code struct cudaDeviceProp} filled by {@link #cudaGetDeviceProperties}. */
    public static String cudaDeviceProp$name(MemorySegment prop) {
        MemorySegment name = prop.asSlice(0, cudaDeviceProp$NAME_BYTES);
        long end = 0;
        while (end < cudaDeviceProp$NAME_BYTES && name.get(C_CHAR, end) != 0) {
            end++;
        }
        byte[] bytes = name.asSlice(0, end).toArray(C_CHAR);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    // ---- linking ----------------------------------------------------------------------------------------------

    // Loads the library before a Linked class is initialized, so that a load failure is thrown as a
    // NativeLibraryException on every call instead of poisoning the class (NoClassDefFoundError).
    private static void requireLoaded() {
        CudaRuntimeLoader.library().loaded();
    }

    private static MemorySegment findOrNull(String... symbols) {
        return CudaRuntimeLoader.library().findOrNull(symbols);
    }

    private static MethodHandle downcall(MemorySegment address, FunctionDescriptor desc, Linker.Option... options) {
        return NativeLibrary.downcall(address, desc, options);
    }

    private static <T> T required(T linked, String symbol) {
        return CudaRuntimeLoader.library().required(linked, symbol);
    }

    private static String string(MemorySegment chars) {
        return NativeLibrary.string(chars);
    }

    // ---- cudaError_t cudaGetDeviceCount(int *count) ---------------------------------------------------------------

    private static final class cudaGetDeviceCount {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaGetDeviceCount");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaGetDeviceCount$descriptor() {
        return cudaGetDeviceCount.DESC;
    }

    public static MethodHandle cudaGetDeviceCount$handle() {
        requireLoaded();
        return required(cudaGetDeviceCount.Linked.HANDLE, "cudaGetDeviceCount");
    }

    public static MemorySegment cudaGetDeviceCount$address() {
        requireLoaded();
        return required(cudaGetDeviceCount.Linked.ADDR, "cudaGetDeviceCount");
    }

    /**
     * Writes the number of CUDA devices to count. Without a driver it returns cudaErrorInsufficientDriver (35); with a
     * driver and no device, cudaErrorNoDevice (100).
     */
    public static int cudaGetDeviceCount(MemorySegment count) {
        var mh$ = cudaGetDeviceCount$handle();
        try {
            return (int) mh$.invokeExact(count);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaSetDevice(int device) --------------------------------------------------------------------

    private static final class cudaSetDevice {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaSetDevice");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaSetDevice$descriptor() {
        return cudaSetDevice.DESC;
    }

    public static MethodHandle cudaSetDevice$handle() {
        requireLoaded();
        return required(cudaSetDevice.Linked.HANDLE, "cudaSetDevice");
    }

    public static MemorySegment cudaSetDevice$address() {
        requireLoaded();
        return required(cudaSetDevice.Linked.ADDR, "cudaSetDevice");
    }

    /** Makes device current for the calling host thread (and initializes its primary context). */
    public static int cudaSetDevice(int device) {
        var mh$ = cudaSetDevice$handle();
        try {
            return (int) mh$.invokeExact(device);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaGetDevice(int *device) -------------------------------------------------------------------

    private static final class cudaGetDevice {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaGetDevice");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaGetDevice$descriptor() {
        return cudaGetDevice.DESC;
    }

    public static MethodHandle cudaGetDevice$handle() {
        requireLoaded();
        return required(cudaGetDevice.Linked.HANDLE, "cudaGetDevice");
    }

    public static MemorySegment cudaGetDevice$address() {
        requireLoaded();
        return required(cudaGetDevice.Linked.ADDR, "cudaGetDevice");
    }

    /** Writes the calling thread's current device. */
    public static int cudaGetDevice(MemorySegment device) {
        var mh$ = cudaGetDevice$handle();
        try {
            return (int) mh$.invokeExact(device);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *prop, int device) -----------------------------

    private static final class cudaGetDeviceProperties {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaGetDeviceProperties_v2", "cudaGetDeviceProperties");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaGetDeviceProperties$descriptor() {
        return cudaGetDeviceProperties.DESC;
    }

    public static MethodHandle cudaGetDeviceProperties$handle() {
        requireLoaded();
        return required(cudaGetDeviceProperties.Linked.HANDLE, "cudaGetDeviceProperties");
    }

    public static MemorySegment cudaGetDeviceProperties$address() {
        requireLoaded();
        return required(cudaGetDeviceProperties.Linked.ADDR, "cudaGetDeviceProperties");
    }

    /**
     * Fills prop for device. prop is a zeroed buffer of cudaDeviceProp$bufferSize() bytes (see
     * cudaDeviceProp$layout()); read the name with cudaDeviceProp$name. Resolves the symbol cudaGetDeviceProperties_v2
     * (CUDA 12, where cuda_runtime_api.h maps the name to it) before cudaGetDeviceProperties (CUDA 13).
     */
    public static int cudaGetDeviceProperties(MemorySegment prop, int device) {
        var mh$ = cudaGetDeviceProperties$handle();
        try {
            return (int) mh$.invokeExact(prop, device);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device) ---------------------

    private static final class cudaDeviceGetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaDeviceGetAttribute");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaDeviceGetAttribute$descriptor() {
        return cudaDeviceGetAttribute.DESC;
    }

    public static MethodHandle cudaDeviceGetAttribute$handle() {
        requireLoaded();
        return required(cudaDeviceGetAttribute.Linked.HANDLE, "cudaDeviceGetAttribute");
    }

    public static MemorySegment cudaDeviceGetAttribute$address() {
        requireLoaded();
        return required(cudaDeviceGetAttribute.Linked.ADDR, "cudaDeviceGetAttribute");
    }

    /** Writes one numeric device attribute (cudaDevAttr*) to value. */
    public static int cudaDeviceGetAttribute(MemorySegment value, int attr, int device) {
        var mh$ = cudaDeviceGetAttribute$handle();
        try {
            return (int) mh$.invokeExact(value, attr, device);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaDeviceSynchronize(void) ------------------------------------------------------------------

    private static final class cudaDeviceSynchronize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaDeviceSynchronize");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaDeviceSynchronize$descriptor() {
        return cudaDeviceSynchronize.DESC;
    }

    public static MethodHandle cudaDeviceSynchronize$handle() {
        requireLoaded();
        return required(cudaDeviceSynchronize.Linked.HANDLE, "cudaDeviceSynchronize");
    }

    public static MemorySegment cudaDeviceSynchronize$address() {
        requireLoaded();
        return required(cudaDeviceSynchronize.Linked.ADDR, "cudaDeviceSynchronize");
    }

    /** Waits until all work on the current device has finished; reports errors of earlier asynchronous work. */
    public static int cudaDeviceSynchronize() {
        var mh$ = cudaDeviceSynchronize$handle();
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaDriverGetVersion(int *driverVersion) -----------------------------------------------------

    private static final class cudaDriverGetVersion {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaDriverGetVersion");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaDriverGetVersion$descriptor() {
        return cudaDriverGetVersion.DESC;
    }

    public static MethodHandle cudaDriverGetVersion$handle() {
        requireLoaded();
        return required(cudaDriverGetVersion.Linked.HANDLE, "cudaDriverGetVersion");
    }

    public static MemorySegment cudaDriverGetVersion$address() {
        requireLoaded();
        return required(cudaDriverGetVersion.Linked.ADDR, "cudaDriverGetVersion");
    }

    /**
     * Writes the CUDA version the installed driver supports (1000 * major + 10 * minor), or 0 when no driver is
     * installed; needs no device.
     */
    public static int cudaDriverGetVersion(MemorySegment driverVersion) {
        var mh$ = cudaDriverGetVersion$handle();
        try {
            return (int) mh$.invokeExact(driverVersion);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaRuntimeGetVersion(int *runtimeVersion) ---------------------------------------------------

    private static final class cudaRuntimeGetVersion {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaRuntimeGetVersion");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaRuntimeGetVersion$descriptor() {
        return cudaRuntimeGetVersion.DESC;
    }

    public static MethodHandle cudaRuntimeGetVersion$handle() {
        requireLoaded();
        return required(cudaRuntimeGetVersion.Linked.HANDLE, "cudaRuntimeGetVersion");
    }

    public static MemorySegment cudaRuntimeGetVersion$address() {
        requireLoaded();
        return required(cudaRuntimeGetVersion.Linked.ADDR, "cudaRuntimeGetVersion");
    }

    /** Writes this libcudart's version (1000 * major + 10 * minor, e.g. 13000); needs no driver. */
    public static int cudaRuntimeGetVersion(MemorySegment runtimeVersion) {
        var mh$ = cudaRuntimeGetVersion$handle();
        try {
            return (int) mh$.invokeExact(runtimeVersion);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaStreamCreateWithFlags(cudaStream_t *pStream, unsigned int flags) -------------------------

    private static final class cudaStreamCreateWithFlags {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaStreamCreateWithFlags");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaStreamCreateWithFlags$descriptor() {
        return cudaStreamCreateWithFlags.DESC;
    }

    public static MethodHandle cudaStreamCreateWithFlags$handle() {
        requireLoaded();
        return required(cudaStreamCreateWithFlags.Linked.HANDLE, "cudaStreamCreateWithFlags");
    }

    public static MemorySegment cudaStreamCreateWithFlags$address() {
        requireLoaded();
        return required(cudaStreamCreateWithFlags.Linked.ADDR, "cudaStreamCreateWithFlags");
    }

    /**
     * Creates a stream; flags cudaStreamDefault or cudaStreamNonBlocking (does not synchronize with the legacy default
     * stream).
     */
    public static int cudaStreamCreateWithFlags(MemorySegment pStream, int flags) {
        var mh$ = cudaStreamCreateWithFlags$handle();
        try {
            return (int) mh$.invokeExact(pStream, flags);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaStreamDestroy(cudaStream_t stream) -------------------------------------------------------

    private static final class cudaStreamDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaStreamDestroy");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaStreamDestroy$descriptor() {
        return cudaStreamDestroy.DESC;
    }

    public static MethodHandle cudaStreamDestroy$handle() {
        requireLoaded();
        return required(cudaStreamDestroy.Linked.HANDLE, "cudaStreamDestroy");
    }

    public static MemorySegment cudaStreamDestroy$address() {
        requireLoaded();
        return required(cudaStreamDestroy.Linked.ADDR, "cudaStreamDestroy");
    }

    /** Destroys a stream once its queued work has finished (returns at once). */
    public static int cudaStreamDestroy(MemorySegment stream) {
        var mh$ = cudaStreamDestroy$handle();
        try {
            return (int) mh$.invokeExact(stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaStreamSynchronize(cudaStream_t stream) ---------------------------------------------------

    private static final class cudaStreamSynchronize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaStreamSynchronize");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaStreamSynchronize$descriptor() {
        return cudaStreamSynchronize.DESC;
    }

    public static MethodHandle cudaStreamSynchronize$handle() {
        requireLoaded();
        return required(cudaStreamSynchronize.Linked.HANDLE, "cudaStreamSynchronize");
    }

    public static MemorySegment cudaStreamSynchronize$address() {
        requireLoaded();
        return required(cudaStreamSynchronize.Linked.ADDR, "cudaStreamSynchronize");
    }

    /** Waits until all work queued on stream has finished. */
    public static int cudaStreamSynchronize(MemorySegment stream) {
        var mh$ = cudaStreamSynchronize$handle();
        try {
            return (int) mh$.invokeExact(stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaEventCreate(cudaEvent_t *event) ----------------------------------------------------------

    private static final class cudaEventCreate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaEventCreate");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaEventCreate$descriptor() {
        return cudaEventCreate.DESC;
    }

    public static MethodHandle cudaEventCreate$handle() {
        requireLoaded();
        return required(cudaEventCreate.Linked.HANDLE, "cudaEventCreate");
    }

    public static MemorySegment cudaEventCreate$address() {
        requireLoaded();
        return required(cudaEventCreate.Linked.ADDR, "cudaEventCreate");
    }

    /** Creates an event with default flags (timing enabled). */
    public static int cudaEventCreate(MemorySegment event) {
        var mh$ = cudaEventCreate$handle();
        try {
            return (int) mh$.invokeExact(event);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) --------------------------------------

    private static final class cudaEventRecord {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaEventRecord");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaEventRecord$descriptor() {
        return cudaEventRecord.DESC;
    }

    public static MethodHandle cudaEventRecord$handle() {
        requireLoaded();
        return required(cudaEventRecord.Linked.HANDLE, "cudaEventRecord");
    }

    public static MemorySegment cudaEventRecord$address() {
        requireLoaded();
        return required(cudaEventRecord.Linked.ADDR, "cudaEventRecord");
    }

    /** Records event at the current end of stream's queue. */
    public static int cudaEventRecord(MemorySegment event, MemorySegment stream) {
        var mh$ = cudaEventRecord$handle();
        try {
            return (int) mh$.invokeExact(event, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaEventSynchronize(cudaEvent_t event) ------------------------------------------------------

    private static final class cudaEventSynchronize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaEventSynchronize");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaEventSynchronize$descriptor() {
        return cudaEventSynchronize.DESC;
    }

    public static MethodHandle cudaEventSynchronize$handle() {
        requireLoaded();
        return required(cudaEventSynchronize.Linked.HANDLE, "cudaEventSynchronize");
    }

    public static MemorySegment cudaEventSynchronize$address() {
        requireLoaded();
        return required(cudaEventSynchronize.Linked.ADDR, "cudaEventSynchronize");
    }

    /** Waits until event has completed. */
    public static int cudaEventSynchronize(MemorySegment event) {
        var mh$ = cudaEventSynchronize$handle();
        try {
            return (int) mh$.invokeExact(event);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaEventElapsedTime(float *ms, cudaEvent_t start, cudaEvent_t end) --------------------------

    private static final class cudaEventElapsedTime {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaEventElapsedTime");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaEventElapsedTime$descriptor() {
        return cudaEventElapsedTime.DESC;
    }

    public static MethodHandle cudaEventElapsedTime$handle() {
        requireLoaded();
        return required(cudaEventElapsedTime.Linked.HANDLE, "cudaEventElapsedTime");
    }

    public static MemorySegment cudaEventElapsedTime$address() {
        requireLoaded();
        return required(cudaEventElapsedTime.Linked.ADDR, "cudaEventElapsedTime");
    }

    /** Writes the time in milliseconds between two completed events (resolution about 0.5 microseconds). */
    public static int cudaEventElapsedTime(MemorySegment ms, MemorySegment start, MemorySegment end) {
        var mh$ = cudaEventElapsedTime$handle();
        try {
            return (int) mh$.invokeExact(ms, start, end);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaEventDestroy(cudaEvent_t event) ----------------------------------------------------------

    private static final class cudaEventDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaEventDestroy");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaEventDestroy$descriptor() {
        return cudaEventDestroy.DESC;
    }

    public static MethodHandle cudaEventDestroy$handle() {
        requireLoaded();
        return required(cudaEventDestroy.Linked.HANDLE, "cudaEventDestroy");
    }

    public static MemorySegment cudaEventDestroy$address() {
        requireLoaded();
        return required(cudaEventDestroy.Linked.ADDR, "cudaEventDestroy");
    }

    /** Destroys an event. */
    public static int cudaEventDestroy(MemorySegment event) {
        var mh$ = cudaEventDestroy$handle();
        try {
            return (int) mh$.invokeExact(event);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaMallocAsync(void **devPtr, size_t size, cudaStream_t hStream) ----------------------------

    private static final class cudaMallocAsync {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_SIZE_T, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaMallocAsync");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaMallocAsync$descriptor() {
        return cudaMallocAsync.DESC;
    }

    public static MethodHandle cudaMallocAsync$handle() {
        requireLoaded();
        return required(cudaMallocAsync.Linked.HANDLE, "cudaMallocAsync");
    }

    public static MemorySegment cudaMallocAsync$address() {
        requireLoaded();
        return required(cudaMallocAsync.Linked.ADDR, "cudaMallocAsync");
    }

    /**
     * Allocates size bytes from the current device's default memory pool, ordered on hStream; writes the device
     * pointer to devPtr.
     */
    public static int cudaMallocAsync(MemorySegment devPtr, long size, MemorySegment hStream) {
        var mh$ = cudaMallocAsync$handle();
        try {
            return (int) mh$.invokeExact(devPtr, size, hStream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaFreeAsync(void *devPtr, cudaStream_t hStream) --------------------------------------------

    private static final class cudaFreeAsync {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaFreeAsync");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaFreeAsync$descriptor() {
        return cudaFreeAsync.DESC;
    }

    public static MethodHandle cudaFreeAsync$handle() {
        requireLoaded();
        return required(cudaFreeAsync.Linked.HANDLE, "cudaFreeAsync");
    }

    public static MemorySegment cudaFreeAsync$address() {
        requireLoaded();
        return required(cudaFreeAsync.Linked.ADDR, "cudaFreeAsync");
    }

    /**
     * Returns memory from cudaMallocAsync to its pool once the work queued on hStream before this call has finished.
     */
    public static int cudaFreeAsync(MemorySegment devPtr, MemorySegment hStream) {
        var mh$ = cudaFreeAsync$handle();
        try {
            return (int) mh$.invokeExact(devPtr, hStream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaDeviceGetDefaultMemPool(cudaMemPool_t *memPool, int device) ------------------------------

    private static final class cudaDeviceGetDefaultMemPool {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaDeviceGetDefaultMemPool");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaDeviceGetDefaultMemPool$descriptor() {
        return cudaDeviceGetDefaultMemPool.DESC;
    }

    public static MethodHandle cudaDeviceGetDefaultMemPool$handle() {
        requireLoaded();
        return required(cudaDeviceGetDefaultMemPool.Linked.HANDLE, "cudaDeviceGetDefaultMemPool");
    }

    public static MemorySegment cudaDeviceGetDefaultMemPool$address() {
        requireLoaded();
        return required(cudaDeviceGetDefaultMemPool.Linked.ADDR, "cudaDeviceGetDefaultMemPool");
    }

    /** Writes device's default memory pool to memPool. */
    public static int cudaDeviceGetDefaultMemPool(MemorySegment memPool, int device) {
        var mh$ = cudaDeviceGetDefaultMemPool$handle();
        try {
            return (int) mh$.invokeExact(memPool, device);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaMemPoolSetAttribute(cudaMemPool_t memPool, enum cudaMemPoolAttr attr, void *value) -------

    private static final class cudaMemPoolSetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaMemPoolSetAttribute");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaMemPoolSetAttribute$descriptor() {
        return cudaMemPoolSetAttribute.DESC;
    }

    public static MethodHandle cudaMemPoolSetAttribute$handle() {
        requireLoaded();
        return required(cudaMemPoolSetAttribute.Linked.HANDLE, "cudaMemPoolSetAttribute");
    }

    public static MemorySegment cudaMemPoolSetAttribute$address() {
        requireLoaded();
        return required(cudaMemPoolSetAttribute.Linked.ADDR, "cudaMemPoolSetAttribute");
    }

    /**
     * Sets a pool attribute; value points to the attribute's type (cuuint64_t, 8 bytes, for
     * cudaMemPoolAttrReleaseThreshold).
     */
    public static int cudaMemPoolSetAttribute(MemorySegment memPool, int attr, MemorySegment value) {
        var mh$ = cudaMemPoolSetAttribute$handle();
        try {
            return (int) mh$.invokeExact(memPool, attr, value);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind,
    //          cudaStream_t stream) ---------------------------------------------------------------------------------

    private static final class cudaMemcpyAsync {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_POINTER, C_SIZE_T, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaMemcpyAsync");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaMemcpyAsync$descriptor() {
        return cudaMemcpyAsync.DESC;
    }

    public static MethodHandle cudaMemcpyAsync$handle() {
        requireLoaded();
        return required(cudaMemcpyAsync.Linked.HANDLE, "cudaMemcpyAsync");
    }

    public static MemorySegment cudaMemcpyAsync$address() {
        requireLoaded();
        return required(cudaMemcpyAsync.Linked.ADDR, "cudaMemcpyAsync");
    }

    /** Copies count bytes, ordered on stream. With pageable host memory the call may return only after the copy. */
    public static int cudaMemcpyAsync(MemorySegment dst, MemorySegment src, long count, int kind,
                                      MemorySegment stream) {
        var mh$ = cudaMemcpyAsync$handle();
        try {
            return (int) mh$.invokeExact(dst, src, count, kind, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind) ---------------

    private static final class cudaMemcpy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_SIZE_T, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaMemcpy");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaMemcpy$descriptor() {
        return cudaMemcpy.DESC;
    }

    public static MethodHandle cudaMemcpy$handle() {
        requireLoaded();
        return required(cudaMemcpy.Linked.HANDLE, "cudaMemcpy");
    }

    public static MemorySegment cudaMemcpy$address() {
        requireLoaded();
        return required(cudaMemcpy.Linked.ADDR, "cudaMemcpy");
    }

    /** Copies count bytes, synchronously with respect to the host. */
    public static int cudaMemcpy(MemorySegment dst, MemorySegment src, long count, int kind) {
        var mh$ = cudaMemcpy$handle();
        try {
            return (int) mh$.invokeExact(dst, src, count, kind);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaMemsetAsync(void *devPtr, int value, size_t count, cudaStream_t stream) ------------------

    private static final class cudaMemsetAsync {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_SIZE_T, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaMemsetAsync");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaMemsetAsync$descriptor() {
        return cudaMemsetAsync.DESC;
    }

    public static MethodHandle cudaMemsetAsync$handle() {
        requireLoaded();
        return required(cudaMemsetAsync.Linked.HANDLE, "cudaMemsetAsync");
    }

    public static MemorySegment cudaMemsetAsync$address() {
        requireLoaded();
        return required(cudaMemsetAsync.Linked.ADDR, "cudaMemsetAsync");
    }

    /** Sets count bytes at devPtr to the byte value, ordered on stream. */
    public static int cudaMemsetAsync(MemorySegment devPtr, int value, long count, MemorySegment stream) {
        var mh$ = cudaMemsetAsync$handle();
        try {
            return (int) mh$.invokeExact(devPtr, value, count, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaMemGetInfo(size_t *free, size_t *total) --------------------------------------------------

    private static final class cudaMemGetInfo {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaMemGetInfo");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaMemGetInfo$descriptor() {
        return cudaMemGetInfo.DESC;
    }

    public static MethodHandle cudaMemGetInfo$handle() {
        requireLoaded();
        return required(cudaMemGetInfo.Linked.HANDLE, "cudaMemGetInfo");
    }

    public static MemorySegment cudaMemGetInfo$address() {
        requireLoaded();
        return required(cudaMemGetInfo.Linked.ADDR, "cudaMemGetInfo");
    }

    /** Writes the free and total device memory of the current device, in bytes. */
    public static int cudaMemGetInfo(MemorySegment free, MemorySegment total) {
        var mh$ = cudaMemGetInfo$handle();
        try {
            return (int) mh$.invokeExact(free, total);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaGetLastError(void) -----------------------------------------------------------------------

    private static final class cudaGetLastError {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaGetLastError");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaGetLastError$descriptor() {
        return cudaGetLastError.DESC;
    }

    public static MethodHandle cudaGetLastError$handle() {
        requireLoaded();
        return required(cudaGetLastError.Linked.HANDLE, "cudaGetLastError");
    }

    public static MemorySegment cudaGetLastError$address() {
        requireLoaded();
        return required(cudaGetLastError.Linked.ADDR, "cudaGetLastError");
    }

    /**
     * Returns the last error of a runtime call on this host thread and resets it to cudaSuccess (sticky errors, which
     * leave the context unusable, are not reset).
     */
    public static int cudaGetLastError() {
        var mh$ = cudaGetLastError$handle();
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- const char* cudaGetErrorString(cudaError_t error) --------------------------------------------------------

    private static final class cudaGetErrorString {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaGetErrorString");
            static final MethodHandle HANDLE = downcall(ADDR, DESC, TRIVIAL);
        }
    }

    public static FunctionDescriptor cudaGetErrorString$descriptor() {
        return cudaGetErrorString.DESC;
    }

    public static MethodHandle cudaGetErrorString$handle() {
        requireLoaded();
        return required(cudaGetErrorString.Linked.HANDLE, "cudaGetErrorString");
    }

    public static MemorySegment cudaGetErrorString$address() {
        requireLoaded();
        return required(cudaGetErrorString.Linked.ADDR, "cudaGetErrorString");
    }

    /**
     * The description of an error code, e.g. "CUDA driver version is insufficient for CUDA runtime version" (a static
     * string).
     */
    public static String cudaGetErrorString(int error) {
        var mh$ = cudaGetErrorString$handle();
        try {
            return string((MemorySegment) mh$.invokeExact(error));
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- const char* cudaGetErrorName(cudaError_t error) ----------------------------------------------------------

    private static final class cudaGetErrorName {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaGetErrorName");
            static final MethodHandle HANDLE = downcall(ADDR, DESC, TRIVIAL);
        }
    }

    public static FunctionDescriptor cudaGetErrorName$descriptor() {
        return cudaGetErrorName.DESC;
    }

    public static MethodHandle cudaGetErrorName$handle() {
        requireLoaded();
        return required(cudaGetErrorName.Linked.HANDLE, "cudaGetErrorName");
    }

    public static MemorySegment cudaGetErrorName$address() {
        requireLoaded();
        return required(cudaGetErrorName.Linked.ADDR, "cudaGetErrorName");
    }

    /** The enum name of an error code, e.g. "cudaErrorInsufficientDriver" (a static string). */
    public static String cudaGetErrorName(int error) {
        var mh$ = cudaGetErrorName$handle();
        try {
            return string((MemorySegment) mh$.invokeExact(error));
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaStreamBeginCapture(cudaStream_t stream, enum cudaStreamCaptureMode mode) -----------------

    private static final class cudaStreamBeginCapture {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaStreamBeginCapture");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaStreamBeginCapture$descriptor() {
        return cudaStreamBeginCapture.DESC;
    }

    public static MethodHandle cudaStreamBeginCapture$handle() {
        requireLoaded();
        return required(cudaStreamBeginCapture.Linked.HANDLE, "cudaStreamBeginCapture");
    }

    public static MemorySegment cudaStreamBeginCapture$address() {
        requireLoaded();
        return required(cudaStreamBeginCapture.Linked.ADDR, "cudaStreamBeginCapture");
    }

    /** Starts capturing the work queued on stream into a graph instead of running it. */
    public static int cudaStreamBeginCapture(MemorySegment stream, int mode) {
        var mh$ = cudaStreamBeginCapture$handle();
        try {
            return (int) mh$.invokeExact(stream, mode);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t *pGraph) -------------------------------

    private static final class cudaStreamEndCapture {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaStreamEndCapture");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaStreamEndCapture$descriptor() {
        return cudaStreamEndCapture.DESC;
    }

    public static MethodHandle cudaStreamEndCapture$handle() {
        requireLoaded();
        return required(cudaStreamEndCapture.Linked.HANDLE, "cudaStreamEndCapture");
    }

    public static MemorySegment cudaStreamEndCapture$address() {
        requireLoaded();
        return required(cudaStreamEndCapture.Linked.ADDR, "cudaStreamEndCapture");
    }

    /** Ends the capture on stream and writes the captured graph to pGraph. */
    public static int cudaStreamEndCapture(MemorySegment stream, MemorySegment pGraph) {
        var mh$ = cudaStreamEndCapture$handle();
        try {
            return (int) mh$.invokeExact(stream, pGraph);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaGraphInstantiate(cudaGraphExec_t *pGraphExec, cudaGraph_t graph,
    //          unsigned long long flags) ----------------------------------------------------------------------------

    private static final class cudaGraphInstantiate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG_LONG);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaGraphInstantiate");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaGraphInstantiate$descriptor() {
        return cudaGraphInstantiate.DESC;
    }

    public static MethodHandle cudaGraphInstantiate$handle() {
        requireLoaded();
        return required(cudaGraphInstantiate.Linked.HANDLE, "cudaGraphInstantiate");
    }

    public static MemorySegment cudaGraphInstantiate$address() {
        requireLoaded();
        return required(cudaGraphInstantiate.Linked.ADDR, "cudaGraphInstantiate");
    }

    /**
     * Instantiates graph into an executable graph (the CUDA 12+ signature, with flags, e.g.
     * cudaGraphInstantiateFlagAutoFreeOnLaunch).
     */
    public static int cudaGraphInstantiate(MemorySegment pGraphExec, MemorySegment graph, long flags) {
        var mh$ = cudaGraphInstantiate$handle();
        try {
            return (int) mh$.invokeExact(pGraphExec, graph, flags);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaGraphLaunch(cudaGraphExec_t graphExec, cudaStream_t stream) ------------------------------

    private static final class cudaGraphLaunch {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaGraphLaunch");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaGraphLaunch$descriptor() {
        return cudaGraphLaunch.DESC;
    }

    public static MethodHandle cudaGraphLaunch$handle() {
        requireLoaded();
        return required(cudaGraphLaunch.Linked.HANDLE, "cudaGraphLaunch");
    }

    public static MemorySegment cudaGraphLaunch$address() {
        requireLoaded();
        return required(cudaGraphLaunch.Linked.ADDR, "cudaGraphLaunch");
    }

    /** Launches an executable graph on stream. */
    public static int cudaGraphLaunch(MemorySegment graphExec, MemorySegment stream) {
        var mh$ = cudaGraphLaunch$handle();
        try {
            return (int) mh$.invokeExact(graphExec, stream);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaGraphExecDestroy(cudaGraphExec_t graphExec) ----------------------------------------------

    private static final class cudaGraphExecDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaGraphExecDestroy");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaGraphExecDestroy$descriptor() {
        return cudaGraphExecDestroy.DESC;
    }

    public static MethodHandle cudaGraphExecDestroy$handle() {
        requireLoaded();
        return required(cudaGraphExecDestroy.Linked.HANDLE, "cudaGraphExecDestroy");
    }

    public static MemorySegment cudaGraphExecDestroy$address() {
        requireLoaded();
        return required(cudaGraphExecDestroy.Linked.ADDR, "cudaGraphExecDestroy");
    }

    /** Destroys an executable graph. */
    public static int cudaGraphExecDestroy(MemorySegment graphExec) {
        var mh$ = cudaGraphExecDestroy$handle();
        try {
            return (int) mh$.invokeExact(graphExec);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaGraphDestroy(cudaGraph_t graph) ----------------------------------------------------------

    private static final class cudaGraphDestroy {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaGraphDestroy");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaGraphDestroy$descriptor() {
        return cudaGraphDestroy.DESC;
    }

    public static MethodHandle cudaGraphDestroy$handle() {
        requireLoaded();
        return required(cudaGraphDestroy.Linked.HANDLE, "cudaGraphDestroy");
    }

    public static MemorySegment cudaGraphDestroy$address() {
        requireLoaded();
        return required(cudaGraphDestroy.Linked.ADDR, "cudaGraphDestroy");
    }

    /** Destroys a graph. */
    public static int cudaGraphDestroy(MemorySegment graph) {
        var mh$ = cudaGraphDestroy$handle();
        try {
            return (int) mh$.invokeExact(graph);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaMemPoolGetAttribute(cudaMemPool_t memPool, enum cudaMemPoolAttr attr, void *value) ---------

    private static final class cudaMemPoolGetAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaMemPoolGetAttribute");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaMemPoolGetAttribute$descriptor() {
        return cudaMemPoolGetAttribute.DESC;
    }

    public static MethodHandle cudaMemPoolGetAttribute$handle() {
        requireLoaded();
        return required(cudaMemPoolGetAttribute.Linked.HANDLE, "cudaMemPoolGetAttribute");
    }

    public static MemorySegment cudaMemPoolGetAttribute$address() {
        requireLoaded();
        return required(cudaMemPoolGetAttribute.Linked.ADDR, "cudaMemPoolGetAttribute");
    }

    /** Reads a pool attribute into value (cuuint64_t, 8 bytes, for the byte counts). */
    public static int cudaMemPoolGetAttribute(MemorySegment memPool, int attr, MemorySegment value) {
        var mh$ = cudaMemPoolGetAttribute$handle();
        try {
            return (int) mh$.invokeExact(memPool, attr, value);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaMemPoolTrimTo(cudaMemPool_t memPool, size_t minBytesToKeep) --------------------------------

    private static final class cudaMemPoolTrimTo {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_SIZE_T);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaMemPoolTrimTo");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaMemPoolTrimTo$descriptor() {
        return cudaMemPoolTrimTo.DESC;
    }

    public static MethodHandle cudaMemPoolTrimTo$handle() {
        requireLoaded();
        return required(cudaMemPoolTrimTo.Linked.HANDLE, "cudaMemPoolTrimTo");
    }

    public static MemorySegment cudaMemPoolTrimTo$address() {
        requireLoaded();
        return required(cudaMemPoolTrimTo.Linked.ADDR, "cudaMemPoolTrimTo");
    }

    /**
     * Releases the pool's unused memory to the driver, keeping at least minBytesToKeep reserved (memory of
     * allocations not yet freed, or freed by work not yet complete, is not released).
     */
    public static int cudaMemPoolTrimTo(MemorySegment memPool, long minBytesToKeep) {
        var mh$ = cudaMemPoolTrimTo$handle();
        try {
            return (int) mh$.invokeExact(memPool, minBytesToKeep);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaDeviceGraphMemTrim(int device) -------------------------------------------------------------

    private static final class cudaDeviceGraphMemTrim {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaDeviceGraphMemTrim");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaDeviceGraphMemTrim$descriptor() {
        return cudaDeviceGraphMemTrim.DESC;
    }

    public static MethodHandle cudaDeviceGraphMemTrim$handle() {
        requireLoaded();
        return required(cudaDeviceGraphMemTrim.Linked.HANDLE, "cudaDeviceGraphMemTrim");
    }

    public static MemorySegment cudaDeviceGraphMemTrim$address() {
        requireLoaded();
        return required(cudaDeviceGraphMemTrim.Linked.ADDR, "cudaDeviceGraphMemTrim");
    }

    /** Frees the device's graph-allocation memory that no graph launched or about to run is using. */
    public static int cudaDeviceGraphMemTrim(int device) {
        var mh$ = cudaDeviceGraphMemTrim$handle();
        try {
            return (int) mh$.invokeExact(device);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- cudaError_t cudaDeviceGetGraphMemAttribute(int device, enum cudaGraphMemAttributeType attr, void* value) ---

    private static final class cudaDeviceGetGraphMemAttribute {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_INT, C_POINTER);

        static final class Linked {
            static final MemorySegment ADDR = findOrNull("cudaDeviceGetGraphMemAttribute");
            static final MethodHandle HANDLE = downcall(ADDR, DESC);
        }
    }

    public static FunctionDescriptor cudaDeviceGetGraphMemAttribute$descriptor() {
        return cudaDeviceGetGraphMemAttribute.DESC;
    }

    public static MethodHandle cudaDeviceGetGraphMemAttribute$handle() {
        requireLoaded();
        return required(cudaDeviceGetGraphMemAttribute.Linked.HANDLE, "cudaDeviceGetGraphMemAttribute");
    }

    public static MemorySegment cudaDeviceGetGraphMemAttribute$address() {
        requireLoaded();
        return required(cudaDeviceGetGraphMemAttribute.Linked.ADDR, "cudaDeviceGetGraphMemAttribute");
    }

    /** Reads a graph-memory attribute of the device into value (cuuint64_t, 8 bytes). */
    public static int cudaDeviceGetGraphMemAttribute(int device, int attr, MemorySegment value) {
        var mh$ = cudaDeviceGetGraphMemAttribute$handle();
        try {
            return (int) mh$.invokeExact(device, attr, value);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

}
