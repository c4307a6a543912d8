package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.data.GaussianMixture;
import io.gcgan.gan.loss.GanLosses;
import io.gcgan.gan.model.Mlp2d;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.gan.train.RealData;
import io.gcgan.gan.train.StepMetrics;
import io.gcgan.gan.train.Trainer;
import io.gcgan.gan.train.TrainerConfig;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.optim.Adam;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint folder through its files: what trainer.json holds, weights and optimizer states loaded back so that
 * the next step is the one an uninterrupted run makes, NaN weights refused by name, and the checkpoints folder's
 * lookups. (Written for the gaps that mutation testing found in {@link Checkpoint} and {@link Checkpoints}.)
 */
class CheckpointFilesTest {

    @TempDir
    Path tmp;

    /** WGAN-GP on the 8 Gaussians, MLPs of width 8: the penalty draws alpha, so every stream moves. */
    private record Run(Module g, Module d, Optimizer gOpt, Optimizer dOpt, Trainer trainer) {
        static Run of(long initSeed) {
            ModuleOptions o = ModuleOptions.of(new Generator(initSeed));
            Module g = Mlp2d.generator(8, o);
            Module d = Mlp2d.discriminator(8, o);
            Optimizer gOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(g.namedParameters()).build()), 0.5,
                    0.9, 1e-8);
            Optimizer dOpt = new Adam(List.of(ParamGroup.builder(1e-3).addAll(d.namedParameters()).build()), 0.5,
                    0.9, 1e-8);
            Trainer t = new Trainer(g, d, new long[] {2}, RealData.of(GaussianMixture.eightOnRing(), 16, 3),
                    GanLosses.byName("wgan"), CentredGradientPenalty.wganGp(1.0), gOpt, dOpt,
                    TrainerConfig.defaults(5).withBatchSize(16).withCritic(2, false));
            return new Run(g, d, gOpt, dOpt, t);
        }
    }

    private static String withoutTime(StepMetrics m) {
        String row = m.csvRow();
        return row.substring(0, row.lastIndexOf(','));
    }

    private static void sameTensors(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        for (var e : a.entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), b.get(e.getKey()).toFloatArray(), e.getKey());
        }
    }

    @Test
    void aCheckpointWrittenAndLoadedIntoFreshModelsGivesTheUninterruptedRunsNextStep() throws Exception {
        Run a = Run.of(1);
        for (int i = 0; i < 3; i++) {
            a.trainer().trainStep();
        }
        Path folder = Files.createDirectory(tmp.resolve("step-000003"));
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("loss", "wgan");
        options.put("n_critic", 2L);
        Trainer.State state = a.trainer().state();
        Checkpoint.write(folder, a.g(), a.d(), a.gOpt(), a.dOpt(), state, "hash-1", options, "1.2.3");
        StepMetrics uninterrupted = a.trainer().trainStep();

        Checkpoint.Info info = Checkpoint.readInfo(folder);
        assertEquals(3, info.state().step());
        assertEquals(state.noiseOffset(), info.state().noiseOffset());
        assertEquals(state.penaltyOffset(), info.state().penaltyOffset());
        assertTrue(state.noiseOffset() > 0 && state.penaltyOffset() > 0, state.toString());
        assertArrayEquals(state.dataPosition(), info.state().dataPosition());
        assertTrue(state.dataPosition()[0] > 0 && state.dataPosition()[1] > 0, "both data streams moved");
        assertEquals(3, info.gOptimizerSteps(), "one G update per step");
        assertEquals(6, info.dOptimizerSteps(), "two D updates per step");
        assertEquals("hash-1", info.configHash());
        assertEquals(options, info.options());
        assertEquals("1.2.3", info.version());

        Run b = Run.of(2); // other initial weights: everything must come from the checkpoint
        Checkpoint.load(folder, b.g(), b.d(), b.gOpt(), b.dOpt());
        sameTensors(stateBefore(folder, Checkpoint.GENERATOR), b.g().stateDict());
        sameTensors(stateBefore(folder, Checkpoint.DISCRIMINATOR), b.d().stateDict());
        assertEquals(3, b.gOpt().steps());
        assertEquals(6, b.dOpt().steps());
        b.trainer().restore(info.state());
        assertEquals(withoutTime(uninterrupted), withoutTime(b.trainer().trainStep()));
        sameTensors(a.g().stateDict(), b.g().stateDict());
        sameTensors(a.d().stateDict(), b.d().stateDict());
        sameTensors(a.gOpt().state().flatTensors(), b.gOpt().state().flatTensors());
        sameTensors(a.dOpt().state().flatTensors(), b.dOpt().state().flatTensors());
    }

    /** The tensors of a weights file of a checkpoint. */
    private static Map<String, Tensor> stateBefore(Path folder, String file) throws IOException {
        return io.gcgan.nn.SafeTensors.load(folder.resolve(file)).tensors();
    }

    @Test
    void onlyGeneratorWeightsAreLoadedForSampling() throws Exception {
        Run a = Run.of(1);
        a.trainer().trainStep();
        Path folder = Files.createDirectory(tmp.resolve("step-000001"));
        Checkpoint.write(folder, a.g(), a.d(), a.gOpt(), a.dOpt(), a.trainer().state(), "h", Map.of(), "v");
        Run b = Run.of(2);
        Checkpoint.loadGenerator(folder, b.g());
        sameTensors(a.g().stateDict(), b.g().stateDict());
        assertFalse(java.util.Arrays.equals(a.d().parameters().get(0).toFloatArray(),
                b.d().parameters().get(0).toFloatArray()), "D is left alone");
    }

    private static void poison(Module m) {
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            Tensor p = m.parameters().get(0);
            p.assign(Tensor.full(Double.NaN, p.dtype(), p.device(), p.shape()));
        }
    }

    @Test
    void nanWeightsAreRefusedNamingTheFileTheNetworkAndTheParameter() throws Exception {
        Run a = Run.of(1);
        Path folder = Files.createDirectory(tmp.resolve("step-000000"));
        Checkpoint.write(folder, a.g(), a.d(), a.gOpt(), a.dOpt(), a.trainer().state(), "h", Map.of(), "v");
        Map<String, String> meta = Map.of("format", "gcgan-checkpoint-1");
        poison(a.d());
        a.d().saveWeights(folder.resolve(Checkpoint.DISCRIMINATOR), meta);
        Run b = Run.of(2);
        String dName = a.d().namedParameters().keySet().iterator().next();
        IOException e = assertThrows(IOException.class, () -> Checkpoint.load(folder, b.g(), b.d(), b.gOpt(),
                b.dOpt()));
        assertTrue(e.getMessage().startsWith(folder.resolve(Checkpoint.DISCRIMINATOR) + ": D's " + dName
                + " holds NaN"), e.getMessage());
        assertTrue(e.getMessage().endsWith("resume from an earlier checkpoint (--from-step)"), e.getMessage());
        Checkpoint.loadGenerator(folder, b.g()); // G's weights are finite

        poison(a.g());
        a.g().saveWeights(folder.resolve(Checkpoint.GENERATOR), meta);
        String gName = a.g().namedParameters().keySet().iterator().next();
        e = assertThrows(IOException.class, () -> Checkpoint.load(folder, b.g(), b.d(), b.gOpt(), b.dOpt()));
        assertTrue(e.getMessage().startsWith(folder.resolve(Checkpoint.GENERATOR) + ": G's " + gName
                + " holds NaN"), e.getMessage());
        e = assertThrows(IOException.class, () -> Checkpoint.loadGenerator(folder, b.g()));
        assertTrue(e.getMessage().startsWith(folder.resolve(Checkpoint.GENERATOR) + ": G's " + gName), e.getMessage());
        assertTrue(e.getMessage().endsWith("sample or score an earlier checkpoint (--step)"), e.getMessage());
    }

    private Path trainerJson(String fields) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("cp"));
        Files.writeString(folder.resolve(Checkpoint.TRAINER), "{" + fields + "}");
        return folder;
    }

    private static final String COUNTERS = "\"step\": 0, \"noise_offset\": 0, \"penalty_offset\": 0,"
            + " \"optimizer_g_steps\": 0, \"optimizer_d_steps\": 0, \"config_hash\": \"x\", \"options\": {}";

    @Test
    void trainerJsonIsReadWithZeroCountersAndWithoutAVersionAndRefusedWhenDamaged() throws Exception {
        Checkpoint.Info info = Checkpoint.readInfo(trainerJson("\"format\": 1, \"data_position\": [7, 9], "
                + COUNTERS));
        assertEquals(0, info.state().step(), "a checkpoint at step 0 is valid");
        assertArrayEquals(new long[] {7, 9}, info.state().dataPosition());
        assertEquals("unknown", info.version());

        Path f = trainerJson("\"format\": 2, \"data_position\": [0], " + COUNTERS);
        IOException e = assertThrows(IOException.class, () -> Checkpoint.readInfo(f));
        assertEquals(f.resolve(Checkpoint.TRAINER) + ": checkpoint format 2, this gcgan reads format 1",
                e.getMessage());
        e = assertThrows(IOException.class, () -> Checkpoint.readInfo(trainerJson("\"format\": 1,"
                + " \"data_position\": 3, " + COUNTERS)));
        assertTrue(e.getMessage().endsWith("field 'data_position' must be a list of integers, found 3"),
                e.getMessage());
        e = assertThrows(IOException.class, () -> Checkpoint.readInfo(trainerJson("\"format\": 1,"
                + " \"data_position\": [1, \"x\"], " + COUNTERS)));
        assertTrue(e.getMessage().endsWith("data_position[1] is not an integer: x"), e.getMessage());
    }

    private static Checkpoints.Contents json(long step) {
        return dir -> AtomicFiles.writeString(dir.resolve("trainer.json"), "{\"step\": " + step + "}\n");
    }

    @Test
    void replacingAStaleCheckpointLeavesNoOldCopyBehind() throws Exception {
        Checkpoints cps = new Checkpoints(tmp.resolve("checkpoints"));
        cps.write(1, 3, json(1));
        cps.write(2, 3, json(2));
        cps.pointLatestAt(1);
        cps.write(2, 3, dir -> AtomicFiles.writeString(dir.resolve("trainer.json"), "{\"step\": 2, \"again\": 1}"));
        try (var s = Files.list(cps.dir())) {
            assertEquals(List.of("latest", "step-000001", "step-000002"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.readString(cps.at(2).resolve("trainer.json")).contains("again"));
    }

    @Test
    void aWriterThatThrowsAnUncheckedErrorLeavesNoTrace() throws Exception {
        Checkpoints cps = new Checkpoints(tmp.resolve("checkpoints"));
        cps.write(1, 2, json(1));
        IllegalStateException boom = new IllegalStateException("bug");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> cps.write(2, 2, dir -> {
            json(2).writeTo(dir);
            throw boom;
        })));
        try (var s = Files.list(cps.dir())) {
            assertEquals(List.of("latest", "step-000001"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void lookupsByStepAndPointingLatestBack() throws Exception {
        Checkpoints none = new Checkpoints(tmp.resolve("absent"));
        assertEquals(List.of(), none.steps());
        assertTrue(none.latest().isEmpty());
        Checkpoints cps = new Checkpoints(tmp.resolve("checkpoints"));
        for (long s : new long[] {3, 5, 8}) {
            cps.write(s, 5, json(s));
        }
        assertEquals(cps.dir().resolve("step-000005"), cps.at(5));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> cps.at(4));
        assertEquals("no checkpoint at step 4; present: [3, 5, 8]", e.getReason());
        assertEquals(List.of(3L, 8L), cps.stepsOtherThan(cps.at(5)));
        assertEquals(List.of(3L, 5L, 8L), cps.stepsOtherThan(tmp));
        cps.pointLatestAt(3);
        assertEquals("step-000003\n", Files.readString(cps.dir().resolve(Checkpoints.LATEST)));
        assertEquals(cps.at(3), cps.latest().orElseThrow());
        assertThrows(NoSuchFileException.class, () -> cps.pointLatestAt(4));
        assertEquals("step-000003\n", Files.readString(cps.dir().resolve(Checkpoints.LATEST)));
        // latest naming a folder that is gone: the newest present.
        AtomicFiles.writeString(cps.dir().resolve(Checkpoints.LATEST), "step-000009\n");
        assertEquals(cps.at(8), cps.latest().orElseThrow());
        assertEquals(1234567, Checkpoints.stepOf(Path.of("x", "step-1234567")));
        assertThrows(IllegalArgumentException.class, () -> Checkpoints.stepOf(Path.of("step-12")));
    }
}
