package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's host memory: aligned, sized, released with its arena, and a released block of a cached size
 * handed to the next allocation of that size (so a training loop's big buffers are not faulted in again).
 */
class HostMemoryTest {

    @Test
    void aReleasedBlockIsReusedForTheSameSizeAndAlignmentOnly() {
        long bytes = 3 * HostMemory.MIN_CACHED + 12;
        long address;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment s = HostMemory.allocate(bytes, 64, arena);
            assertEquals(bytes, s.byteSize());
            assertEquals(0, s.address() % 64);
            s.setAtIndex(JAVA_FLOAT, bytes / 4 - 1, 1.5f); // the whole extent is usable
            address = s.address();
        }
        long cached = HostMemory.cachedBytes();
        assertTrue(cached >= bytes, "the closed arena's block is cached: " + cached);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment other = HostMemory.allocate(bytes, 128, arena); // another alignment: not that block
            MemorySegment again = HostMemory.allocate(bytes - 8, 64, arena); // the same rounded size
            assertEquals(address, again.address(), "the cached block is handed out again");
            assertNotEquals(address, other.address());
            assertEquals(bytes - 8, again.byteSize());
            assertEquals(0, other.address() % 128);
        }
        HostMemory.trim();
        // (the collector may hand back other tests' automatic-lifetime blocks meanwhile, smaller than this one)
        assertTrue(HostMemory.cachedBytes() < bytes, "trimmed: " + HostMemory.cachedBytes());
    }

    @Test
    void smallBlocksAndClosedArenasBehaveAsTheArenaDoes() {
        Arena arena = Arena.ofShared();
        MemorySegment small = HostMemory.allocate(100, 64, arena);
        MemorySegment empty = HostMemory.allocate(0, 64, arena);
        assertEquals(100, small.byteSize());
        assertEquals(0, empty.byteSize());
        arena.close();
        assertFalse(small.scope().isAlive());
    }

    /** The release hook (how the backend counts automatic-lifetime memory) runs once per block, of any size. */
    @Test
    void theReleaseHookRunsOnceWhenTheArenaCloses() {
        for (long bytes : new long[] {0, 100, HostMemory.MIN_CACHED, 3 * HostMemory.MIN_CACHED + 12}) {
            AtomicInteger released = new AtomicInteger();
            Arena arena = Arena.ofShared();
            MemorySegment s = HostMemory.allocate(bytes, 64, arena, released::incrementAndGet);
            assertEquals(bytes, s.byteSize());
            assertEquals(0, released.get(), bytes + " bytes: not released while the arena is open");
            arena.close();
            assertEquals(1, released.get(), bytes + " bytes: released once with the arena");
        }
    }

    /**
     * A block of exactly MIN_CACHED bytes is the smallest that is cached. (Only this test's block can leave the
     * cache meanwhile: the collector's releases only add to it.)
     */
    @Test
    void aBlockOfExactlyTheMinimumCachedSizeIsCached() {
        HostMemory.trim();
        long before = HostMemory.cachedBytes();
        try (Arena arena = Arena.ofShared()) {
            HostMemory.allocate(HostMemory.MIN_CACHED, 64, arena);
        }
        long after = HostMemory.cachedBytes();
        assertTrue(after >= before + HostMemory.MIN_CACHED, "cached " + before + " -> " + after);
        HostMemory.trim();
    }

    /**
     * An allocation the C library cannot make returns the cached blocks first (they may be what is missing), tries
     * again, and then fails with an OutOfMemoryError that says how much was asked for.
     */
    @Test
    void anImpossibleAllocationTrimsTheCacheAndThenFails() {
        long bytes = 5 * HostMemory.MIN_CACHED;
        try (Arena arena = Arena.ofShared()) {
            HostMemory.allocate(bytes, 64, arena);
        }
        assertTrue(HostMemory.cachedBytes() >= bytes, "cached: " + HostMemory.cachedBytes());
        try (Arena arena = Arena.ofShared()) {
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> HostMemory.allocate(1L << 60, 64, arena));
            assertTrue(e.getMessage().contains(Long.toString(1L << 60)), e.getMessage());
        }
        // (the collector may hand back other tests' automatic-lifetime blocks meanwhile, smaller than this one)
        assertTrue(HostMemory.cachedBytes() < bytes, "trimmed before the second try: " + HostMemory.cachedBytes());
    }
}
