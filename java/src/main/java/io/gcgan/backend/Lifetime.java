package io.gcgan.backend;

import java.lang.foreign.Arena;

/**
 * Who frees a backend allocation. A scoped lifetime (a tensor scope, used with try-with-resources) frees
 * everything allocated in it when it closes; the automatic lifetime leaves host memory to the garbage
 * collector, a backstop for tensors created outside any scope.
 */
public interface Lifetime {

    /** The arena host allocations are made in. Always a shared or automatic arena: backends use worker threads. */
    Arena arena();

    /** Runs {@code release} when this lifetime ends (device memory). Only valid when {@link #scoped()}. */
    void onClose(Runnable release);

    /** True when {@link #onClose} is honoured; false for the garbage-collected lifetime. */
    boolean scoped();

    /** The garbage-collected lifetime: every allocation gets its own automatic arena. */
    Lifetime AUTOMATIC = new Lifetime() {
        @Override
        public Arena arena() {
            return Arena.ofAuto();
        }

        @Override
        public void onClose(Runnable release) {
            throw new IllegalStateException("the automatic lifetime has no close; register a Cleaner instead");
        }

        @Override
        public boolean scoped() {
            return false;
        }

        @Override
        public String toString() {
            return "Lifetime.AUTOMATIC";
        }
    };
}
