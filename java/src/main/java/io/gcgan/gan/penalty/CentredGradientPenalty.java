package io.gcgan.gan.penalty;

import io.gcgan.autograd.Autograd;
import io.gcgan.random.Generator;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one centred gradient penalty on the discriminator's input gradient:
 *
 * <pre>
 *   P = lambda * mean_n (||g_n|| - c)^2          g_n = d D(x^)_n / d x^_n,  ||g_n|| = sqrt(sum g_n^2 + eps)
 *   one-sided:  lambda * mean_n max(0, ||g_n|| - c)^2
 * </pre>
 *
 * with the norm taken per sample over all its elements (x^ is [N, ...]; N the batch), eps inside the square
 * root (so the derivative stays finite where g_n = 0), and the points x^ one of {@link Points}. For c = 0 the
 * term is (sqrt(s + eps))^2 = s + eps exactly, and is computed so (no square root; one-sided changes nothing).
 *
 * <p>Presets (the table the CLI offers):
 * <pre>
 *   wganGp(lambda)       c = 1, interpolates    Gulrajani et al. (lambda = 10 in the paper)
 *   zeroCentred(lambda)  c = 0, interpolates    0-GP of Thanh-Tung et al.: lambda E ||grad D(x^)||^2
 *   r1(gamma)            c = 0, real            Mescheder et al.: (gamma / 2) E ||grad D(x)||^2
 *   r2(gamma)            c = 0, fake            the same at G(z): (gamma / 2) E ||grad D(G(z))||^2
 * </pre>
 * r1 and r2 take the papers' gamma and use lambda = gamma / 2, so {@code r1(10)} is StyleGAN's
 * {@code r1_gamma = 10}.
 *
 * <p>The points are detached from G (the penalty trains D only), and the gradient is taken with
 * {@code createGraph}, so the returned penalty backpropagates into D's parameters (double backward).
 * Per-sample gradients come from one backward pass of sum_n D(x^)_n, which is exact when D treats the samples
 * of a batch independently: not so for BatchNorm in training mode (batch statistics couple the samples), the
 * usual caveat of gradient penalties; use D in a mode where samples are independent, or accept the coupling.
 */
public final class CentredGradientPenalty {

    /** Where the gradient is taken. */
    public enum Points {
        /** x^ = x (R1). */
        REAL,
        /** x^ = G(z) (R2). */
        FAKE,
        /** x^_n = alpha_n x_n + (1 - alpha_n) G(z_n), alpha_n ~ U(0, 1) per sample, x and G(z) paired by index. */
        INTERPOLATES
    }

    /** The default eps inside the square root. */
    public static final double DEFAULT_EPS = 1e-12;

    private final double lambda;
    private final double centre;
    private final Points points;
    private final boolean oneSided;
    private final double eps;

