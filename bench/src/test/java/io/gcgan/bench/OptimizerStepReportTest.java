package io.gcgan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * OptimizerStepBenchmark's GC report reads a score in any JMH mode and time unit as milliseconds per step, and gives
 * each mode's cost against {@code none}'s as a ratio and in percent.
 */
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

    @Test
    void eachModesCostIsARatioAndAPercentage() {
        Map<String, Map<String, Double>> times = new TreeMap<>();
        times.put("cpu dcgan64 sgdm input-channel", new TreeMap<>(Map.of("none", 20.0, "gcc", 22.0, "gc", 19.0)));
        assertEquals(List.of("  cpu dcgan64 sgdm input-channel             none   20.000 ms   gcc   22.000 ms"
                + " (x1.100, +10.0%)   gc   19.000 ms (x0.950, -5.0%)"), OptimizerStepBenchmark.overheadLines(times));
    }

    /** A run without gc=none (-p gc=gc) has nothing to compare with: the line says so instead of NaN. */
    @Test
    void withoutTheUncentredStepTheLineSaysSo() {
        Map<String, Map<String, Double>> times = new TreeMap<>();
        times.put("cpu dcgan64 adam input-channel", new TreeMap<>(Map.of("gc", 19.0)));
        String line = OptimizerStepBenchmark.overheadLines(times).get(0);
        assertFalse(line.contains("NaN"), line);
        assertTrue(line.endsWith("gc   19.000 ms   (no gc=none in this run to compare with: -p gc=none,gc)"), line);
    }
}
