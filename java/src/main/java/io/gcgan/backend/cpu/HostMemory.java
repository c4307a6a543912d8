package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Uninitialized host memory for CPU storages: the C library's {@code aligned_alloc}, handed back when the
 * storage's lifetime arena closes (or, for the automatic lifetime, when the collector finds it unreachable).
 *
 * <ul>
 *   <li>Uninitialized: {@code Arena.allocate} zero-fills every allocation, a pass over megabytes of activations for
 *       each op's result (a tenth of a CPU training iteration, measured with TrainingProfile), while
 *       {@code Backend.allocate} promises no initial content.</li>
 *   <li>Cached: a block of {@link #MIN_CACHED} bytes or more goes back to a free list for its size instead of to the
 *       C library, up to {@link #CACHE_LIMIT} bytes in all, and the next allocation of that size takes it. A
 *       training loop allocates the same sizes every iteration; without the cache the C library returns big blocks
 *       to the system and the next op pays a page fault per 4 KiB it writes (10,000 faults a mnist28 iteration,
 *       7-10% of its time).</li>
 * </ul>
 * The cache's size is the system property {@code gcgan.cpu.blockCacheBytes} (default 1 GiB; 0 turns it off). Where
 * the C library lacks {@code aligned_alloc} and {@code free}, the arena allocates as before.
 */
final class HostMemory {

    /** Blocks smaller than this go straight back to the C library, which reuses them well. */
    static final long MIN_CACHED = 64 * 1024;

    /** The most bytes the free lists hold together. */
    static final long CACHE_LIMIT = Long.getLong("gcgan.cpu.blockCacheBytes", 1L << 30);

    private static final MethodHandle ALIGNED_ALLOC;
    private static final MethodHandle FREE;

    /** Free blocks by size in bytes (a multiple of the alignment they were made with, see {@link #key}). */
    private static final Map<Long, ConcurrentLinkedDeque<MemorySegment>> FREE_BLOCKS = new ConcurrentHashMap<>();
    private static final AtomicLong CACHED_BYTES = new AtomicLong();

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

    /**
     * {@code bytes} of uninitialized memory aligned to {@code alignment} (a power of two), released with
     * {@code arena}.
     */
    static MemorySegment allocate(long bytes, long alignment, Arena arena) {
        return allocate(bytes, alignment, arena, null);
    }

    /** As {@link #allocate(long, long, Arena)}; {@code afterRelease} (null: none) runs once the memory is released. */
    static MemorySegment allocate(long bytes, long alignment, Arena arena, Runnable afterRelease) {
        if (bytes == 0 || ALIGNED_ALLOC == null) {
            MemorySegment s = arena.allocate(bytes, alignment);
            return afterRelease == null ? s : s.reinterpret(arena, ignored -> afterRelease.run());
        }
        long rounded = (bytes + alignment - 1) / alignment * alignment; // C11: size a multiple of the alignment
        long key = key(rounded, alignment);
        MemorySegment raw = null;
        if (rounded >= MIN_CACHED) {
            ConcurrentLinkedDeque<MemorySegment> list = FREE_BLOCKS.get(key);
            raw = list == null ? null : list.pollFirst();
            if (raw != null) {
                CACHED_BYTES.addAndGet(-rounded);
            }
        }
        if (raw == null) {
            raw = alignedAlloc(alignment, rounded);
        }
        return raw.reinterpret(bytes, arena, block -> {
            release(block, rounded, key);
            if (afterRelease != null) {
                afterRelease.run();
            }
        });
    }

    /**
     * The free-list key of a block: its size, with the alignment folded into the low bits (sizes are multiples of
     * the alignment, so a block is only reused for the alignment it was made with).
     */
    private static long key(long rounded, long alignment) {
        return rounded | Long.numberOfTrailingZeros(alignment);
    }

    /** Bytes held in the free lists now. */
    static long cachedBytes() {
        return CACHED_BYTES.get();
    }

    /** Returns every cached block to the C library. */
    static void trim() {
        for (ConcurrentLinkedDeque<MemorySegment> list : FREE_BLOCKS.values()) {
            MemorySegment block;
            while ((block = list.pollFirst()) != null) {
                CACHED_BYTES.addAndGet(-(block.byteSize()));
                free(block);
            }
        }
    }

    private static void release(MemorySegment block, long rounded, long key) {
        if (rounded >= MIN_CACHED && CACHED_BYTES.addAndGet(rounded) <= CACHE_LIMIT) {
            // Kept with its size, so that trim() can account for it; the address alone is what is reused.
            FREE_BLOCKS.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>())
                    .addFirst(MemorySegment.ofAddress(block.address()).reinterpret(rounded));
            return;
        }
        if (rounded >= MIN_CACHED) {
            CACHED_BYTES.addAndGet(-rounded);
        }
        free(block);
    }

    private static MemorySegment alignedAlloc(long alignment, long rounded) {
        MemorySegment raw;
        try {
            raw = (MemorySegment) ALIGNED_ALLOC.invokeExact(alignment, rounded);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc(" + alignment + ", " + rounded + ") failed", t);
        }
        if (raw.address() == 0) {
            trim(); // cached blocks of other sizes may be what is missing
            try {
                raw = (MemorySegment) ALIGNED_ALLOC.invokeExact(alignment, rounded);
            } catch (Throwable t) {
                throw new IllegalStateException("aligned_alloc(" + alignment + ", " + rounded + ") failed", t);
            }
            if (raw.address() == 0) {
                throw new OutOfMemoryError("CPU backend: the C library could not allocate " + rounded + " bytes");
            }
        }
        return raw;
    }

    private static void free(MemorySegment segment) {
        try {
            FREE.invokeExact(segment);
        } catch (Throwable t) {
            throw new IllegalStateException("free(" + segment + ") failed", t);
        }
    }
}
