package io.gcgan.backend;

/**
 * The hyper-parameters of one fused optimizer step ({@link Backend#optimizerStep}), shared by every tensor of
 * the call (one parameter group). Fields an algorithm does not use are 0 / false / the default enum value;
 * the factories fill them that way.
 *
 * <p>Per element, with {@code g} the gradient, {@code w} the weight, {@code lambda = weightDecay}, {@code t} the
 * slot's step count (1 on a parameter's first update) and {@code P} the slot's centring (identity when the slot
 * is not centred):
 * <pre>
 *   d = P(g + lambda w)                 COUPLED decay  (P(g) for NONE and DECOUPLED)
 *   w = w (1 - lr lambda)               DECOUPLED decay only, before the update below
 *
 *   SGD           w -= lr d
 *   SGD_MOMENTUM  buf = (t == 1 and momentumStart == FIRST_GRADIENT) ? d : momentum buf + (1 - dampening) d
 *                 u = nesterov ? d + momentum buf : buf;                    w -= lr u
 *   ADAM          m = beta1 m + (1 - beta1) d;   v = beta2 v + (1 - beta2) d^2
 *                 w -= (lr / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *   RMSPROP       v = alpha v + (1 - alpha) d^2;  a = sqrt(v) + eps
 *                 momentum > 0: buf = momentum buf + d / a;  w -= lr buf     else  w -= lr d / a
 * </pre>
 * These are PyTorch's {@code torch.optim} SGD, Adam (amsgrad off) and RMSprop (centered off), with gradient
 * centralization inserted after coupled weight decay and before the moments, as in the official GC code.
 *
 * <p>State per slot: SGD none; SGD_MOMENTUM {@code state1 = buf}; ADAM {@code state1 = m, state2 = v};
 * RMSPROP {@code state1 = v}, {@code state2 = buf} when momentum > 0. State starts at zero.
 */
public record OptimizerHyper(
        Algorithm algorithm,
        double lr,
        double momentum,
        double dampening,
        boolean nesterov,
        MomentumStart momentumStart,
        double beta1,
        double beta2,
        double alpha,
        double eps,
        double weightDecay,
        WeightDecayMode decayMode) {

    /** The update rule. */
    public enum Algorithm {
        SGD,
        SGD_MOMENTUM,
        ADAM,
        RMSPROP
    }

    public OptimizerHyper {
        if (algorithm == null || momentumStart == null || decayMode == null) {
            throw new IllegalArgumentException("OptimizerHyper: algorithm, momentumStart and decayMode must be set");
        }
        requireFinite("lr", lr);
        requireFinite("momentum", momentum);
        requireFinite("dampening", dampening);
        requireFinite("beta1", beta1);
        requireFinite("beta2", beta2);
        requireFinite("alpha", alpha);
        requireFinite("eps", eps);
        requireFinite("weightDecay", weightDecay);
        if (lr < 0) {
            throw new IllegalArgumentException("OptimizerHyper: learning rate must be >= 0, got " + lr);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("OptimizerHyper: weight decay must be >= 0, got " + weightDecay);
        }
        if (decayMode == WeightDecayMode.NONE && weightDecay != 0) {
            throw new IllegalArgumentException("OptimizerHyper: weight decay " + weightDecay
                    + " given with decay mode NONE; choose COUPLED or DECOUPLED");
        }
        if (eps < 0) {
            throw new IllegalArgumentException("OptimizerHyper: eps must be >= 0, got " + eps);
        }
        switch (algorithm) {
            case SGD_MOMENTUM -> {
                if (momentum < 0 || dampening < 0 || dampening > 1) {
                    throw new IllegalArgumentException("OptimizerHyper: SGD momentum must be >= 0 and dampening in"
                            + " [0, 1], got momentum=" + momentum + " dampening=" + dampening);
                }
                if (nesterov && (momentum <= 0 || dampening != 0)) {
                    throw new IllegalArgumentException("OptimizerHyper: Nesterov momentum requires a momentum > 0"
                            + " and zero dampening, got momentum=" + momentum + " dampening=" + dampening);
                }
            }
            case ADAM -> {
                if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
                    throw new IllegalArgumentException("OptimizerHyper: Adam betas must be in [0, 1), got beta1="
                            + beta1 + " beta2=" + beta2);
                }
            }
            case RMSPROP -> {
                if (alpha < 0 || alpha > 1 || momentum < 0) {
                    throw new IllegalArgumentException("OptimizerHyper: RMSprop alpha must be in [0, 1] and"
                            + " momentum >= 0, got alpha=" + alpha + " momentum=" + momentum);
                }
            }
            case SGD -> {
                // lr and decay only.
            }
        }
    }

    /** Plain SGD: {@code w -= lr d}. */
    public static OptimizerHyper sgd(double lr, double weightDecay, WeightDecayMode decayMode) {
        return new OptimizerHyper(Algorithm.SGD, lr, 0, 0, false, MomentumStart.FIRST_GRADIENT, 0, 0, 0, 0,
                weightDecay, decayMode);
    }

    /** SGD with momentum as PyTorch (or the thesis's Algorithm 1 with {@link MomentumStart#ZERO}). */
    public static OptimizerHyper sgdMomentum(double lr, double momentum, double dampening, boolean nesterov,
                                             MomentumStart start, double weightDecay, WeightDecayMode decayMode) {
        return new OptimizerHyper(Algorithm.SGD_MOMENTUM, lr, momentum, dampening, nesterov, start, 0, 0, 0, 0,
                weightDecay, decayMode);
    }

    /** Adam with bias correction (AdamW with {@link WeightDecayMode#DECOUPLED}). */
    public static OptimizerHyper adam(double lr, double beta1, double beta2, double eps, double weightDecay,
                                      WeightDecayMode decayMode) {
        return new OptimizerHyper(Algorithm.ADAM, lr, 0, 0, false, MomentumStart.FIRST_GRADIENT, beta1, beta2, 0,
                eps, weightDecay, decayMode);
    }

    /** RMSprop, not centred; {@code momentum = 0} for none. */
    public static OptimizerHyper rmsprop(double lr, double alpha, double eps, double momentum, double weightDecay,
                                         WeightDecayMode decayMode) {
        return new OptimizerHyper(Algorithm.RMSPROP, lr, momentum, 0, false, MomentumStart.FIRST_GRADIENT, 0, 0,
                alpha, eps, weightDecay, decayMode);
    }

    /** The same hyper-parameters with another learning rate. */
    public OptimizerHyper withLr(double newLr) {
        return new OptimizerHyper(algorithm, newLr, momentum, dampening, nesterov, momentumStart, beta1, beta2,
                alpha, eps, weightDecay, decayMode);
    }

    /** How many state storages (state1, state2) each slot needs: 0, 1 or 2. */
    public int stateCount() {
        return switch (algorithm) {
            case SGD -> 0;
            case SGD_MOMENTUM -> 1;
            case ADAM -> 2;
            case RMSPROP -> momentum > 0 ? 2 : 1;
        };
    }

    private static void requireFinite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("OptimizerHyper: " + name + " must be finite, got " + v);
        }
    }
}
