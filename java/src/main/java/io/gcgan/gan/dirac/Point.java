package io.gcgan.gan.dirac;

/**
 * A point (theta, psi) of the Dirac-GAN's parameter plane: theta is the generator's (the position of its
 * Dirac), psi the discriminator's (its slope, D(x) = psi * x). The Nash equilibrium is (0, 0).
 */
public record Point(double theta, double psi) {

    /** The equilibrium (0, 0). */
    public static final Point EQUILIBRIUM = new Point(0.0, 0.0);

    /** Euclidean distance to the equilibrium (0, 0). */
    public double distanceToEquilibrium() {
        return Math.hypot(theta, psi);
    }

    /** Whether both coordinates are finite. */
    public boolean isFinite() {
        return Double.isFinite(theta) && Double.isFinite(psi);
    }
}
