package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The count of memory only the collector frees, and the collections it asks for. */
class CollectedMemoryTest {

    @Test
    void aCollectionIsAskedForPastTheThresholdWhichThenFollowsWhatStaysHeld() {
        CollectedMemory m = new CollectedMemory(100);
        m.allocated(60);
        m.allocated(40);
        assertEquals(0, m.collections(), "at the threshold: no collection");
        m.allocated(10); // 110 > 100, and nothing is released: the threshold becomes 2 x 110
        assertEquals(1, m.collections());
        m.allocated(100);
        assertEquals(1, m.collections(), "210 < 220");
        m.released(150);
        m.allocated(200); // 260 > 220
        assertEquals(2, m.collections());
        assertEquals(260, m.held());
        assertFalse(m.collectNow(), "nothing of this count is released by a collection");
        assertEquals(3, m.collections());
        assertThrows(IllegalArgumentException.class, () -> new CollectedMemory(0));
    }

    /**
     * collectNow waits (up to ~0.1 s, in growing sleeps) for the Cleaners, which release on their own thread after
     * the collection: a release a few ms into the wait is seen. The other tests see the wait only through the memory
     * a loop of tensors holds, which depends on the collector's speed: mutation testing (PIT) found the sleep
     * removable, or cut to 1 ms in all, in one run and not in another.
     */
    @Test
    void collectNowWaitsForAReleaseOnAnotherThread() throws InterruptedException {
        CollectedMemory m = new CollectedMemory(100);
        m.allocated(50);
        Thread caller = Thread.currentThread();
        // a stand-in Cleaner: once the caller sleeps in the wait, 5 ms more, then release
        Thread cleaner = new Thread(() -> {
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (caller.getState() != Thread.State.TIMED_WAITING) {
                if (System.nanoTime() > deadline) {
                    return; // the caller never waited: nothing is released
                }
                Thread.onSpinWait();
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
            m.released(50);
        });
        cleaner.start();
        boolean released = m.collectNow();
        cleaner.join();
        assertTrue(released, "the release during the wait is reported");
        assertEquals(0, m.held());
    }

    /**
     * A collection waits for the Cleaners in short sleeps; an interrupt ends the wait and stays set for the caller
     * (an allocation that failed on an interrupted thread must not swallow the interrupt).
     */
    @Test
    void anInterruptEndsTheWaitAndStaysSet() {
        CollectedMemory m = new CollectedMemory(100);
        m.allocated(50); // never released: collectNow waits for it
        Thread.currentThread().interrupt();
        try {
            assertFalse(m.collectNow());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept");
        } finally {
            Thread.interrupted(); // clear it for the next test
        }
    }

    @Test
    void tensorsMadeOutsideAnyScopeDoNotPileUp() {
        // 1.5 GB of 1 MiB tensors made and dropped outside any scope; few Java objects, so without the count the
        // collector would hardly run and the C library's memory would grow to all of it.
        long most = 0;
        for (int i = 0; i < 1500; i++) {
            Tensor t = Tensor.full(i, DType.FLOAT32, Device.CPU, 1 << 18); // 1 MiB
            assertTrue(t.numel() == 1 << 18);
            most = Math.max(most, CpuBackend.collectedMemoryHeld());
        }
        assertTrue(most < (1L << 30), "held at most " + most + " bytes");
    }
}
