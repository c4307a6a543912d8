package io.gcgan.optim;

import io.gcgan.tensor.Tensor;

/** Small hand-written parameters and gradients for the optimizer tests (float64, CPU). */
final class OptimizerFixtures {

    private OptimizerFixtures() {
    }

    /** A 1-D float64 parameter holding {@code values}, requiring a gradient. */
    static Tensor param(double... values) {
        return Tensor.of(values, values.length).requiresGrad(true);
    }

    /** Sets {@code p}'s gradient to {@code g} (its shape). */
    static void grad(Tensor p, double... g) {
        p.zeroGrad();
        p.accumulateGrad(Tensor.of(g, p.shape()));
    }
}
