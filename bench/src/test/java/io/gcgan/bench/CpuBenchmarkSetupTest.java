package io.gcgan.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.cuda.ConvImplementation;
import io.gcgan.gan.train.StepMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.annotations.Param;

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

    /** {@code b} on the CPU with these parameters, set up (its trial's {@code @Setup}). */
    private static GcOverheadBenchmark setUp(GcOverheadBenchmark b, String algorithm, String gc, String workload) {
        b.algorithm = algorithm;
        b.gc = gc;
        b.workload = workload;
        b.backend = "cpu";
        b.setUp();
        return b;
    }

    /**
     * The paired GC benchmark's two steps share their storages and differ only in centring: with gc every conv
     * weight is centred in the second and none in the first; BatchNorm weights in neither; with gc=none in neither.
     */
    @ParameterizedTest
    @CsvSource({"sgdm, gc", "adam, none"})
    void gcOverheadStepsShareStoragesAndDifferOnlyInCentring(String algorithm, String gc) {
        GcOverheadBenchmark b = setUp(new GcOverheadBenchmark(), algorithm, gc, "dcgan64");
        try {
            List<ParamSlot> plain = b.plain();
            List<ParamSlot> centred = b.centred();
            assertEquals(Dcgan64Parameters.ALL.size(), plain.size());
            for (int i = 0; i < plain.size(); i++) {
                Dcgan64Parameters.ParamShape shape = Dcgan64Parameters.ALL.get(i);
                ParamSlot p = plain.get(i);
                ParamSlot c = centred.get(i);
                assertTrue(p.weight() == c.weight() && p.grad() == c.grad() && p.state1() == c.state1()
                        && p.state2() == c.state2(), shape.name());
                assertEquals(algorithm.equals("adam"), p.state2() != null, shape.name());
                assertEquals(GcOverheadBenchmark.STEP, p.step());
                assertTrue(!p.centring().centred(), shape.name());
                assertEquals(gc.equals("gc") && shape.shape().length == 4, c.centring().centred(), shape.name());
            }
            GcOverheadBenchmark.PairTimes times = new GcOverheadBenchmark.PairTimes();
            times.reset();
            b.pair(times);
            b.pair(times);
            assertEquals(2, times.pairs);
            assertTrue(times.noneMs > 0 && times.gcMs > 0, times.noneMs + " / " + times.gcMs + " ms");
        } finally {
            b.tearDown();
        }
    }

    /**
     * One timed step of each kind against SGD-momentum written out in double (momentum 0.9, lr 1e-3, step 2: no
     * buffer reset): the centred step subtracts each row's mean of g (a row of [512, 256, 4, 4] is 4,096 elements).
     */
    @Test
    void gcOverheadStepsAreSgdMomentumWithAndWithoutTheRowMean() {
        GcOverheadBenchmark b = setUp(new GcOverheadBenchmark(), "sgdm", "gc", "netD.main.8.weight");
        try {
            ParamSlot slot = b.plain().get(0);
            int row = 256 * 4 * 4;
            for (List<ParamSlot> slots : List.of(b.plain(), b.centred())) {
                float[] w = values(slot.weight());
                float[] g = values(slot.grad());
                float[] m = values(slot.state1());
                b.timedStep(slots);
                float[] w1 = values(slot.weight());
                float[] m1 = values(slot.state1());
                boolean centre = slots == b.centred();
                double worst = 0;
                for (int r = 0; r < 512; r++) {
                    double mean = 0;
                    for (int k = 0; k < row; k++) {
                        mean += g[r * row + k];
                    }
                    mean = centre ? mean / row : 0;
                    for (int k = 0; k < row; k++) {
                        int e = r * row + k;
                        double buf = 0.9 * m[e] + (g[e] - mean);
                        double next = w[e] - OptimizerWorkload.SGD_LR * buf;
                        worst = Math.max(worst, Math.abs(m1[e] - buf) + Math.abs(w1[e] - next));
                    }
                }
                assertTrue(worst < 1e-5, (centre ? "centred" : "plain") + " step off by " + worst);
            }
        } finally {
            b.tearDown();
        }
    }

    private static float[] values(io.gcgan.backend.Storage s) {
        return io.gcgan.tensor.Tensor.wrap(s, s.numel()).toFloatArray();
    }

    /**
     * Each pair's times go to the step that took them, and the order alternates: plain first, then centred first.
     * The steps are timed by a stand-in clock (1 ms for the plain step, 10 ms for the centred one).
     */
    @Test
    void gcOverheadCreditsEachStepItsOwnTimeInAlternatingOrder() {
        List<String> order = new java.util.ArrayList<>();
        GcOverheadBenchmark b = new GcOverheadBenchmark() {
            @Override
            double timedStep(List<ParamSlot> slots) {
                boolean plain = slots == plain();
                assertTrue(plain || slots == centred(), "a step of neither list");
                order.add(plain ? "none" : "gc");
                return plain ? 1.0 : 10.0;
            }
        };
        setUp(b, "sgdm", "gc", "netD.main.8.weight");
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
    @CsvSource({"mnist28.d2, forward, default", "mnist28.d2, backwardData, cpu", "mnist28.g2, backwardWeight, default"})
    void convRuns(String layer, String pass, String convImplementation) {
        Conv2dBenchmark b = new Conv2dBenchmark();
        b.layer = layer;
        b.pass = pass;
        b.backend = "cpu";
        b.convImplementation = convImplementation;
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

    /**
     * The conv benchmark's default sweep ({@code @Param}) is {@code default}, the backend's own implementation; a CPU
     * result is labelled default or cpu, never a CUDA implementation it did not use (before, every CPU result said
     * cudnn), and a CUDA result never cpu.
     */
    @Test
    void theConvImplementationIsTheBackendsOwnAndTheOtherBackendsIsRefused() throws NoSuchFieldException {
        assertArrayEquals(new String[] {"default"},
                Conv2dBenchmark.class.getField("convImplementation").getAnnotation(Param.class).value());
        assertNull(Conv2dBenchmark.implementation("default", "cpu"));
        assertNull(Conv2dBenchmark.implementation("cpu", "cpu"));
        assertEquals(ConvImplementation.CUDNN, Conv2dBenchmark.implementation("default", "cuda"));
        for (ConvImplementation c : ConvImplementation.values()) {
            assertEquals(c, Conv2dBenchmark.implementation(c.optionName(), "cuda"));
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Conv2dBenchmark.implementation(c.optionName(), "cpu"));
            assertEquals("convImplementation=" + c.optionName() + " needs backend=cuda; with backend=cpu leave it at"
                    + " default or name cpu (the CPU backend has one convolution: im2col + sgemm)", e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Conv2dBenchmark.implementation("cpu", "cuda"));
        assertEquals("convImplementation=cpu needs backend=cpu; with backend=cuda leave it at default or name cudnn,"
                + " own, gemm, auto", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2dBenchmark.implementation("cudnnn", "cpu"));
        assertEquals("convImplementation must be default, cpu (backend=cpu) or one of [cudnn, own, gemm, auto]"
                + " (backend=cuda), got 'cudnnn'", e.getMessage());
        // through the benchmark's @Setup, before any backend is made
        Conv2dBenchmark b = new Conv2dBenchmark();
        b.layer = "mnist28.d1";
        b.pass = "forward";
        b.backend = "cpu";
        b.convImplementation = "cudnn";
        b.math = "fp32";
        assertThrows(IllegalArgumentException.class, b::setUp);
        b.backend = "cuda";
        b.convImplementation = "cpu";
        e = assertThrows(IllegalArgumentException.class, b::setUp);
        assertTrue(e.getMessage().startsWith("convImplementation=cpu needs backend=cpu"), e.getMessage());
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
