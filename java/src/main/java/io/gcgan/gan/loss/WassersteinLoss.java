package io.gcgan.gan.loss;

import io.gcgan.tensor.Tensor;
import java.util.OptionalDouble;

/**
 * WGAN (Arjovsky et al.; thesis eqs. 3-11, 3-12) on the critic's raw output f:
 *
 * <pre>
 *   D maximises E f(x) - E f(G(z))  ->  minimises  E f(G(z)) - E f(x)
 *   G maximises E f(G(z))           ->  minimises  -E f(G(z))
 * </pre>
 *
 * The Lipschitz constraint is weight clipping to [-c, c] after every D step ({@link #weightClip()}, applied
 * by {@link io.gcgan.gan.penalty.WeightClipping}); c = 0 turns clipping off (for WGAN-GP, which uses a
 * {@link io.gcgan.gan.penalty.CentredGradientPenalty} instead).
 */
public final class WassersteinLoss implements GanLoss {

    /** The clipping bound of the WGAN paper. */
    public static final double DEFAULT_CLIP = 0.01;

    private final double clip;

    /** WGAN with clipping to [-clip, clip]; clip = 0 for none. */
    public WassersteinLoss(double clip) {
        if (!(clip >= 0) || !Double.isFinite(clip)) {
            throw new IllegalArgumentException("wgan: the clipping bound c must be finite and >= 0 (0 = no clipping),"
                    + " got " + clip);
        }
        this.clip = clip;
    }

    /** WGAN with the paper's clipping bound 0.01. */
    public WassersteinLoss() {
        this(DEFAULT_CLIP);
    }

    @Override
    public String name() {
        return GanLosses.WGAN;
    }

    @Override
    public Tensor discriminatorLoss(Batch b) {
        return b.dFakeVector(name()).mean().sub(b.dRealVector(name()).mean());
    }

    @Override
    public Tensor generatorLoss(Batch b) {
        return b.dFakeVector(name()).mean().neg();
    }

    @Override
    public OptionalDouble weightClip() {
        return clip > 0 ? OptionalDouble.of(clip) : OptionalDouble.empty();
    }

    @Override
    public String toString() {
        return "WassersteinLoss[clip=" + clip + "]";
    }
}
