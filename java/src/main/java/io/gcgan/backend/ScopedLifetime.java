package io.gcgan.backend;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * A scoped {@link Lifetime} owned by its creator rather than by a thread's scope stack (as a tensor scope is): a
 * shared arena and the releases registered with it, run in reverse order of registration when it closes. For a
 * backend's scratch inside one call, or a benchmark trial's buffers between its setup and teardown.
 */
public final class ScopedLifetime implements Lifetime, AutoCloseable {

    private final Arena arena;
    private final List<Runnable> releases = new ArrayList<>();

    /** With a shared arena: its memory may be touched by any thread (a backend's workers). */
    public ScopedLifetime() {
        this(Arena.ofShared());
    }

    private ScopedLifetime(Arena arena) {
        this.arena = arena;
    }

    /**
     * With a confined arena: only for device memory whose segments no thread but the creator's passes to native code
     * (a GPU backend's scratch inside one call). Closing a confined arena costs well under a microsecond; closing a
     * shared one makes every thread of the JVM pause (a handshake), about 9 us each on the 2-core development machine.
     * Not for CPU storage, which the CPU backend's workers read.
     */
    public static ScopedLifetime confined() {
        return new ScopedLifetime(Arena.ofConfined());
    }

    @Override
    public Arena arena() {
        return arena;
    }

    @Override
    public void onClose(Runnable release) {
        releases.add(release);
    }

    @Override
    public boolean scoped() {
        return true;
    }

    /** Runs the releases (device memory: stream-ordered frees), newest first, then closes the arena. */
    @Override
    public void close() {
        for (int i = releases.size() - 1; i >= 0; i--) {
            releases.get(i).run();
        }
        releases.clear();
        arena.close();
    }
}
