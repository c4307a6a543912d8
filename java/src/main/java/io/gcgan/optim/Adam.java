package io.gcgan.optim;

import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.WeightDecayMode;
import java.util.List;

/**
 * Adam with bias correction, as PyTorch's {@code torch.optim.Adam} (amsgrad off) and the thesis's Algorithm 2;
 * a group with {@link WeightDecayMode#DECOUPLED} decay makes it AdamW. With {@code d} the (decayed, centred)
 * gradient and t the parameter's update count:
 * <pre>
 *   m = beta1 m + (1 - beta1) d;   v = beta2 v + (1 - beta2) d^2
 *   w -= lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 * State: {@code exp_avg} (m), {@code exp_avg_sq} (v).
 */
public final class Adam extends Optimizer {

    private final double beta1;
    private final double beta2;
    private final double eps;

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8. */
    public Adam(List<ParamGroup> groups) {
        this(groups, 0.9, 0.999, 1e-8);
    }

    public Adam(List<ParamGroup> groups, double beta1, double beta2, double eps) {
        super(groups);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        validate();
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    @Override
    protected OptimizerHyper hyper(ParamGroup group, double lr) {
        return OptimizerHyper.adam(lr, beta1, beta2, eps, group.weightDecay(), group.decayMode());
    }

    @Override
    protected List<String> stateNames() {
        return List.of("exp_avg", "exp_avg_sq");
    }
}
