package io.gcgan.optim;

import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.OptimizerHyper;
import java.util.List;

/**
 * Stochastic gradient descent, optionally with momentum, as PyTorch's {@code torch.optim.SGD}, plus the
 * thesis's Algorithm 1 ({@link #thesisMomentum}). With {@code d} the (decayed, centred) gradient:
 * <pre>
 *   momentum 0:  w -= lr d
 *   otherwise:   buf = momentum buf + (1 - dampening) d     (PyTorch: buf = d on a parameter's first update)
 *                w -= lr (nesterov ? d + momentum buf : buf)
 * </pre>
 * State: {@code momentum_buffer} when momentum > 0.
 */
public final class Sgd extends Optimizer {

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final MomentumStart start;

    /** Plain SGD. */
    public Sgd(List<ParamGroup> groups) {
        this(groups, 0.0, 0.0, false, MomentumStart.FIRST_GRADIENT);
    }

    /** SGD with PyTorch's momentum (no dampening, not Nesterov). */
    public Sgd(List<ParamGroup> groups, double momentum) {
        this(groups, momentum, 0.0, false, MomentumStart.FIRST_GRADIENT);
    }

    /**
     * SGD with every momentum option. Nesterov needs momentum > 0 and dampening 0 (as PyTorch);
     * {@code start} chooses how the buffer starts ({@link MomentumStart}).
     */
    public Sgd(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov, MomentumStart start) {
        super(groups);
        if (!(momentum >= 0) || !Double.isFinite(momentum)) {
            throw new IllegalArgumentException("Sgd: momentum must be finite and >= 0, got " + momentum);
        }
        if (momentum == 0 && nesterov) {
            throw new IllegalArgumentException("Sgd: Nesterov momentum requires a momentum > 0 and zero dampening,"
                    + " got momentum=0");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
        this.start = start;
        validate();
    }

    /**
     * The thesis's Algorithm 1: {@code m = beta m + (1 - beta) g} from {@code m = 0}, {@code w -= lr m}, i.e.
     * momentum = dampening = beta with the buffer starting at zero ({@link MomentumStart#ZERO}).
     */
    public static Sgd thesisMomentum(List<ParamGroup> groups, double beta) {
        return new Sgd(groups, beta, beta, false, MomentumStart.ZERO);
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
    }

    public MomentumStart momentumStart() {
        return start;
    }

    @Override
    protected OptimizerHyper hyper(ParamGroup group, double lr) {
        if (momentum == 0) {
            return OptimizerHyper.sgd(lr, group.weightDecay(), group.decayMode());
        }
        return OptimizerHyper.sgdMomentum(lr, momentum, dampening, nesterov, start, group.weightDecay(),
                group.decayMode());
    }

    @Override
    protected List<String> stateNames() {
        return momentum == 0 ? List.of() : List.of("momentum_buffer");
    }
}
