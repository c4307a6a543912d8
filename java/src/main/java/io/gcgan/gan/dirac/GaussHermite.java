package io.gcgan.gan.dirac;

import java.util.Arrays;

/**
 * Gauss-Hermite quadrature written for expectations over a standard normal variable:
 * {@code E[g(z)], z ~ N(0, 1)} is approximated by {@code sum_i weights[i] * g(nodes[i])}, exact when g is a
 * polynomial of degree at most {@code 2 * order - 1}.
 *
 * <p>With the physicists' rule {@code int g(x) e^(-x^2) dx ~ sum_i w_i g(x_i)} (x_i the roots of H_n), the
 * substitution z = sqrt(2) x gives {@code nodes[i] = sqrt(2) x_i} and {@code weights[i] = w_i / sqrt(pi)}
 * (so the weights sum to 1).
 *
 * <p>Computation: the orthonormal Hermite functions h_j(x) = P_j(x) e^(-x^2/2) (P_j orthonormal under
 * e^(-x^2)) follow the three-term recurrence
 * {@code h_j = sqrt(2/j) x h_(j-1) - sqrt((j-1)/j) h_(j-2)}, h_0 = pi^(-1/4) e^(-x^2/2), and stay bounded, so
 * nothing overflows. The n roots of h_n lie in (-sqrt(2n+1), sqrt(2n+1)); a scan with a step far below the
 * smallest root gap brackets each one and bisection refines it to adjacent doubles. Each weight is the
 * Christoffel number {@code w_i = 1 / sum_(j<n) P_j(x_i)^2 = e^(-x_i^2) / sum_(j<n) h_j(x_i)^2}.
 */
public final class GaussHermite {

    /** The largest order accepted: beyond it the outermost weights underflow e^(-x^2) in double. */
    public static final int MAX_ORDER = 200;

    private final double[] nodes;
    private final double[] weights;

    private GaussHermite(double[] nodes, double[] weights) {
        this.nodes = nodes;
        this.weights = weights;
    }

    /** The {@code order}-point rule for E over N(0, 1); 1 <= order <= {@link #MAX_ORDER}. */
    public static GaussHermite standardNormal(int order) {
        if (order < 1 || order > MAX_ORDER) {
            throw new IllegalArgumentException("GaussHermite: order " + order + " is outside [1, " + MAX_ORDER + "]");
        }
        double[] x = roots(order);
        double[] nodes = new double[order];
        double[] weights = new double[order];
        for (int i = 0; i < order; i++) {
            nodes[i] = Math.sqrt(2.0) * x[i];
            weights[i] = christoffel(x[i], order) / Math.sqrt(Math.PI);
        }
        return new GaussHermite(nodes, weights);
    }

    /** Number of points. */
    public int order() {
        return nodes.length;
    }

    /** The points z_i (ascending) at which the integrand is evaluated. */
    public double[] nodes() {
        return nodes.clone();
    }

    /** The weights of the points (positive, summing to 1). */
    public double[] weights() {
        return weights.clone();
    }

    /** sum_i weights[i] * g(nodes[i]). */
    public double expectation(java.util.function.DoubleUnaryOperator g) {
        double sum = 0.0;
        for (int i = 0; i < nodes.length; i++) {
            sum += weights[i] * g.applyAsDouble(nodes[i]);
        }
        return sum;
    }

    /** h_n(x), the orthonormal Hermite function of degree n. */
    private static double hermiteFunction(int n, double x) {
        double previous = 0.0;
        double current = Math.pow(Math.PI, -0.25) * Math.exp(-0.5 * x * x);
        for (int j = 1; j <= n; j++) {
            double next = Math.sqrt(2.0 / j) * x * current - Math.sqrt((j - 1.0) / j) * previous;
            previous = current;
            current = next;
        }
        return current;
    }

    /** 1 / sum_(j<n) P_j(x)^2, the Gauss weight at a root x of H_n. */
    private static double christoffel(double x, int n) {
        double previous = 0.0;
        double current = Math.pow(Math.PI, -0.25) * Math.exp(-0.5 * x * x);
        double sumSquares = current * current;
        for (int j = 1; j < n; j++) {
            double next = Math.sqrt(2.0 / j) * x * current - Math.sqrt((j - 1.0) / j) * previous;
            previous = current;
            current = next;
            sumSquares += current * current;
        }
        return Math.exp(-x * x) / sumSquares;
    }

    private static double[] roots(int n) {
        double bound = Math.sqrt(2.0 * n + 1.0);
        // Root gaps are at least about pi / sqrt(2n + 1) (the gap at the centre); scan 64 times finer.
        double step = Math.PI / bound / 64.0;
        double[] found = new double[n];
        int count = 0;
        double a = -bound;
        double fa = hermiteFunction(n, a);
        while (a < bound && count < n) {
            double b = Math.min(a + step, bound);
            double fb = hermiteFunction(n, b);
            if (fb == 0.0) {
                found[count++] = b;
                // Step past the exact root so that it is not bracketed twice.
                a = Math.nextUp(b);
                fa = hermiteFunction(n, a);
                continue;
            }
            if ((fa < 0) != (fb < 0) && fa != 0.0) {
                found[count++] = bisect(n, a, b, fa);
            }
            a = b;
            fa = fb;
        }
        if (count != n) {
            throw new IllegalStateException("GaussHermite: found " + count + " roots of H_" + n + ", expected " + n);
        }
        // Symmetrize: roots come in pairs +-x (and 0 for odd n); average the pair to remove scan asymmetry.
        for (int i = 0; i < n / 2; i++) {
            double r = 0.5 * (found[n - 1 - i] - found[i]);
            found[i] = -r;
            found[n - 1 - i] = r;
        }
        if (n % 2 == 1) {
            found[n / 2] = 0.0;
        }
        Arrays.sort(found);
        return found;
    }

    private static double bisect(int n, double lo, double hi, double flo) {
        while (true) {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) {
                return Math.abs(flo) < Math.abs(hermiteFunction(n, hi)) ? lo : hi;
            }
            double fmid = hermiteFunction(n, mid);
            if (fmid == 0.0) {
                return mid;
            }
            if ((fmid < 0) == (flo < 0)) {
                lo = mid;
                flo = fmid;
            } else {
                hi = mid;
            }
        }
    }
}
