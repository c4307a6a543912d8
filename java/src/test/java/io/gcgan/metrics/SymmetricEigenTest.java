package io.gcgan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.dirac.Eigenvalues;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    static double[][] randomSymmetric(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = r.nextDouble(-1, 1);
                a[j][i] = a[i][j];
            }
        }
        return a;
    }

    static double frobenius(double[][] a) {
        double s = 0;
        for (double[] row : a) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 40, 64})
    void reconstructsTheMatrixFromOrthonormalVectorsAndSortedValues(int n) {
        double[][] a = randomSymmetric(n, n);
        SymmetricEigen e = SymmetricEigen.of(a);
        double norm = frobenius(a);
        double[][] v = e.vectors();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double rec = 0;
                double dot = 0;
                for (int k = 0; k < n; k++) {
                    rec += v[i][k] * e.values()[k] * v[j][k];
                    dot += v[k][i] * v[k][j];
                }
                assertEquals(a[i][j], rec, 1e-13 * Math.max(1, norm) * n, "A[" + i + "][" + j + "]");
                assertEquals(i == j ? 1.0 : 0.0, dot, 1e-13 * n, "V^T V [" + i + "][" + j + "]");
            }
        }
        for (int k = 1; k < n; k++) {
            assertTrue(e.values()[k - 1] >= e.values()[k], "decreasing order");
        }
        double trace = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            trace += a[i][i];
            sum += e.values()[i];
        }
        assertEquals(trace, sum, 1e-12 * n);
    }

    @Test
    void twoByTwoEigenvaluesMatchTheClosedForm() {
        for (long seed = 0; seed < 20; seed++) {
            double[][] a = randomSymmetric(2, 100 + seed);
            Eigenvalues ref = Eigenvalues.of2x2(a[0][0], a[0][1], a[1][0], a[1][1]);
            SymmetricEigen e = SymmetricEigen.of(a);
            assertEquals(ref.re1(), e.values()[0], 1e-14);
            assertEquals(ref.re2(), e.values()[1], 1e-14);
        }
    }

    @Test
    void tinyEigenvaluesOfANearlySingularMatrixKeepTheirRelativeAccuracy() {
        // Q diag(1, 1e-10, 1e-14) Q^T for a fixed rotation Q: eigenvalues far below the norm still come out right.
        double[] lambda = {1, 1e-10, 1e-14};
        double c = Math.cos(0.3);
        double s = Math.sin(0.3);
        double[][] q = {{c, -s, 0}, {s * c, c * c, -s}, {s * s, s * c, c}};
        double[][] a = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    a[i][j] += q[i][k] * lambda[k] * q[j][k];
                }
            }
        }
        SymmetricEigen e = SymmetricEigen.of(a);
        assertEquals(1.0, e.values()[0], 1e-15);
        assertEquals(1e-10, e.values()[1], 1e-15);
        assertEquals(1e-14, e.values()[2], 1e-15); // absolute error ~ eps |A|, a few 1e-16
    }

    @Test
    void refusesWhatIsNotASymmetricFiniteSquareMatrix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(new double[][] {{1, 2}, {3}}));
        assertTrue(e.getMessage().contains("row 1 has 1 entries, expected 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{1, 2}, {3, 4}}));
        assertTrue(e.getMessage().contains("not symmetric: a[0][1] = 2.0, a[1][0] = 3.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(new double[][] {{1, Double.NaN}, {Double.NaN, 4}}));
        assertTrue(e.getMessage().contains("non-finite entry NaN"), e.getMessage());
    }
}
