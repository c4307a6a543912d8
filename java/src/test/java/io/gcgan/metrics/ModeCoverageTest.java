package io.gcgan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.data.GaussianMixture;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mode coverage on hand-placed samples, at the 3-sigma boundary, and on the mixtures' own samples. */
class ModeCoverageTest {

    private static final GaussianMixture RING = GaussianMixture.eightOnRing();

    @Test
    void sixOfEightModesAndHalfHighQuality() {
        double[][] modes = RING.modes();
        double s = RING.sigma();
        // 7 good samples near modes 0..5 (two near mode 0), 7 bad ones: the origin and points 20% beyond
        // modes 0..5 on their rays (0.28 from the mode, 20 sigma).
        float[] xy = new float[28];
        int i = 0;
        for (int k = 0; k < 5; k++) {
            xy[i++] = (float) (modes[k][0] + s);
            xy[i++] = (float) (modes[k][1] - s);
        }
        xy[i++] = (float) (modes[0][0] - 2 * s);
        xy[i++] = (float) modes[0][1];
        xy[i++] = (float) modes[5][0];
        xy[i++] = (float) modes[5][1];
        for (int k = 0; k < 6; k++) {
            xy[i++] = (float) (modes[k][0] * 1.2);
            xy[i++] = (float) (modes[k][1] * 1.2);
        }
        xy[i++] = 0f;
        xy[i++] = 0f;
        assertEquals(28, i);
        ModeCoverage m = ModeCoverage.of(Tensor.of(xy, 14, 2), RING);
        assertEquals(6, m.modesCovered());
        assertEquals(8, m.totalModes());
        assertEquals(0.5, m.highQualityFraction(), 0.0);
        assertEquals(7, m.highQualityCount());
        assertEquals(14, m.sampleCount());
        assertEquals(List.of(2L, 1L, 1L, 1L, 1L, 1L, 0L, 0L), m.highQualityPerMode());
        assertEquals("6/8 modes covered, 50.0% high quality (7 of 14 samples within 3 sigma)", m.toString());
    }

    @Test
    void threeSigmaBoundaryAndNonFiniteSamples() {
        double[][] modes = {{0, 0}, {10, 0}};
        double sigma = 0.5;
        double[] xy = {
            0, 1.45,               // 2.9 sigma: high quality
            0, -1.55,              // 3.1 sigma: not
            10 + 1.0, 1.0,         // sqrt(2) = 2.83 sigma from mode 1: high quality
            Double.NaN, 0,         // never
            Double.POSITIVE_INFINITY, 0,
        };
        ModeCoverage m = ModeCoverage.of(xy, modes, sigma);
        assertEquals(2, m.modesCovered());
        assertEquals(2, m.highQualityCount());
        assertEquals(0.4, m.highQualityFraction(), 1e-15);
        assertEquals(List.of(1L, 1L), m.highQualityPerMode());
    }

    @Test
    void mixtureSamplesAreAbout98point9PercentHighQuality() {
        for (GaussianMixture g : new GaussianMixture[] {RING, GaussianMixture.twentyFiveOnGrid()}) {
            int n = 50_000;
            ModeCoverage m = ModeCoverage.of(g.batch(new Generator(21), n), g);
            assertEquals(g.modeCount(), m.modesCovered());
            double p = 1 - Math.exp(-4.5); // P(Rayleigh(sigma) <= 3 sigma)
            assertEquals(p, m.highQualityFraction(), 5 * Math.sqrt(p * (1 - p) / n), g.name());
        }
    }

    @Test
    void collapsedGeneratorCoversOneMode() {
        double[][] modes = RING.modes();
        float[] xy = new float[200];
        for (int i = 0; i < 100; i++) {
            xy[2 * i] = (float) modes[3][0];
            xy[2 * i + 1] = (float) modes[3][1];
        }
        ModeCoverage m = ModeCoverage.of(Tensor.of(xy, 100, 2), RING);
        assertEquals(1, m.modesCovered());
        assertEquals(1.0, m.highQualityFraction(), 0.0);
    }

    @Test
    void refusesBadShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> ModeCoverage.of(Tensor.zeros(4, 3), RING));
        assertTrue(e.getMessage().contains("[4, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModeCoverage.of(new double[0], RING.modes(), 1));
        assertThrows(IllegalArgumentException.class, () -> ModeCoverage.of(new double[2], RING.modes(), 0));
    }
}
