package io.gcgan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    /** Q diag(d) Q^T for the orthogonal Q of {@link #rotation}. */
    static double[][] rotated(double[] d, double[][] q) {
        int n = d.length;
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    s[i][j] += q[i][k] * d[k] * q[j][k];
                }
            }
        }
        return s;
    }

    /** An orthogonal matrix: the eigenvectors of a random symmetric matrix. */
    static double[][] rotation(int n, long seed) {
        return SymmetricEigen.of(SymmetricEigenTest.randomSymmetric(n, seed)).vectors();
    }

    static FeatureStatistics stats(double[] mean, double[][] cov) {
        return new FeatureStatistics(1000, mean, cov);
    }

    @Test
    void identicalStatisticsAreAtDistanceZero() {
        double[][] q = rotation(16, 3);
        double[] d = new double[16];
        for (int i = 0; i < 16; i++) {
            d[i] = 0.1 + i;
        }
        FeatureStatistics a = stats(new double[16], rotated(d, q));
        assertEquals(0.0, FrechetDistance.squared(a, a), 1e-10 * a.totalVariance());
    }

    @Test
    void commutingCovariancesGiveTheClosedForm() {
        // S_a = Q diag(a) Q^T, S_b = Q diag(b) Q^T: d^2 = |mu_a - mu_b|^2 + sum (sqrt(a_i) - sqrt(b_i))^2.
        int n = 12;
        double[][] q = rotation(n, 5);
        SplittableRandom r = new SplittableRandom(9);
        double[] a = new double[n];
        double[] b = new double[n];
        double[] ma = new double[n];
        double[] mb = new double[n];
        double expected = 0;
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble(0, 4);
            b[i] = i == 0 ? 0 : r.nextDouble(0, 4); // one singular direction in S_b
            ma[i] = r.nextDouble(-1, 1);
            mb[i] = r.nextDouble(-1, 1);
            expected += (ma[i] - mb[i]) * (ma[i] - mb[i]) + Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
        }
        double got = FrechetDistance.squared(stats(ma, rotated(a, q)), stats(mb, rotated(b, q)));
        assertEquals(expected, got, 1e-11 * expected);
    }

    @Test
    void twoDimensionalNonCommutingCovariancesGiveTheClosedForm() {
        // For 2 x 2: tr((S_a S_b)^(1/2)) = sqrt(tr(S_a S_b) + 2 sqrt(det S_a det S_b)).
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 50; trial++) {
            double[][] sa = spd2(r);
            double[][] sb = spd2(r);
            double trProduct = sa[0][0] * sb[0][0] + sa[0][1] * sb[1][0] + sa[1][0] * sb[0][1] + sa[1][1] * sb[1][1];
            double det = det2(sa) * det2(sb);
            double trSqrt = Math.sqrt(trProduct + 2 * Math.sqrt(det));
            double expected = sa[0][0] + sa[1][1] + sb[0][0] + sb[1][1] - 2 * trSqrt;
            double got = FrechetDistance.squared(stats(new double[2], sa), stats(new double[2], sb));
            assertEquals(Math.max(0, expected), got, 1e-12 * (1 + expected), "trial " + trial);
            assertEquals(got, FrechetDistance.squared(stats(new double[2], sb), stats(new double[2], sa)),
                    1e-12 * (1 + got), "symmetric in its arguments");
        }
    }

    private static double[][] spd2(SplittableRandom r) {
        double x = r.nextDouble(-2, 2);
        double y = r.nextDouble(-2, 2);
        double z = r.nextDouble(-2, 2);
        // L L^T with L = [[x, 0], [y, z]]
        return new double[][] {{x * x, x * y}, {x * y, y * y + z * z}};
    }

    private static double det2(double[][] m) {
        return m[0][0] * m[1][1] - m[0][1] * m[1][0];
    }

    @Test
    void statisticsOfRowsMatchTheTwoPassFormulaEvenFarFromZero() {
        // Welford's update keeps the spread of features whose mean is 1e8 times larger than it.
        SplittableRandom r = new SplittableRandom(2);
        int n = 500;
        int d = 3;
        double[][] rows = new double[n][d];
        for (double[] row : rows) {
            double common = r.nextGaussian();
            row[0] = 1e8 + common;
            row[1] = -5 + 0.5 * common + r.nextGaussian();
            row[2] = r.nextGaussian() * 3;
        }
        FeatureStatistics s = FeatureStatistics.of(rows);
        double[] mean = new double[d];
        for (double[] row : rows) {
            for (int i = 0; i < d; i++) {
                mean[i] += row[i] / n;
            }
        }
        // the reference: centred with the mean computed as 1e8 + mean of the offsets, exact enough to compare
        double[] base = {1e8, 0, 0};
        double[] offsetMean = new double[d];
        for (double[] row : rows) {
            for (int i = 0; i < d; i++) {
                offsetMean[i] += (row[i] - base[i]) / n;
            }
        }
        for (int i = 0; i < d; i++) {
            assertEquals(base[i] + offsetMean[i], s.mean()[i], 1e-7 * Math.max(1, Math.abs(base[i])));
            for (int j = 0; j < d; j++) {
                double c = 0;
                for (double[] row : rows) {
                    c += (row[i] - base[i] - offsetMean[i]) * (row[j] - base[j] - offsetMean[j]);
                }
                c /= n - 1;
                // The running mean of x0 ~ 1e8 rounds at 1.5e-8 per update, so ~1e-8 relative: sum(x x^T) / n - mu mu^T
                // would lose the covariance of x0 entirely (1e16 - 1e16).
                assertEquals(c, s.covariance()[i][j], 1e-7 * (1 + Math.abs(c)), "cov[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void badStatisticsAreRefusedWithTheirProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureStatistics.of(new double[][] {{1, 2}}));
        assertTrue(e.getMessage().contains("at least 2 rows, got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FeatureStatistics.of(new double[][] {{1, 2}, {3, Double.POSITIVE_INFINITY}}));
        assertTrue(e.getMessage().contains("row 1 has the non-finite value Infinity at 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FeatureStatistics.of(new double[][] {{1, 2}, {3}}));
        assertTrue(e.getMessage().contains("a row of 1 values, expected 2"), e.getMessage());
        FeatureStatistics two = FeatureStatistics.of(new double[][] {{1, 2}, {3, 4}});
        FeatureStatistics three = FeatureStatistics.of(new double[][] {{1, 2, 3}, {3, 4, 5}});
        e = assertThrows(IllegalArgumentException.class, () -> FrechetDistance.squared(two, three));
        assertTrue(e.getMessage().contains("dimensions 2 and 3"), e.getMessage());
    }
}