    /**
     * @param lambda   weight (>= 0)
     * @param centre   the target norm c (0 or 1 in the presets; any finite c >= 0)
     * @param points   where the gradient is taken
     * @param oneSided penalise only norms above c
     * @param eps      inside the square root (>= 0)
     */
    public CentredGradientPenalty(double lambda, double centre, Points points, boolean oneSided, double eps) {
        if (!(lambda >= 0) || !Double.isFinite(lambda) || !(centre >= 0) || !Double.isFinite(centre)
                || !(eps >= 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("gradient penalty: need finite lambda >= 0, centre >= 0 and eps >= 0,"
                    + " got lambda=" + lambda + " centre=" + centre + " eps=" + eps);
        }
        this.lambda = lambda;
        this.centre = centre;
        this.points = Objects.requireNonNull(points, "points");
        this.oneSided = oneSided;
        this.eps = eps;
    }

    /** Two-sided, with {@link #DEFAULT_EPS}. */
    public CentredGradientPenalty(double lambda, double centre, Points points) {
        this(lambda, centre, points, false, DEFAULT_EPS);
    }

    /** WGAN-GP: lambda E (||grad D(x^)|| - 1)^2 at interpolates. */
    public static CentredGradientPenalty wganGp(double lambda) {
        return new CentredGradientPenalty(lambda, 1.0, Points.INTERPOLATES);
    }

    /** 0-GP (Thanh-Tung et al.): lambda E ||grad D(x^)||^2 at interpolates. */
    public static CentredGradientPenalty zeroCentred(double lambda) {
        return new CentredGradientPenalty(lambda, 0.0, Points.INTERPOLATES);
    }

    /** R1 (Mescheder et al.): (gamma / 2) E ||grad D(x)||^2 at real samples. */
    public static CentredGradientPenalty r1(double gamma) {
        return new CentredGradientPenalty(gamma / 2, 0.0, Points.REAL);
    }

    /** R2: (gamma / 2) E ||grad D(G(z))||^2 at generated samples. */
    public static CentredGradientPenalty r2(double gamma) {
        return new CentredGradientPenalty(gamma / 2, 0.0, Points.FAKE);
    }

    /** This penalty with the one-sided form switched on or off. */
    public CentredGradientPenalty oneSided(boolean enabled) {
        return new CentredGradientPenalty(lambda, centre, points, enabled, eps);
    }

    /** This penalty with another eps. */
    public CentredGradientPenalty withEps(double newEps) {
        return new CentredGradientPenalty(lambda, centre, points, oneSided, newEps);
    }

    public double lambda() {
        return lambda;
    }

    public double centre() {
        return centre;
    }

    public Points points() {
        return points;
    }

    public boolean isOneSided() {
        return oneSided;
    }

    public double eps() {
        return eps;
    }

    /**
     * The scalar penalty, recorded so that it backpropagates into the critic's parameters.
     *
     * @param critic    D: samples [N, ...] to raw outputs [N] or [N, 1]
     * @param real      x [N, ...] (may be null for {@link Points#FAKE})
     * @param fake      G(z) [N, ...] (may be null for {@link Points#REAL})
     * @param generator draws alpha for {@link Points#INTERPOLATES} (N uniforms; may be null otherwise)
     */
    public Tensor compute(Function<Tensor, Tensor> critic, Tensor real, Tensor fake, Generator generator) {
        return evaluate(critic, real, fake, generator).penalty();
    }

    /** The penalty together with what it was computed from. */
    public record Evaluation(Tensor penalty, Tensor points, Tensor gradientNorms) {
    }

    /**
     * As {@link #compute}, also returning the points x^ (a leaf that requires grad) and the per-sample
     * gradient norms sqrt(sum g_n^2) [N] (without eps; detached), for reports.
     */
    public Evaluation evaluate(Function<Tensor, Tensor> critic, Tensor real, Tensor fake, Generator generator) {
        Objects.requireNonNull(critic, "critic");
        return evaluateAtPoints(critic, pointsFor(real, fake, generator));
    }

    /**
     * As {@link #compute}, with alpha drawn beforehand by {@link #drawAlpha} (null for points other than
     * interpolates): the same penalty from the same draw. For work replayed as captured backend calls, which cannot
     * draw random numbers (Backend#beginCapture).
     */
    public Tensor computeWithAlpha(Function<Tensor, Tensor> critic, Tensor real, Tensor fake, Tensor alpha) {
        Objects.requireNonNull(critic, "critic");
        return evaluateAtPoints(critic, pointsWithAlpha(real, fake, alpha)).penalty();
    }

    private Evaluation evaluateAtPoints(Function<Tensor, Tensor> critic, Tensor points) {
        Tensor x = points.requiresGrad(true);
        Tensor squared;
        try (GradMode.Guard ignored = GradMode.set(true)) {
            Tensor g = inputGradient(critic, x, true);
            squared = perSampleSquaredNorm(g);
            Tensor term;
            if (centre == 0) {
                term = squared.add(eps); // (sqrt(s + eps) - 0)^2
            } else {
                Tensor deviation = squared.add(eps).sqrt().sub(centre);
                term = (oneSided ? deviation.relu() : deviation).square();
            }
            Tensor penalty = term.mean().mul(lambda);
            Tensor norms;
            try (GradMode.Guard noGrad = GradMode.noGrad()) {
                norms = squared.detach().sqrt();
            }
            return new Evaluation(penalty, x, norms);
        }
    }

    /**
     * The points x^ for this penalty, as a new leaf that records nothing (detached from G and from the
     * inputs). Interpolates draw alpha [N, 1, ..., 1] from {@code generator}.
     */
    public Tensor pointsFor(Tensor real, Tensor fake, Generator generator) {
        if (points == Points.INTERPOLATES) {
            checkPairedSamples(real, fake);
        }
        return pointsWithAlpha(real, fake, drawAlpha(real, generator));
    }

    /**
     * What {@link #pointsFor} draws from {@code generator} for samples shaped like {@code real}: alpha [N, 1, ..., 1]
     * uniforms for interpolates, null (nothing drawn) for the other points.
     */
    public Tensor drawAlpha(Tensor real, Generator generator) {
        if (points != Points.INTERPOLATES) {
            return null;
        }
        requireSamples("real", real);
        if (generator == null) {
            throw new IllegalArgumentException("gradient penalty at interpolates needs a Generator for alpha");
        }
        long[] alphaShape = new long[real.rank()];
        Arrays.fill(alphaShape, 1);
        alphaShape[0] = real.size(0);
        return Tensor.rand(generator, real.dtype(), real.device(), alphaShape);
    }

    /** {@link #pointsFor} with alpha as {@link #drawAlpha} drew it. */
    private Tensor pointsWithAlpha(Tensor real, Tensor fake, Tensor alpha) {
        switch (points) {
            case REAL:
                return requireSamples("real", real).detach();
            case FAKE:
                return requireSamples("fake", fake).detach();
            default:
                break;
        }
        checkPairedSamples(real, fake);
        if (alpha == null) {
            throw new IllegalArgumentException("gradient penalty at interpolates needs alpha (drawAlpha)");
        }
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            Tensor r = real.detach();
            Tensor f = fake.detach();
            // alpha x + (1 - alpha) G(z) = G(z) + alpha (x - G(z))
            return f.add(alpha.mul(r.sub(f))).detach();
        }
    }

