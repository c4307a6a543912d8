package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.WeightDecayMode;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.nn.Module;
import io.gcgan.optim.Adam;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.optim.RmsProp;
import io.gcgan.optim.Sgd;
import io.gcgan.optim.TransposedConvCentring;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link Experiment} builds from the train options: each optimizer with its own parameters, weight decay and
 * gradient centralization; the penalty; the initialization from the seed; the kinds of --data and the images a model
 * takes.
 */
class ExperimentBuildTest {

    @TempDir
    Path tmp;

    private static final String[] RING = {"--data", "8gaussians", "--mlp-width", "8"};

    private static Optimizer gOptimizer(String... args) {
        TrainSettings s = TrainDefaultsTest.resolve(CliRunner.with(RING, args));
        return Experiment.optimizer(s.g(), s, Experiment.generatorOnly(s, Device.CPU));
    }

    private static ParamGroup group(Optimizer o) {
        return o.groups().getFirst();
    }

    @Test
    void eachOptimizerGetsItsOwnParameters() {
        Sgd thesis = assertInstanceOf(Sgd.class, gOptimizer("--optimizer", "sgd", "--momentum", "0.5", "--sgd-form",
                "thesis"));
        assertEquals(0.5, thesis.momentum());
        assertEquals(0.5, thesis.dampening(), "the thesis's momentum averages: dampening = momentum");
        assertEquals(MomentumStart.ZERO, thesis.momentumStart());
        Sgd pytorch = assertInstanceOf(Sgd.class, gOptimizer("--optimizer", "sgd", "--momentum", "0.5"));
        assertEquals(0.5, pytorch.momentum());
        assertEquals(0.0, pytorch.dampening());
        assertEquals(MomentumStart.FIRST_GRADIENT, pytorch.momentumStart());
        assertEquals(0.0, assertInstanceOf(Sgd.class, gOptimizer("--optimizer", "sgd", "--momentum", "0")).momentum());
        RmsProp rms = assertInstanceOf(RmsProp.class, gOptimizer("--optimizer", "rmsprop", "--momentum", "0.25"));
        assertEquals(0.25, rms.momentum());
        assertEquals(0.99, rms.alpha());
        Adam adam = assertInstanceOf(Adam.class, gOptimizer("--optimizer", "adam", "--betas", "0.4,0.9"));
        assertEquals(0.4, adam.beta1());
        assertEquals(0.9, adam.beta2());
    }

    @Test
    void weightDecayAndCentringFollowTheOptions() {
        ParamGroup plain = group(gOptimizer("--gc", "none"));
        assertEquals(GcMode.NONE, plain.gcMode());
        assertEquals(WeightDecayMode.NONE, plain.decayMode(), "no --weight-decay: none");
        assertEquals(0.0, plain.weightDecay());
        assertEquals(TransposedConvCentring.INPUT_CHANNEL, plain.transposedConvCentring());
        ParamGroup coupled = group(gOptimizer("--gc", "gcc", "--weight-decay", "0.01"));
        assertEquals(GcMode.CONV_ONLY, coupled.gcMode());
        assertEquals(WeightDecayMode.COUPLED, coupled.decayMode());
        assertEquals(0.01, coupled.weightDecay());
        ParamGroup decoupled = group(gOptimizer("--gc", "gc", "--weight-decay", "0.02", "--weight-decay-mode",
                "decoupled", "--gc-tconv", "output-filter"));
        assertEquals(GcMode.CONV_AND_FC, decoupled.gcMode());
        assertEquals(WeightDecayMode.DECOUPLED, decoupled.decayMode());
        assertEquals(0.02, decoupled.weightDecay());
        assertEquals(TransposedConvCentring.OUTPUT_FILTER, decoupled.transposedConvCentring());
    }

    @Test
    void thePenaltyIsOneSidedWhenAsked() {
        TrainSettings s = TrainDefaultsTest.resolve(CliRunner.with(RING, "--loss", "wgan", "--penalty", "wgan-gp",
                "--penalty-weight", "3", "--one-sided"));
        CentredGradientPenalty p = Experiment.penalty(s);
        assertTrue(p.isOneSided());
        assertEquals(3.0, p.lambda());
        assertFalse(Experiment.penalty(TrainDefaultsTest.resolve(CliRunner.with(RING, "--loss", "wgan", "--penalty",
                "wgan-gp"))).isOneSided());
        assertNull(Experiment.penalty(TrainDefaultsTest.resolve(CliRunner.with(RING, "--penalty", "none"))));
    }

