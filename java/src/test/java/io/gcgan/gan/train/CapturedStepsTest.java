package io.gcgan.gan.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.data.GaussianMixture;
import io.gcgan.gan.loss.GanLosses;
import io.gcgan.gan.model.Mlp2d;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.optim.Adam;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TrainerConfig#capturedSteps}: a trainer that records its steps' backend calls and replays them gives, on the
 * CPU backend (whose capture replays the recorded calls), bit for bit the metrics, weights and optimizer state of a
 * trainer that runs every step as written, for every kind of update (penalties with and without alpha, weight
 * clipping, several D updates, fresh and reused G noise, diagnostics on some steps); it really replays (the modules'
 * Java code runs only while a kind of step is run as written or recorded); and non-finite values stop it as they
 * stop a trainer running as written.
 */
class CapturedStepsTest {

    private static final int STEPS = 6;

    /** G wrapped so that its forward calls are counted (they run only while the step's code runs). */
    private static final class Counted extends Module {
        private final Module inner;
        int forwards;

        Counted(Module inner) {
            this.inner = registerModule("inner", inner);
        }

        @Override
        public Tensor forward(Tensor x) {
            forwards++;
            return inner.forward(x);
        }
    }

    private record Run(Counted g, Module d, Optimizer gOpt, Optimizer dOpt, Trainer trainer) {
    }

