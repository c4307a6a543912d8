package io.gcgan.gan.loss;

import io.gcgan.tensor.Tensor;

/**
 * Least-squares GAN (Mao et al., "LSGAN"; not to be confused with the loss-sensitive GAN, see
 * {@link LossSensitiveLoss}), on D's raw output t with target codes a (fake), b (real) and c (what G wants D
 * to believe):
 *
 * <pre>
 *   D minimises  1/2 E (t_real - b)^2 + 1/2 E (t_fake - a)^2
 *   G minimises  1/2 E (t_fake - c)^2
 * </pre>
 *
 * The default codes a = 0, b = c = 1 are the common choice (Mao et al.'s eq. 9); a = -1, b = 1, c = 0 is
 * their Pearson chi-squared choice.
 */
public final class LeastSquaresLoss implements GanLoss {

    private final double fakeTarget;
    private final double realTarget;
    private final double generatorTarget;

    /** Codes a = 0, b = 1, c = 1. */
    public LeastSquaresLoss() {
        this(0.0, 1.0, 1.0);
    }

    /** Target codes a (for D on fakes), b (for D on reals), c (for G). */
    public LeastSquaresLoss(double fakeTarget, double realTarget, double generatorTarget) {
        if (!Double.isFinite(fakeTarget) || !Double.isFinite(realTarget) || !Double.isFinite(generatorTarget)) {
            throw new IllegalArgumentException("lsgan: target codes must be finite, got a=" + fakeTarget + " b="
                    + realTarget + " c=" + generatorTarget);
        }
        this.fakeTarget = fakeTarget;
        this.realTarget = realTarget;
        this.generatorTarget = generatorTarget;
    }

    @Override
    public String name() {
        return GanLosses.LEAST_SQUARES;
    }

    @Override
    public Tensor discriminatorLoss(Batch b) {
        Tensor real = b.dRealVector(name()).sub(realTarget).square().mean();
        Tensor fake = b.dFakeVector(name()).sub(fakeTarget).square().mean();
        return real.add(fake).mul(0.5);
    }

    @Override
    public Tensor generatorLoss(Batch b) {
        return b.dFakeVector(name()).sub(generatorTarget).square().mean().mul(0.5);
    }

    @Override
    public String toString() {
        return "LeastSquaresLoss[a=" + fakeTarget + ", b=" + realTarget + ", c=" + generatorTarget + "]";
    }
}
