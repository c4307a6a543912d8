package io.gcgan.gan.loss;

import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;

/**
 * The loss-sensitive GAN of G.-J. Qi ("LS-GAN", CLI name {@code "loss-sensitive"}) and its generalization
 * (GLS-GAN, {@code "gls-gan"}). Not the least-squares GAN of Mao et al. ({@link LeastSquaresLoss},
 * {@code "lsgan"}).
 *
 * <p>D is a loss function L(x) >= 0 that should be smaller on real than on generated samples by a margin
 * that grows with their distance. With L = {@link LossOutput} applied to D's raw output, paired samples
 * (x_n, G(z_n)) and Delta_n = tau * d(x_n, G(z_n)) ({@link PairDistance}, by default the L1 norm over the
 * pixels):
 *
 * <pre>
 *   a_n = Delta_n + L(x_n) - L(G(z_n))
 *   D minimises  gamma E L(x) + lambda E C_nu(a)
 *   G minimises  E L(G(z))
 *   C_nu(a) = max(a, nu a)          nu &lt;= 1
 *           = (a)+  for nu = 0   (LS-GAN)
 *           = a     for nu = 1   (WGAN-like: the D loss is (gamma + lambda) E L(x) - lambda E L(G(z)) + const)
 *           = |a|   for nu = -1
 * </pre>
 *
 * For nu &lt;= 1, max(a, nu a) is the leaky ReLU of slope nu, which is how it is computed. Delta is a constant
 * for D: it is computed from detached samples, so no gradient flows through it. N is the batch; x and G(z)
 * are paired by index.
 *
 * <p>Defaults ({@link GanLosses.Options}) follow Qi's reference code: a final ReLU makes L >= 0, gamma = 0
 * (the theorem lets the E L(x) term be dropped; a small positive value can stabilise), lambda = 1, and
 * Delta = 2e-4 * ||x - G(z)||_1 (summed over the pixels, which that code tuned on 3x64x64 images; on smaller
 * images the same tau gives a proportionally smaller margin; {@link PairDistance#L1_MEAN} removes that
 * dependence).
 */
public final class LossSensitiveLoss implements GanLoss {

    private final String name;
    private final double nu;
    private final double gamma;
    private final double lambda;
    private final double tau;
    private final PairDistance distance;
    private final LossOutput output;

    private LossSensitiveLoss(String name, double nu, double gamma, double lambda, double tau, PairDistance distance,
                              LossOutput output) {
        if (!(nu <= 1) || !Double.isFinite(nu)) {
            throw new IllegalArgumentException(name + ": nu must be finite and <= 1 (0 = LS-GAN, 1 = WGAN-like,"
                    + " -1 = |a|), got " + nu);
        }
        if (!(gamma >= 0) || !Double.isFinite(gamma) || !(lambda > 0) || !Double.isFinite(lambda)
                || !(tau >= 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException(name + ": need finite gamma >= 0, lambda > 0 and tau >= 0, got gamma="
                    + gamma + " lambda=" + lambda + " tau=" + tau);
        }
        if (distance == null || output == null) {
            throw new IllegalArgumentException(name + ": pair distance and loss output must be given");
        }
        this.name = name;
        this.nu = nu;
        this.gamma = gamma;
        this.lambda = lambda;
        this.tau = tau;
        this.distance = distance;
        this.output = output;
    }

    /** Qi's LS-GAN (the hinge (a)+, nu = 0), named {@code "loss-sensitive"}. */
    public static LossSensitiveLoss lsGan(double gamma, double lambda, double tau, PairDistance distance,
                                          LossOutput output) {
        return new LossSensitiveLoss(GanLosses.LOSS_SENSITIVE, 0.0, gamma, lambda, tau, distance, output);
    }

    /** The generalized LS-GAN with cost C_nu(a) = max(a, nu a), nu at most 1, named {@code "gls-gan"}. */
    public static LossSensitiveLoss glsGan(double nu, double gamma, double lambda, double tau, PairDistance distance,
                                           LossOutput output) {
        return new LossSensitiveLoss(GanLosses.GLS_GAN, nu, gamma, lambda, tau, distance, output);
    }

    @Override
    public String name() {
        return name;
    }

    public double nu() {
        return nu;
    }

    public double gamma() {
        return gamma;
    }

    public double lambda() {
        return lambda;
    }

    public double tau() {
        return tau;
    }

    public PairDistance pairDistance() {
        return distance;
    }

    public LossOutput lossOutput() {
        return output;
    }

    @Override
    public boolean needsSamples() {
        return true;
    }

    /** The margins Delta_n = tau * d(x_n, G(z_n)) [N], constant for autograd. */
    public Tensor margins(Tensor real, Tensor fake) {
        return distance.between(real, fake).mul(tau);
    }

    /** C_nu(a) = max(a, nu a) elementwise (a leaky ReLU of slope nu, since nu is at most 1). */
    public Tensor cost(Tensor a) {
        return a.leakyRelu(nu);
    }

    @Override
    public Tensor discriminatorLoss(Batch b) {
        Tensor lReal = output.apply(b.dRealVector(name));
        Tensor lFake = output.apply(b.dFakeVector(name));
        Tensor real = b.realSamples(name);
        Tensor fake = b.fakeSamples(name);
        long n = lReal.size(0);
        if (lFake.size(0) != n || real.rank() < 1 || real.size(0) != n) {
            throw new IllegalArgumentException(name + ": D(x) " + Shapes.toString(b.dReal().shape()) + ", D(G(z)) "
                    + Shapes.toString(b.dFake().shape()) + " and samples " + Shapes.toString(real.shape())
                    + " must share the batch size (x and G(z) are paired by index)");
        }
        Tensor a = margins(real, fake).add(lReal).sub(lFake);
        return lReal.mean().mul(gamma).add(cost(a).mean().mul(lambda));
    }

    @Override
    public Tensor generatorLoss(Batch b) {
        return output.apply(b.dFakeVector(name)).mean();
    }

    @Override
    public String toString() {
        return "LossSensitiveLoss[" + name + ", nu=" + nu + ", gamma=" + gamma + ", lambda=" + lambda + ", tau=" + tau
                + ", distance=" + distance + ", output=" + output + "]";
    }
}
