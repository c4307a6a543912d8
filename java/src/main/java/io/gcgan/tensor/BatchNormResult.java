package io.gcgan.tensor;

/**
 * What {@link Tensor#batchNorm} returns: the normalized {@code output} (recorded for autograd) and the batch's
 * per-channel {@code mean} and biased variance {@code biasedVar}, both [C] and not recorded (running
 * statistics are updated from them without gradients).
 */
public record BatchNormResult(Tensor output, Tensor mean, Tensor biasedVar) {
}
