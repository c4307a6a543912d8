package io.gcgan.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Grow-only scratch buffers of one calling thread (im2col columns and transposed GEMM operands), so a
 * convolution does not allocate and zero tens of megabytes on every call. Buffers live in shared arenas
 * because the worker threads of a parallel loop read and write them.
 */
final class Workspace {

    private static final ThreadLocal<Workspace> PER_THREAD = ThreadLocal.withInitial(Workspace::new);

    private final Arena[] arenas = new Arena[3];
    private final MemorySegment[] buffers = new MemorySegment[3];

    static Workspace current() {
        return PER_THREAD.get();
    }

    /** A buffer of at least {@code bytes} bytes in {@code slot} (0, 1 or 2); contents are undefined. */
    MemorySegment buffer(int slot, long bytes) {
        MemorySegment b = buffers[slot];
        if (b == null || b.byteSize() < bytes) {
            if (arenas[slot] != null) {
                arenas[slot].close();
            }
            arenas[slot] = Arena.ofShared();
            // Grow by 1.25x so that slowly growing requests do not reallocate every call.
            long size = Math.max(bytes, b == null ? 0 : b.byteSize() + b.byteSize() / 4);
            b = arenas[slot].allocate(size, CpuBackend.ALIGNMENT);
            buffers[slot] = b;
        }
        return b;
    }
}
