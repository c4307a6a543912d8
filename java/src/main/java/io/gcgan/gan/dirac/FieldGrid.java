package io.gcgan.gan.dirac;

import java.util.List;

/**
 * The vector field sampled on a regular grid, for quiver/streamline plots: one {@link Sample} per grid
 * point, theta varying fastest ({@code samples.get(j * thetaCount + i)} is at theta_i, psi_j).
 */
public record FieldGrid(int thetaCount, int psiCount, List<Sample> samples) {

    /** One arrow: its foot (theta, psi) and the field (vTheta, vPsi) there. */
    public record Sample(double theta, double psi, double vTheta, double vPsi) {
    }

    public FieldGrid {
        if (samples.size() != (long) thetaCount * psiCount) {
            throw new IllegalArgumentException("FieldGrid: " + samples.size() + " samples for a " + thetaCount
                    + " x " + psiCount + " grid");
        }
        samples = List.copyOf(samples);
    }

    /** The sample at theta index i and psi index j. */
    public Sample at(int i, int j) {
        return samples.get(j * thetaCount + i);
    }
}
