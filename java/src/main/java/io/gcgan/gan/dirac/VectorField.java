package io.gcgan.gan.dirac;

/**
 * The value of the Dirac-GAN's gradient vector field at one point: the direction of steepest improvement
 * for both players, {@code v = (-d L_G / d theta, d L_D / d psi)} (the generator minimises L_G, the
 * discriminator maximises L_D; see {@link DiracGan}). A gradient-descent step with step size h moves
 * (theta, psi) to (theta + h vTheta, psi + h vPsi).
 */
public record VectorField(double vTheta, double vPsi) {

    /** The Euclidean norm of the vector. */
    public double norm() {
        return Math.hypot(vTheta, vPsi);
    }
}
