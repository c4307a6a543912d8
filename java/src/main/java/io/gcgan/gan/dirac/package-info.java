/**
 * The Dirac-GAN (Mescheder, Geiger, Nowozin 2018; thesis section 3.1): data at 0, generator theta,
 * discriminator D(x) = psi x, and the gradient vector field of its training game, computed by the autograd.
 *
 * <ul>
 *   <li>{@link io.gcgan.gan.dirac.DiracGan}: the game (loss GAN, NS-GAN or WGAN; regularizer none, WGAN-GP,
 *       zero-centred penalty, consensus optimization or instance noise; optional weight clipping), its field
 *       {@code v(theta, psi)}, its {@link io.gcgan.gan.dirac.Jacobian} with
 *       {@link io.gcgan.gan.dirac.Eigenvalues}, a {@link io.gcgan.gan.dirac.FieldGrid} for plots, and
 *       simulated gradient descent ({@link io.gcgan.gan.dirac.UpdateRule}) as a
 *       {@link io.gcgan.gan.dirac.Trajectory}.</li>
 *   <li>{@link io.gcgan.gan.dirac.GaussHermite}: the quadrature behind the instance-noise expectations.</li>
 * </ul>
 *
 * Sign conventions (the paper's): D maximises L_D = f(psi theta) + f(0), the generator minimises L_G, and
 * v = (-dL_G/dtheta, dL_D/dpsi); a step of size h moves (theta, psi) by h v. See {@link io.gcgan.gan.dirac.DiracGan}.
 */
package io.gcgan.gan.dirac;
