package io.gcgan.optim;

import io.gcgan.backend.OptimizerHyper;
import java.util.List;

/**
 * RMSProp as PyTorch's {@code torch.optim.RMSprop} with {@code centered=False} (the WGAN paper's optimizer).
 * With {@code d} the (decayed, centred) gradient:
 * <pre>
 *   v = alpha v + (1 - alpha) d^2;   a = sqrt(v) + eps
 *   momentum 0:  w -= lr d / a
 *   otherwise:   buf = momentum buf + d / a;   w -= lr buf
 * </pre>
 * State: {@code square_avg} (v), and {@code momentum_buffer} when momentum > 0.
 */
public final class RmsProp extends Optimizer {

    private final double alpha;
    private final double eps;
    private final double momentum;

    /** PyTorch's defaults: alpha 0.99, eps 1e-8, no momentum. */
    public RmsProp(List<ParamGroup> groups) {
        this(groups, 0.99, 1e-8, 0.0);
    }

    public RmsProp(List<ParamGroup> groups, double alpha, double eps, double momentum) {
        super(groups);
        this.alpha = alpha;
        this.eps = eps;
        this.momentum = momentum;
        validate();
    }

    public double alpha() {
        return alpha;
    }

    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    @Override
    protected OptimizerHyper hyper(ParamGroup group, double lr) {
        return OptimizerHyper.rmsprop(lr, alpha, eps, momentum, group.weightDecay(), group.decayMode());
    }

    @Override
    protected List<String> stateNames() {
        return momentum > 0 ? List.of("square_avg", "momentum_buffer") : List.of("square_avg");
    }
}
