package io.gcgan.backend.cpu;

import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.WeightDecayMode;

/**
 * The per-element math of the fused optimizer step, in double, separate from the memory walk
 * ({@link CpuOptimizerStep}) the way PyTorch separates {@code adam_math} from the multi-tensor apply. The
 * formulas are those of {@link OptimizerHyper}; every loop works on a block of {@code n} elements of one
 * tensor that all belong to one centring group, whose mean (of the decayed gradient) is {@code mean}, 0 when
 * the tensor is not centred.
 *
 * <p>Arrays: {@code w} weights (updated), {@code g} raw gradients (read), {@code s1}, {@code s2} the slot's
 * state (updated; unused ones may be null). Each loop exists for {@code float[]} blocks (float32 tensors: the
 * elements are widened, updated in double and rounded once when stored) and {@code double[]} blocks; the two
 * share the scalar rules below, which the JIT inlines. Every loop indexes all its arrays with the same index:
 * that is the shape the JIT's auto-vectorizer accepts (a variable offset into a second array of the same type,
 * or a running floating-point sum, keeps a loop scalar; measured 3-5x slower per element).
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

        /** The same step for a gradient that already holds the decayed, centred direction. */
        Coefficients withoutCoupledDecay() {
            return new Coefficients(0.0, weightScale, firstStep, stepSize, bc2Sqrt);
        }
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

    // ---- centring sums -------------------------------------------------------------------------------------
    // A slice's sum is gathered in LANES double lanes: element i of each block is added to lane i % LANES, and the
    // lanes are added up once per slice. A full block adds its four quarters to the lanes in one loop whose
    // indices differ by constants, which the JIT vectorizes (the lanes are double, the float gradient cannot alias
    // them). In double, the sum of float32 values is exact to 1e-16 whatever the order, as the CUDA kernel's double
    // partial sums are; float lanes, twice as fast, moved an Adam update by 2e-5 where an element's centred
    // gradient is near 0 (OptimizerTrajectoryTest).

    /** Lanes of a centring sum; a quarter of CpuOptimizerStep.BLOCK. */
    static final int LANES = 256;

    /** {@code lanes[i % LANES] += decayed(w[i], g[i])} for i < n; {@code w} is not read without coupled decay. */
    static void addToLanes(Coefficients c, double[] lanes, float[] w, float[] g, int n) {
        double lambda = c.coupledDecay();
        if (n == 4 * LANES) {
            if (lambda == 0.0) {
                for (int j = 0; j < LANES; j++) {
                    lanes[j] += ((double) g[j] + g[j + LANES]) + ((double) g[j + 2 * LANES] + g[j + 3 * LANES]);
                }
            } else {
                for (int j = 0; j < LANES; j++) {
                    lanes[j] += (g[j] + lambda * w[j] + (g[j + LANES] + lambda * w[j + LANES]))
                            + (g[j + 2 * LANES] + lambda * w[j + 2 * LANES] + (g[j + 3 * LANES] + lambda * w[j + 3 * LANES]));
                }
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            lanes[i & (LANES - 1)] += decayed(c, w == null ? 0.0 : w[i], g[i]);
        }
    }

    /** {@link #addToLanes(Coefficients, double[], float[], float[], int)} for double blocks. */
    static void addToLanes(Coefficients c, double[] lanes, double[] w, double[] g, int n) {
        for (int i = 0; i < n; i++) {
            lanes[i & (LANES - 1)] += decayed(c, w == null ? 0.0 : w[i], g[i]);
        }
    }

    /** {@code sums[i] += decayed(w[i], g[i])} for i < n; {@code w} is not read without coupled decay. */
    static void addByPosition(Coefficients c, double[] sums, float[] w, float[] g, int n) {
        double lambda = c.coupledDecay();
        if (lambda == 0.0) {
            for (int i = 0; i < n; i++) {
                sums[i] += g[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                sums[i] += g[i] + lambda * w[i];
            }
        }
    }

    /** {@link #addByPosition(Coefficients, double[], float[], float[], int)} for double blocks. */
    static void addByPosition(Coefficients c, double[] sums, double[] w, double[] g, int n) {
        double lambda = c.coupledDecay();
        if (lambda == 0.0) {
            for (int i = 0; i < n; i++) {
                sums[i] += g[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                sums[i] += g[i] + lambda * w[i];
            }
        }
    }

    /**
     * {@code g[i] = decayed(w[i], g[i]) - means[i]} for i < n, in place: the direction of the update, which
     * {@link #update} with {@link Coefficients#withoutCoupledDecay} and mean 0 then uses as it stands.
     */
    static void centredDirection(Coefficients c, double[] means, double[] w, double[] g, int n) {
        for (int i = 0; i < n; i++) {
            g[i] = decayed(c, w[i], g[i]) - means[i];
        }
    }

    /**
     * The sum of the {@link #LANES} lanes. Eight interleaved partial sums break the chain of dependent additions
     * (the JIT keeps a floating-point reduction in its written order, so one accumulator would cost an add
     * latency per lane).
     */
    static double sumOfLanes(double[] lanes) {
        double s0 = 0.0;
        double s1 = 0.0;
        double s2 = 0.0;
        double s3 = 0.0;
        double s4 = 0.0;
        double s5 = 0.0;
        double s6 = 0.0;
        double s7 = 0.0;
        for (int i = 0; i < LANES; i += 8) {
            s0 += lanes[i];
            s1 += lanes[i + 1];
            s2 += lanes[i + 2];
            s3 += lanes[i + 3];
            s4 += lanes[i + 4];
            s5 += lanes[i + 5];
            s6 += lanes[i + 6];
            s7 += lanes[i + 7];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    // ---- the rules, per element ----------------------------------------------------------------------------

    /** The new weight: {@code w * weightScale - delta}. */
    private static double stepped(Coefficients c, double w, double delta) {
        return w * c.weightScale() - delta;
    }

    /** SGD momentum's new buffer: {@code d} on the first step (PyTorch's rule), else {@code mu buf + (1 - dampening) d}. */
    private static double momentumBuffer(boolean first, double mu, double keep, double buf, double d) {
        return first ? d : mu * buf + keep * d;
    }

    /** SGD momentum's direction: Nesterov's {@code d + mu buf}, or the buffer. */
    private static double momentumDirection(boolean nesterov, double mu, double buf, double d) {
        return nesterov ? d + mu * buf : buf;
    }

    /** Adam's denominator {@code sqrt(v) / sqrt(1 - beta2^t) + eps}. */
    private static double adamDenominator(double v, double bc2Sqrt, double eps) {
        return Math.sqrt(v) / bc2Sqrt + eps;
    }

    /** An exponential average: {@code beta avg + (1 - beta) x}. */
    private static double average(double beta, double avg, double x) {
        return beta * avg + (1.0 - beta) * x;
    }

    /**
     * An exponential average of squares: {@code beta avg + (1 - beta) d d}, multiplied in that order (the CUDA
     * kernel's float64 path repeats these operations one by one).
     */
    private static double averageOfSquares(double beta, double avg, double d) {
        return beta * avg + (1.0 - beta) * d * d;
    }

    // ---- the loops -----------------------------------------------------------------------------------------

    /** One update of {@code n} float elements: direction {@code d = decayed(w, g) - mean}, then the algorithm's rule. */
    static void update(OptimizerHyper h, Coefficients c, float[] w, float[] g, float[] s1, float[] s2, int n,
                       double mean) {
        switch (h.algorithm()) {
            case SGD -> {
                double lr = c.stepSize();
                for (int i = 0; i < n; i++) {
                    double d = decayed(c, w[i], g[i]) - mean;
                    w[i] = (float) stepped(c, w[i], lr * d);
                }
            }
            case SGD_MOMENTUM -> {
                // s1 = momentum buffer.
                double lr = c.stepSize();
                double mu = h.momentum();
                double keep = 1.0 - h.dampening();
                boolean first = c.firstStep();
                boolean nesterov = h.nesterov();
                for (int i = 0; i < n; i++) {
                    double d = decayed(c, w[i], g[i]) - mean;
                    double buf = momentumBuffer(first, mu, keep, s1[i], d);
                    s1[i] = (float) buf;
                    w[i] = (float) stepped(c, w[i], lr * momentumDirection(nesterov, mu, buf, d));
                }
            }
            case ADAM -> {
                // s1 = m (exp_avg), s2 = v (exp_avg_sq).
                double b1 = h.beta1();
                double b2 = h.beta2();
                double eps = h.eps();
                double stepSize = c.stepSize();
                double bc2Sqrt = c.bc2Sqrt();
                for (int i = 0; i < n; i++) {
                    double d = decayed(c, w[i], g[i]) - mean;
                    double m = average(b1, s1[i], d);
                    double v = averageOfSquares(b2, s2[i], d);
                    s1[i] = (float) m;
                    s2[i] = (float) v;
                    w[i] = (float) stepped(c, w[i], stepSize * m / adamDenominator(v, bc2Sqrt, eps));
                }
            }
            case RMSPROP -> {
                // s1 = v (square_avg), s2 = momentum buffer (only when momentum > 0).
                double alpha = h.alpha();
                double eps = h.eps();
                double mu = h.momentum();
                double lr = c.stepSize();
                if (mu > 0) {
                    for (int i = 0; i < n; i++) {
                        double d = decayed(c, w[i], g[i]) - mean;
                        double v = averageOfSquares(alpha, s1[i], d);
                        s1[i] = (float) v;
                        double u = mu * s2[i] + d / (Math.sqrt(v) + eps);
                        s2[i] = (float) u;
                        w[i] = (float) stepped(c, w[i], lr * u);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        double d = decayed(c, w[i], g[i]) - mean;
                        double v = averageOfSquares(alpha, s1[i], d);
                        s1[i] = (float) v;
                        w[i] = (float) stepped(c, w[i], lr * (d / (Math.sqrt(v) + eps)));
                    }
                }
            }
        }
    }

    /**
     * {@link #update(OptimizerHyper, Coefficients, float[], float[], float[], float[], int, double)} with element
     * i's own mean, {@code d = decayed(w[i], g[i]) - means[i]}: a tile of slices whose runs lie side by side
     * (CpuOptimizerStep.Walk#updateTile). The same arithmetic as the scalar-mean loops, so the same bits.
     */
    static void update(OptimizerHyper h, Coefficients c, float[] w, float[] g, float[] s1, float[] s2, int n,
                       double[] means) {
        switch (h.algorithm()) {
            case SGD -> {
                double lr = c.stepSize();
                for (int i = 0; i < n; i++) {
                    double d = decayed(c, w[i], g[i]) - means[i];
                    w[i] = (float) stepped(c, w[i], lr * d);
                }
            }
            case SGD_MOMENTUM -> {
                double lr = c.stepSize();
                double mu = h.momentum();
                double keep = 1.0 - h.dampening();
                boolean first = c.firstStep();
                boolean nesterov = h.nesterov();
                for (int i = 0; i < n; i++) {
                    double d = decayed(c, w[i], g[i]) - means[i];
                    double buf = momentumBuffer(first, mu, keep, s1[i], d);
                    s1[i] = (float) buf;
                    w[i] = (float) stepped(c, w[i], lr * momentumDirection(nesterov, mu, buf, d));
                }
            }
            case ADAM -> {
                double b1 = h.beta1();
                double b2 = h.beta2();
                double eps = h.eps();
                double stepSize = c.stepSize();
                double bc2Sqrt = c.bc2Sqrt();
                for (int i = 0; i < n; i++) {
                    double d = decayed(c, w[i], g[i]) - means[i];
                    double m = average(b1, s1[i], d);
                    double v = averageOfSquares(b2, s2[i], d);
                    s1[i] = (float) m;
                    s2[i] = (float) v;
                    w[i] = (float) stepped(c, w[i], stepSize * m / adamDenominator(v, bc2Sqrt, eps));
                }
            }
            case RMSPROP -> {
                double alpha = h.alpha();
                double eps = h.eps();
                double mu = h.momentum();
                double lr = c.stepSize();
                for (int i = 0; i < n; i++) {
                    double d = decayed(c, w[i], g[i]) - means[i];
                    double v = averageOfSquares(alpha, s1[i], d);
                    s1[i] = (float) v;
                    double u = d / (Math.sqrt(v) + eps);
                    if (mu > 0) {
                        u = mu * s2[i] + u;
                        s2[i] = (float) u;
                    }
                    w[i] = (float) stepped(c, w[i], lr * u);
                }
            }
        }
    }

    /** {@link #update(OptimizerHyper, Coefficients, float[], float[], float[], float[], int, double)} for doubles. */
    static void update(OptimizerHyper h, Coefficients c, double[] w, double[] g, double[] s1, double[] s2, int n,
                       double mean) {
        switch (h.algorithm()) {
            case SGD -> {
                double lr = c.stepSize();
                for (int i = 0; i < n; i++) {
                    double d = decayed(c, w[i], g[i]) - mean;
                    w[i] = stepped(c, w[i], lr * d);
                }
            }
            case SGD_MOMENTUM -> {
                double lr = c.stepSize();
                double mu = h.momentum();
                double keep = 1.0 - h.dampening();
                boolean first = c.firstStep();
                boolean nesterov = h.nesterov();
                for (int i = 0; i < n; i++) {
                    double d = decayed(c, w[i], g[i]) - mean;
                    double buf = momentumBuffer(first, mu, keep, s1[i], d);
                    s1[i] = buf;
                    w[i] = stepped(c, w[i], lr * momentumDirection(nesterov, mu, buf, d));
                }
            }
            case ADAM -> {
                double b1 = h.beta1();
                double b2 = h.beta2();
                double eps = h.eps();
                double stepSize = c.stepSize();
                double bc2Sqrt = c.bc2Sqrt();
                for (int i = 0; i < n; i++) {
                    double d = decayed(c, w[i], g[i]) - mean;
                    double m = average(b1, s1[i], d);
                    double v = averageOfSquares(b2, s2[i], d);
                    s1[i] = m;
                    s2[i] = v;
                    w[i] = stepped(c, w[i], stepSize * m / adamDenominator(v, bc2Sqrt, eps));
                }
            }
            case RMSPROP -> {
                double alpha = h.alpha();
                double eps = h.eps();
                double mu = h.momentum();
                double lr = c.stepSize();
                if (mu > 0) {
                    for (int i = 0; i < n; i++) {
                        double d = decayed(c, w[i], g[i]) - mean;
                        double v = averageOfSquares(alpha, s1[i], d);
                        s1[i] = v;
                        double u = mu * s2[i] + d / (Math.sqrt(v) + eps);
                        s2[i] = u;
                        w[i] = stepped(c, w[i], lr * u);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        double d = decayed(c, w[i], g[i]) - mean;
                        double v = averageOfSquares(alpha, s1[i], d);
                        s1[i] = v;
                        w[i] = stepped(c, w[i], lr * (d / (Math.sqrt(v) + eps)));
                    }
                }
            }
        }
    }
}