    private static Run run(String loss, CentredGradientPenalty penalty, int critics, GeneratorNoise noise,
                           boolean captured, RealData data) {
        ModuleOptions o = ModuleOptions.of(new Generator(1));
        Counted g = new Counted(Mlp2d.generator(16, o));
        Module d = Mlp2d.discriminator(16, o);
        Optimizer gOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(g.namedParameters()).build()), 0.5, 0.9,
                1e-8);
        Optimizer dOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(d.namedParameters()).build()), 0.5, 0.9,
                1e-8);
        TrainerConfig config = TrainerConfig.defaults(5).withBatchSize(32).withCritic(critics, false)
                .withGeneratorNoise(noise).withDiagnosticsEvery(2).withCapturedSteps(captured);
        return new Run(g, d, gOpt, dOpt, new Trainer(g, d, new long[] {2}, data, GanLosses.byName(loss), penalty,
                gOpt, dOpt, config));
    }

    private static RealData ring() {
        return RealData.of(GaussianMixture.eightOnRing(), 32, 11);
    }

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("nsgan", null, 1, GeneratorNoise.FRESH),
                Arguments.of("nsgan", CentredGradientPenalty.r1(0.1), 1, GeneratorNoise.REUSE),
                Arguments.of("wgan", CentredGradientPenalty.wganGp(1.0), 2, GeneratorNoise.FRESH),
                Arguments.of("wgan", CentredGradientPenalty.wganGp(1.0), 3, GeneratorNoise.REUSE),
                Arguments.of("wgan", null, 2, GeneratorNoise.FRESH), // weight clipping between replays
                Arguments.of("lsgan", CentredGradientPenalty.zeroCentred(1.0), 1, GeneratorNoise.FRESH));
    }

    @ParameterizedTest(name = "{0}, penalty {1}, {2} D updates, G noise {3}")
    @MethodSource("kinds")
    void replayedStepsGiveTheWrittenStepsResultsBitForBit(String loss, CentredGradientPenalty penalty, int critics,
                                                          GeneratorNoise noise) {
        try (TensorScope scope = TensorScope.open()) {
            Run written = run(loss, penalty, critics, noise, false, ring());
            Run replayed = run(loss, penalty, critics, noise, true, ring());
            try (Trainer t = replayed.trainer()) {
                for (int i = 0; i < STEPS; i++) {
                    assertEquals(withoutTime(written.trainer().trainStep()), withoutTime(t.trainStep()), "step " + i);
                }
                sameTensors("G", written.g().stateDict(), replayed.g().stateDict());
                sameTensors("D", written.d().stateDict(), replayed.d().stateDict());
                assertEquals(written.gOpt().state().steps(), replayed.gOpt().state().steps());
                written.gOpt().state().params().forEach((name, s) -> sameTensors("G optimizer " + name,
                        s.buffers(), replayed.gOpt().state().params().get(name).buffers()));
                written.dOpt().state().params().forEach((name, s) -> sameTensors("D optimizer " + name,
                        s.buffers(), replayed.dOpt().state().params().get(name).buffers()));
                // The replayed trainer's modules ran their Java code on step 0 (as written) and step 1 (recorded)
                // only; the written one's on every step.
                assertEquals(written.g().forwards / STEPS * 2, replayed.g().forwards, "G forward calls");
                assertTrue(written.g().forwards > replayed.g().forwards);
            }
        }
    }

    @Test
    void aNonFiniteLossStopsAReplayedStepAsItStopsAWrittenOne() {
        try (TensorScope scope = TensorScope.open()) {
            List<String> messages = new ArrayList<>();
            for (boolean captured : new boolean[] {false, true}) {
                RealData poisoned = poisonedAt(3, ring());
                Run r = run("nsgan", null, 1, GeneratorNoise.FRESH, captured, poisoned);
                try (Trainer t = r.trainer()) {
                    for (int i = 0; i < 3; i++) {
                        t.trainStep();
                    }
                    Map<String, Tensor> before = copies(r.d().stateDict());
                    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::trainStep);
                    messages.add(e.getMessage());
                    sameTensors("D after the stopped step", before, r.d().stateDict());
                }
            }
            assertEquals(messages.get(0), messages.get(1));
        }
    }

    /** A module whose forward reads its output on the host (as a debugging print would). */
    private static final class Reading extends Module {
        private final Module inner;

        Reading(Module inner) {
            this.inner = registerModule("inner", inner);
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = inner.forward(x);
            y.toDoubleArray();
            return y;
        }
    }

    @Test
    void codeThatCannotBeRecordedFailsByNameAndLeavesTheBackendUsable() {
        try (TensorScope scope = TensorScope.open()) {
            ModuleOptions o = ModuleOptions.of(new Generator(1));
            Module g = new Reading(Mlp2d.generator(8, o));
            Module d = Mlp2d.discriminator(8, o);
            Optimizer gOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(g.namedParameters()).build()), 0.5,
                    0.9, 1e-8);
            Optimizer dOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(d.namedParameters()).build()), 0.5,
                    0.9, 1e-8);
            TrainerConfig config = TrainerConfig.defaults(5).withBatchSize(16).withCapturedSteps(true);
            try (Trainer t = new Trainer(g, d, new long[] {2}, ring(), GanLosses.byName("nsgan"), null, gOpt, dOpt,
                    config)) {
                t.trainStep(); // as written: the read is allowed
                IllegalStateException e = assertThrows(IllegalStateException.class, t::trainStep);
                assertTrue(e.getMessage().contains("copyToHost cannot be captured"), e.getMessage());
                assertFalse(io.gcgan.tensor.Backends.of(Device.CPU).capturing(), "the failed recording was ended");
                assertEquals(3, Tensor.of(new double[] {1, 2}, 2).sum().item());
            }
        }
    }

    @Test
    void aBatchOfAnotherShapeIsRefusedByName() {
        try (TensorScope scope = TensorScope.open()) {
            RealData shrinking = changedFrom(3, ring(), t -> t.slice(0, 0, 16));
            try (Trainer t = run("nsgan", null, 1, GeneratorNoise.FRESH, true, shrinking).trainer()) {
                for (int i = 0; i < 3; i++) {
                    t.trainStep();
                }
                IllegalStateException e = assertThrows(IllegalStateException.class, t::trainStep);
                assertTrue(e.getMessage().contains("inputs of one shape") && e.getMessage().contains("[16, 2]"),
                        e.getMessage());
            }
        }
    }

    /** The data, with every element of the batches drawn from step {@code step} on set to NaN. */
    private static RealData poisonedAt(int step, RealData data) {
        return changedFrom(step, data, t -> t.mul(Double.NaN));
    }

    /** The data, with {@code change} applied to the training batches drawn from step {@code step} on. */
    private static RealData changedFrom(int step, RealData data, UnaryOperator<Tensor> change) {
        return new RealData() {
            private int drawn;

            @Override
            public Tensor next(DType dtype, Device device) {
                Tensor t = data.next(dtype, device);
                return drawn++ >= step ? change.apply(t) : t;
            }

            @Override
            public Tensor nextHeldOut(DType dtype, Device device) {
                return data.nextHeldOut(dtype, device);
            }

            @Override
            public long[] position() {
                return data.position();
            }

            @Override
            public void setPosition(long[] position) {
                data.setPosition(position);
            }
        };
    }

    private static Map<String, Tensor> copies(Map<String, Tensor> tensors) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, Tensor.of(v.toDoubleArray(), v.numel())));
        return out;
    }

    private static void sameTensors(String what, Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet(), what + " names");
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).toDoubleArray(), b.get(name).toDoubleArray(), what + " " + name);
        }
    }

    private static String withoutTime(StepMetrics m) {
        String row = m.csvRow();
        return row.substring(0, row.lastIndexOf(','));
    }
}
