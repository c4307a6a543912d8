package io.gcgan.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * A second, deliberately plain implementation of the optimizers, for the trajectory tests: one parameter at a
 * time, double[] loops, written from the formulas (PyTorch's torch.optim docs, the thesis's Algorithms 1 and 2,
 * the GC paper) without reusing anything from the main code. Centring groups are found by unravelling every
 * flat index into its coordinates and keying on the centred dimension's coordinate.
 */
final class ReferenceOptimizer {

    enum Kind { SGD, SGD_MOMENTUM, ADAM, RMSPROP }

    enum Decay { NONE, COUPLED, DECOUPLED }

    /** Everything that defines the update; unused fields are ignored. */
    record Config(Kind kind, double momentum, double dampening, boolean nesterov, boolean bufferStartsAtZero,
                  double beta1, double beta2, double alpha, double eps, double weightDecay, Decay decay,
                  int minRankCentred, boolean roundToFloat) {
    }

    /** One parameter: its values, shape, the dimension centring slices along (-1: never) and its state. */
    static final class P {
        final double[] w;
        final long[] shape;
        final int centreDim;
        final double[] a;  // momentum buffer, exp_avg or square_avg
        final double[] b;  // exp_avg_sq or RMSprop's momentum buffer
        int t;             // updates received

        P(double[] w, long[] shape, int centreDim) {
            this.w = w.clone();
            this.shape = shape.clone();
            this.centreDim = centreDim;
            this.a = new double[w.length];
            this.b = new double[w.length];
        }
    }

    private final Config c;
    final List<P> params = new ArrayList<>();

    ReferenceOptimizer(Config c) {
        this.c = c;
    }

    /** Adds a parameter; {@code centreDim} is where its slices run if its rank qualifies for centring. */
    P add(double[] w, long[] shape, int centreDim) {
        P p = new P(w, shape, shape.length >= c.minRankCentred() ? centreDim : -1);
        if (c.roundToFloat()) {
            round(p.w);
        }
        params.add(p);
        return p;
    }

    /** One step; {@code grads.get(i)} null means parameter i has no gradient this step. */
    void step(List<double[]> grads, double lr) {
        for (int i = 0; i < params.size(); i++) {
            if (grads.get(i) != null) {
                update(params.get(i), grads.get(i), lr);
            }
        }
    }

    private void update(P p, double[] grad, double lr) {
        int n = p.w.length;
        p.t++;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = grad[i];
            if (c.decay() == Decay.COUPLED) {
                d[i] += c.weightDecay() * p.w[i];
            }
        }
        if (p.centreDim >= 0) {
            centre(d, p.shape, p.centreDim);
        }
        if (c.decay() == Decay.DECOUPLED) {
            for (int i = 0; i < n; i++) {
                p.w[i] = p.w[i] * (1 - lr * c.weightDecay());
            }
        }
        switch (c.kind()) {
            case SGD -> {
                for (int i = 0; i < n; i++) {
                    p.w[i] -= lr * d[i];
                }
            }
            case SGD_MOMENTUM -> {
                for (int i = 0; i < n; i++) {
                    if (p.t == 1 && !c.bufferStartsAtZero()) {
                        p.a[i] = d[i];
                    } else {
                        p.a[i] = c.momentum() * p.a[i] + (1 - c.dampening()) * d[i];
                    }
                    double step = c.nesterov() ? d[i] + c.momentum() * p.a[i] : p.a[i];
                    p.w[i] -= lr * step;
                }
            }
            case ADAM -> {
                for (int i = 0; i < n; i++) {
                    p.a[i] = c.beta1() * p.a[i] + (1 - c.beta1()) * d[i];
                    p.b[i] = c.beta2() * p.b[i] + (1 - c.beta2()) * d[i] * d[i];
                    double mHat = p.a[i] / (1 - Math.pow(c.beta1(), p.t));
                    double vHat = p.b[i] / (1 - Math.pow(c.beta2(), p.t));
                    p.w[i] -= lr * mHat / (Math.sqrt(vHat) + c.eps());
                }
            }
            case RMSPROP -> {
                for (int i = 0; i < n; i++) {
                    p.a[i] = c.alpha() * p.a[i] + (1 - c.alpha()) * d[i] * d[i];
                    double avg = Math.sqrt(p.a[i]) + c.eps();
                    if (c.momentum() > 0) {
                        p.b[i] = c.momentum() * p.b[i] + d[i] / avg;
                        p.w[i] -= lr * p.b[i];
                    } else {
                        p.w[i] -= lr * d[i] / avg;
                    }
                }
            }
        }
        if (c.roundToFloat()) {
            round(p.w);
            round(p.a);
            round(p.b);
        }
    }

    /** Subtracts from every element the mean of the elements sharing its coordinate along {@code dim}. */
    static void centre(double[] d, long[] shape, int dim) {
        int slices = (int) shape[dim];
        double[] sum = new double[slices];
        int[] count = new int[slices];
        for (int i = 0; i < d.length; i++) {
            int s = coordinate(i, shape, dim);
            sum[s] += d[i];
            count[s]++;
        }
        for (int i = 0; i < d.length; i++) {
            int s = coordinate(i, shape, dim);
            d[i] -= sum[s] / count[s];
        }
    }

    /** The coordinate along {@code dim} of flat row-major index {@code flat}. */
    static int coordinate(int flat, long[] shape, int dim) {
        long rest = flat;
        for (int k = shape.length - 1; k > dim; k--) {
            rest /= shape[k];
        }
        return (int) (rest % shape[dim]);
    }

    private static void round(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) v[i];
        }
    }
}
