package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
}
