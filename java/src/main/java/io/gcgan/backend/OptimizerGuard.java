package io.gcgan.backend;

import java.util.List;

/**
 * The rules for the guard of {@link Backend#optimizerStep(OptimizerHyper, List, Storage)}, the same on every
 * backend: a live storage of the backend that runs the step, in the dtype of every slot (a GPU kernel reads it as
 * its own element type), and none that the step writes.
 */
public final class OptimizerGuard {

    private OptimizerGuard() {
    }

    /** Throws IllegalArgumentException, naming what differs, unless {@code guard} (non-null) fits the call. */
    public static void check(Backend backend, Storage guard, List<ParamSlot> slots) {
        if (guard.backend() != backend) {
            throw new IllegalArgumentException("optimizerStep: the guard belongs to " + guard.backend().device()
                    + (guard.backend().device().equals(backend.device()) ? " (another backend instance)" : "")
                    + ", not to the " + backend.device() + " backend");
        }
        if (!guard.segment().scope().isAlive()) { // else the CPU fails on its first read, with FFM's "Already closed"
            throw StorageChecks.usedAfterScope("optimizerStep", guard, " (the guard)");
        }
        for (int i = 0; i < slots.size(); i++) {
            ParamSlot slot = slots.get(i);
            if (slot.weight().dtype() != guard.dtype()) {
                throw new IllegalArgumentException("optimizerStep: the guard is " + guard.dtype().displayName()
                        + " but slot " + i + " is " + slot.weight().dtype().displayName()
                        + " (a guard has the slots' dtype)");
            }
            // A GPU kernel's blocks read the guard as they start: one block's writes would change what a later one
            // reads, and only part of the step would be skipped.
            if (guard == slot.weight() || guard == slot.state1() || guard == slot.state2()) {
                throw new IllegalArgumentException("optimizerStep: the guard is slot " + i + "'s weight or state,"
                        + " which the step writes");
            }
        }
    }
}
