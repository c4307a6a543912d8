package io.gcgan.gan.loss;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The losses by name, as the command line chooses them. Names are matched ignoring case and surrounding
 * spaces; an unknown name throws an {@link IllegalArgumentException} that lists the valid ones.
 *
 * <pre>
 *   name             class                      D minimises                         G minimises
 *   gan              StandardGanLoss(false)     E sp(-t_r) + E sp(t_f)              -E sp(t_f)   (saturating)
 *   nsgan            StandardGanLoss(true)      E sp(-t_r) + E sp(t_f)              E sp(-t_f)   (non-saturating)
 *   wgan             WassersteinLoss(clip)      E t_f - E t_r                       -E t_f       (+ clipping)
 *   loss-sensitive   LossSensitiveLoss.lsGan    gamma E L_r + lambda E (a)+         E L_f        (Qi's LS-GAN)
 *   gls-gan          LossSensitiveLoss.glsGan   gamma E L_r + lambda E max(a, nu a) E L_f        (needs nu)
 *   lsgan            LeastSquaresLoss(a, b, c)  1/2 E (t_r - b)^2 + 1/2 E (t_f - a)^2  1/2 E (t_f - c)^2 (Mao)
 *   hinge            HingeLoss                  E relu(1 - t_r) + E relu(1 + t_f)   -E t_f
 * </pre>
 *
 * t = D's raw output (logit), sp = softplus, L = the loss-sensitive D's loss values,
 * a = tau d(x, G(z)) + L_r - L_f. Aliases: {@code least-squares} = lsgan, {@code wasserstein} = wgan,
 * {@code non-saturating} = nsgan. The name {@code ls-gan} is refused as ambiguous (Qi's loss-sensitive GAN
 * and Mao's least-squares GAN are both abbreviated LS-GAN/LSGAN in the literature).
 */
public final class GanLosses {

    public static final String GAN = "gan";
    public static final String NSGAN = "nsgan";
    public static final String WGAN = "wgan";
    public static final String LOSS_SENSITIVE = "loss-sensitive";
    public static final String GLS_GAN = "gls-gan";
    public static final String LEAST_SQUARES = "lsgan";
    public static final String HINGE = "hinge";

    private static final List<String> NAMES = List.of(GAN, NSGAN, WGAN, LOSS_SENSITIVE, GLS_GAN, LEAST_SQUARES, HINGE);

    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        ALIASES.put("least-squares", LEAST_SQUARES);
        ALIASES.put("wasserstein", WGAN);
        ALIASES.put("non-saturating", NSGAN);
    }

    private GanLosses() {
    }

    /** The canonical names, in the order of the table above. */
    public static List<String> names() {
        return NAMES;
    }

    /** The loss called {@code name} with default settings (see {@link Options#defaults()}). */
    public static GanLoss byName(String name) {
        return byName(name, Options.defaults());
    }

    /**
     * The loss called {@code name} configured from {@code options}; settings the loss does not use are ignored.
     *
     * @throws IllegalArgumentException for an unknown or ambiguous name (listing the valid ones), for
     *                                  {@code gls-gan} without nu, or for settings out of range
     */
    public static GanLoss byName(String name, Options options) {
        Objects.requireNonNull(options, "options");
        String key = canonical(name);
        return switch (key) {
            case GAN -> new StandardGanLoss(false);
            case NSGAN -> new StandardGanLoss(true);
            case WGAN -> new WassersteinLoss(options.clip());
            case LOSS_SENSITIVE -> LossSensitiveLoss.lsGan(options.gamma(), options.lambda(), options.tau(),
                    options.pairDistance(), options.lossOutput());
            case GLS_GAN -> {
                if (Double.isNaN(options.nu())) {
                    throw new IllegalArgumentException("gls-gan needs nu <= 1 (C_nu(a) = max(a, nu a): 0 = LS-GAN,"
                            + " 1 = WGAN-like, -1 = |a|); set it with Options.withNu");
                }
                yield LossSensitiveLoss.glsGan(options.nu(), options.gamma(), options.lambda(), options.tau(),
                        options.pairDistance(), options.lossOutput());
            }
            case LEAST_SQUARES -> new LeastSquaresLoss(options.leastSquaresFake(), options.leastSquaresReal(),
                    options.leastSquaresGenerator());
            case HINGE -> new HingeLoss();
            default -> throw new AssertionError(key);
        };
    }

    /** The canonical name for {@code name} (an alias or any case of a canonical name). */
    public static String canonical(String name) {
        if (name == null) {
            throw new IllegalArgumentException("no GAN loss name given; valid names: " + validNames());
        }
        String key = name.strip().toLowerCase(Locale.ROOT);
        if (NAMES.contains(key)) {
            return key;
        }
        if (ALIASES.containsKey(key)) {
            return ALIASES.get(key);
        }
        if (key.equals("ls-gan") || key.equals("ls_gan")) {
            throw new IllegalArgumentException("GAN loss '" + name + "' is ambiguous: use '" + LOSS_SENSITIVE
                    + "' for Qi's loss-sensitive GAN or '" + LEAST_SQUARES + "' for Mao's least-squares GAN");
        }
        throw new IllegalArgumentException("unknown GAN loss '" + name + "'; valid names: " + validNames());
    }

    private static String validNames() {
        StringBuilder sb = new StringBuilder(String.join(", ", NAMES)).append(" (aliases:");
        ALIASES.forEach((alias, target) -> sb.append(' ').append(alias).append('=').append(target));
        return sb.append(')').toString();
    }

    /**
     * Settings for {@link #byName(String, Options)}; each loss reads only its own.
     *
     * @param clip                  wgan: weight-clipping bound c (0 = no clipping)
     * @param nu                    gls-gan: the slope nu (at most 1) of C_nu (NaN = not set)
     * @param gamma                 loss-sensitive, gls-gan: weight of E L(x)
     * @param lambda                loss-sensitive, gls-gan: weight of the margin term
     * @param tau                   loss-sensitive, gls-gan: Delta = tau * distance
     * @param pairDistance          loss-sensitive, gls-gan: the distance in Delta
     * @param lossOutput            loss-sensitive, gls-gan: how D's output becomes L >= 0
     * @param leastSquaresFake      lsgan: target a for D on fakes
     * @param leastSquaresReal      lsgan: target b for D on reals
     * @param leastSquaresGenerator lsgan: target c for G
     */
    public record Options(double clip, double nu, double gamma, double lambda, double tau, PairDistance pairDistance,
                          LossOutput lossOutput, double leastSquaresFake, double leastSquaresReal,
                          double leastSquaresGenerator) {

        /** Qi's LS-GAN reference settings. */
        public static final double DEFAULT_GAMMA = 0.0;
        public static final double DEFAULT_LAMBDA = 1.0;
        public static final double DEFAULT_TAU = 2e-4;

        public Options {
            Objects.requireNonNull(pairDistance, "pairDistance");
            Objects.requireNonNull(lossOutput, "lossOutput");
        }

        /**
         * clip 0.01 (WGAN paper); nu unset; gamma 0, lambda 1, tau 2e-4, L1_SUM, RELU (Qi's reference code);
         * least-squares codes a = 0, b = 1, c = 1.
         */
        public static Options defaults() {
            return new Options(WassersteinLoss.DEFAULT_CLIP, Double.NaN, DEFAULT_GAMMA, DEFAULT_LAMBDA, DEFAULT_TAU,
                    PairDistance.L1_SUM, LossOutput.RELU, 0.0, 1.0, 1.0);
        }

        public Options withClip(double c) {
            return new Options(c, nu, gamma, lambda, tau, pairDistance, lossOutput, leastSquaresFake,
                    leastSquaresReal, leastSquaresGenerator);
        }

        public Options withNu(double v) {
            return new Options(clip, v, gamma, lambda, tau, pairDistance, lossOutput, leastSquaresFake,
                    leastSquaresReal, leastSquaresGenerator);
        }

        public Options withGamma(double v) {
            return new Options(clip, nu, v, lambda, tau, pairDistance, lossOutput, leastSquaresFake,
                    leastSquaresReal, leastSquaresGenerator);
        }

        public Options withLambda(double v) {
            return new Options(clip, nu, gamma, v, tau, pairDistance, lossOutput, leastSquaresFake,
                    leastSquaresReal, leastSquaresGenerator);
        }

        public Options withTau(double v) {
            return new Options(clip, nu, gamma, lambda, v, pairDistance, lossOutput, leastSquaresFake,
                    leastSquaresReal, leastSquaresGenerator);
        }

        public Options withPairDistance(PairDistance d) {
            return new Options(clip, nu, gamma, lambda, tau, d, lossOutput, leastSquaresFake, leastSquaresReal,
                    leastSquaresGenerator);
        }

        public Options withLossOutput(LossOutput o) {
            return new Options(clip, nu, gamma, lambda, tau, pairDistance, o, leastSquaresFake, leastSquaresReal,
                    leastSquaresGenerator);
        }

        /** Least-squares target codes a (D on fakes), b (D on reals), c (G). */
        public Options withLeastSquaresTargets(double a, double b, double c) {
            return new Options(clip, nu, gamma, lambda, tau, pairDistance, lossOutput, a, b, c);
        }
    }
}
