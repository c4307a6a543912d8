package io.gcgan.metrics;

import io.gcgan.data.GaussianMixture;
import io.gcgan.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Mode collapse and sample quality on a 2-D Gaussian mixture, as in the GAN literature's ring and grid
 * experiments: a sample is <b>high quality</b> when it lies within {@value #THRESHOLD_SIGMAS} sigma
 * (Euclidean distance) of its nearest mode, sigma being the mixture's per-coordinate standard deviation; a
 * mode is <b>covered</b> when it is the nearest mode of at least one high-quality sample.
 *
 * <p>For reference, samples of the mixture itself are high quality with probability 1 - exp(-9/2) = 0.9889
 * (the distance of a 2-D isotropic Gaussian from its mean is Rayleigh distributed). A non-finite sample is
 * never high quality. Ties between equally near modes go to the mode listed first.
 *
 * @param modesCovered        modes that are the nearest mode of at least one high-quality sample
 * @param totalModes          the mixture's number of modes
 * @param highQualityFraction highQualityCount / sampleCount
 * @param highQualityCount    samples within 3 sigma of their nearest mode
 * @param sampleCount         samples evaluated
 * @param highQualityPerMode  high-quality samples per mode, in the mixture's mode order
 */
public record ModeCoverage(int modesCovered, int totalModes, double highQualityFraction, long highQualityCount,
                           long sampleCount, List<Long> highQualityPerMode) {

    /** The quality radius, in units of sigma. */
    public static final double THRESHOLD_SIGMAS = 3.0;

    public ModeCoverage {
        highQualityPerMode = List.copyOf(highQualityPerMode);
    }

    /** Evaluates samples [n, 2] (any dtype and device) against the mixture's modes and sigma. */
    public static ModeCoverage of(Tensor samples, GaussianMixture mixture) {
        return of(samples, mixture.modes(), mixture.sigma());
    }

    /** Evaluates samples [n, 2] (any dtype and device) against the given modes [K][2] and sigma. */
    public static ModeCoverage of(Tensor samples, double[][] modes, double sigma) {
        if (samples.rank() != 2 || samples.size(1) != 2) {
            throw new IllegalArgumentException("ModeCoverage: samples must be [n, 2], got "
                    + Arrays.toString(samples.shape()));
        }
        return of(samples.toDoubleArray(), modes, sigma);
    }

    /** Evaluates samples given as (x0, y0, x1, y1, ...) against the given modes [K][2] and sigma. */
    public static ModeCoverage of(double[] xy, double[][] modes, double sigma) {
        if (xy.length == 0 || xy.length % 2 != 0) {
            throw new IllegalArgumentException("ModeCoverage: need n >= 1 points as (x, y) pairs, got "
                    + xy.length + " values");
        }
        if (modes.length == 0) {
            throw new IllegalArgumentException("ModeCoverage: no modes");
        }
        for (int k = 0; k < modes.length; k++) {
            if (modes[k].length != 2) {
                throw new IllegalArgumentException("ModeCoverage: mode " + k + " has " + modes[k].length
                        + " coordinates, not 2");
            }
        }
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("ModeCoverage: sigma = " + sigma + " must be finite and > 0");
        }
        double radius = THRESHOLD_SIGMAS * sigma;
        double radiusSquared = radius * radius;
        long[] perMode = new long[modes.length];
        long highQuality = 0;
        int n = xy.length / 2;
        for (int i = 0; i < n; i++) {
            double x = xy[2 * i];
            double y = xy[2 * i + 1];
            int nearest = -1;
            double best = Double.POSITIVE_INFINITY;
            for (int k = 0; k < modes.length; k++) {
                double dx = x - modes[k][0];
                double dy = y - modes[k][1];
                double d2 = dx * dx + dy * dy;
                if (d2 < best) {
                    best = d2;
                    nearest = k;
                }
            }
            if (nearest >= 0 && best <= radiusSquared) { // NaN distances never pass
                highQuality++;
                perMode[nearest]++;
            }
        }
        int covered = 0;
        Long[] boxed = new Long[modes.length];
        for (int k = 0; k < modes.length; k++) {
            covered += perMode[k] > 0 ? 1 : 0;
            boxed[k] = perMode[k];
        }
        return new ModeCoverage(covered, modes.length, (double) highQuality / n, highQuality, n,
                Arrays.asList(boxed));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d/%d modes covered, %.1f%% high quality (%d of %d samples"
                + " within %.0f sigma)", modesCovered, totalModes, 100 * highQualityFraction, highQualityCount,
                sampleCount, THRESHOLD_SIGMAS);
    }
}
