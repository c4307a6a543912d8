package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.DType;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchNormShape} and {@link BatchNormRunningStats} at their bounds. Mutation testing (PIT) found the bounds
 * movable by one ({@code <=} for {@code <}) and {@link BatchNormShape#numel} replaceable without a test of the
 * backend package failing: a batch of one image with a spatial size of 2, or 2 rows of BatchNorm1d, are the smallest
 * shapes with batch statistics, and a factor of exactly 0 or 1 is a running average that keeps or replaces.
 */
class BatchNormShapeTest {

    /** The smallest shapes with more than one value per channel are allowed; one value less is refused, named. */
    @Test
    void theSmallestShapesWithBatchStatistics() {
        assertEquals(2, new BatchNormShape(1, 1, 2).perChannel(), "one image of 2 pixels");
        assertEquals(2, new BatchNormShape(2, 1, 1).perChannel(), "BatchNorm1d over 2 rows");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BatchNormShape(1, 4, 1));
        assertEquals("batchNorm: batch statistics need more than 1 value per channel, got n=1 s=1", e.getMessage());
        for (long[] bad : new long[][] {{0, 1, 2}, {2, 0, 1}, {2, 1, 0}}) {
            e = assertThrows(IllegalArgumentException.class, () -> new BatchNormShape(bad[0], bad[1], bad[2]));
            assertEquals("batchNorm: n, c and s must be >= 1, got n=" + bad[0] + " c=" + bad[1] + " s=" + bad[2],
                    e.getMessage());
        }
    }

    /** [N, C, H, W] is viewed as n = N, c = C, s = H W; numel is every element, perChannel a channel's. */
    @Test
    void viewOfADenseShape() {
        BatchNormShape b = BatchNormShape.of(new long[] {2, 3, 4, 5});
        assertEquals(new BatchNormShape(2, 3, 20), b);
        assertEquals(120, b.numel());
        assertEquals(40, b.perChannel());
        assertEquals(new BatchNormShape(6, 7, 1), BatchNormShape.of(new long[] {6, 7}), "BatchNorm1d's [N, C]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchNormShape.of(new long[] {8}));
        assertEquals("batchNorm: the input needs rank >= 2 ([N, C, ...]), got rank 1", e.getMessage());
    }

    /** The factor's range is closed: 0 keeps the running statistics, 1 replaces them; NaN is refused. */
    @Test
    void runningStatsFactorIsInTheClosedUnitInterval() {
        CpuBackend cpu = CpuBackend.instance();
        Storage mean = cpu.allocate(DType.FLOAT32, 3, Lifetime.AUTOMATIC);
        Storage var = cpu.allocate(DType.FLOAT32, 3, Lifetime.AUTOMATIC);
        assertEquals(0.0, new BatchNormRunningStats(mean, var, 0.0).factor());
        assertEquals(1.0, new BatchNormRunningStats(mean, var, 1.0).factor());
        for (double bad : new double[] {-1e-9, 1 + 1e-9, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new BatchNormRunningStats(mean, var, bad));
            assertEquals("BatchNormRunningStats: factor must be in [0, 1], got " + bad, e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BatchNormRunningStats(mean, mean, 0.1));
        assertEquals("BatchNormRunningStats: mean and var are the same storage", e.getMessage());
    }
}
