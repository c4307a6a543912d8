/**
 * GAN objectives as (discriminator loss, generator loss) pairs, both minimised, computed stably from D's raw
 * outputs: {@link io.gcgan.gan.loss.StandardGanLoss} (saturating "gan" and non-saturating "nsgan"),
 * {@link io.gcgan.gan.loss.WassersteinLoss} ("wgan", with weight clipping),
 * {@link io.gcgan.gan.loss.LossSensitiveLoss} (Qi's loss-sensitive GAN "loss-sensitive" and the generalized
 * "gls-gan"), {@link io.gcgan.gan.loss.LeastSquaresLoss} (Mao's least-squares "lsgan") and
 * {@link io.gcgan.gan.loss.HingeLoss} ("hinge"). {@link io.gcgan.gan.loss.GanLosses} chooses one by name.
 */
package io.gcgan.gan.loss;