    private static void checkPairedSamples(Tensor real, Tensor fake) {
        requireSamples("real", real);
        requireSamples("fake", fake);
        if (!Arrays.equals(real.shape(), fake.shape())) {
            throw new IllegalArgumentException("gradient penalty at interpolates: real " + Shapes.toString(real.shape())
                    + " and fake " + Shapes.toString(fake.shape()) + " must be paired samples of one shape");
        }
    }

    /**
     * Per-sample norms ||d D(x)_n / d x_n|| [N] (no eps) at {@code points} [N, ...], without recording a graph
     * for them: what the trainer reports as D's input-gradient norm at real and at fake samples. It runs D's
     * forward, so a BatchNorm in training mode updates its running statistics (as the penalty's forward does).
     */
    public static Tensor inputGradientNorms(Function<Tensor, Tensor> critic, Tensor points) {
        Tensor x = requireSamples("points", points).detach().requiresGrad(true);
        Tensor g;
        try (GradMode.Guard ignored = GradMode.set(true)) {
            g = inputGradient(critic, x, false);
        }
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            return perSampleSquaredNorm(g).sqrt();
        }
    }

    /** d(sum_n D(x)_n) / dx: sample n's own gradient in row n when D treats samples independently. */
    private static Tensor inputGradient(Function<Tensor, Tensor> critic, Tensor x, boolean createGraph) {
        Tensor out = critic.apply(x);
        long[] s = out.shape();
        boolean perSample = (s.length == 1 || (s.length == 2 && s[1] == 1)) && s[0] == x.size(0);
        if (!perSample) {
            throw new IllegalArgumentException("gradient penalty: the critic must map [N, ...] to [N] or [N, 1], got "
                    + Shapes.toString(x.shape()) + " -> " + Shapes.toString(s));
        }
        return Autograd.grad(out.sum(), x, createGraph);
    }

    /** sum over all but the batch dimension of g^2: [N]. */
    private static Tensor perSampleSquaredNorm(Tensor g) {
        Tensor sq = g.square();
        if (sq.rank() == 1) {
            return sq; // one number per sample
        }
        int[] dims = new int[sq.rank() - 1];
        for (int d = 0; d < dims.length; d++) {
            dims[d] = d + 1;
        }
        return sq.sum(dims, false);
    }

    private static Tensor requireSamples(String what, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException("gradient penalty: no " + what + " samples given");
        }
        if (t.rank() < 1 || t.size(0) < 1) {
            throw new IllegalArgumentException("gradient penalty: " + what + " samples must be [N, ...] with N >= 1,"
                    + " got " + Shapes.toString(t.shape()));
        }
        return t;
    }

    @Override
    public String toString() {
        return "CentredGradientPenalty[lambda=" + lambda + ", centre=" + centre + ", points=" + points
                + (oneSided ? ", one-sided" : "") + ", eps=" + eps + "]";
    }
}
