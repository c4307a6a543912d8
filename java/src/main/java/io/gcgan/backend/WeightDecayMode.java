package io.gcgan.backend;

/**
 * How an optimizer applies weight decay {@code lambda} (an option of every optimizer, per parameter group).
 *
 * <ul>
 *   <li>{@link #NONE}: no decay; lambda must be 0.</li>
 *   <li>{@link #COUPLED}: L2 regularisation folded into the gradient, {@code g <- g + lambda w}, BEFORE gradient
 *       centralization and before the moments (PyTorch's {@code weight_decay} of SGD, Adam, RMSprop; with GC
 *       this is the thesis's eq. 4-7, {@code g^ = P(g + lambda w)}).</li>
 *   <li>{@link #DECOUPLED}: applied to the weights, {@code w <- w (1 - lr lambda)}, before the update and
 *       outside the moments and the centring (PyTorch's AdamW; the same rule for every algorithm).</li>
 * </ul>
 */
public enum WeightDecayMode {
    NONE,
    COUPLED,
    DECOUPLED
}
