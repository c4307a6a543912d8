package io.gcgan.gan.loss;

import io.gcgan.tensor.Tensor;

/**
 * The hinge loss (Lim and Ye; Miyato et al.'s SN-GAN), on D's raw output t:
 *
 * <pre>
 *   D minimises  E relu(1 - t_real) + E relu(1 + t_fake)
 *   G minimises  -E t_fake
 * </pre>
 */
public final class HingeLoss implements GanLoss {

    @Override
    public String name() {
        return GanLosses.HINGE;
    }

    @Override
    public Tensor discriminatorLoss(Batch b) {
        Tensor real = b.dRealVector(name());
        Tensor fake = b.dFakeVector(name());
        return real.neg().add(1.0).relu().mean().add(fake.add(1.0).relu().mean());
    }

    @Override
    public Tensor generatorLoss(Batch b) {
        return b.dFakeVector(name()).mean().neg();
    }

    @Override
    public String toString() {
        return "HingeLoss";
    }
}
