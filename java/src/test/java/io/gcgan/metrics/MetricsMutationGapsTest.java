package io.gcgan.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.random.Philox;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Gaps that PIT found in the metric tests: one-dimensional and row-major feature statistics, constant features
 * (a zero covariance), the symmetric square root itself, eigendecompositions far from unit scale and with zero
 * entries, the documented relative symmetry tolerance, mode coverage's ties, 3-sigma boundary and mode checks, and
 * the sliced Wasserstein distance's blur and upsampling against a direct convolution, its levels for non-square
 * images, its mean over levels, and where its patches come from.
 */
class MetricsMutationGapsTest {

    private static String fails(Executable call, String part) {
        String message = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        return message;
    }

    // ---- feature statistics ------------------------------------------------------------------------------------

    @Test
    void oneDimensionalStatistics() {
        FeatureStatistics.Accumulator a = new FeatureStatistics.Accumulator(1);
        for (double x : new double[] {1, 2, 4}) {
            a.add(new double[] {x});
        }
        FeatureStatistics s = a.statistics();
        assertEquals(3, s.count());
        assertEquals(7.0 / 3, s.mean()[0], 1e-15);
        assertEquals(7.0 / 3, s.covariance()[0][0], 1e-15, "(16 + 1 + 25) / 9 / (3 - 1)");
        fails(() -> new FeatureStatistics.Accumulator(0), "dimension 0 < 1");
    }

