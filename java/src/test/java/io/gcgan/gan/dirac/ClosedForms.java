package io.gcgan.gan.dirac;

import java.util.function.DoubleUnaryOperator;

/**
 * Closed-form Dirac-GAN quantities, the oracles of the tests (the library computes all of them through the
 * autograd). Conventions as in {@link DiracGan}: L_D = f(psi theta) + f(0) is maximised by D, the
 * generator minimises L_G (= L_D for GAN and WGAN, = -f(-psi theta) for NS-GAN), and
 * v = (-dL_G/dtheta, dL_D/dpsi - dR/dpsi).
 *
 * <pre>
 * GAN f(t) = -log(1 + e^-t):  f'(t) = e^-t / (1 + e^-t) = sigmoid(-t)       f'(0) = 1/2
 *                             f''(t) = -sigmoid(t) sigmoid(-t)             f''(0) = -1/4
 * WGAN f(t) = t:              f' = 1, f'' = 0
 *
 * GAN, WGAN: L_G = f(psi theta):   -dL_G/dtheta = -psi f'(psi theta)
 * NS-GAN:    L_G = -f(-psi theta): -dL_G/dtheta = d/dtheta f(-psi theta) = -psi f'(-psi theta)
 * all:       dL_D/dpsi = theta f'(psi theta) + d/dpsi f(-psi 0) = theta f'(psi theta)
 * ZERO_CENTRED: R = gamma/2 psi^2            dR/dpsi = gamma psi
 * WGAN_GP:      R = gamma/2 (|psi| - 1)^2    dR/dpsi = gamma (|psi| - 1) sign(psi)
 * </pre>
 *
 * Jacobian of the plain field, x = (theta, psi), u = psi theta:
 * <pre>
 * GAN/WGAN  d/dtheta (-psi f'(u)) = -psi^2 f''(u)       d/dpsi (-psi f'(u)) = -f'(u) - u f''(u)
 * NS-GAN    d/dtheta (-psi f'(-u)) = psi^2 f''(-u)      d/dpsi (-psi f'(-u)) = -f'(-u) + u f''(-u)
 * all       d/dtheta (theta f'(u)) = f'(u) + u f''(u)   d/dpsi (theta f'(u)) = theta^2 f''(u)
 * </pre>
 * so at (0, 0): J = [[0, -f'(0)], [f'(0), 0]] for every loss.
 */
final class ClosedForms {

    private ClosedForms() {
    }

    static double sigmoid(double t) {
        if (t >= 0) {
            return 1.0 / (1.0 + Math.exp(-t));
        }
        double e = Math.exp(t);
        return e / (1.0 + e);
    }

    static double fPrime(DiracGan.Loss loss, double t) {
        return loss == DiracGan.Loss.WGAN ? 1.0 : sigmoid(-t);
    }

    static double fSecond(DiracGan.Loss loss, double t) {
        return loss == DiracGan.Loss.WGAN ? 0.0 : -sigmoid(t) * sigmoid(-t);
    }

    /** The plain (unregularized) field. */
    static double[] plainField(DiracGan.Loss loss, double theta, double psi) {
        double u = psi * theta;
        double vTheta = loss == DiracGan.Loss.NS_GAN ? -psi * fPrime(loss, -u) : -psi * fPrime(loss, u);
        return new double[] {vTheta, theta * fPrime(loss, u)};
    }

    /** The plain field's Jacobian {tt, tp, pt, pp}. */
    static double[] plainJacobian(DiracGan.Loss loss, double theta, double psi) {
        double u = psi * theta;
        double tt;
        double tp;
        if (loss == DiracGan.Loss.NS_GAN) {
            tt = psi * psi * fSecond(loss, -u);
            tp = -fPrime(loss, -u) + u * fSecond(loss, -u);
        } else {
            tt = -psi * psi * fSecond(loss, u);
            tp = -fPrime(loss, u) - u * fSecond(loss, u);
        }
        double pt = fPrime(loss, u) + u * fSecond(loss, u);
        double pp = theta * theta * fSecond(loss, u);
        return new double[] {tt, tp, pt, pp};
    }

    /** The field with one of the closed-form regularizers (not instance noise). */
    static double[] field(DiracGan.Loss loss, DiracGan.Regularizer reg, double gamma, double theta, double psi) {
        double[] v = plainField(loss, theta, psi);
        switch (reg) {
            case NONE -> {
            }
            case ZERO_CENTRED -> v[1] -= gamma * psi;
            case WGAN_GP -> v[1] -= gamma * (Math.abs(psi) - 1.0) * Math.signum(psi);
            case CONSENSUS -> {
                // v_c = v - gamma grad(1/2 |v|^2) = v - gamma J^T v.
                double[] j = plainJacobian(loss, theta, psi);
                double gTheta = j[0] * v[0] + j[2] * v[1];
                double gPsi = j[1] * v[0] + j[3] * v[1];
                v[0] -= gamma * gTheta;
                v[1] -= gamma * gPsi;
            }
            default -> throw new IllegalArgumentException("no closed form for " + reg);
        }
        return v;
    }

    /**
     * E over z ~ N(0, 1) of g(z) by the trapezoid rule on [-14, 14] with step 1/256: for a Gaussian times a
     * function analytic in a strip |Im z| < d, the error falls like exp(-2 pi d / step) (here d = pi /
     * (sigma |psi|) for the logistic f), and the truncated tails are below e^-98.
     */
    static double normalExpectation(DoubleUnaryOperator g) {
        double step = 1.0 / 256.0;
        int n = (int) Math.round(28.0 / step);
        double sum = 0.0;
        for (int k = 0; k <= n; k++) {
            double z = -14.0 + k * step;
            double w = (k == 0 || k == n) ? 0.5 : 1.0;
            sum += w * Math.exp(-0.5 * z * z) * g.applyAsDouble(z);
        }
        return sum * step / Math.sqrt(2.0 * Math.PI);
    }

    /**
     * The instance-noise field: with e, e' ~ N(0, sigma^2),
     * <pre>
     *   L_D = E[f(psi (theta + e))] + E[f(-psi e')]
     *   GAN/WGAN: vTheta = -E[psi f'(psi (theta + e))]     NS-GAN: vTheta = -E[psi f'(-psi (theta + e))]
     *   vPsi = E[(theta + e) f'(psi (theta + e))] - E[e' f'(-psi e')]
     * </pre>
     */
    static double[] instanceNoiseField(DiracGan.Loss loss, double sigma, double theta, double psi) {
        double vTheta = loss == DiracGan.Loss.NS_GAN
                ? -normalExpectation(z -> psi * fPrime(loss, -psi * (theta + sigma * z)))
                : -normalExpectation(z -> psi * fPrime(loss, psi * (theta + sigma * z)));
        double vPsi = normalExpectation(z -> (theta + sigma * z) * fPrime(loss, psi * (theta + sigma * z)))
                - normalExpectation(z -> sigma * z * fPrime(loss, -psi * sigma * z));
        return new double[] {vTheta, vPsi};
    }
}
