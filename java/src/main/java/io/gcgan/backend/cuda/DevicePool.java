package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gcgan.bindings.cudart.CudaException;
import io.gcgan.bindings.cudart.CudaRuntime;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Device memory from CUDA's stream-ordered allocator (DESIGN.md: no home-made caching allocator): every allocation
 * is {@code cudaMallocAsync} and every free {@code cudaFreeAsync}, both on the backend's one stream, from the device's
 * default memory pool.
 *
 * <p>The pool's release threshold is set to UINT64_MAX, so memory freed back to the pool stays reserved for the
 * process instead of being returned to the driver at the next synchronization: after the first training step,
 * allocations are served from the pool at the cost of a few hundred nanoseconds and no device synchronization.
 *
 * <p>Because allocation and free are ordered on the same stream as the kernels, a buffer may be freed right after
 * the last kernel that uses it has been queued: its memory is reused only by work queued later. Nothing here waits
 * for the device.
 */
final class DevicePool {

    /** Per-thread host memory for cudaMallocAsync's out-pointer (read right after the call, on the same thread). */
    private static final ThreadLocal<MemorySegment> OUT = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(ADDRESS));

    private final CudaDevice device;
    private final MemorySegment memPool; // cudaMemPool_t: the device's default pool
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong liveCount = new AtomicLong();
    /** The graph allocations of CUDA graph captures, and what a free of each must do. */
    private final GraphMemory<CudaGraphCapture> graphs = new GraphMemory<>();

    DevicePool(CudaDevice device) {
        this.device = device;
        device.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pool = arena.allocate(ADDRESS);
            CudaException.check(CudaRuntime.cudaDeviceGetDefaultMemPool(pool, device.index()),
                    "cudaDeviceGetDefaultMemPool(" + device.index() + ")");
            this.memPool = pool.get(ADDRESS, 0);
            MemorySegment threshold = arena.allocate(JAVA_LONG);
            threshold.set(JAVA_LONG, 0, -1L); // UINT64_MAX: keep everything that is freed
            CudaException.check(CudaRuntime.cudaMemPoolSetAttribute(memPool,
                    CudaRuntime.cudaMemPoolAttrReleaseThreshold, threshold),
                    "cudaMemPoolSetAttribute(cudaMemPoolAttrReleaseThreshold, UINT64_MAX) on cuda:" + device.index());
        }
    }

    /**
     * Bytes the device holds for this process's stream-ordered allocations: the default pool's reserved memory
     * (allocations in use and freed memory kept for reuse, other users of the default pool included) plus the memory
     * reserved for CUDA graph allocations.
     */
    long reservedBytes() {
        device.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            CudaException.check(CudaRuntime.cudaMemPoolGetAttribute(memPool,
                    CudaRuntime.cudaMemPoolAttrReservedMemCurrent, value),
                    "cudaMemPoolGetAttribute(cudaMemPoolAttrReservedMemCurrent) on cuda:" + device.index());
            long pool = value.get(JAVA_LONG, 0);
            CudaException.check(CudaRuntime.cudaDeviceGetGraphMemAttribute(device.index(),
                    CudaRuntime.cudaGraphMemAttrReservedMemCurrent, value),
                    "cudaDeviceGetGraphMemAttribute(cudaGraphMemAttrReservedMemCurrent) on cuda:" + device.index());
            return pool + value.get(JAVA_LONG, 0);
        }
    }

    /**
     * Waits for the device, then returns the memory kept for reuse to the driver: the default pool's freed memory
     * (cudaMemPoolTrimTo 0) and the graph-allocation memory that no graph holds (cudaDeviceGraphMemTrim: it keeps
     * the allocations a launched graph has not freed, and what a running or queued graph uses; an open capture's
     * next launch maps again what its graph frees inside).
     */
    void releaseCached() {
        device.synchronize();
        CudaException.check(CudaRuntime.cudaMemPoolTrimTo(memPool, 0),
                "cudaMemPoolTrimTo(0) on cuda:" + device.index());
        CudaException.check(CudaRuntime.cudaDeviceGraphMemTrim(device.index()),
                "cudaDeviceGraphMemTrim on cuda:" + device.index());
    }

    /** {@code bytes} (> 0) of device memory, usable by work queued on the stream from now on; its address. */
    long allocate(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("DevicePool.allocate: bytes must be > 0, got " + bytes);
        }
        device.makeCurrent();
        MemorySegment out = OUT.get();
        int status = CudaRuntime.cudaMallocAsync(out, bytes, device.stream());
        if (status != CudaRuntime.cudaSuccess) {
            CudaException.check(status, "cudaMallocAsync(" + bytes + " bytes) on cuda:" + device.index() + " ("
                    + liveCount.get() + " allocations of " + liveBytes.get() + " bytes are live)");
        }
        liveBytes.addAndGet(bytes);
        liveCount.incrementAndGet();
        long address = out.get(ADDRESS, 0).address();
        synchronized (this) {
            graphs.allocated(address, bytes);
        }
        return address;
    }

    /**
     * Returns an allocation of {@code bytes} to the pool, after the work queued so far. While a capture records
     * (CudaGraphCapture), a graph allocation of that capture is freed inside the graph, and storage allocated before
     * it is kept until the capture closes (the graph may read it in every replay); a graph allocation of a capture
     * that has stopped recording stays with its graph until that capture closes.
     */
    synchronized void free(long address, long bytes) {
        // Synchronized with recordInto and the capture's begin and end (CudaBackend): a Cleaner thread's free must
        // not reach the stream between the capture's start and the moment the pool knows of it.
        CudaGraphCapture r = graphs.recording();
        switch (graphs.free(address)) {
            case NOW -> freeNow(address, bytes);
            case IGNORE -> { } // its graph makes it again at each launch; CudaGraphCapture.close frees it
            case DEFER -> r.deferFree(address, bytes);
        }
    }

    /**
     * Frees memory that open captures' graphs may use in their replays (a buffer a backend replaces, such as cuDNN's
     * workspace): at once when no capture is open, else when the last open one closes.
     */
    synchronized void freeAfterCaptures(long address, long bytes) {
        if (!graphs.deferUntilCapturesClose(address, bytes)) {
            free(address, bytes);
        }
    }

    private void freeNow(long address, long bytes) {
        device.makeCurrent();
        CudaException.check(CudaRuntime.cudaFreeAsync(MemorySegment.ofAddress(address), device.stream()),
                "cudaFreeAsync(0x" + Long.toHexString(address) + ", " + bytes + " bytes) on cuda:" + device.index());
        liveBytes.addAndGet(-bytes);
        liveCount.decrementAndGet();
    }

    /** Whether a capture is recording on the stream (allocations are graph allocations). */
    synchronized boolean recording() {
        return graphs.recording() != null;
    }

    /** The capture recording on the stream, or null. */
    synchronized CudaGraphCapture recordingCapture() {
        return graphs.recording();
    }

    /**
     * From now on allocations are graph allocations of {@code capture}, recording on the stream (null: none). A
     * capture counts as open from here until {@link #releaseGraph}.
     */
    synchronized void recordInto(CudaGraphCapture capture) {
        graphs.recordInto(capture);
    }

    /**
     * Frees {@code capture}'s graph allocations that its graph did not free: with {@code launched}, the last launch
     * made them, and they are freed outside the graph (cudaFreeAsync); never launched, they were never made, and
     * only the counts change.
     */
    synchronized void releaseGraph(CudaGraphCapture capture, boolean launched) {
        for (long[] a : graphs.release(capture)) {
            if (launched) {
                freeNow(a[0], a[1]);
            } else {
                liveBytes.addAndGet(-a[1]);
                liveCount.decrementAndGet();
            }
        }
        for (long[] a : graphs.closed()) {
            free(a[0], a[1]);
        }
    }

    /** Bytes allocated through this pool and not yet freed. */
    long liveBytes() {
        return liveBytes.get();
    }

    /** Allocations made through this pool and not yet freed. */
    long liveCount() {
        return liveCount.get();
    }

    /** Temporary device memory for the work queued while it is open (a workspace); freed, stream-ordered, on close. */
    Scratch scratch(long bytes) {
        return new Scratch(bytes);
    }

    final class Scratch implements AutoCloseable {
        private final long bytes;
        private final long address;

        private Scratch(long bytes) {
            this.bytes = bytes;
            this.address = bytes > 0 ? allocate(bytes) : 0;
        }

        /** The workspace pointer; NULL for a zero-byte workspace. */
        MemorySegment segment() {
            return MemorySegment.ofAddress(address);
        }

        long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            if (address != 0) {
                free(address, bytes);
            }
        }
    }
}
