package io.gcgan.metrics;

/**
 * The Frechet (2-Wasserstein) distance between the Gaussians fitted to two feature sets, the formula of the FID
 * (Heusel et al., 2017):
 *
 * <pre>
 *   d^2 = |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^(1/2))
 * </pre>
 *
 * The trace of the square root is computed without the non-symmetric product: with S_a = V diag(l) V^T,
 * R = S_a^(1/2) = V diag(sqrt l) V^T, the matrix R S_b R is symmetric positive semi-definite, has the eigenvalues
 * of S_a S_b, and tr((S_a S_b)^(1/2)) = sum of the square roots of its eigenvalues ({@link SymmetricEigen}).
 * Eigenvalues that rounding makes slightly negative count as 0. The result is the squared distance, as the FID
 * reports it, and is at least 0.
 */
public final class FrechetDistance {

    private FrechetDistance() {
    }

    /** d^2 between a and b, which must have the same dimension. */
    public static double squared(FeatureStatistics a, FeatureStatistics b) {
        int d = a.dimension();
        if (b.dimension() != d) {
            throw new IllegalArgumentException("FrechetDistance: the statistics have dimensions " + d + " and "
                    + b.dimension());
        }
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double diff = a.mean()[i] - b.mean()[i];
            meanTerm += diff * diff;
        }
        double traceSqrt = traceOfSqrtProduct(a.covariance(), b.covariance());
        return Math.max(0, meanTerm + a.totalVariance() + b.totalVariance() - 2 * traceSqrt);
    }

    /** tr((S_a S_b)^(1/2)) for symmetric positive semi-definite S_a, S_b. */
    static double traceOfSqrtProduct(double[][] sa, double[][] sb) {
        int d = sa.length;
        double[][] r = sqrtPsd(sa);
        double[][] rs = multiply(r, sb);
        double[][] m = multiply(rs, r);
        for (int i = 0; i < d; i++) { // symmetric in exact arithmetic; make it so in floating point
            for (int j = i + 1; j < d; j++) {
                double s = 0.5 * (m[i][j] + m[j][i]);
                m[i][j] = s;
                m[j][i] = s;
            }
        }
        double t = 0;
        for (double lambda : SymmetricEigen.of(m).values()) {
            t += Math.sqrt(Math.max(0, lambda));
        }
        return t;
    }

    /** The symmetric square root V diag(sqrt(max(l, 0))) V^T of a symmetric positive semi-definite matrix. */
    static double[][] sqrtPsd(double[][] s) {
        SymmetricEigen e = SymmetricEigen.of(s);
        int d = s.length;
        double[][] r = new double[d][d];
        for (int k = 0; k < d; k++) {
            double root = Math.sqrt(Math.max(0, e.values()[k]));
            if (root == 0) {
                continue;
            }
            for (int i = 0; i < d; i++) {
                double vik = e.vectors()[i][k] * root;
                for (int j = 0; j < d; j++) {
                    r[i][j] += vik * e.vectors()[j][k];
                }
            }
        }
        return r;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        int m = b[0].length;
        int k = b.length;
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                double aip = a[i][p];
                for (int j = 0; j < m; j++) {
                    c[i][j] += aip * b[p][j];
                }
            }
        }
        return c;
    }
}
