package io.gcgan.backend;

/**
 * How SGD's momentum buffer starts (per parameter, on that parameter's first update).
 *
 * <ul>
 *   <li>{@link #FIRST_GRADIENT}: PyTorch's rule. The first update sets {@code buf = g} (no dampening); later ones
 *       {@code buf = momentum buf + (1 - dampening) g}.</li>
 *   <li>{@link #ZERO}: the buffer starts at 0 and every update, the first included, is
 *       {@code buf = momentum buf + (1 - dampening) g}. With {@code dampening == momentum == beta} this is
 *       exactly the thesis's Algorithm 1, {@code m = beta m + (1 - beta) g} from {@code m = 0}.</li>
 * </ul>
 */
public enum MomentumStart {
    FIRST_GRADIENT,
    ZERO
}
