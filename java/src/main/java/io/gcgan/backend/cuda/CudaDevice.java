package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.gcgan.bindings.cudart.CudaException;
import io.gcgan.bindings.cudart.CudaRuntime;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One CUDA device and the single stream the backend queues all its work on (DESIGN.md: one stream per device).
 *
 * <p>The stream is created non-blocking ({@code cudaStreamNonBlocking}): it never waits for, or holds up, work on
 * the legacy default stream. Every kernel, copy, cuBLAS and cuDNN call and every pool allocation and free of the
 * backend goes to this stream, so they are ordered among themselves without any host synchronization.
 *
 * <p>The CUDA runtime keeps a current device per host thread. {@link #makeCurrent()} sets it, remembering per thread
 * which device gcgan last made current so that the common case costs no native call; every backend entry point calls
 * it first, so the backend may be used from any thread (frees from the {@link java.lang.ref.Cleaner} thread
 * included).
 */
final class CudaDevice {

    /** The device gcgan last made current on each thread (-1: none). */
    private static final ThreadLocal<int[]> CURRENT = ThreadLocal.withInitial(() -> new int[] {-1});

    private final int index;
    private final MemorySegment stream;
    private final String name;
    private final int computeMajor;
    private final int computeMinor;
    private final int multiprocessors;
    private final int runtimeVersion;
    private final int driverVersion;

    private CudaDevice(int index, MemorySegment stream, String name, int computeMajor, int computeMinor,
                       int multiprocessors, int runtimeVersion, int driverVersion) {
        this.index = index;
        this.stream = stream;
        this.name = name;
        this.computeMajor = computeMajor;
        this.computeMinor = computeMinor;
        this.multiprocessors = multiprocessors;
        this.runtimeVersion = runtimeVersion;
        this.driverVersion = driverVersion;
    }

    /** The number of CUDA devices (cudaGetDeviceCount). */
    static int count() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            CudaException.check(CudaRuntime.cudaGetDeviceCount(count), "cudaGetDeviceCount");
            return count.get(JAVA_INT, 0);
        }
    }

    /**
     * Opens device {@code index}: checks that it supports stream-ordered memory pools and creates the backend's
     * stream on it.
     */
    static CudaDevice open(int index) {
        makeCurrent(index);
        try (Arena arena = Arena.ofConfined()) {
            int pools = attribute(arena, CudaRuntime.cudaDevAttrMemoryPoolsSupported, index);
            MemorySegment prop = arena.allocate(CudaRuntime.cudaDeviceProp$bufferSize(), 8);
            CudaException.check(CudaRuntime.cudaGetDeviceProperties(prop, index),
                    "cudaGetDeviceProperties(" + index + ")");
            String name = CudaRuntime.cudaDeviceProp$name(prop);
            if (pools == 0) {
                throw new IllegalStateException("cuda:" + index + " (" + name + ") does not support"
                        + " stream-ordered memory pools (cudaMallocAsync), which the CUDA backend allocates from");
            }
            int major = attribute(arena, CudaRuntime.cudaDevAttrComputeCapabilityMajor, index);
            int minor = attribute(arena, CudaRuntime.cudaDevAttrComputeCapabilityMinor, index);
            int sms = attribute(arena, CudaRuntime.cudaDevAttrMultiProcessorCount, index);
            MemorySegment version = arena.allocate(JAVA_INT);
            CudaException.check(CudaRuntime.cudaRuntimeGetVersion(version), "cudaRuntimeGetVersion");
            int runtime = version.get(JAVA_INT, 0);
            CudaException.check(CudaRuntime.cudaDriverGetVersion(version), "cudaDriverGetVersion");
            int driver = version.get(JAVA_INT, 0);
            MemorySegment pStream = arena.allocate(ADDRESS);
            CudaException.check(CudaRuntime.cudaStreamCreateWithFlags(pStream, CudaRuntime.cudaStreamNonBlocking),
                    "cudaStreamCreateWithFlags(cudaStreamNonBlocking) on cuda:" + index);
            MemorySegment stream = pStream.get(ADDRESS, 0);
            return new CudaDevice(index, stream, name, major, minor, sms, runtime, driver);
        }
    }

    private static int attribute(Arena arena, int attribute, int device) {
        MemorySegment value = arena.allocate(JAVA_INT);
        CudaException.check(CudaRuntime.cudaDeviceGetAttribute(value, attribute, device),
                "cudaDeviceGetAttribute(" + attribute + ", " + device + ")");
        return value.get(JAVA_INT, 0);
    }

    private static void makeCurrent(int index) {
        int[] current = CURRENT.get();
        if (current[0] != index) {
            CudaException.check(CudaRuntime.cudaSetDevice(index), "cudaSetDevice(" + index + ")");
            current[0] = index;
        }
    }

    /** Makes this device the calling thread's current CUDA device (no native call when it already is). */
    void makeCurrent() {
        makeCurrent(index);
    }

    /** Waits until everything queued on the stream has finished; surfaces errors of kernels that ran. */
    void synchronize() {
        makeCurrent();
        CudaException.check(CudaRuntime.cudaStreamSynchronize(stream), "cudaStreamSynchronize(cuda:" + index + ")");
    }

    /**
     * Milliseconds of device time that {@code work} (which queues on the stream) takes: events recorded on the stream
     * before and after it, then a wait for the second one.
     */
    double elapsedMillis(Runnable work) {
        return elapsedMillis(() -> { }, work);
    }

    /**
     * As {@link #elapsedMillis(Runnable)}, with {@code prelude} queued on the stream before the first event and not
     * timed (e.g. a busy wait, so that the timed work's kernels start back to back).
     */
    double elapsedMillis(Runnable prelude, Runnable work) {
        try (CudaEventTimer timer = new CudaEventTimer(this)) {
            prelude.run();
            timer.start();
            work.run();
            timer.stop();
            return timer.elapsedMillis();
        }
    }

    int index() {
        return index;
    }

    /** The backend's stream (a {@code cudaStream_t}). */
    MemorySegment stream() {
        return stream;
    }

    /** The device's name, e.g. "NVIDIA H100 80GB HBM3". */
    String name() {
        return name;
    }

    int multiprocessors() {
        return multiprocessors;
    }

    /** "9.0" */
    String computeCapability() {
        return computeMajor + "." + computeMinor;
    }

    /** "13.0" from cudaRuntimeGetVersion. */
    String runtimeVersion() {
        return cudaVersion(runtimeVersion);
    }

    /** The CUDA version the driver supports, "13.0" from cudaDriverGetVersion. */
    String driverVersion() {
        return cudaVersion(driverVersion);
    }

    private static String cudaVersion(int v) {
        return v / 1000 + "." + v % 1000 / 10;
    }
}
