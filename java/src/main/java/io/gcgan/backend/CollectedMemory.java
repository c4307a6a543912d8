package io.gcgan.backend;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory that only the garbage collector frees (storage of the automatic lifetime: host memory from the C library or
 * device memory, released by a Cleaner once its storage is unreachable), counted so that the collector is asked to run
 * when it grows. The collector sees only the small Java objects that hold such memory, not the memory itself: a loop
 * that makes tensors outside any scope would otherwise hold gigabytes between collections (as direct ByteBuffers
 * would, which the JDK handles the same way).
 *
 * <p>When the bytes held pass the threshold, one caller runs {@code System.gc()}; the threshold then becomes twice
 * what is still held (at least the base), so that memory that stays in use does not make every allocation collect.
 */
public final class CollectedMemory {

    private final long base;
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong threshold;
    private final AtomicLong collections = new AtomicLong();

    /** {@code base}: the bytes held before the first collection is asked for. */
    public CollectedMemory(long base) {
        if (base <= 0) {
            throw new IllegalArgumentException("CollectedMemory: base must be > 0, got " + base);
        }
        this.base = base;
        this.threshold = new AtomicLong(base);
    }

    /** {@code bytes} more are held; may run a collection first. */
    public void allocated(long bytes) {
        long now = held.addAndGet(bytes);
        long limit = threshold.get();
        if (now > limit && threshold.compareAndSet(limit, Long.MAX_VALUE)) { // one caller collects at a time
            collect(limit);
            threshold.set(Math.max(base, 2 * held.get()));
        }
    }

    /**
     * Runs a collection now (an allocation failed while such memory is held) and waits a moment for what it releases;
     * whether anything was.
     */
    public boolean collectNow() {
        long before = held.get();
        collect(0);
        return held.get() < before;
    }

    /** System.gc(), then up to ~0.1 s for the Cleaners, which run on their own thread, to bring the bytes to below. */
    private void collect(long below) {
        collections.incrementAndGet();
        System.gc();
        for (int i = 0; i < 7 && held.get() > below; i++) {
            try {
                Thread.sleep(1L << i);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    /** {@code bytes} were released (by their Cleaner). */
    public void released(long bytes) {
        held.addAndGet(-bytes);
    }

    /** The bytes held now. */
    public long held() {
        return held.get();
    }

    /** How many collections were asked for. */
    public long collections() {
        return collections.get();
    }
}
