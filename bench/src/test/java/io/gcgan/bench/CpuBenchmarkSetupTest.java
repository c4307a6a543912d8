package io.gcgan.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.train.StepMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every CPU benchmark's trial, outside JMH: {@code @Setup} with one set of its parameters, two invocations of the
 * benchmark method, {@code @TearDown}. What breaks a benchmark only when somebody runs it (a parameter value its
 * setup no longer parses, a workload that no longer builds) fails here instead; timing is JMH's business.
 */
class CpuBenchmarkSetupTest {

    @ParameterizedTest
    @CsvSource({
        "sgdm, none, input-channel", "sgdm, gc, input-channel", "sgdm, gc, output-filter",
        "adam, gcc, input-channel", "adam, gc, output-filter"})
    void optimizerStepRuns(String algorithm, String gc, String tconvCentring) {
        OptimizerStepBenchmark b = new OptimizerStepBenchmark();
        b.algorithm = algorithm;
        b.gc = gc;
        b.workload = "dcgan64";
        b.implementation = "cpu";
        b.tconvCentring = tconvCentring;
        b.setUp();
        try {
            ByteCounter counter = new ByteCounter();
            b.step(counter);
            b.step(counter);
            // Two steps of the minimum traffic: 20 (SGD-momentum) or 28 (Adam) bytes per parameter, + 4 if centred.
            double perStep = counter.gb / 2 * 1e9 / Dcgan64Parameters.numel(Dcgan64Parameters.ALL);
            double plain = algorithm.equals("adam") ? 28 : 20;
            assertTrue(perStep >= plain && perStep <= plain + 4, "bytes per parameter per step: " + perStep);
        } finally {
            b.tearDown();
        }
    }

    /**
     * The paired GC benchmark steps both copies once per pair, in alternating order, and only the centred copy is
     * centred: after the same steps from the same values the two copies' conv weights differ with gc and are equal
     * bit for bit in the A/A control (gc=none), while the BatchNorm weights (never centred) are equal either way.
     */
    @ParameterizedTest
    @CsvSource({"sgdm, gc", "adam, none"})
    void gcOverheadStepsBothCopiesAndCentresOnlyOne(String algorithm, String gc) {
        GcOverheadBenchmark b = new GcOverheadBenchmark();
        b.algorithm = algorithm;
        b.gc = gc;
        b.workload = "dcgan64";
        b.backend = "cpu";
        b.setUp();
        try {
            GcOverheadBenchmark.PairTimes times = new GcOverheadBenchmark.PairTimes();
            times.reset();
            for (int i = 0; i < 3; i++) {
                b.pair(times);
            }
            assertEquals(3, times.pairs);
            assertTrue(times.noneMs > 0 && times.gcMs > 0, times.noneMs + " / " + times.gcMs + " ms");
            assertEquals(4, b.plain().steps()); // the set-up's step, then one per pair
            assertEquals(4, b.centred().steps());
            float[] convPlain = weight(b.plain(), "netD.main.8.weight");
            float[] convCentred = weight(b.centred(), "netD.main.8.weight");
            if (gc.equals("none")) {
                assertArrayEquals(convPlain, convCentred);
            } else {
                assertTrue(!java.util.Arrays.equals(convPlain, convCentred), "GC changed no conv weight");
            }
            assertArrayEquals(weight(b.plain(), "netD.main.9.weight"), weight(b.centred(), "netD.main.9.weight"));
        } finally {
            b.tearDown();
        }
    }

    /**
     * Each pair's times go to the copy that took them, and the order alternates: plain first, then centred first.
     * The steps are timed by a stand-in clock (1 ms for the plain copy, 10 ms for the centred one).
     */
    @Test
    void gcOverheadCreditsEachCopyItsOwnTimeInAlternatingOrder() {
        List<String> order = new java.util.ArrayList<>();
        GcOverheadBenchmark b = new GcOverheadBenchmark() {
            @Override
            double timedStep(io.gcgan.optim.Optimizer optimizer) {
                boolean plain = optimizer == plain();
                assertTrue(plain || optimizer == centred(), "a step of neither copy");
                order.add(plain ? "none" : "gc");
                return plain ? 1.0 : 10.0;
            }
        };
        b.algorithm = "sgdm";
        b.gc = "gc";
        b.workload = "netD.main.8.weight";
        b.backend = "cpu";
        b.setUp();
        try {
            GcOverheadBenchmark.PairTimes times = new GcOverheadBenchmark.PairTimes();
            times.reset();
            for (int i = 0; i < 4; i++) {
                b.pair(times);
            }
            assertEquals(List.of("none", "gc", "gc", "none", "none", "gc", "gc", "none"), order);
            assertEquals(4.0, times.noneMs);
            assertEquals(40.0, times.gcMs);
            assertEquals(4.0, times.pairs);
        } finally {
            b.tearDown();
        }
    }

    private static float[] weight(io.gcgan.optim.Optimizer optimizer, String name) {
        return optimizer.groups().get(0).params().stream().filter(p -> name.equals(p.name())).findFirst()
                .orElseThrow().tensor().toFloatArray();
    }

