package io.gcgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The WGAN-GP toy mixtures: their modes and sigma, and the empirical means, stds and weights of samples. */
class GaussianMixtureTest {

    @Test
    void eightOnRingMatchesTheToyCode() {
        GaussianMixture m = GaussianMixture.eightOnRing();
        assertEquals(8, m.modeCount());
        assertEquals(0.02 / 1.414, m.sigma(), 0.0);
        double[][] modes = m.modes();
        for (double[] mode : modes) {
            assertEquals(2 / 1.414, Math.hypot(mode[0], mode[1]), 1e-12);
        }
        assertArrayEquals(new double[] {2 / 1.414, 0}, modes[0], 0.0);
        assertArrayEquals(new double[] {0, -2 / 1.414}, modes[3], 0.0);
        double d = 2 / Math.sqrt(2) / 1.414;
        assertArrayEquals(new double[] {-d, d}, modes[6], 1e-15);
    }

    @Test
    void twentyFiveOnGridMatchesTheToyCode() {
        GaussianMixture m = GaussianMixture.twentyFiveOnGrid();
        assertEquals(25, m.modeCount());
        assertEquals(0.05 / 2.828, m.sigma(), 0.0);
        double[][] modes = m.modes();
        assertArrayEquals(new double[] {-4 / 2.828, -4 / 2.828}, modes[0], 0.0);
        assertArrayEquals(new double[] {-4 / 2.828, -2 / 2.828}, modes[1], 0.0, "y varies fastest");
        assertArrayEquals(new double[] {0, 0}, modes[12], 0.0);
        assertArrayEquals(new double[] {4 / 2.828, 4 / 2.828}, modes[24], 0.0);
    }

    @Test
    void eightOnRingSamplesHaveTheModeMeansStdsAndWeights() {
        checkEmpirical(GaussianMixture.eightOnRing(), 80_000, 11);
    }

    @Test
    void twentyFiveOnGridSamplesHaveTheModeMeansStdsAndWeights() {
        checkEmpirical(GaussianMixture.twentyFiveOnGrid(), 100_000, 12);
    }

    /** Per component: mean within 5 standard errors of the mode, std within 5%, weight within 5 s.e. of 1/K. */
    private static void checkEmpirical(GaussianMixture m, int n, long seed) {
        int[] comp = new int[n];
        float[] xy = m.sample(new Generator(seed), n, comp);
        int k = m.modeCount();
        double[][] modes = m.modes();
        double sigma = m.sigma();
        long[] count = new long[k];
        double[][] sum = new double[k][2];
        double[][] sumSq = new double[k][2];
        for (int i = 0; i < n; i++) {
            int c = comp[i];
            assertEquals(c, nearest(modes, xy[2 * i], xy[2 * i + 1]), "a sample is nearest its own mode");
            count[c]++;
            for (int a = 0; a < 2; a++) {
                double v = xy[2 * i + a] - modes[c][a];
                sum[c][a] += v;
                sumSq[c][a] += v * v;
            }
        }
        double p = 1.0 / k;
        double weightSe = Math.sqrt(p * (1 - p) / n);
        for (int c = 0; c < k; c++) {
            assertEquals(p, (double) count[c] / n, 5 * weightSe, "weight of mode " + c);
            for (int a = 0; a < 2; a++) {
                double mean = sum[c][a] / count[c];
                double std = Math.sqrt(sumSq[c][a] / count[c] - mean * mean);
                assertEquals(0, mean, 5 * sigma / Math.sqrt(count[c]), "mean offset, mode " + c + " axis " + a);
                assertEquals(sigma, std, 0.05 * sigma, "std, mode " + c + " axis " + a);
            }
        }
    }

    private static int nearest(double[][] modes, double x, double y) {
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int k = 0; k < modes.length; k++) {
            double d = Math.hypot(x - modes[k][0], y - modes[k][1]);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best;
    }

    @Test
    void samplingContinuesTheGeneratorStreamReproducibly() {
        GaussianMixture m = GaussianMixture.eightOnRing();
        Generator g = new Generator(3);
        float[] first = m.sample(g, 100);
        assertEquals(300, g.offset(), "n uniforms and 2n normals");
        float[] second = m.sample(g, 100);
        assertFalse(Arrays.equals(first, second));
        assertArrayEquals(first, m.sample(new Generator(3), 100));
        assertArrayEquals(second, m.sample(new Generator(3, 300), 100));
        Tensor t = m.batch(new Generator(3), 100, DType.FLOAT64, Device.CPU);
        assertArrayEquals(new long[] {100, 2}, t.shape());
        assertEquals(DType.FLOAT64, t.dtype());
        assertArrayEquals(first, t.toFloatArray());
    }

    @Test
    void fixedDatasetIsBalancedLikeTheToyCodes25GaussianSet() {
        GaussianMixture m = GaussianMixture.twentyFiveOnGrid();
        PointDataset d = m.fixedDataset(4000, new Generator(8));
        assertEquals(100_000, d.size());
        assertArrayEquals(new long[] {2}, d.itemShape());
        int[] count = new int[25];
        double[][] modes = m.modes();
        for (int i = 0; i < d.size(); i++) {
            count[d.label(i)]++;
            assertEquals(d.label(i), nearest(modes, d.coordinate(i, 0), d.coordinate(i, 1)));
        }
        for (int c : count) {
            assertEquals(4000, c);
        }
        Tensor b = d.batch(new int[] {0, 24}, DType.FLOAT32, Device.CPU);
        assertArrayEquals(new long[] {2, 2}, b.shape());
        assertEquals(modes[24][0], b.toFloatArray()[2], 5 * m.sigma());
        DataLoader toyScheme = new DataLoader(d, 256, DataLoader.Shuffle.ONCE, true, 1);
        assertEquals(390, toyScheme.batchesPerEpoch(), "100000 / 256, the last partial batch dropped");
        assertTrue(Arrays.equals(toyScheme.indices(0), toyScheme.indices(390)), "the same order every epoch");
    }
}