    @Test
    void theSeedInitialisesTheModelsAsGeneratorOnlyDoes() throws Exception {
        Experiment zero = Experiment.build(TrainDefaultsTest.resolve(CliRunner.with(RING, "--seed", "0")), Device.CPU);
        Experiment one = Experiment.build(TrainDefaultsTest.resolve(CliRunner.with(RING, "--seed", "1")), Device.CPU);
        assertFalse(Arrays.equals(weights(zero.generator), weights(one.generator)), "seeds 0 and 1 differ");
        assertFalse(Arrays.equals(weights(zero.discriminator), weights(one.discriminator)), "seeds 0 and 1 differ");
        for (Experiment e : List.of(zero, one)) {
            assertTrue(Arrays.equals(weights(e.generator), weights(Experiment.generatorOnly(e.settings, Device.CPU))));
        }
    }

    private static float[] weights(Module m) {
        List<Tensor> p = m.parameters();
        float[][] parts = new float[p.size()][];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = p.get(i).toFloatArray();
            n += parts[i].length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    @Test
    void twentyFiveGaussiansAreAMixtureOfTwentyFiveModes() throws Exception {
        Experiment e = Experiment.build(TrainDefaultsTest.resolve("--data", "25gaussians", "--mlp-width", "8"),
                Device.CPU);
        assertEquals(25, e.mixture.modes().length);
        assertEquals("25 Gaussians on a grid", e.dataDescription);
        assertNull(e.images);
    }

    /** An IDX file of {@code n} 28 x 28 images. */
    private Path idx(Path file, int n) throws Exception {
        Files.createDirectories(file.getParent());
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(0x00000803);
            out.writeInt(n);
            out.writeInt(28);
            out.writeInt(28);
            for (int i = 0; i < n * 28 * 28; i++) {
                out.writeByte(i % 251);
            }
        }
        return file;
    }

    @Test
    void idxFilesAndMnistFoldersAreDigitsForMnist28Only() throws Exception {
        Path file = idx(tmp.resolve("digits.idx"), 3);
        assertEquals(Experiment.DataKind.MNIST, Experiment.dataKind(file.toString()));
        assertEquals("mnist28", Experiment.autoModel(file.toString()));
        Path folder = tmp.resolve("mnist");
        idx(folder.resolve("train-images-idx3-ubyte"), 3);
        assertEquals(Experiment.DataKind.MNIST, Experiment.dataKind(folder.toString()));
        assertEquals("mnist28", Experiment.autoModel(folder.toString()));
        Path faces = ScoreCommandTest.imageFolder(tmp.resolve("faces"), 1);
        assertEquals(Experiment.DataKind.IMAGE_FOLDER, Experiment.dataKind(faces.toString()));
        assertEquals("dcgan64", Experiment.autoModel(faces.toString()));

        assertEquals(3, Experiment.images(file.toString(), "mnist28").size());
        UsageException e = assertThrows(UsageException.class, () -> Experiment.images(file.toString(), "dcgan64"));
        assertEquals("dcgan64 images are [3, 64, 64] but " + file + " holds [1, 28, 28]", e.getMessage());
        // the embedded digits likewise (score --reference mnist of a dcgan64 run)
        e = assertThrows(UsageException.class, () -> Experiment.images("mnist", "dcgan64"));
        assertEquals("dcgan64 images are [3, 64, 64] but mnist holds [1, 28, 28]", e.getMessage());
    }

    @Test
    void theBatchMayBeAsLargeAsTheTrainingPart() throws Exception {
        Path four = ScoreCommandTest.imageFolder(tmp.resolve("four"), 4); // one held out: 3 to train on
        Experiment e = Experiment.build(TrainDefaultsTest.resolve("--data", four.toString(), "--model", "mnist28",
                "--batch-size", "3", "--fixed-samples", "2"), Device.CPU);
        assertEquals(3, e.trainCount);
        assertEquals(1, e.heldOutCount);
        UsageException refused = assertThrows(UsageException.class, () -> Experiment.build(TrainDefaultsTest.resolve(
                "--data", four.toString(), "--model", "mnist28", "--batch-size", "4", "--fixed-samples", "2"),
                Device.CPU));
        assertTrue(refused.getMessage().startsWith("--batch-size = 4 is out of range [1, 3]: the training part of "),
                refused.getMessage());
        assertTrue(refused.getMessage().endsWith(" has 3 images"), refused.getMessage());
    }
}
