package io.gcgan.backend;

import java.util.Objects;

/**
 * One parameter tensor of a fused optimizer step ({@link Backend#optimizerStep}).
 *
 * @param weight   the parameter, dense, updated in place
 * @param grad     its gradient, same dtype and element count; read only
 * @param state1   first state storage (see {@link OptimizerHyper} for what it holds), or null when the
 *                 algorithm keeps none; updated in place
 * @param state2   second state storage, or null
 * @param step     this update's step count for the parameter, 1 on its first update (Adam's bias correction,
 *                 SGD's first-step momentum rule); counted per parameter, as PyTorch does
 * @param centring which elements gradient centralization averages together, or {@link CentringView#NONE}
 */
public record ParamSlot(Storage weight, Storage grad, Storage state1, Storage state2, long step,
                        CentringView centring) {

    public ParamSlot {
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(grad, "grad");
        Objects.requireNonNull(centring, "centring (use CentringView.NONE)");
        checkLike("grad", weight, grad);
        if (state1 != null) {
            checkLike("state1", weight, state1);
        }
        if (state2 != null) {
            checkLike("state2", weight, state2);
        }
        if (step < 1) {
            throw new IllegalArgumentException("ParamSlot: step must be >= 1, got " + step);
        }
        if (centring.centred() && centring.numel() != weight.numel()) {
            throw new IllegalArgumentException("ParamSlot: centring view " + centring + " covers " + centring.numel()
                    + " elements, the weight has " + weight.numel());
        }
    }

    /** The slot's state storages in order; null entries are absent. */
    public Storage state(int index) {
        return switch (index) {
            case 0 -> state1;
            case 1 -> state2;
            default -> throw new IndexOutOfBoundsException("ParamSlot has states 0 and 1, not " + index);
        };
    }

    private static void checkLike(String what, Storage weight, Storage other) {
        if (other.numel() != weight.numel() || other.dtype() != weight.dtype() || other.backend() != weight.backend()) {
            throw new IllegalArgumentException("ParamSlot: " + what + " (" + other.numel() + " x "
                    + other.dtype().displayName() + " on " + other.backend().device() + ") does not match the weight ("
                    + weight.numel() + " x " + weight.dtype().displayName() + " on " + weight.backend().device() + ")");
        }
    }
}
