package io.gcgan.metrics;

/**
 * The eigendecomposition A = V diag(values) V^T of a real symmetric matrix, by the cyclic Jacobi method in float64:
 * sweeps of plane rotations, each zeroing one off-diagonal pair, until the off-diagonal part is below 1e-15 of
 * the matrix's Frobenius norm (quadratic convergence: a 64 x 64 covariance takes about 8 sweeps). Jacobi is chosen
 * for its accuracy on the small, possibly nearly singular covariance matrices of {@link FrechetDistance}, where the
 * eigenvalues near zero decide the matrix square root: it computes them to high relative accuracy.
 *
 * @param values  the eigenvalues, in decreasing order
 * @param vectors vectors[i][k] is component i of the eigenvector of values[k] (the columns are orthonormal)
 */
public record SymmetricEigen(double[] values, double[][] vectors) {

    private static final int MAX_SWEEPS = 100;

    /**
     * Decomposes {@code a} (n x n; only symmetric input is meaningful: the check allows a relative asymmetry of
     * 1e-12, from the rounding of a matrix that is symmetric in exact arithmetic). {@code a} is not modified.
     *
     * @throws IllegalArgumentException if {@code a} is not square, not symmetric or not finite
     */
    public static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("SymmetricEigen: row " + i + " has " + a[i].length
                        + " entries, expected " + n + " (a square matrix)");
            }
            m[i] = a[i].clone();
            for (double v : m[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("SymmetricEigen: the matrix has a non-finite entry " + v);
                }
                norm += v * v;
            }
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (Math.abs(m[i][j] - m[j][i]) > 1e-12 * Math.max(norm, Double.MIN_NORMAL)) {
                    throw new IllegalArgumentException("SymmetricEigen: the matrix is not symmetric: a[" + i + "]["
                            + j + "] = " + m[i][j] + ", a[" + j + "][" + i + "] = " + m[j][i]);
                }
                double s = 0.5 * (m[i][j] + m[j][i]);
                m[i][j] = s;
                m[j][i] = s;
            }
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        double tolerance = 1e-15 * norm;
        for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonalNorm(m) > tolerance; sweep++) {
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(m, v, p, q);
                }
            }
        }
        if (offDiagonalNorm(m) > tolerance) {
            throw new ArithmeticException("SymmetricEigen: no convergence in " + MAX_SWEEPS + " sweeps (off-diagonal"
                    + " norm " + offDiagonalNorm(m) + " of " + norm + ")");
        }
        // Sort by decreasing eigenvalue, moving the columns of v with them.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(m[y][y], m[x][x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = m[order[k]][order[k]];
            for (int i = 0; i < n; i++) {
                vectors[i][k] = v[i][order[k]];
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /**
     * One Jacobi rotation in the (p, q) plane that zeroes m[p][q] (Golub and Van Loan, Algorithm 8.5.1, the
     * rotation with |theta| <= pi/4), applied to m on both sides and accumulated into v's columns.
     */
    private static void rotate(double[][] m, double[][] v, int p, int q) {
        double apq = m[p][q];
        if (apq == 0) {
            return;
        }
        double tau = (m[q][q] - m[p][p]) / (2 * apq);
        double t = Math.signum(tau) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        if (tau == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(1 + t * t);
        double s = t * c;
        int n = m.length;
        for (int k = 0; k < n; k++) { // columns p and q: m <- m J
            double mkp = m[k][p];
            double mkq = m[k][q];
            m[k][p] = c * mkp - s * mkq;
            m[k][q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < n; k++) { // rows p and q: m <- J^T m
            double mpk = m[p][k];
            double mqk = m[q][k];
            m[p][k] = c * mpk - s * mqk;
            m[q][k] = s * mpk + c * mqk;
        }
        m[p][q] = 0; // exactly zero by construction; the rounding residue is dropped
        m[q][p] = 0;
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }

    private static double offDiagonalNorm(double[][] m) {
        double sum = 0;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (i != j) {
                    sum += m[i][j] * m[i][j];
                }
            }
        }
        return Math.sqrt(sum);
    }
}
