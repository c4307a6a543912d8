package io.gcgan.gan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.data.GaussianMixture;
import io.gcgan.gan.loss.GanLoss;
import io.gcgan.gan.loss.GanLosses;
import io.gcgan.gan.model.Mlp2d;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.metrics.ModeCoverage;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.optim.Adam;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.OptimizerState;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrainerTest {

    /** A small 2-D setup: MLPs of the given width on the 8-Gaussian ring, Adam(lr, 0.5, 0.9) for G and D. */
    private record Setup(Module g, Module d, Optimizer gOpt, Optimizer dOpt, Trainer trainer) {
    }

    private static Setup setup(int width, String lossName, CentredGradientPenalty penalty, TrainerConfig config,
                               RealData data) {
        ModuleOptions o = ModuleOptions.of(new Generator(1));
        return setup(Mlp2d.generator(width, o), Mlp2d.discriminator(width, o), lossName, penalty, config, data);
    }

    private static Setup setup(Module g, Module d, String lossName, CentredGradientPenalty penalty,
                               TrainerConfig config, RealData data) {
        GanLoss loss = GanLosses.byName(lossName);
        Optimizer gOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(g.namedParameters()).build()), 0.5, 0.9, 1e-8);
        Optimizer dOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(d.namedParameters()).build()), 0.5, 0.9, 1e-8);
        return new Setup(g, d, gOpt, dOpt, new Trainer(g, d, new long[] {2}, data, loss, penalty, gOpt, dOpt, config));
    }

    /**
     * The documented small configuration: non-saturating loss, R1 with gamma 0.1, Adam(1e-3, 0.5, 0.9), MLPs of
     * width 64, batch 256, one D update per G update, 600 steps, seed 3. Measured: 7 of 8 modes, about a quarter of
     * the samples within 3 sigma of a mode.
     */
    @Test
    void eightGaussiansFixedSeedRunCoversAtLeastSixModes() {
        GaussianMixture mix = GaussianMixture.eightOnRing();
        TrainerConfig config = TrainerConfig.defaults(3).withBatchSize(256).withDiagnosticsEvery(100);
        Setup s = setup(64, "nsgan", CentredGradientPenalty.r1(0.1), config, RealData.of(mix, 256, 7));
        for (int i = 0; i < 600; i++) {
            s.trainer().trainStep();
        }
        Tensor samples;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            samples = s.g().forward(Tensor.randn(new Generator(99), 2000, 2));
        }
        ModeCoverage cov = ModeCoverage.of(samples, mix);
        assertTrue(cov.modesCovered() >= 6, "expected at least 6 of 8 modes: " + cov);
        assertTrue(cov.highQualityFraction() > 0.1, "expected more than 10% high-quality samples: " + cov);
    }

    @ParameterizedTest
    @EnumSource(GeneratorNoise.class)
    void sameSeedGivesIdenticalMetricsAndRestoringACheckpointRepeatsTheStep(GeneratorNoise noise) {
        GaussianMixture mix = GaussianMixture.eightOnRing();
        TrainerConfig config = TrainerConfig.defaults(5).withBatchSize(32).withCritic(2, false)
                .withGeneratorNoise(noise);
        Setup a = setup(16, "wgan", CentredGradientPenalty.wganGp(1.0), config, RealData.of(mix, 32, 11));
        Setup b = setup(16, "wgan", CentredGradientPenalty.wganGp(1.0), config, RealData.of(mix, 32, 11));
        List<String> rowsA = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rowsA.add(withoutTime(a.trainer().trainStep()));
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(rowsA.get(i), withoutTime(b.trainer().trainStep()));
        }
        // Snapshot everything a checkpoint holds, take a step, roll back to the snapshot: the step repeats exactly.
        Trainer.State state = b.trainer().state();
        assertEquals(2, state.step());
        Map<String, Tensor> gWeights = copies(b.g().stateDict());
        Map<String, Tensor> dWeights = copies(b.d().stateDict());
        OptimizerState gState = copy(b.gOpt().state());
        OptimizerState dState = copy(b.dOpt().state());
        String third = withoutTime(b.trainer().trainStep());
        assertEquals(rowsA.get(2), third);
        b.g().loadStateDict(gWeights);
        b.d().loadStateDict(dWeights);
        b.gOpt().loadState(gState);
        b.dOpt().loadState(dState);
        b.trainer().restore(state);
        assertEquals(third, withoutTime(b.trainer().trainStep()));
        assertEquals(rowsA.get(3), withoutTime(b.trainer().trainStep()));
    }

    private static Map<String, Tensor> copies(Map<String, Tensor> tensors) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            tensors.forEach((k, v) -> out.put(k, v.detach().copy()));
        }
        return out;
    }

    private static OptimizerState copy(OptimizerState s) {
        Map<String, OptimizerState.ParamState> params = new LinkedHashMap<>();
        s.params().forEach((k, v) -> params.put(k, new OptimizerState.ParamState(v.step(), copies(v.buffers()))));
        return new OptimizerState(s.steps(), params);
    }

    private static String withoutTime(StepMetrics m) {
        String row = m.csvRow();
        return row.substring(0, row.lastIndexOf(','));
    }

    @Test
    void nanInTheDataStopsBeforeTheUpdateNamingStepAndQuantity() {
        RealData poisoned = new RealData() {
            @Override
            public Tensor next(DType dtype, Device device) {
                return Tensor.full(Double.NaN, dtype, device, 8, 2);
            }

            @Override
            public Tensor nextHeldOut(DType dtype, Device device) {
                return next(dtype, device);
            }

            @Override
            public long[] position() {
                return new long[2];
            }

            @Override
            public void setPosition(long[] position) {
            }
        };
        Setup s = setup(8, "nsgan", null, TrainerConfig.defaults(1).withBatchSize(8), poisoned);
        float[] before = s.d().parameters().get(0).toFloatArray();
        List<float[]> gBefore = new ArrayList<>();
        for (Tensor p : s.g().parameters()) {
            gBefore.add(p.toFloatArray());
        }
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> s.trainer().trainStep());
        assertEquals(0, e.step());
        assertEquals("D loss", e.quantity());
        assertTrue(e.getMessage().contains("step 0") && e.getMessage().contains("D loss"), e.getMessage());
        assertArrayEquals(before, s.d().parameters().get(0).toFloatArray(), "D must not be updated with a NaN step");
        // The G update was queued behind the D update (no host wait between them); its guard holds D's NaN loss.
        for (int i = 0; i < gBefore.size(); i++) {
            assertArrayEquals(gBefore.get(i), s.g().parameters().get(i).toFloatArray(),
                    "G must not be updated in a step whose D loss was NaN");
        }
    }

    /**
     * The loss, penalty and gradient norm of every update are read on the host together (one synchronization per
     * step), while each update is guarded on the device by the values before it; the checks still run in order and
     * name the quantity and the step: a non-finite G gradient at step 3 (with a finite G loss) stops training with
     * step 3's D update applied and nothing written to G.
     */
    @Test
    void nonFiniteGeneratorGradientStopsBeforeTheGeneratorUpdateOfThatStep() {
        GanLoss nsgan = GanLosses.byName("nsgan");
        int[] generatorLosses = {0};
        GanLoss poisonedAtStep3 = new GanLoss() {
            @Override
            public String name() {
                return "nsgan, NaN G gradient at step 3";
            }

            @Override
            public Tensor discriminatorLoss(Batch b) {
                return nsgan.discriminatorLoss(b);
            }

            @Override
            public Tensor generatorLoss(Batch b) {
                Tensor l = nsgan.generatorLoss(b);
                if (generatorLosses[0]++ == 3) {
                    // Value 0, derivative sign(0) * 1/(2 sqrt(0)) = 0 * inf = NaN: a finite loss, a NaN gradient.
                    l = l.add(b.dFake().sub(b.dFake()).abs().sqrt().sum());
                }
                return l;
            }
        };
        GaussianMixture mix = GaussianMixture.eightOnRing();
        TrainerConfig config = TrainerConfig.defaults(4).withBatchSize(16);
        ModuleOptions o = ModuleOptions.of(new Generator(1));
        Module g = Mlp2d.generator(8, o);
        Module d = Mlp2d.discriminator(8, o);
        Optimizer gOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(g.namedParameters()).build()), 0.5, 0.9, 1e-8);
        Optimizer dOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(d.namedParameters()).build()), 0.5, 0.9, 1e-8);
        Trainer trainer = new Trainer(g, d, new long[] {2}, RealData.of(mix, 16, 3), poisonedAtStep3,
                CentredGradientPenalty.r1(0.1), gOpt, dOpt, config);
        for (int i = 0; i < 3; i++) {
            StepMetrics m = trainer.trainStep();
            assertTrue(Double.isFinite(m.gLoss()) && Double.isFinite(m.gGradNorm()) && Double.isFinite(m.penalty())
                    && Double.isFinite(m.dGradNorm()), m.toString());
        }
        List<float[]> gBefore = new ArrayList<>();
        for (Tensor p : g.parameters()) {
            gBefore.add(p.toFloatArray());
        }
        float[] dBefore = d.parameters().get(0).toFloatArray();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, trainer::trainStep);
        assertEquals(3, e.step());
        assertEquals("G gradient norm", e.quantity(), e.getMessage());
        assertTrue(Double.isNaN(e.value()), e.getMessage());
        for (int i = 0; i < gBefore.size(); i++) {
            assertArrayEquals(gBefore.get(i), g.parameters().get(i).toFloatArray(), "G must not be updated");
            for (float v : g.parameters().get(i).toFloatArray()) {
                assertTrue(Float.isFinite(v), "G weights stay finite");
            }
        }
        assertFalse(java.util.Arrays.equals(dBefore, d.parameters().get(0).toFloatArray()),
                "step 3's D update (finite) was applied before the G update failed");
        assertEquals(3, trainer.step(), "the failed step is not counted");
    }

    /** The penalty, the Wasserstein estimate and the G gradient norm come back from the one read per update. */
    @Test
    void penaltyWassersteinEstimateAndGradientNormComeFromTheSharedRead() {
        GaussianMixture mix = GaussianMixture.eightOnRing();
        TrainerConfig config = TrainerConfig.defaults(6).withBatchSize(16);
        Setup s = setup(8, "wgan", CentredGradientPenalty.wganGp(1.0), config, RealData.of(mix, 16, 5));
        StepMetrics m = s.trainer().trainStep();
        assertTrue(Double.isFinite(m.penalty()) && m.penalty() >= 0, m.toString());
        assertTrue(Double.isFinite(m.wasserstein()), m.toString());
        // The G gradient norm equals the norm of G's gradients as left by the update.
        double sq = 0;
        for (Tensor p : s.g().parameters()) {
            for (float v : p.grad().toFloatArray()) {
                sq += (double) v * v;
            }
        }
        assertEquals(m.gGradNorm(), Math.sqrt(sq), 1e-5 * Math.max(1, m.gGradNorm()));
    }

    @Test
    void generatorUpdateLeavesNoDiscriminatorGradientsAndRestoresRequiresGrad() {
        GaussianMixture mix = GaussianMixture.eightOnRing();
        Setup s = setup(8, "nsgan", null, TrainerConfig.defaults(2).withBatchSize(16), RealData.of(mix, 16, 3));
        s.trainer().trainStep();
        for (Tensor p : s.d().parameters()) {
            assertTrue(p.requiresGrad(), "D parameters require grad again after the G update");
        }
        // D's gradients are those of its own (last) update: zeroGrad + backward happened before the G update,
        // and the G update added nothing. Recompute D's gradient norm from the metrics to check.
        StepMetrics m = s.trainer().trainStep();
        double sq = 0;
        for (Tensor p : s.d().parameters()) {
            for (float v : p.grad().toFloatArray()) {
                sq += (double) v * v;
            }
        }
        assertEquals(m.dGradNorm(), Math.sqrt(sq), 1e-5 * Math.max(1, m.dGradNorm()));
    }

    @Test
    void wganScheduleUsesHundredCriticStepsEarlyAndEvery500th() {
        TrainerConfig c = TrainerConfig.defaults(0).withCritic(5, true);
        assertEquals(100, c.criticStepsAt(0));
        assertEquals(100, c.criticStepsAt(24));
        assertEquals(5, c.criticStepsAt(25));
        assertEquals(100, c.criticStepsAt(500));
        assertEquals(5, c.criticStepsAt(501));
        assertEquals(5, TrainerConfig.defaults(0).withCritic(5, false).criticStepsAt(0));
        assertThrows(IllegalArgumentException.class, () -> TrainerConfig.defaults(0).withCritic(0, false));
    }

    @Test
    void wassersteinEstimateOnlyForWgan() {
        GaussianMixture mix = GaussianMixture.eightOnRing();
        Setup w = setup(8, "wgan", null, TrainerConfig.defaults(2).withBatchSize(16), RealData.of(mix, 16, 3));
        StepMetrics mw = w.trainer().trainStep();
        assertTrue(Double.isFinite(mw.wasserstein()));
        // WGAN's D loss is E D(G(z)) - E D(x) = -(Wasserstein estimate) at the same update.
        assertEquals(-mw.wasserstein(), mw.dLoss(), 1e-5);
        Setup n = setup(8, "nsgan", null, TrainerConfig.defaults(2).withBatchSize(16), RealData.of(mix, 16, 3));
        StepMetrics mn = n.trainer().trainStep();
        assertTrue(Double.isNaN(mn.wasserstein()));
        assertTrue(Double.isNaN(mn.penalty()));
        assertTrue(Double.isFinite(mn.dInputGradReal()) && Double.isFinite(mn.scoreGap()));
    }

    /** The module it wraps (same parameters), counting forward calls and keeping each output's values on the host. */
    private static final class CountingModule extends Module {
        private final Module inner;
        final List<float[]> outputs = new ArrayList<>();
        long[] shape;

        CountingModule(Module inner) {
            this.inner = registerModule("inner", inner);
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = inner.forward(x);
            double[] v = y.toDoubleArray();
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            outputs.add(f);
            shape = y.shape();
            return y;
        }
    }

    private static Setup counted(CountingModule g, GeneratorNoise noise, int critics) {
        ModuleOptions o = ModuleOptions.of(new Generator(1));
        TrainerConfig config = TrainerConfig.defaults(8).withBatchSize(16).withCritic(critics, false)
                .withGeneratorNoise(noise);
        return setup(g, Mlp2d.discriminator(8, o), "nsgan", null, config,
                RealData.of(GaussianMixture.eightOnRing(), 16, 4));
    }

    @Test
    void reusedNoiseRunsTheGeneratorOncePerCriticUpdateAndFreshNoiseOnceMore() {
        for (int critics : new int[] {1, 3}) {
            CountingModule fresh = new CountingModule(Mlp2d.generator(8, ModuleOptions.of(new Generator(1))));
            CountingModule reused = new CountingModule(Mlp2d.generator(8, ModuleOptions.of(new Generator(1))));
            Setup f = counted(fresh, GeneratorNoise.FRESH, critics);
            Setup r = counted(reused, GeneratorNoise.REUSE, critics);
            for (int i = 0; i < 2; i++) {
                f.trainer().trainStep();
                StepMetrics m = r.trainer().trainStep();
                assertTrue(Double.isFinite(m.gLoss()) && Double.isFinite(m.dInputGradFake()), m.csvRow());
            }
            assertEquals(2 * (critics + 1), fresh.outputs.size(), "fresh noise, " + critics + " critic steps");
            assertEquals(2 * critics, reused.outputs.size(), "reused noise, " + critics + " critic steps");
        }
    }

    /**
     * With reused noise the G loss is computed at the samples of the step's (last) D update, with the updated D;
     * with fresh noise it is not (the same check then fails, so it can tell the two apart).
     */
    @Test
    void reusedNoiseComputesTheGeneratorLossAtTheCriticUpdatesSamples() {
        for (GeneratorNoise noise : GeneratorNoise.values()) {
            CountingModule g = new CountingModule(Mlp2d.generator(8, ModuleOptions.of(new Generator(1))));
            Setup s = counted(g, noise, 1);
            StepMetrics m = s.trainer().trainStep();
            double atCriticSamples;
            try (GradMode.Guard ignored = GradMode.noGrad()) {
                Tensor dFake = s.d().forward(Tensor.of(g.outputs.get(0), g.shape)).reshape(-1);
                atCriticSamples = GanLosses.byName("nsgan").generatorLoss(GanLoss.Batch.forGenerator(dFake))
                        .toDoubleArray()[0];
            }
            if (noise == GeneratorNoise.REUSE) {
                assertEquals(atCriticSamples, m.gLoss(), 1e-6 * Math.abs(atCriticSamples), "reused noise");
            } else {
                assertTrue(Math.abs(atCriticSamples - m.gLoss()) > 1e-4 * Math.abs(atCriticSamples),
                        "fresh noise: G loss " + m.gLoss() + " equals the loss at the D update's samples");
            }
        }
    }

    @Test
    void generatorNoiseNames() {
        assertEquals(GeneratorNoise.REUSE, GeneratorNoise.fromName("reuse"));
        assertEquals("fresh", GeneratorNoise.FRESH.optionName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GeneratorNoise.fromName("new"));
        assertTrue(e.getMessage().contains("'new'"), e.getMessage());
        assertThrows(NullPointerException.class, () -> TrainerConfig.defaults(0).withGeneratorNoise(null));
    }
}
