package io.gcgan.gan.dirac;

/**
 * How the two players take their gradient steps of size h (Mescheder et al. 2018, section 2.2).
 *
 * <ul>
 *   <li>{@link #SIMULTANEOUS}: both step from the same point,
 *       {@code (theta, psi) <- (theta + h vTheta(theta, psi), psi + h vPsi(theta, psi))};</li>
 *   <li>{@link #ALTERNATING}: the generator steps first, then the discriminator takes its step(s) at the new
 *       generator, {@code theta' = theta + h vTheta(theta, psi)}, {@code psi' = psi + h vPsi(theta', psi)}
 *       (with n discriminator steps the second update repeats n times, each at the newest psi). This is
 *       the operator F_D^n o F_G of the paper.</li>
 * </ul>
 *
 * Weight clipping, where configured, projects psi onto [-c, c] after every discriminator update.
 */
public enum UpdateRule {
    SIMULTANEOUS,
    ALTERNATING
}
