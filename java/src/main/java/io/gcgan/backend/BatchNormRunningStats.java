package io.gcgan.backend;

import java.util.Objects;

/**
 * The running statistics a training-mode {@link Backend#batchNormForward} updates in place, per channel k, with
 * PyTorch's rule:
 * <pre>
 *   mean[k] = (1 - factor) mean[k] + factor batchMean[k]
 *   var[k]  = (1 - factor) var[k]  + factor batchVar[k] m / (m - 1)      (the unbiased batch variance, m = n s)
 * </pre>
 * computed in float64 from the unrounded batch statistics and stored rounded once. {@code factor} is the module's
 * momentum (or 1 / batches seen, for a cumulative average). Both storages are [c] and distinct from every other
 * operand of the call.
 */
public record BatchNormRunningStats(Storage mean, Storage var, double factor) {

    public BatchNormRunningStats {
        Objects.requireNonNull(mean, "BatchNormRunningStats: mean");
        Objects.requireNonNull(var, "BatchNormRunningStats: var");
        if (!(factor >= 0 && factor <= 1)) {
            throw new IllegalArgumentException("BatchNormRunningStats: factor must be in [0, 1], got " + factor);
        }
        if (mean == var) {
            throw new IllegalArgumentException("BatchNormRunningStats: mean and var are the same storage");
        }
    }
}