    @Test
    void rowMajorRowsAreTheRowsOneByOne() {
        float[] values = {1, 10, 2, 30, 4, 20}; // [3, 2]
        FeatureStatistics.Accumulator a = new FeatureStatistics.Accumulator(2);
        a.addRows(values);
        assertEquals(3, a.count());
        FeatureStatistics expected = FeatureStatistics.of(new double[][] {{1, 10}, {2, 30}, {4, 20}});
        FeatureStatistics got = a.statistics();
        assertArrayEquals(expected.mean(), got.mean(), 0.0);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(expected.covariance()[i], got.covariance()[i], 0.0);
        }
        assertEquals(5.0, got.covariance()[0][1], 1e-12, "((-4/3)(-10) + (-1/3)(10) + (5/3)(0)) / 2");
        fails(() -> a.addRows(new float[5]), "5 values are not whole rows of 2");
        assertEquals(3, a.count(), "a refused call adds nothing");
    }

    // ---- the Frechet distance ----------------------------------------------------------------------------------

    @Test
    void constantFeaturesAreAtTheDistanceOfTheirMeans() {
        FeatureStatistics a = new FeatureStatistics(10, new double[] {1, 2, 3}, new double[3][3]);
        FeatureStatistics b = new FeatureStatistics(10, new double[] {0, 4, 3}, new double[3][3]);
        assertEquals(5.0, FrechetDistance.squared(a, b), 0.0);
        SymmetricEigen zero = SymmetricEigen.of(new double[3][3]);
        assertArrayEquals(new double[3], zero.values(), 0.0);
        for (int i = 0; i < 3; i++) {
            assertEquals(1.0, Math.abs(zero.vectors()[i][i]), 0.0);
        }
    }

    @Test
    void sqrtPsdIsTheSymmetricNonNegativeRoot() {
        double[][] q = FrechetDistanceTest.rotation(3, 17);
        double[][] s = FrechetDistanceTest.rotated(new double[] {4, 9, 0.25}, q);
        double[][] expected = FrechetDistanceTest.rotated(new double[] {2, 3, 0.5}, q);
        double[][] r = FrechetDistance.sqrtPsd(s);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(expected[i], r[i], 1e-13, "row " + i);
        }
    }

    // ---- the eigendecomposition --------------------------------------------------------------------------------

    private static double[][] scaled(double[][] a, double factor) {
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
            for (int j = 0; j < a.length; j++) {
                out[i][j] *= factor;
            }
        }
        return out;
    }

    @Test
    void eigenvaluesScaleWithTheMatrix() {
        double[][] a = SymmetricEigenTest.randomSymmetric(6, 23);
        double[] unit = SymmetricEigen.of(a).values();
        for (double factor : new double[] {1e-12, 1e12}) {
            double[] got = SymmetricEigen.of(scaled(a, factor)).values();
            for (int k = 0; k < 6; k++) {
                assertEquals(unit[k] * factor, got[k], 1e-13 * factor, "value " + k + " at scale " + factor);
            }
        }
    }

    @Test
    void zeroEntriesDoNotStopTheSweeps() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 5}});
        assertArrayEquals(new double[] {5, 3, 1}, e.values(), 1e-15);
        double r = Math.sqrt(0.5);
        assertEquals(r, Math.abs(e.vectors()[0][1]), 1e-15);
        assertEquals(e.vectors()[0][1], e.vectors()[1][1], 1e-15);
    }

    @Test
    void asymmetryIsMeasuredRelativeToTheNorm() {
        double[][] a = scaled(SymmetricEigenTest.randomSymmetric(4, 29), 1e6);
        double norm = SymmetricEigenTest.frobenius(a);
        double[][] slightly = scaled(a, 1);
        slightly[0][1] += 0.5e-12 * norm;
        assertEquals(4, SymmetricEigen.of(slightly).values().length, "rounding-sized asymmetry is accepted");
        double[][] more = scaled(a, 1);
        more[0][1] += 2e-12 * norm;
        fails(() -> SymmetricEigen.of(more), "not symmetric: a[0][1]");
    }

    // ---- mode coverage -----------------------------------------------------------------------------------------

    @Test
    void modeCoverageTiesBoundaryAndModeChecks() {
        double[][] pair = {{-1, 0}, {1, 0}};
        ModeCoverage tie = ModeCoverage.of(new double[] {0, 0}, pair, 1);
        assertEquals(List.of(1L, 0L), tie.highQualityPerMode(), "a tie goes to the mode listed first");

        double[][] origin = {{0, 0}};
        assertEquals(1, ModeCoverage.of(new double[] {3, 0}, origin, 1).highQualityCount(), "exactly 3 sigma");
        assertEquals(0, ModeCoverage.of(new double[] {3.000001, 0}, origin, 1).highQualityCount());

        ModeCoverage right = ModeCoverage.of(new double[] {1.1, 0.1}, pair, 0.1);
        assertEquals(List.of(0L, 1L), right.highQualityPerMode());
        ModeCoverage left = ModeCoverage.of(new double[] {-1.1, -0.1}, pair, 0.1);
        assertEquals(List.of(1L, 0L), left.highQualityPerMode());
        double[][] column = {{0, -1}, {0, 1}};
        assertEquals(List.of(0L, 1L), ModeCoverage.of(new double[] {0.1, 1.1}, column, 0.1).highQualityPerMode());

        fails(() -> ModeCoverage.of(new double[] {0, 0}, new double[][] {{0, 0}, {1, 2, 3}}, 1),
                "mode 1 has 3 coordinates, not 2");
    }

    // ---- the sliced Wasserstein distance -----------------------------------------------------------------------

    private static final double[] TAPS = {1 / 16.0, 4 / 16.0, 6 / 16.0, 4 / 16.0, 1 / 16.0};

    /** The oracle: the 2-D 5 x 5 binomial filter of each plane, borders mirrored, times gain, in float64. */
    private static double[] directBlur(float[] x, int planes, int h, int w, double gain) {
        double[] out = new double[x.length];
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    double s = 0;
                    for (int i = -2; i <= 2; i++) {
                        for (int j = -2; j <= 2; j++) {
                            s += TAPS[i + 2] * TAPS[j + 2] * x[(p * h + SlicedWasserstein.mirror(y + i, h)) * w
                                    + SlicedWasserstein.mirror(xx + j, w)];
                        }
                    }
                    out[(p * h + y) * w + xx] = gain * s;
                }
            }
        }
        return out;
    }

    private static float[] normals(int n, long seed) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Philox.normal(seed, i);
        }
        return x;
    }

    @Test
    void blurIsTheDirectConvolution() {
        float[] x = normals(2 * 6 * 9, 41); // 2 planes of 6 x 9
        float[] got = SlicedWasserstein.blur(x, 2, 6, 9, 1.5f);
        double[] expected = directBlur(x, 2, 6, 9, 1.5);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 1e-5, "value " + i);
        }
    }

    @Test
    void upIsZeroInsertionThenTheBlurTimesFour() {
        float[] x = normals(2 * 3 * 5, 43); // 2 planes of 3 x 5 -> 6 x 9
        float[] z = new float[2 * 6 * 9];
        for (int p = 0; p < 2; p++) {
            for (int y = 0; y < 3; y++) {
                for (int xx = 0; xx < 5; xx++) {
                    z[(p * 6 + 2 * y) * 9 + 2 * xx] = x[(p * 3 + y) * 5 + xx];
                }
            }
        }
        float[] got = SlicedWasserstein.up(x, 2, 3, 5, 6, 9);
        double[] expected = directBlur(z, 2, 6, 9, 4);
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 1e-5, "value " + i);
        }
        float[] flat = new float[3 * 5];
        java.util.Arrays.fill(flat, 0.75f);
        for (float v : SlicedWasserstein.up(flat, 1, 3, 5, 6, 9)) {
            assertEquals(0.75f, v, 1e-6, "a constant stays constant");
        }
    }

    @Test
    void levelsFollowTheShorterSide() {
        assertEquals(List.of(64, 32), SlicedWasserstein.resolutions(64, 32));
        assertEquals(List.of(32, 16), SlicedWasserstein.resolutions(32, 64));
        assertEquals(List.of(16), SlicedWasserstein.resolutions(16, 16));
    }

    @Test
    void theResultIsTheMeanOverLevelsAndPrintsThem() {
        int n = 3;
        float[] a = normals(n * 32 * 32, 45);
        float[] b = normals(n * 32 * 32, 46);
        SlicedWasserstein.Result r = SlicedWasserstein.between(a, b, n, 1, 32, 32,
                new SlicedWasserstein.Options(1, 1, 1, 9));
        assertEquals(List.of(32, 16), r.resolutions());
        assertEquals((r.distancesE3().get(0) + r.distancesE3().get(1)) / 2, r.meanE3(), 1e-12);
        assertEquals(3, r.images());
        assertEquals("SWD x1e3 64: 10.23, 32: 8.10, mean 9.17 (2048 images)",
                new SlicedWasserstein.Result(List.of(64, 32), List.of(10.234, 8.1), 9.167, 2048).toString());
    }

    @Test
    void constantImagesAreAtDistanceZero() {
        float[] gray = new float[2 * 16 * 16];
        java.util.Arrays.fill(gray, 0.5f);
        SlicedWasserstein.Result r = SlicedWasserstein.between(gray, gray.clone(), 2, 1, 16, 16,
                new SlicedWasserstein.Options(4, 8, 1, 3));
        assertEquals(0.0, r.meanE3(), 0.0, r.toString());
    }

    /**
     * Pixel (i, 0, y, x) of 2 images of 2 x 9 x 9 is 1000 i + 10 y + x and pixel (i, 1, y, x) is 5000 minus that, so
     * a descriptor's first value tells where it came from: every image's rows come from that image, all 3 x 3 patch
     * positions occur, and the second channel's values follow the first's (normalized: their negatives).
     */
    @Test
    void descriptorsComeFromEveryPositionOfTheirOwnImage() {
        int per = 60;
        float[] x = new float[2 * 2 * 9 * 9];
        for (int i = 0; i < 2; i++) {
            for (int y = 0; y < 9; y++) {
                for (int xx = 0; xx < 9; xx++) {
                    x[((i * 2) * 9 + y) * 9 + xx] = 1000 * i + 10 * y + xx;
                    x[((i * 2 + 1) * 9 + y) * 9 + xx] = 5000 - (1000 * i + 10 * y + xx);
                }
            }
        }
        int plane = SlicedWasserstein.PATCH * SlicedWasserstein.PATCH;
        int d = 2 * plane;
        float[] out = SlicedWasserstein.descriptors(x, 2, 2, 9, 9, per, 5, 0);
        for (int r = 0; r < 2 * per; r++) {
            for (int k = 0; k < plane; k++) {
                assertEquals(-out[r * d + k], out[r * d + plane + k], 1e-5, "row " + r + ", value " + k);
            }
        }
        double unit = out[1] - out[0]; // one step in x, normalized
        double lowest = Double.POSITIVE_INFINITY;
        for (int r = 0; r < 2 * per; r++) {
            lowest = Math.min(lowest, out[r * d]);
        }
        for (int i = 0; i < 2; i++) {
            Set<Long> where = new HashSet<>();
            for (int r = i * per; r < (i + 1) * per; r++) {
                long key = Math.round((out[r * d] - lowest) / unit);
                assertEquals(i, key / 1000, "row " + r + " comes from image " + i);
                where.add(key % 1000);
            }
            assertEquals(Set.of(0L, 1L, 2L, 10L, 11L, 12L, 20L, 21L, 22L), where, "image " + i);
        }
        float[] seven = SlicedWasserstein.descriptors(new float[49], 1, 1, 7, 7, 2, 5, 0);
        assertEquals(2 * plane, seven.length, "a 7 x 7 level has one position");
        for (float v : seven) {
            assertEquals(0f, v, "a constant patch normalizes to 0, not NaN");
        }
        assertEquals(1, new SlicedWasserstein.Options(1, 1, 1, 0).directions());
    }
}
