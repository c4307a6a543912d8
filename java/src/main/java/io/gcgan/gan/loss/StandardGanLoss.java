package io.gcgan.gan.loss;

import io.gcgan.tensor.Tensor;

/**
 * The standard GAN of Goodfellow et al. (thesis eqs. 3-4, 3-5), on logits t = D's raw output, with
 * D(x) = sigmoid(t):
 *
 * <pre>
 *   D maximises E log D(x) + E log(1 - D(G(z)))  ->  minimises  E softplus(-t_real) + E softplus(t_fake)
 *   G, saturating ("gan"):     minimises E log(1 - D(G(z)))     =  -E softplus(t_fake)
 *   G, non-saturating ("nsgan"): maximises E log D(G(z))  ->  minimises  E softplus(-t_fake)
 * </pre>
 *
 * using log sigmoid(t) = -softplus(-t) and log(1 - sigmoid(t)) = -softplus(t), which are finite for every
 * finite t. The discriminator's loss is the same for both; only G's differs. The saturating G loss has a
 * vanishing gradient where D confidently rejects G's samples (t_fake far below 0), the reason the non-saturating
 * form exists.
 */
public final class StandardGanLoss implements GanLoss {

    private final boolean nonSaturating;

    /** {@code nonSaturating}: G maximises E log D(G(z)) ("nsgan") instead of minimising E log(1 - D(G(z))). */
    public StandardGanLoss(boolean nonSaturating) {
        this.nonSaturating = nonSaturating;
    }

    public boolean nonSaturating() {
        return nonSaturating;
    }

    @Override
    public String name() {
        return nonSaturating ? GanLosses.NSGAN : GanLosses.GAN;
    }

    @Override
    public Tensor discriminatorLoss(Batch b) {
        Tensor real = b.dRealVector(name());
        Tensor fake = b.dFakeVector(name());
        return real.neg().softplus().mean().add(fake.softplus().mean());
    }

    @Override
    public Tensor generatorLoss(Batch b) {
        Tensor fake = b.dFakeVector(name());
        return nonSaturating ? fake.neg().softplus().mean() : fake.softplus().mean().neg();
    }

    @Override
    public String toString() {
        return "StandardGanLoss[" + name() + "]";
    }
}
