package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Uninitialized host memory for CPU storages: the C library's {@code aligned_alloc}, released with {@code free}
 * when the storage's lifetime arena closes (or, for the automatic lifetime, when the collector finds it
 * unreachable). {@code Arena.allocate} zero-fills every allocation, a pass over megabytes of activations for each
 * op's result (a tenth of a CPU training iteration, measured with TrainingProfile), while
 * {@code Backend.allocate} promises no initial content. Where the C library lacks the two functions, the arena
 * allocates as before.
 */
final class HostMemory {

    private static final MethodHandle ALIGNED_ALLOC;
    private static final MethodHandle FREE;

    static {
        Linker linker = Linker.nativeLinker();
        var lookup = linker.defaultLookup();
        var alloc = lookup.find("aligned_alloc");
        var free = lookup.find("free");
        if (alloc.isPresent() && free.isPresent()) {
            ALIGNED_ALLOC = linker.downcallHandle(alloc.get(), FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG));
            FREE = linker.downcallHandle(free.get(), FunctionDescriptor.ofVoid(ADDRESS));
        } else {
            ALIGNED_ALLOC = null;
            FREE = null;
        }
    }

    private HostMemory() {
    }

    /** {@code bytes} of uninitialized memory aligned to {@code alignment} (a power of two), freed with {@code arena}. */
    static MemorySegment allocate(long bytes, long alignment, Arena arena) {
        if (bytes == 0 || ALIGNED_ALLOC == null) {
            return arena.allocate(bytes, alignment);
        }
        long rounded = (bytes + alignment - 1) / alignment * alignment; // C11: size a multiple of the alignment
        MemorySegment raw;
        try {
            raw = (MemorySegment) ALIGNED_ALLOC.invokeExact(alignment, rounded);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc(" + alignment + ", " + rounded + ") failed", t);
        }
        if (raw.address() == 0) {
            throw new OutOfMemoryError("CPU backend: the C library could not allocate " + bytes + " bytes");
        }
        return raw.reinterpret(bytes, arena, HostMemory::free);
    }

    private static void free(MemorySegment segment) {
        try {
            FREE.invokeExact(segment);
        } catch (Throwable t) {
            throw new IllegalStateException("free(" + segment + ") failed", t);
        }
    }
}
