package io.gcgan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** OptimizerStepBenchmark's GC report reads a score in any JMH mode and time unit as milliseconds per step. */
class OptimizerStepReportTest {

    @Test
    void scoresOfEveryModeAndUnitBecomeMillisecondsPerStep() {
        assertEquals(4, OptimizerStepBenchmark.msPerOp(250, "ops/s"), 1e-12);
        assertEquals(4, OptimizerStepBenchmark.msPerOp(0.25, "ops/ms"), 1e-12);
        assertEquals(4, OptimizerStepBenchmark.msPerOp(2.5e-4, "ops/us"), 1e-12);
        assertEquals(4, OptimizerStepBenchmark.msPerOp(4, "ms/op"), 1e-12);
        assertEquals(4, OptimizerStepBenchmark.msPerOp(4000, "us/op"), 1e-9);
        assertEquals(4, OptimizerStepBenchmark.msPerOp(0.004, "s/op"), 1e-12);
        assertEquals(4, OptimizerStepBenchmark.msPerOp(4e6, "ns/op"), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> OptimizerStepBenchmark.msPerOp(1, "ops"));
        assertThrows(IllegalArgumentException.class, () -> OptimizerStepBenchmark.msPerOp(1, "ops/day"));
    }
}
