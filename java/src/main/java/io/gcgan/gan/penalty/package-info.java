/**
 * Lipschitz constraints on the discriminator, applied by the trainer beside a {@link io.gcgan.gan.loss.GanLoss}:
 *
 * <ul>
 *   <li>{@link io.gcgan.gan.penalty.CentredGradientPenalty}: the one centred gradient penalty
 *       lambda E (||grad D(x^)|| - c)^2, with presets WGAN-GP, 0-GP (Thanh-Tung et al.), R1 and R2, and the
 *       per-sample input-gradient norms the trainer reports;</li>
 *   <li>{@link io.gcgan.gan.penalty.WeightClipping}: WGAN's clamp of every D parameter to [-c, c] after each
 *       D step.</li>
 * </ul>
 *
 * Spectral normalization, the third constraint, is a layer wrapper: {@link io.gcgan.nn.SpectralNorm}.
 */
package io.gcgan.gan.penalty;
