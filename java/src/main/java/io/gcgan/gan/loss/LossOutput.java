package io.gcgan.gan.loss;

import io.gcgan.tensor.Tensor;

/**
 * How the loss-sensitive discriminator's raw output t becomes the loss L(x) >= 0 of Qi's formulation (see
 * {@link LossSensitiveLoss}).
 */
public enum LossOutput {
    /**
     * L = max(t, 0): a final ReLU, as Qi's reference LS-GAN code ends D. Where it is 0 no gradient flows
     * (to D on that sample, or to G).
     */
    RELU,
    /** L = log(1 + e^t): smooth and strictly positive; never cuts the gradient off. */
    SOFTPLUS,
    /**
     * L = t, unconstrained. Then L(x) >= 0 is not enforced, and with gamma > 0 D's objective is unbounded
     * below (shifting every L by -k lowers gamma E L(x) by gamma k and leaves the hinge term unchanged); use
     * it with gamma = 0, or with a penalty or weight decay that bounds D.
     */
    IDENTITY;

    public Tensor apply(Tensor t) {
        return switch (this) {
            case RELU -> t.relu();
            case SOFTPLUS -> t.softplus();
            case IDENTITY -> t;
        };
    }
}
