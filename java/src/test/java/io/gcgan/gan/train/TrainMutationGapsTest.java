package io.gcgan.gan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.data.DataLoader;
import io.gcgan.data.GaussianMixture;
import io.gcgan.data.PointDataset;
import io.gcgan.gan.loss.GanLosses;
import io.gcgan.gan.model.Mlp2d;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.nn.BatchNorm1d;
import io.gcgan.nn.Linear;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.nn.ReLU;
import io.gcgan.nn.Sequential;
import io.gcgan.optim.Adam;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the trainer promises where mutation testing found no test: the CSV row's format, the step's wall time, WGAN's
 * weight clipping, BatchNorm's counters under captured steps, a closed trainer that trains on, streams that depend
 * on the seed, sampling that changes no training state, and the config's and data sources' edges.
 */
class TrainMutationGapsTest {

    private record Run(Module g, Module d, Optimizer gOpt, Optimizer dOpt, Trainer trainer) {
    }

    private static Run run(Module g, Module d, String loss, CentredGradientPenalty penalty, TrainerConfig config,
                           RealData data) {
        Optimizer gOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(g.namedParameters()).build()), 0.5, 0.9,
                1e-8);
        Optimizer dOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(d.namedParameters()).build()), 0.5, 0.9,
                1e-8);
        return new Run(g, d, gOpt, dOpt, new Trainer(g, d, new long[] {2}, data, GanLosses.byName(loss), penalty,
                gOpt, dOpt, config));
    }

    private static Run mlps(String loss, CentredGradientPenalty penalty, TrainerConfig config, RealData data) {
        ModuleOptions o = ModuleOptions.of(new Generator(1));
        return run(Mlp2d.generator(8, o), Mlp2d.discriminator(8, o), loss, penalty, config, data);
    }

    private static RealData ring() {
        return RealData.of(GaussianMixture.eightOnRing(), 16, 3);
    }

    private static String withoutTime(StepMetrics m) {
        String row = m.csvRow();
        return row.substring(0, row.lastIndexOf(','));
    }

    @Test
    void csvRowHasNineSignificantDigitsAndAnEmptyFieldForNaN() {
        StepMetrics m = new StepMetrics(7, 2, 1.5, Double.NaN, -0.25, 3, 0.125, 1e-7, Double.NaN, Double.NaN,
                Double.NaN, 0.5);
        assertEquals("7,2,1.50000000,,-0.250000000,3.00000000,0.125000000,1.00000000e-07,,,,0.500000000",
                m.csvRow());
        assertEquals(StepMetrics.csvHeader().split(",").length, m.csvRow().split(",", -1).length);
        assertTrue(StepMetrics.csvHeader().startsWith("step,critic_steps,d_loss,penalty,wasserstein,g_loss,"));
    }

    @Test
    void secondsIsTheWallTimeOfTheStep() {
        Trainer t = mlps("nsgan", null, TrainerConfig.defaults(2).withBatchSize(16), ring()).trainer();
        for (int i = 0; i < 2; i++) {
            long before = System.nanoTime();
            StepMetrics m = t.trainStep();
            double elapsed = (System.nanoTime() - before) / 1e9;
            assertTrue(m.seconds() > 0 && m.seconds() <= elapsed, m.seconds() + " s of " + elapsed + " s");
        }
    }

    @Test
    void wganClipsEveryDiscriminatorWeightAfterEachUpdate() {
        Run r = mlps("wgan", null, TrainerConfig.defaults(2).withBatchSize(16).withCritic(2, false), ring());
        double clip = GanLosses.byName("wgan").weightClip().orElseThrow();
        assertTrue(r.d().parameters().stream().anyMatch(p -> maxAbs(p) > 10 * clip), "initial weights exceed c");
        r.trainer().trainStep();
        for (Tensor p : r.d().parameters()) {
            assertTrue(maxAbs(p) <= clip * (1 + 1e-6), "max |w| " + maxAbs(p) + " > " + clip);
        }
        assertTrue(r.g().parameters().stream().anyMatch(p -> maxAbs(p) > 10 * clip), "G is not clipped");
    }

    private static double maxAbs(Tensor p) {
        double m = 0;
        for (float v : p.toFloatArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** An MLP generator with BatchNorm: a module with a counter (num_batches_tracked). */
    private static Module batchNormGenerator(ModuleOptions o) {
        return new Sequential(new Linear(2, 8, true, o), new BatchNorm1d(8, o), new ReLU(), new Linear(8, 2, true, o));
    }

    @Test
    void replayedStepsAdvanceBatchNormCountersAsStepsAsWrittenDo() {
        try (TensorScope scope = TensorScope.open()) {
            List<Map<String, Long>> counters = new ArrayList<>();
            List<Map<String, Tensor>> states = new ArrayList<>();
            for (boolean captured : new boolean[] {false, true}) {
                ModuleOptions o = ModuleOptions.of(new Generator(1));
                Run r = run(batchNormGenerator(o), Mlp2d.discriminator(8, o), "nsgan", null,
                        TrainerConfig.defaults(2).withBatchSize(16).withCritic(2, false).withCapturedSteps(captured),
                        ring());
                try (Trainer t = r.trainer()) {
                    for (int i = 0; i < 4; i++) {
                        t.trainStep();
                    }
                }
                Map<String, Long> c = new java.util.TreeMap<>();
                r.g().namedCounters().forEach((k, v) -> c.put(k, v.get()));
                counters.add(c);
                states.add(r.g().stateDict());
            }
            assertEquals(Map.of("1.num_batches_tracked", 12L), counters.get(0), "per step: 2 D updates and G's");
            assertEquals(counters.get(0), counters.get(1));
            for (String k : states.get(0).keySet()) {
                assertArrayEquals(states.get(0).get(k).toDoubleArray(), states.get(1).get(k).toDoubleArray(), k);
            }
        }
    }

    @Test
    void aClosedTrainerTrainsOnAsAnUnrecordedOne() {
        try (TensorScope scope = TensorScope.open()) {
            TrainerConfig config = TrainerConfig.defaults(2).withBatchSize(16);
            Trainer written = mlps("nsgan", null, config, ring()).trainer();
            Trainer captured = mlps("nsgan", null, config.withCapturedSteps(true), ring()).trainer();
            for (int i = 0; i < 6; i++) {
                if (i == 3) {
                    captured.close();
                }
                assertEquals(withoutTime(written.trainStep()), withoutTime(captured.trainStep()), "step " + i);
            }
            captured.close();
        }
    }

    /** G(z) = a constant learned point: the trainer's noise does not reach D, only the penalty's alpha does. */
    private static final class ConstantGenerator extends Module {
        private final Tensor point = registerParameter("point", Tensor.of(new float[] {0.5f, -0.5f}, 2));

        @Override
        public Tensor forward(Tensor z) {
            return z.mul(0.0).add(point);
        }
    }

    @Test
    void theSeedChoosesTheNoiseThePenaltysAlphaTheFixedNoiseAndTheData() {
        // Seeds 1 and 2 (or 2 and 4) differ in bits that a stream derived with & instead of ^ would drop.
        RealData one = ring(1);
        RealData two = ring(2);
        assertFalse(same(one.next(DType.FLOAT32, Device.CPU), two.next(DType.FLOAT32, Device.CPU)));
        assertFalse(same(one.nextHeldOut(DType.FLOAT32, Device.CPU), two.nextHeldOut(DType.FLOAT32, Device.CPU)));
        assertFalse(same(one.next(DType.FLOAT32, Device.CPU), one.nextHeldOut(DType.FLOAT32, Device.CPU)));

        Trainer fixed1 = mlps("nsgan", null, TrainerConfig.defaults(1), ring()).trainer();
        Trainer fixed2 = mlps("nsgan", null, TrainerConfig.defaults(2), ring()).trainer();
        assertFalse(same(fixed1.sampleFixed(), fixed2.sampleFixed()), "the fixed noise follows the seed");

        Tensor batch = GaussianMixture.eightOnRing().batch(new Generator(9), 16, DType.FLOAT32, Device.CPU);
        double[] penalties = new double[2];
        double[] dLosses = new double[2];
        long[] seeds = {2, 4};
        for (int i = 0; i < 2; i++) {
            ModuleOptions o = ModuleOptions.of(new Generator(1));
            Run r = run(new ConstantGenerator(), Mlp2d.discriminator(8, o), "wgan", CentredGradientPenalty.wganGp(1),
                    TrainerConfig.defaults(seeds[i]).withBatchSize(16), RealData.fixed(batch));
            StepMetrics m = r.trainer().trainStep();
            penalties[i] = m.penalty();
            dLosses[i] = m.dLoss();
        }
        assertEquals(dLosses[0], dLosses[1], "same D, same data, same samples");
        assertNotEquals(penalties[0], penalties[1], "the interpolation weights follow the seed");
    }

    private static RealData ring(long seed) {
        return RealData.of(GaussianMixture.eightOnRing(), 16, seed);
    }

    private static boolean same(Tensor a, Tensor b) {
        return java.util.Arrays.equals(a.toFloatArray(), b.toFloatArray());
    }

    @Test
    void samplingUsesEvalModeAndChangesNoTrainingState() {
        ModuleOptions o = ModuleOptions.of(new Generator(1));
        Run r = run(batchNormGenerator(o), Mlp2d.discriminator(8, o), "nsgan", null,
                TrainerConfig.defaults(2).withBatchSize(16), ring());
        Trainer t = r.trainer();
        t.trainStep();
        Trainer.State before = t.state();
        long batches = r.g().namedCounters().values().iterator().next().get();
        Tensor a = t.sampleFixed();
        Tensor b = t.sampleFixed();
        assertArrayEquals(new long[] {64, 2}, a.shape());
        assertArrayEquals(a.toFloatArray(), b.toFloatArray());
        assertFalse(a.requiresGrad(), "nothing recorded");
        assertTrue(r.g().isTraining(), "G back in training mode");
        assertEquals(batches, r.g().namedCounters().values().iterator().next().get(), "no batch counted");
        Trainer.State after = t.state();
        assertEquals(before.noiseOffset(), after.noiseOffset());
        assertEquals(before.penaltyOffset(), after.penaltyOffset());
        assertArrayEquals(before.dataPosition(), after.dataPosition());

        Tensor z = Tensor.randn(new Generator(4), DType.FLOAT32, Device.CPU, 5, 2);
        Tensor s = t.sample(z);
        r.g().eval();
        Tensor expected;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            expected = r.g().forward(z);
        }
        assertArrayEquals(expected.toFloatArray(), s.toFloatArray(), "running statistics, not the batch's");
        t.sample(z);
        assertFalse(r.g().isTraining(), "a G in eval mode stays there");
    }

    @Test
    void configAcceptsOneSampleAndRefusesNone() {
        TrainerConfig one = new TrainerConfig(1, 1, false, 1, 1, 0, DType.FLOAT32, Device.CPU);
        assertEquals(1, one.batchSize());
        assertEquals(1, one.fixedNoiseCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainerConfig(0, 1, false, 1, 1, 0, DType.FLOAT32, Device.CPU));
        assertEquals("batch size must be >= 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TrainerConfig(1, 1, false, 1, 0, 0, DType.FLOAT32, Device.CPU));
        assertEquals("fixed noise count must be >= 1, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> one.withDiagnosticsEvery(0));
        assertSame(Device.CPU, one.withDevice(Device.CPU).device());
        assertEquals(one.withBatchSize(3), one.withDevice(Device.CPU).withBatchSize(3));
        Trainer t = mlps("nsgan", null, one, ring()).trainer();
        assertSame(one, t.config());
    }

    @Test
    void aDataSetSplitIsReadBatchByBatchFromItsPosition() {
        float[] points = new float[12];
        for (int i = 0; i < points.length; i++) {
            points[i] = i;
        }
        DataLoader train = new DataLoader(PointDataset.of(points, 2, null, "train"), 2, DataLoader.Shuffle.NONE, true,
                0);
        DataLoader heldOut = new DataLoader(PointDataset.of(new float[] {-1, -2, -3, -4}, 2, null, "held out"), 1,
                DataLoader.Shuffle.NONE, true, 0);
        RealData data = RealData.of(train, heldOut);
        assertArrayEquals(new float[] {0, 1, 2, 3}, data.next(DType.FLOAT32, Device.CPU).toFloatArray());
        assertArrayEquals(new float[] {4, 5, 6, 7}, data.next(DType.FLOAT32, Device.CPU).toFloatArray());
        assertArrayEquals(new float[] {-1, -2}, data.nextHeldOut(DType.FLOAT32, Device.CPU).toFloatArray());
        assertArrayEquals(new long[] {2, 1}, data.position());
        data.setPosition(new long[] {1, 1});
        assertArrayEquals(new float[] {4, 5, 6, 7}, data.next(DType.FLOAT32, Device.CPU).toFloatArray());
        assertArrayEquals(new float[] {-3, -4}, data.nextHeldOut(DType.FLOAT32, Device.CPU).toFloatArray());

        Tensor batch = Tensor.of(new float[] {1, 2}, 1, 2);
        RealData fixed = RealData.fixed(batch);
        assertSame(batch, fixed.next(DType.FLOAT32, Device.CPU));
        assertSame(batch, fixed.nextHeldOut(DType.FLOAT32, Device.CPU));
        fixed.setPosition(new long[] {5, 5});
        assertArrayEquals(new long[] {0, 0}, fixed.position());
    }
}
