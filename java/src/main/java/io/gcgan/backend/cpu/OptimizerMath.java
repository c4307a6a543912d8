package io.gcgan.backend.cpu;

import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.WeightDecayMode;

/**
 * The per-element math of the fused optimizer step, in double, separate from the memory walk
 * ({@link CpuOptimizerStep}) the way PyTorch separates {@code adam_math} from the multi-tensor apply. The
 * formulas are those of {@link OptimizerHyper}; every function works on a block of {@code n} elements of one
 * tensor that all belong to one centring group, whose mean (of the decayed gradient) is {@code mean}, 0 when
 * the tensor is not centred.
 *
 * <p>Arrays: {@code w} weights (updated), {@code g} raw gradients (read), {@code s1}, {@code s2} the slot's
 * state (updated; unused ones may be null).
 */
final class OptimizerMath {

    private OptimizerMath() {
    }

    /**
     * Constants of one slot's update.
     *
     * @param coupledDecay lambda for COUPLED decay, else 0: the decayed gradient is {@code g + coupledDecay w}
     * @param weightScale  {@code 1 - lr lambda} for DECOUPLED decay, else 1: applied to w before the update
     * @param firstStep    SGD momentum: this update initialises the buffer to the gradient (PyTorch's rule)
     * @param stepSize     {@code lr}, or Adam's {@code lr / (1 - beta1^t)}
     * @param bc2Sqrt      Adam's {@code sqrt(1 - beta2^t)}, else 1
     */
    record Coefficients(double coupledDecay, double weightScale, boolean firstStep, double stepSize, double bc2Sqrt) {
    }

    static Coefficients coefficients(OptimizerHyper h, long step) {
        double coupled = h.decayMode() == WeightDecayMode.COUPLED ? h.weightDecay() : 0.0;
        double scale = h.decayMode() == WeightDecayMode.DECOUPLED ? 1.0 - h.lr() * h.weightDecay() : 1.0;
        boolean first = step == 1 && h.momentumStart() == MomentumStart.FIRST_GRADIENT;
        double stepSize = h.lr();
        double bc2Sqrt = 1.0;
        if (h.algorithm() == OptimizerHyper.Algorithm.ADAM) {
            stepSize = h.lr() / (1.0 - Math.pow(h.beta1(), step));
            bc2Sqrt = Math.sqrt(1.0 - Math.pow(h.beta2(), step));
        }
        return new Coefficients(coupled, scale, first, stepSize, bc2Sqrt);
    }

    /**
     * The gradient after coupled weight decay, before centring: {@code g + lambda w}; just {@code g} without
     * coupled decay (so an infinite weight does not turn its slice's mean into NaN through 0 * inf).
     */
    static double decayed(Coefficients c, double w, double g) {
        return c.coupledDecay() == 0.0 ? g : g + c.coupledDecay() * w;
    }

    /**
     * The sum of {@link #decayed} over {@code w[0 .. n)}, {@code g[0 .. n)}: the numerator of a slice's centring
     * mean; without coupled decay just {@link #sum} of {@code g} ({@code w} is not read).
     */
    static double decayedSum(Coefficients c, double[] w, double[] g, int n) {
        if (c.coupledDecay() == 0.0) {
            return sum(g, n);
        }
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += decayed(c, w[i], g[i]);
            s1 += decayed(c, w[i + 1], g[i + 1]);
            s2 += decayed(c, w[i + 2], g[i + 2]);
            s3 += decayed(c, w[i + 3], g[i + 3]);
        }
        for (; i < n; i++) {
            s0 += decayed(c, w[i], g[i]);
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * The sum of {@code x[0 .. n)}. Four interleaved partial sums break the chain of dependent additions (the JIT
     * keeps a floating-point reduction in its written order, so one accumulator costs an add latency per element).
     */
    static double sum(double[] x, int n) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
        }
        for (; i < n; i++) {
            s0 += x[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** One update of {@code n} elements: direction {@code d = decayed(w, g) - mean}, then the algorithm's rule. */
    static void update(OptimizerHyper h, Coefficients c, double[] w, double[] g, double[] s1, double[] s2, int n,
                       double mean) {
        switch (h.algorithm()) {
            case SGD -> sgd(c, w, g, n, mean);
            case SGD_MOMENTUM -> sgdMomentum(h, c, w, g, s1, n, mean);
            case ADAM -> adam(h, c, w, g, s1, s2, n, mean);
            case RMSPROP -> rmsprop(h, c, w, g, s1, s2, n, mean);
        }
    }

    private static void sgd(Coefficients c, double[] w, double[] g, int n, double mean) {
        double lr = c.stepSize();
        for (int i = 0; i < n; i++) {
            double d = decayed(c, w[i], g[i]) - mean;
            w[i] = w[i] * c.weightScale() - lr * d;
        }
    }

    /** s1 = momentum buffer. */
    private static void sgdMomentum(OptimizerHyper h, Coefficients c, double[] w, double[] g, double[] s1, int n,
                                    double mean) {
        double lr = c.stepSize();
        double mu = h.momentum();
        double keep = 1.0 - h.dampening();
        boolean first = c.firstStep();
        boolean nesterov = h.nesterov();
        for (int i = 0; i < n; i++) {
            double d = decayed(c, w[i], g[i]) - mean;
            double buf = first ? d : mu * s1[i] + keep * d;
            s1[i] = buf;
            double u = nesterov ? d + mu * buf : buf;
            w[i] = w[i] * c.weightScale() - lr * u;
        }
    }

    /** s1 = m (exp_avg), s2 = v (exp_avg_sq). */
    private static void adam(OptimizerHyper h, Coefficients c, double[] w, double[] g, double[] s1, double[] s2, int n,
                             double mean) {
        double b1 = h.beta1();
        double b2 = h.beta2();
        double eps = h.eps();
        double stepSize = c.stepSize();
        double bc2Sqrt = c.bc2Sqrt();
        for (int i = 0; i < n; i++) {
            double d = decayed(c, w[i], g[i]) - mean;
            double m = b1 * s1[i] + (1.0 - b1) * d;
            double v = b2 * s2[i] + (1.0 - b2) * d * d;
            s1[i] = m;
            s2[i] = v;
            double denom = Math.sqrt(v) / bc2Sqrt + eps;
            w[i] = w[i] * c.weightScale() - stepSize * m / denom;
        }
    }

    /** s1 = v (square_avg), s2 = momentum buffer (only when momentum > 0). */
    private static void rmsprop(OptimizerHyper h, Coefficients c, double[] w, double[] g, double[] s1, double[] s2,
                                int n, double mean) {
        double alpha = h.alpha();
        double eps = h.eps();
        double mu = h.momentum();
        double lr = c.stepSize();
        for (int i = 0; i < n; i++) {
            double d = decayed(c, w[i], g[i]) - mean;
            double v = alpha * s1[i] + (1.0 - alpha) * d * d;
            s1[i] = v;
            double a = Math.sqrt(v) + eps;
            double u;
            if (mu > 0) {
                u = mu * s2[i] + d / a;
                s2[i] = u;
            } else {
                u = d / a;
            }
            w[i] = w[i] * c.weightScale() - lr * u;
        }
    }
}
