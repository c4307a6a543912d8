package io.gcgan.gan.dirac;

/**
 * A real 2x2 matrix in the Dirac-GAN's coordinates x = (theta, psi); for the Jacobian of the vector field
 * v = (vTheta, vPsi), entry (i, j) is d v_i / d x_j:
 *
 * <pre>
 *   [[ d vTheta / d theta,  d vTheta / d psi ],       [[ tt, tp ],
 *    [ d vPsi   / d theta,  d vPsi   / d psi ]]   =     [ pt, pp ]]
 * </pre>
 *
 * At a stationary point of v, the continuous flow dx/dt = v is locally attracting when every eigenvalue
 * has a negative real part; the discrete updates are when the spectral radius of their own Jacobian
 * ({@link #simultaneousStep}, {@link #alternatingStep}) is below 1.
 */
public record Jacobian(double tt, double tp, double pt, double pp) {

    public Jacobian {
        // -0.0 + 0.0 == +0.0: a derivative that is zero prints and compares as 0 whatever its sign bit.
        tt += 0.0;
        tp += 0.0;
        pt += 0.0;
        pp += 0.0;
    }

    /** The eigenvalues (a complex pair, or two reals). */
    public Eigenvalues eigenvalues() {
        return Eigenvalues.of2x2(tt, tp, pt, pp);
    }

    /** Entry (i, j), i and j in {0 = theta, 1 = psi}. */
    public double get(int i, int j) {
        if (i < 0 || i > 1 || j < 0 || j > 1) {
            throw new IndexOutOfBoundsException("Jacobian: entry (" + i + ", " + j + ") of a 2x2 matrix");
        }
        return i == 0 ? (j == 0 ? tt : tp) : (j == 0 ? pt : pp);
    }

    /** The matrix product this * other. */
    public Jacobian times(Jacobian o) {
        return new Jacobian(tt * o.tt + tp * o.pt, tt * o.tp + tp * o.pp,
                pt * o.tt + pp * o.pt, pt * o.tp + pp * o.pp);
    }

    /**
     * The Jacobian I + h J of the simultaneous update x -> x + h v(x) at a stationary point of v (eigenvalues
     * 1 + h lambda).
     */
    public Jacobian simultaneousStep(double h) {
        return new Jacobian(1 + h * tt, h * tp, h * pt, 1 + h * pp);
    }

    /**
     * The Jacobian of the alternating update ({@link UpdateRule#ALTERNATING}: the generator step, then
     * {@code discriminatorSteps} discriminator steps) at a stationary point of v, where every intermediate
     * point is the stationary point itself: {@code J_D^n J_G} with
     * {@code J_G = [[1 + h tt, h tp], [0, 1]]} and {@code J_D = [[1, 0], [h pt, 1 + h pp]]}. Weight clipping
     * is not part of it (the projection is the identity inside [-c, c]).
     */
    public Jacobian alternatingStep(double h, int discriminatorSteps) {
        if (discriminatorSteps < 1) {
            throw new IllegalArgumentException("alternatingStep: discriminatorSteps " + discriminatorSteps + " < 1");
        }
        Jacobian result = new Jacobian(1 + h * tt, h * tp, 0.0, 1.0);
        Jacobian d = new Jacobian(1.0, 0.0, h * pt, 1 + h * pp);
        for (int k = 0; k < discriminatorSteps; k++) {
            result = d.times(result);
        }
        return result;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "[[%.6g, %.6g], [%.6g, %.6g]]", tt, tp, pt, pp);
    }
}