    @Test
    void gcOverheadCostIsTheRatioOfTheTotalsAndNaNWithoutThem() {
        var none = new org.openjdk.jmh.results.ScalarResult("noneMs", 200.0, "#",
                org.openjdk.jmh.results.AggregationPolicy.SUM);
        var centred = new org.openjdk.jmh.results.ScalarResult("gcMs", 210.0, "#",
                org.openjdk.jmh.results.AggregationPolicy.SUM);
        assertEquals(0.05, GcOverheadBenchmark.cost(none, centred), 1e-12);
        assertTrue(Double.isNaN(GcOverheadBenchmark.cost(null, centred)));
        assertTrue(Double.isNaN(GcOverheadBenchmark.cost(centred, null)));
    }

    @Test
    void oneTensorOfTheSetIsAWorkloadAndAnUnknownNameIsRefusedWithTheKnownOnes() {
        List<Dcgan64Parameters.ParamShape> one = Dcgan64Parameters.workload("netD.main.8.weight");
        assertEquals(1, one.size());
        assertArrayEquals(new long[] {512, 256, 4, 4}, one.get(0).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dcgan64Parameters.workload("netD.main.7.weight"));
        assertTrue(e.getMessage().contains("'netD.main.7.weight'") && e.getMessage().contains("netG.main.0.weight"),
                e.getMessage());
    }

    @Test
    void anUnknownCentringIsRefusedByName() {
        OptimizerStepBenchmark b = new OptimizerStepBenchmark();
        b.algorithm = "sgdm";
        b.gc = "gc";
        b.workload = "dcgan64";
        b.implementation = "cpu";
        b.tconvCentring = "sideways";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::setUp);
        assertTrue(e.getMessage().contains("sideways"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"mnist28.d2, forward", "mnist28.d2, backwardData", "mnist28.g2, backwardWeight"})
    void convRuns(String layer, String pass) {
        Conv2dBenchmark b = new Conv2dBenchmark();
        b.layer = layer;
        b.pass = pass;
        b.backend = "cpu";
        b.convImplementation = "cudnn"; // the CUDA backend's choice; the CPU has one implementation
        b.math = "fp32";
        b.setUp();
        try {
            GflopCounter counter = new GflopCounter();
            b.conv(counter);
            b.conv(counter);
            assertTrue(counter.gflop > 0, "GFLOP counted: " + counter.gflop);
        } finally {
            b.tearDown();
        }
    }

    @ParameterizedTest
    @CsvSource({"64x64x14x14, forward", "64x6272, backward"})
    void batchNormRuns(String shape, String pass) {
        BatchNormBenchmark b = new BatchNormBenchmark();
        b.shape = shape;
        b.pass = pass;
        b.backend = "cpu";
        b.setUp();
        try {
            ByteCounter counter = new ByteCounter();
            b.batchNorm(counter);
            b.batchNorm(counter);
            assertTrue(counter.gb > 0, "GB counted: " + counter.gb);
        } finally {
            b.tearDown();
        }
    }

    /** The mnist28 training iteration on the CPU with every parameter at its default but these two. */
    private static TrainingIterationBenchmark cpuTraining(String steps, String autotuneTiming) {
        TrainingIterationBenchmark b = new TrainingIterationBenchmark();
        b.model = "mnist28";
        b.recipe = "nsgan-adam";
        b.backend = "cpu";
        b.math = "fp32";
        b.conv = "own";
        b.autotuneTiming = autotuneTiming;
        b.batchNorm = "fused";
        b.generatorNoise = "fresh";
        b.steps = steps;
        return b;
    }

    @Test
    void autoTimedOnTheDeviceIsRefusedOnTheCpuByName() {
        TrainingIterationBenchmark b = cpuTraining("written", "device-only");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::setUp);
        assertTrue(e.getMessage().startsWith("autotuneTiming=device-only needs backend=cuda"), e.getMessage());
    }

    @ParameterizedTest(name = "steps {0}")
    @ValueSource(strings = {"written", "captured"})
    void trainingIterationRunsAndLearnsSomething(String steps) {
        TrainingIterationBenchmark b = cpuTraining(steps, "with-launches");
        b.setUp();
        try {
            StepMetrics first = b.iteration();
            StepMetrics second = b.iteration();
            assertEquals(first.step() + 1, second.step());
            assertTrue(Double.isFinite(second.dLoss()) && Double.isFinite(second.gLoss()),
                    "losses: " + second.dLoss() + ", " + second.gLoss());
        } finally {
            b.tearDown();
        }
    }

    @Test
    void downcallsAnswer() throws Throwable {
        FfmDowncallBenchmark b = new FfmDowncallBenchmark();
        assertEquals(b.getpidPlain(), b.getpidCritical());
        assertTrue(b.getpidPlain() > 0);
        assertEquals(b.openblasGetNumThreadsPlain(), b.openblasGetNumThreadsCritical());
    }
}
