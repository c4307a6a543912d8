package io.gcgan.metrics;

import java.util.Arrays;

/**
 * The mean and covariance of a set of feature vectors, in float64: what the Frechet distance compares
 * ({@link FrechetDistance}). The covariance is the unbiased one (divisor count - 1), as numpy's {@code np.cov} and
 * the reference FID code compute it.
 *
 * <p>Rows are added one by one ({@link Accumulator}) with Welford's update of the mean and of the co-moment matrix,
 * which stays accurate when the features' means are large next to their spread (a plain sum of products loses
 * the spread to cancellation).
 *
 * @param count      rows summarised (at least 2)
 * @param mean       [d]
 * @param covariance [d][d], symmetric
 */
public record FeatureStatistics(long count, double[] mean, double[][] covariance) {

    public FeatureStatistics {
        if (count < 2) {
            throw new IllegalArgumentException("FeatureStatistics: a covariance needs at least 2 rows, got " + count);
        }
        if (covariance.length != mean.length) {
            throw new IllegalArgumentException("FeatureStatistics: covariance has " + covariance.length
                    + " rows, the mean " + mean.length + " entries");
        }
    }

    /** The dimension d of the features. */
    public int dimension() {
        return mean.length;
    }

    /** Sum of the variances (the covariance's trace). */
    public double totalVariance() {
        double t = 0;
        for (int i = 0; i < mean.length; i++) {
            t += covariance[i][i];
        }
        return t;
    }

    /** The statistics of rows[n][d] (n >= 2). */
    public static FeatureStatistics of(double[][] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("FeatureStatistics: no rows");
        }
        Accumulator a = new Accumulator(rows[0].length);
        for (double[] r : rows) {
            a.add(r);
        }
        return a.statistics();
    }

    /** Adds rows one at a time (a row of [n, d] float features: {@link #addRows}). */
    public static final class Accumulator {
        private final int d;
        private long count;
        private final double[] mean;
        private final double[][] comoment; // sum over rows of (x - mean)(x - mean)^T, kept with Welford's update
        private final double[] delta;

        public Accumulator(int dimension) {
            if (dimension < 1) {
                throw new IllegalArgumentException("FeatureStatistics: dimension " + dimension + " < 1");
            }
            d = dimension;
            mean = new double[d];
            comoment = new double[d][d];
            delta = new double[d];
        }

        /** Adds one row of d values; a non-finite value is refused, naming its position. */
        public void add(double[] row) {
            if (row.length != d) {
                throw new IllegalArgumentException("FeatureStatistics: a row of " + row.length + " values, expected "
                        + d);
            }
            for (int i = 0; i < d; i++) {
                if (!Double.isFinite(row[i])) {
                    throw new IllegalArgumentException("FeatureStatistics: row " + count + " has the non-finite value "
                            + row[i] + " at " + i);
                }
            }
            count++;
            for (int i = 0; i < d; i++) {
                delta[i] = row[i] - mean[i];        // x - old mean
                mean[i] += delta[i] / count;
            }
            for (int i = 0; i < d; i++) {
                double after = row[i] - mean[i];    // x - new mean
                double[] c = comoment[i];
                for (int j = 0; j <= i; j++) {
                    c[j] += after * delta[j];
                }
            }
        }

        /** Adds the rows of values, a row-major [n, d] array. */
        public void addRows(float[] values) {
            if (values.length % d != 0) {
                throw new IllegalArgumentException("FeatureStatistics: " + values.length + " values are not whole rows"
                        + " of " + d);
            }
            double[] row = new double[d];
            for (int r = 0; r < values.length / d; r++) {
                for (int i = 0; i < d; i++) {
                    row[i] = values[r * d + i];
                }
                add(row);
            }
        }

        public long count() {
            return count;
        }

        /** The statistics of the rows added so far (at least 2). */
        public FeatureStatistics statistics() {
            if (count < 2) {
                throw new IllegalArgumentException("FeatureStatistics: a covariance needs at least 2 rows, got "
                        + count);
            }
            double[][] cov = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j <= i; j++) {
                    cov[i][j] = comoment[i][j] / (count - 1);
                    cov[j][i] = cov[i][j];
                }
            }
            return new FeatureStatistics(count, Arrays.copyOf(mean, d), cov);
        }
    }
}
