package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TrainCommand#resolve()}'s refusals, each message naming the option as the user wrote it (a shared option
 * as --x, a network's own as --g-x or --d-x) and the value, and the values it passes on unchanged: the checks and
 * defaults that {@link TrainDefaultsTest} does not reach (the loss's own options, the named choices, the models'
 * batch and score-sample rules). Without training.
 */
class TrainOptionMessagesTest {

    @TempDir
    Path tmp;

    private static TrainSettings resolve(String... args) {
        return TrainDefaultsTest.resolve(args);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(new String[] {"--loss", "gls-gan"},
                        "--loss gls-gan needs --nu (a slope <= 1: 0 = LS-GAN, 1 = WGAN-like, -1 = |a|)"),
                Arguments.of(new String[] {"--loss", "gls-gan", "--nu", "1.5"}, "--nu = 1.5 is out of range (-inf, 1]"),
                Arguments.of(new String[] {"--ls-lambda", "0"}, "--ls-lambda = 0 is out of range (0, 1000000]"),
                Arguments.of(new String[] {"--ls-lambda", "1000001"},
                        "--ls-lambda = 1000001 is out of range (0, 1000000]"),
                Arguments.of(new String[] {"--ls-gamma", "1000001"},
                        "--ls-gamma = 1000001 is out of range [0, 1000000]"),
                Arguments.of(new String[] {"--ls-tau", "-1"}, "--ls-tau = -1 is out of range [0, 1000000]"),
                Arguments.of(new String[] {"--clip", "10.5"}, "--clip = 10.5 is out of range [0, 10]"),
                Arguments.of(new String[] {"--penalty-weight", "-1"},
                        "--penalty-weight = -1 is out of range [0, 1000000]"),
                Arguments.of(new String[] {"--ls-distance", "l2"},
                        "--ls-distance: unknown value 'l2'; valid values: l1-sum, l1-mean"),
                Arguments.of(new String[] {"--ls-output", "tanh"},
                        "--ls-output: unknown value 'tanh'; valid values: relu, softplus, identity"),
                Arguments.of(new String[] {"--lsgan-targets", "0,1"},
                        "--lsgan-targets: expected 3 comma-separated numbers, got '0,1'"),
                Arguments.of(new String[] {"--sgd-form", "keras"},
                        "--sgd-form: unknown value 'keras'; valid values: pytorch, thesis"),
                Arguments.of(new String[] {"--weight-decay-mode", "l2"},
                        "--weight-decay-mode: unknown value 'l2'; valid values: coupled, decoupled"),
                Arguments.of(new String[] {"--gc-tconv", "both"},
                        "--gc-tconv: unknown value 'both'; valid values: input-channel, output-filter"),
                Arguments.of(new String[] {"--dtype", "float16"},
                        "--dtype: unknown value 'float16'; valid values: float32, float64"),
                Arguments.of(new String[] {"--generator-noise", "old"},
                        "--generator-noise: unknown value 'old'; valid values: fresh, reuse"),
                Arguments.of(new String[] {"--n-critic", "0"}, "--n-critic = 0 is out of range [1, 1000]"),
                Arguments.of(new String[] {"--steps", "0"}, "--steps = 0 is out of range [1, 1000000000]"),
                Arguments.of(new String[] {"--seed", "-1"}, "--seed = -1 is out of range [0, 9223372036854775807]"),
                Arguments.of(new String[] {"--held-out", "10000001"},
                        "--held-out = 10000001 is out of range [0, 10000000]"),
                Arguments.of(new String[] {"--diagnostics-every", "1000000001"},
                        "--diagnostics-every = 1000000001 is out of range [1, 1000000000]"),
                Arguments.of(new String[] {"--fixed-samples", "4097"},
                        "--fixed-samples = 4097 is out of range [1, 4096]"),
                Arguments.of(new String[] {"--keep", "0"}, "--keep = 0 is out of range [1, 1000]"),
                Arguments.of(new String[] {"--checkpoint-every", "0"},
                        "--checkpoint-every = 0 is out of range [1, 1000000000]"),
                Arguments.of(new String[] {"--batch-size", "0", "--data", "8gaussians"},
                        "--batch-size = 0 is out of range [1, 65536]"),
                Arguments.of(new String[] {"--batch-size", "1"},
                        "--batch-size = 1 is out of range [2, 65536] for --model mnist28: its G's BatchNorm layers"
                                + " need the statistics of 2 or more samples"),
                // shared options are named as shared, a network's own as its own
                Arguments.of(new String[] {"--optimizer", "lion"},
                        "--optimizer: unknown value 'lion'; valid values: sgd, adam, rmsprop"),
                Arguments.of(new String[] {"--d-optimizer", "lion"},
                        "--d-optimizer: unknown value 'lion'; valid values: sgd, adam, rmsprop"),
                Arguments.of(new String[] {"--gc", "all"}, "--gc: unknown value 'all'; valid values: none, gcc, gc"),
                Arguments.of(new String[] {"--d-gc", "all"},
                        "--d-gc: unknown value 'all'; valid values: none, gcc, gc"),
                Arguments.of(new String[] {"--lr", "0"}, "--lr = 0 is out of range (0, 10]"),
                Arguments.of(new String[] {"--g-lr", "0"}, "--g-lr = 0 is out of range (0, 10]"),
                Arguments.of(new String[] {"--d-lr", "11"}, "--d-lr = 11 is out of range (0, 10]"),
                Arguments.of(new String[] {"--betas", "0.5"}, "--betas: expected 2 comma-separated numbers, got '0.5'"),
                Arguments.of(new String[] {"--betas", "0.5,1"}, "--betas beta2 = 1 is out of range [0, 1)"),
                Arguments.of(new String[] {"--d-betas", "1,0.9"}, "--d-betas beta1 = 1 is out of range [0, 1)"),
                Arguments.of(new String[] {"--momentum", "1"}, "--momentum = 1 is out of range [0, 1)"),
                Arguments.of(new String[] {"--d-momentum", "-0.5"}, "--d-momentum = -0.5 is out of range [0, 1)"),
                Arguments.of(new String[] {"--weight-decay", "1.5"}, "--weight-decay = 1.5 is out of range [0, 1]"),
                Arguments.of(new String[] {"--g-weight-decay", "-1"}, "--g-weight-decay = -1 is out of range [0, 1]"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void aBadValueIsRefusedNamingTheOptionAndTheValue(String[] args, String message) {
        UsageException e = assertThrows(UsageException.class, () -> resolve(args));
        assertEquals(message, e.getMessage());
    }

    @Test
    void anUnknownLossNamesTheOption() {
        UsageException e = assertThrows(UsageException.class, () -> resolve("--loss", "relativistic"));
        assertEquals(true, e.getMessage().startsWith("--loss: "), e.getMessage());
        assertEquals(true, e.getMessage().contains("relativistic"), e.getMessage());
    }

    @Test
    void theLossOptionsArePassedOn() {
        TrainSettings s = resolve("--loss", "gls-gan", "--nu", "1", "--ls-gamma", "0.5", "--ls-lambda", "2",
                "--ls-tau", "0.1", "--ls-distance", "l1-mean", "--ls-output", "softplus");
        assertEquals(1.0, s.nu(), "nu 1 is the inclusive end");
        assertEquals(0.5, s.lsGamma());
        assertEquals(2.0, s.lsLambda());
        assertEquals(0.1, s.lsTau());
        assertEquals("l1-mean", s.lsDistance());
        assertEquals("softplus", s.lsOutput());
        assertEquals(-3.0, resolve("--loss", "gls-gan", "--nu", "-3").nu(), "nu has no lower end");
        assertArrayEquals(new double[] {-1, 1, 0}, resolve("--loss", "lsgan", "--lsgan-targets", "-1,1,0")
                .lsganTargets());
    }

    @Test
    void theNamedChoicesArePassedOn() {
        TrainSettings s = resolve("--sgd-form", "thesis", "--weight-decay-mode", "decoupled", "--gc-tconv",
                "output-filter", "--dtype", "float64", "--generator-noise", "reuse", "--fixed-samples", "9",
                "--score-samples", "77", "--seed", "5", "--n-critic", "3", "--held-out", "7");
        assertEquals("thesis", s.sgdForm());
        assertEquals("decoupled", s.weightDecayMode());
        assertEquals("output-filter", s.gcTconv());
        assertEquals("float64", s.dtype());
        assertEquals("reuse", s.generatorNoise());
        assertEquals(9, s.fixedSamples());
        assertEquals(77, s.scoreSamples());
        assertEquals(5, s.seed());
        assertEquals(3, s.nCritic());
        assertEquals(7, s.heldOut());
    }

    @Test
    void dcgan64ScoresFewerSamplesByDefault() throws Exception {
        Path images = Files.createDirectories(tmp.resolve("images"));
        TrainSettings s = resolve("--model", "dcgan64", "--data", images.toString());
        assertEquals("dcgan64", s.model());
        assertEquals(TrainCommand.DCGAN64_SCORE_SAMPLES, s.scoreSamples());
        assertEquals(64, s.fixedSamples());
        assertEquals(10, resolve("--model", "dcgan64", "--data", images.toString(), "--score-samples", "10")
                .scoreSamples());
        UsageException e = assertThrows(UsageException.class,
                () -> resolve("--model", "dcgan64", "--data", images.toString(), "--batch-size", "1"));
        assertEquals("--batch-size = 1 is out of range [2, 65536] for --model dcgan64: its G's BatchNorm layers need"
                + " the statistics of 2 or more samples", e.getMessage());
    }
}
