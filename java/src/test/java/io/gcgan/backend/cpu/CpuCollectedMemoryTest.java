package io.gcgan.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * CpuBackend's count of the memory only the collector frees ({@link CpuBackend#collectedMemoryHeld}): an
 * automatic-lifetime storage is counted from its allocation until the collector releases it; a scoped one is not
 * counted. Other tests' automatic storages may be released while these run (the count then falls), never
 * allocated (this thread is the only one that allocates), so the checks below hold whatever they do.
 */
class CpuCollectedMemoryTest {

    private static final CpuBackend B = CpuBackend.instance();
    private static final long NUMEL = 1 << 22; // 32 MiB of float64

    @Test
    void anAutomaticStorageIsCountedWhenAllocated() {
        boolean seen = false;
        for (int attempt = 0; attempt < 10 && !seen; attempt++) {
            long before = CpuBackend.collectedMemoryHeld();
            Storage s = B.allocate(DType.FLOAT64, NUMEL, Lifetime.AUTOMATIC);
            long after = CpuBackend.collectedMemoryHeld();
            // Exactly its bytes more, unless the collector released something in between (then try again).
            seen = after - before == s.byteSize();
        }
        assertTrue(seen, "the count never grew by the storage's bytes");
    }

    @Test
    void aScopedStorageIsNotCounted() {
        try (Arena arena = Arena.ofShared()) {
            Lifetime scoped = new Lifetime() {
                @Override
                public Arena arena() {
                    return arena;
                }

                @Override
                public void onClose(Runnable release) {
                }

                @Override
                public boolean scoped() {
                    return true;
                }
            };
            long before = CpuBackend.collectedMemoryHeld();
            Storage s = B.allocate(DType.FLOAT64, NUMEL, scoped);
            long after = CpuBackend.collectedMemoryHeld();
            assertEquals(NUMEL * 8, s.byteSize());
            assertTrue(after <= before, "a scoped storage was counted: " + before + " -> " + after);
        }
    }

    @Test
    void anAutomaticStorageLeavesTheCountWhenCollected() throws InterruptedException {
        long held = allocateAndDrop();
        AtomicBoolean dropped = new AtomicBoolean();
        for (int i = 0; i < 100 && !dropped.get(); i++) {
            System.gc();
            Thread.sleep(20);
            dropped.set(CpuBackend.collectedMemoryHeld() <= held - NUMEL * 8);
        }
        assertTrue(dropped.get(), "the count did not fall by the dropped storage's bytes: " + held + " -> "
                + CpuBackend.collectedMemoryHeld());
    }

    /** Allocates an automatic storage, drops it, and returns the count while it was held. */
    private static long allocateAndDrop() {
        Storage s = B.allocate(DType.FLOAT64, NUMEL, Lifetime.AUTOMATIC);
        assertEquals(NUMEL * 8, s.byteSize());
        return CpuBackend.collectedMemoryHeld();
    }
}
