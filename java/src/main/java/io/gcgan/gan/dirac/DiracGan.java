package io.gcgan.gan.dirac;

import io.gcgan.autograd.Autograd;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The Dirac-GAN of Mescheder, Geiger and Nowozin (2018), "Which training methods for GANs do actually
 * converge?" (thesis section 3.1): a one-parameter generator and discriminator whose training dynamics can
 * be drawn in the plane.
 *
 * <h2>Model and sign conventions</h2>
 * <ul>
 *   <li>Data: a Dirac at x = 0. Generator: a Dirac at x = theta. Discriminator: D_psi(x) = psi * x.</li>
 *   <li>{@code f}: f(t) = -log(1 + e^-t) = log sigmoid(t) for {@link Loss#GAN} and {@link Loss#NS_GAN};
 *       f(t) = t for {@link Loss#WGAN}. For the GAN f: f'(t) = sigmoid(-t), f'(0) = 1/2,
 *       f''(t) = -sigmoid(t) sigmoid(-t), f''(0) = -1/4.</li>
 *   <li>The discriminator <b>maximises</b> (the paper's eq. 1)
 *       <pre>  L_D(theta, psi) = E_fake[f(D(x))] + E_real[f(-D(x))] = f(psi theta) + f(-psi 0) = f(psi theta) + f(0)</pre>
 *       minus its penalty R(psi) where one is configured. As in the paper, D's logit points towards
 *       <i>fake</i> (sigmoid(D(x)) is the probability that x is generated); a discriminator written the
 *       usual way round (high on real data) is -D_psi, i.e. its slope is -psi.</li>
 *   <li>The generator <b>minimises</b> L_G: for GAN and WGAN {@code L_G = L_D} (zero-sum, so
 *       {@code L_G = f(psi theta) + f(0)}); for the non-saturating GAN it instead maximises the
 *       log-probability that its sample is real, {@code log sigmoid(-D(x)) = f(-D(x))}, i.e. it minimises
 *       {@code L_G = -f(-psi theta)}.</li>
 *   <li>The gradient vector field is {@code v(theta, psi) = (-dL_G/dtheta, d(L_D - R)/dpsi)}, and one
 *       gradient step of size h moves (theta, psi) by h v. Closed forms (used only as test oracles):
 *       <pre>
 *   GAN, WGAN:  v = (-psi f'(psi theta),  theta f'(psi theta))
 *   NS-GAN:     v = (-psi f'(-psi theta), theta f'(psi theta))</pre>
 *       so at the equilibrium (0, 0) the Jacobian is [[0, -f'(0)], [f'(0), 0]] (eigenvalues +- i f'(0): +- i/2
 *       for GAN and NS-GAN, +- i for WGAN).</li>
 * </ul>
 *
 * <h2>Regularizers</h2>
 * <ul>
 *   <li>{@link Regularizer#ZERO_CENTRED} (gamma): the R1 penalty at the data point,
 *       {@code R = gamma/2 |dD/dx (x=0)|^2 = gamma/2 psi^2}. J(0,0) = [[0, -f'(0)], [f'(0), -gamma]].</li>
 *   <li>{@link Regularizer#WGAN_GP} (gamma): the one-centred penalty at an interpolate x^ = alpha theta
 *       + (1 - alpha) 0, {@code R = gamma/2 (|dD/dx (x^)| - 1)^2 = gamma/2 (|psi| - 1)^2} (Gulrajani et al.'s
 *       lambda is gamma/2; alpha = 1/2 here, and any alpha gives the same value since dD/dx = psi
 *       everywhere; x^ is a detached sample, as in WGAN-GP). The penalty has a kink at psi = 0: its
 *       gradient gamma (|psi| - 1) sign(psi) is taken with sign(0) = 0 (the autograd's |x|' convention), so
 *       v(theta, 0) = (0, theta) and J(0, 0) = [[0, -1], [1, 0]] with WGAN loss; at every psi != 0,
 *       d vPsi / d psi = -gamma.</li>
 *   <li>{@link Regularizer#CONSENSUS} (gamma): consensus optimization (Mescheder, Nowozin, Geiger 2017),
 *       {@code v_c = v - gamma grad(1/2 |v|^2) = v - gamma J^T v}. At the equilibrium (v = 0),
 *       J_c = J - gamma J^T J (eigenvalues -gamma f'(0)^2 +- i f'(0)).</li>
 *   <li>{@link Regularizer#INSTANCE_NOISE} (sigma): Gaussian noise N(0, sigma^2) added to both the real and
 *       the generated sample; the field is that of the expected objectives
 *       {@code L_D = E[f(psi (theta + e))] + E[f(-psi e')]} (and L_G likewise). The expectation has no closed
 *       form for the GAN f, so it is computed by Gauss-Hermite quadrature ({@link #DEFAULT_NOISE_ORDER}
 *       points by default, {@link Builder#noiseQuadratureOrder}), exact at the equilibrium where only
 *       moments up to e^2 enter: J(0,0) = [[0, -f'(0)], [f'(0), 2 sigma^2 f''(0)]], eigenvalues
 *       {@code f''(0) sigma^2 +- sqrt(f''(0)^2 sigma^4 - f'(0)^2)} (the paper's). Away from the equilibrium the
 *       quadrature error grows with sigma |psi| (the sigmoid becomes a step on the scale of the noise).</li>
 *   <li>Weight clipping ({@link Builder#clip}, for WGAN): not part of the field but of the update rule:
 *       psi is projected onto [-c, c] after every discriminator update.</li>
 * </ul>
 *
 * <h2>Computation</h2>
 * Every derivative is taken by {@link Autograd} on float64 CPU scalars: the field from the objectives
 * (penalties differentiate D's input gradient, itself an autograd result with createGraph), consensus from
 * the field (second derivatives), the Jacobian from the field (second derivatives; third for consensus).
 * Closed forms appear only in the tests, as oracles. The class is immutable and thread-safe (autograd
 * state is per call and per thread).
 */
public final class DiracGan {

    /** The function f applied to the discriminator's output, and the generator's loss. */
    public enum Loss {
        /** f(t) = -log(1 + e^-t); the generator minimises the discriminator's objective (zero-sum). */
        GAN,
        /** f(t) = -log(1 + e^-t); the generator minimises -f(-D(G)) (the non-saturating loss). */
        NS_GAN,
        /** f(t) = t; the generator minimises the discriminator's objective. */
        WGAN
    }

    /** What is added to the plain field (one at a time). */
    public enum Regularizer {
        NONE,
        /** gamma/2 (|dD/dx| - 1)^2 at an interpolate, subtracted from the discriminator's objective. */
        WGAN_GP,
        /** gamma/2 |dD/dx|^2 at the data point (R1), subtracted from the discriminator's objective. */
        ZERO_CENTRED,
        /** v - gamma grad(1/2 |v|^2). */
        CONSENSUS,
        /** Gaussian noise of standard deviation sigma on real and generated samples. */
        INSTANCE_NOISE
    }

    /** The Gauss-Hermite order used for instance noise unless the builder says otherwise. */
    public static final int DEFAULT_NOISE_ORDER = 64;

    /** The norm that the WGAN-GP penalty centres the input gradient on (g0 in the paper). */
    public static final double WGAN_GP_CENTRE = 1.0;

    /** The interpolation weight of the WGAN-GP sample, x^ = alpha theta + (1 - alpha) 0. */
    static final double WGAN_GP_ALPHA = 0.5;

    private static final DType DTYPE = DType.FLOAT64;
    private static final Device DEVICE = Device.CPU;
    /** The data point (the real Dirac). */
    private static final double DATA = 0.0;

    private final Loss loss;
    private final Regularizer regularizer;
    private final double gamma;
    private final double sigma;
    private final double clip;
    private final GaussHermite quadrature; // null unless INSTANCE_NOISE

    private DiracGan(Builder b) {
        this.loss = b.loss;
        this.regularizer = b.regularizer;
        this.gamma = b.gamma;
        this.sigma = b.sigma;
        this.clip = b.clip;
        this.quadrature = b.regularizer == Regularizer.INSTANCE_NOISE ? GaussHermite.standardNormal(b.noiseOrder) : null;
    }

    /** A builder starting from the unregularized {@link Loss#GAN} without clipping. */
    public static Builder builder() {
        return new Builder();
    }

    /** The unregularized game with {@code loss}. */
    public static DiracGan of(Loss loss) {
        return builder().loss(loss).build();
    }

    public Loss loss() {
        return loss;
    }

    public Regularizer regularizer() {
        return regularizer;
    }

    /** The penalty or consensus weight gamma (NaN when the regularizer has none). */
    public double gamma() {
        return gamma;
    }

    /** The instance-noise standard deviation (NaN unless the regularizer is instance noise). */
    public double sigma() {
        return sigma;
    }

    /** The clipping bound c on |psi| (+infinity: no clipping). */
    public double clip() {
        return clip;
    }

    /** The Gauss-Hermite order for instance noise (0 for the other regularizers). */
    public int noiseQuadratureOrder() {
        return quadrature == null ? 0 : quadrature.order();
    }

    // ==== the field and its Jacobian =======================================================================

    /** The vector field at (theta, psi). */
    public VectorField v(double theta, double psi) {
        requireFinite("v", theta, psi);
        try (TensorScope ignored = TensorScope.open(); GradMode.Guard on = GradMode.set(true)) {
            Tensor t = leaf(theta);
            Tensor p = leaf(psi);
            Tensor[] field = field(t, p, false);
            return new VectorField(field[0].item(), field[1].item());
        }
    }

    /** The vector field at a point. */
    public VectorField v(Point point) {
        return v(point.theta(), point.psi());
    }

    /** The Jacobian of the vector field at (theta, psi), by differentiating the field with the autograd. */
    public Jacobian jacobian(double theta, double psi) {
        requireFinite("jacobian", theta, psi);
        try (TensorScope ignored = TensorScope.open(); GradMode.Guard on = GradMode.set(true)) {
            Tensor t = leaf(theta);
            Tensor p = leaf(psi);
            Tensor[] field = field(t, p, true);
            List<Tensor> inputs = List.of(t, p);
            double[] rowTheta = values(gradOrZero(field[0], inputs, false));
            double[] rowPsi = values(gradOrZero(field[1], inputs, false));
            return new Jacobian(rowTheta[0], rowTheta[1], rowPsi[0], rowPsi[1]);
        }
    }

    /** The Jacobian at a point. */
    public Jacobian jacobian(Point point) {
        return jacobian(point.theta(), point.psi());
    }

    /** The Jacobian at the equilibrium (0, 0). */
    public Jacobian jacobianAtEquilibrium() {
        return jacobian(0.0, 0.0);
    }

    /**
     * The field on a regular grid: thetaCount values from thetaMin to thetaMax inclusive (likewise psi);
     * a count of 1 takes the minimum only.
     */
    public FieldGrid fieldGrid(double thetaMin, double thetaMax, int thetaCount,
                               double psiMin, double psiMax, int psiCount) {
        if (thetaCount < 1 || psiCount < 1) {
            throw new IllegalArgumentException("fieldGrid: counts " + thetaCount + " x " + psiCount + " must be >= 1");
        }
        requireFinite("fieldGrid", thetaMin, thetaMax);
        requireFinite("fieldGrid", psiMin, psiMax);
        List<FieldGrid.Sample> samples = new ArrayList<>(thetaCount * psiCount);
        for (int j = 0; j < psiCount; j++) {
            double psi = gridValue(psiMin, psiMax, psiCount, j);
            for (int i = 0; i < thetaCount; i++) {
                double theta = gridValue(thetaMin, thetaMax, thetaCount, i);
                VectorField f = v(theta, psi);
                samples.add(new FieldGrid.Sample(theta, psi, f.vTheta(), f.vPsi()));
            }
        }
        return new FieldGrid(thetaCount, psiCount, samples);
    }

    private static double gridValue(double min, double max, int count, int k) {
        return count == 1 ? min : min + (max - min) * k / (count - 1);
    }

    // ==== training dynamics ================================================================================

    /** {@link #simulate(Point, double, int, UpdateRule, int)} with one discriminator step per update. */
    public Trajectory simulate(Point start, double h, int steps, UpdateRule rule) {
        return simulate(start, h, steps, rule, 1);
    }

    /**
     * Gradient descent with step size h for {@code steps} updates from {@code start}. With
     * {@link UpdateRule#ALTERNATING}, each update is one generator step followed by
     * {@code discriminatorSteps} discriminator steps; {@link UpdateRule#SIMULTANEOUS} requires
     * {@code discriminatorSteps == 1}. psi is clipped to [-c, c] after each discriminator step when clipping
     * is configured. The run stops early if a coordinate becomes non-finite (that point is the last).
     */
    public Trajectory simulate(Point start, double h, int steps, UpdateRule rule, int discriminatorSteps) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(rule, "rule");
        if (!(h > 0) || !Double.isFinite(h)) {
            throw new IllegalArgumentException("simulate: step size h = " + h + " must be positive and finite");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("simulate: steps = " + steps + " < 0");
        }
        if (discriminatorSteps < 1 || (rule == UpdateRule.SIMULTANEOUS && discriminatorSteps != 1)) {
            throw new IllegalArgumentException("simulate: discriminatorSteps = " + discriminatorSteps
                    + " (must be 1 for SIMULTANEOUS, >= 1 for ALTERNATING)");
        }
        requireFinite("simulate", start.theta(), start.psi());
        List<Point> points = new ArrayList<>(steps + 1);
        points.add(start);
        double theta = start.theta();
        double psi = start.psi();
        for (int k = 0; k < steps; k++) {
            if (rule == UpdateRule.SIMULTANEOUS) {
                VectorField f = v(theta, psi);
                theta += h * f.vTheta();
                psi = project(psi + h * f.vPsi());
            } else {
                theta += h * v(theta, psi).vTheta();
                for (int d = 0; d < discriminatorSteps && Double.isFinite(theta) && Double.isFinite(psi); d++) {
                    psi = project(psi + h * v(theta, psi).vPsi());
                }
            }
            Point next = new Point(theta, psi);
            points.add(next);
            if (!next.isFinite()) {
                break;
            }
        }
        return new Trajectory(points);
    }

    private double project(double psi) {
        return Math.max(-clip, Math.min(clip, psi));
    }

    // ==== the objectives as tensors ========================================================================

    /**
     * {vTheta, vPsi} at the leaves (theta, psi). With createGraph the results are recorded, so they can be
     * differentiated again.
     */
    private Tensor[] field(Tensor theta, Tensor psi, boolean createGraph) {
        // Consensus differentiates |v|^2, so it needs the plain field recorded.
        boolean recordField = createGraph || regularizer == Regularizer.CONSENSUS;
        Tensor generatorLoss = generatorLoss(theta, psi);
        Tensor discriminatorObjective = discriminatorObjective(theta, psi);
        if (regularizer == Regularizer.WGAN_GP || regularizer == Regularizer.ZERO_CENTRED) {
            discriminatorObjective = discriminatorObjective.sub(penalty(theta, psi));
        }
        Tensor vTheta = gradOrZero(generatorLoss, List.of(theta), recordField).get(0).neg();
        Tensor vPsi = gradOrZero(discriminatorObjective, List.of(psi), recordField).get(0);
        if (regularizer != Regularizer.CONSENSUS) {
            return new Tensor[] {vTheta, vPsi};
        }
        Tensor halfSquaredNorm = vTheta.square().add(vPsi.square()).mul(0.5);
        List<Tensor> g = gradOrZero(halfSquaredNorm, List.of(theta, psi), createGraph);
        return new Tensor[] {vTheta.sub(g.get(0).mul(gamma)), vPsi.sub(g.get(1).mul(gamma))};
    }

    /** f(t) elementwise. */
    private Tensor f(Tensor t) {
        return loss == Loss.WGAN ? t : t.logSigmoid();
    }

    /** D_psi(x) = psi x. */
    private static Tensor discriminator(Tensor psi, Tensor x) {
        return psi.mul(x);
    }

    /** The generated sample(s): theta, or theta + sigma z_i at the quadrature nodes. */
    private Tensor fakeSamples(Tensor theta) {
        return quadrature == null ? theta : theta.add(noise());
    }

    /** The real sample(s): the data point, or data + sigma z_i at the quadrature nodes. */
    private Tensor realSamples() {
        Tensor data = Tensor.scalar(DATA, DTYPE, DEVICE);
        return quadrature == null ? data : data.add(noise());
    }

    private Tensor noise() {
        return Tensor.of(quadrature.nodes(), quadrature.order()).mul(sigma);
    }

    /** E over the sample(s): the value itself, or the quadrature's weighted sum. */
    private Tensor expectation(Tensor values) {
        if (quadrature == null) {
            return values;
        }
        return values.mul(Tensor.of(quadrature.weights(), quadrature.order())).sum();
    }

    /** L_D before any penalty: E_fake[f(D(x))] + E_real[f(-D(x))]. */
    private Tensor discriminatorObjective(Tensor theta, Tensor psi) {
        Tensor fakeTerm = expectation(f(discriminator(psi, fakeSamples(theta))));
        Tensor realTerm = expectation(f(discriminator(psi, realSamples()).neg()));
        return fakeTerm.add(realTerm);
    }

    /** L_G, minimised by the generator (only its dependence on theta matters). */
    private Tensor generatorLoss(Tensor theta, Tensor psi) {
        Tensor d = discriminator(psi, fakeSamples(theta));
        if (loss == Loss.NS_GAN) {
            return expectation(f(d.neg())).neg();
        }
        return expectation(f(d));
    }

    /** The penalty R(psi) on the input gradient of D, built with the autograd (createGraph). */
    private Tensor penalty(Tensor theta, Tensor psi) {
        if (regularizer == Regularizer.ZERO_CENTRED) {
            Tensor x = leaf(DATA);
            Tensor dDdx = Autograd.grad(discriminator(psi, x), x, true);
            return dDdx.square().mul(0.5 * gamma);
        }
        // WGAN_GP: an interpolate between the (detached) generated sample and the data point.
        Tensor x = leaf(WGAN_GP_ALPHA * theta.item() + (1 - WGAN_GP_ALPHA) * DATA);
        Tensor dDdx = Autograd.grad(discriminator(psi, x), x, true);
        return dDdx.abs().sub(WGAN_GP_CENTRE).square().mul(0.5 * gamma);
    }

    // ==== autograd helpers =================================================================================

    private static Tensor leaf(double value) {
        return Tensor.scalar(value, DTYPE, DEVICE).requiresGrad(true);
    }

    private static double[] values(List<Tensor> ts) {
        double[] out = new double[ts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ts.get(i).item();
        }
        return out;
    }

    /**
     * d output / d input for each input, zero for an input the output was not computed from (the engine
     * refuses those; for the Dirac-GAN they occur, e.g. d(-psi)/d theta for WGAN).
     */
    static List<Tensor> gradOrZero(Tensor output, List<Tensor> inputs, boolean createGraph) {
        List<Tensor> result = new ArrayList<>(inputs.size());
        List<Tensor> reached = new ArrayList<>();
        Set<Tensor> ancestors = ancestors(output);
        for (Tensor in : inputs) {
            if (ancestors.contains(in)) {
                reached.add(in);
            }
        }
        List<Tensor> grads = reached.isEmpty() ? List.of()
                : Autograd.grad(List.of(output), reached,
                        List.of(Tensor.ones(output.dtype(), output.device(), output.shape())), createGraph);
        int next = 0;
        for (Tensor in : inputs) {
            if (ancestors.contains(in)) {
                result.add(grads.get(next++));
            } else {
                result.add(Tensor.zeros(in.dtype(), in.device(), in.shape()));
            }
        }
        return result;
    }

    /** Every tensor {@code output} was computed from through recorded operations (itself included). */
    private static Set<Tensor> ancestors(Tensor output) {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        if (!output.requiresGrad()) {
            return seen;
        }
        Deque<Tensor> stack = new ArrayDeque<>();
        seen.add(output);
        stack.push(output);
        while (!stack.isEmpty()) {
            Tensor t = stack.pop();
            if (t.gradFn() == null) {
                continue;
            }
            for (Tensor in : t.gradFn().inputs()) {
                if (in != null && in.requiresGrad() && seen.add(in)) {
                    stack.push(in);
                }
            }
        }
        return seen;
    }

    private static void requireFinite(String op, double a, double b) {
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            throw new IllegalArgumentException(op + ": (" + a + ", " + b + ") is not finite");
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("DiracGan[loss=").append(loss).append(", regularizer=").append(regularizer);
        if (!Double.isNaN(gamma)) {
            s.append(", gamma=").append(fmt(gamma));
        }
        if (!Double.isNaN(sigma)) {
            s.append(", sigma=").append(fmt(sigma)).append(", quadrature=").append(quadrature.order());
        }
        if (clip != Double.POSITIVE_INFINITY) {
            s.append(", clip=").append(fmt(clip));
        }
        return s.append(']').toString();
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%g", x);
    }

    /** Configuration of a {@link DiracGan}; every setter validates its argument. */
    public static final class Builder {
        private Loss loss = Loss.GAN;
        private Regularizer regularizer = Regularizer.NONE;
        private double gamma = Double.NaN;
        private double sigma = Double.NaN;
        private double clip = Double.POSITIVE_INFINITY;
        private int noiseOrder = DEFAULT_NOISE_ORDER;

        private Builder() {
        }

        public Builder loss(Loss loss) {
            this.loss = Objects.requireNonNull(loss, "loss");
            return this;
        }

        /** No regularizer (the default). */
        public Builder unregularized() {
            return set(Regularizer.NONE, Double.NaN, Double.NaN);
        }

        /** The WGAN-GP penalty gamma/2 (|dD/dx| - 1)^2 (gamma > 0). */
        public Builder wganGp(double gamma) {
            return set(Regularizer.WGAN_GP, positive("wganGp: gamma", gamma), Double.NaN);
        }

        /** The zero-centred (R1) penalty gamma/2 |dD/dx|^2 at the data (gamma > 0). */
        public Builder zeroCentred(double gamma) {
            return set(Regularizer.ZERO_CENTRED, positive("zeroCentred: gamma", gamma), Double.NaN);
        }

        /** Consensus optimization v - gamma grad(1/2 |v|^2) (gamma > 0). */
        public Builder consensus(double gamma) {
            return set(Regularizer.CONSENSUS, positive("consensus: gamma", gamma), Double.NaN);
        }

        /** Gaussian instance noise of standard deviation sigma (> 0). */
        public Builder instanceNoise(double sigma) {
            return set(Regularizer.INSTANCE_NOISE, Double.NaN, positive("instanceNoise: sigma", sigma));
        }

        /** {@code regularizer} with its parameter (gamma, or sigma for instance noise; ignored for NONE). */
        public Builder regularizer(Regularizer regularizer, double parameter) {
            return switch (Objects.requireNonNull(regularizer, "regularizer")) {
                case NONE -> unregularized();
                case WGAN_GP -> wganGp(parameter);
                case ZERO_CENTRED -> zeroCentred(parameter);
                case CONSENSUS -> consensus(parameter);
                case INSTANCE_NOISE -> instanceNoise(parameter);
            };
        }

        /** Weight clipping: psi is projected onto [-c, c] after every discriminator step (c > 0). */
        public Builder clip(double c) {
            if (!(c > 0) || Double.isNaN(c)) {
                throw new IllegalArgumentException("clip: bound c = " + c + " must be positive (infinity: none)");
            }
            this.clip = c;
            return this;
        }

        /** Gauss-Hermite order for instance noise (1 ... {@link GaussHermite#MAX_ORDER}). */
        public Builder noiseQuadratureOrder(int order) {
            if (order < 1 || order > GaussHermite.MAX_ORDER) {
                throw new IllegalArgumentException("noiseQuadratureOrder: " + order + " is outside [1, "
                        + GaussHermite.MAX_ORDER + "]");
            }
            this.noiseOrder = order;
            return this;
        }

        public DiracGan build() {
            return new DiracGan(this);
        }

        private Builder set(Regularizer r, double gamma, double sigma) {
            this.regularizer = r;
            this.gamma = gamma;
            this.sigma = sigma;
            return this;
        }

        private static double positive(String what, double value) {
            if (!(value > 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException(what + " = " + value + " must be positive and finite");
            }
            return value;
        }
    }
}
