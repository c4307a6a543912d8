package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code gcgan train}'s options as {@link TrainCommand#resolve()} settles them, without training: the defaults the
 * help promises (some depend on other options: the penalty's weight, wgan's clip, sgd's momentum, the model's
 * fixed and scored samples), the per-network options overriding the shared ones, and every range's ends accepted
 * and the values just outside them refused with the option's name.
 */
class TrainDefaultsTest {

    /** The settings of {@code gcgan train ARGS}. */
    static TrainSettings resolve(String... args) {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs(args);
        return train.resolve();
    }

    @Test
    void noOptionsGiveTheStudysDefault() {
        TrainSettings s = resolve();
        assertEquals("mnist28", s.model());
        assertEquals("mnist", s.data());
        assertEquals(0, s.heldOut());
        assertEquals(512, s.mlpWidth());
        assertEquals("nsgan", s.loss());
        assertEquals(0.0, s.clip(), "no clipping without --loss wgan");
        assertTrue(Double.isNaN(s.nu()), "nu " + s.nu());
        assertEquals("r1", s.penalty());
        assertEquals(1.0, s.penaltyWeight(), "gamma 1 for r1");
        TrainSettings.NetOptimizer adam = new TrainSettings.NetOptimizer("adam", "gc", 1e-3, 0.5, 0.999, 0, 0);
        assertEquals(adam, s.g());
        assertEquals(adam, s.d());
        assertEquals(1200, s.steps());
        assertEquals(32, s.batchSize());
        assertEquals(1, s.nCritic());
        assertEquals(64, s.fixedSamples(), "an 8 x 8 grid of images");
        assertEquals(TrainSettings.DEFAULT_SCORE_SAMPLES, s.scoreSamples());
        assertEquals(0, s.scoreEvery());
        assertEquals(2, s.keep());
        assertEquals(250, s.checkpointEvery());
        assertEquals(250, s.sampleEvery());
        assertEquals(10, s.diagnosticsEvery());
        assertEquals("auto", s.device());
        assertEquals("own", s.conv());
        assertEquals("fresh", s.generatorNoise());
        assertEquals("float32", s.dtype());
    }

    @Test
    void pointDataPicksTheMlpAndAThousandFixedSamples() {
        TrainSettings s = resolve("--data", "8gaussians");
        assertEquals("mlp", s.model());
        assertEquals(1000, s.fixedSamples());
        assertEquals(1, resolve("--data", "25gaussians", "--batch-size", "1").batchSize(),
                "the mlp has no BatchNorm: a batch of 1 is allowed");
    }

    @Test
    void thePenaltyWeightDefaultsToItsPenaltysAndNoPenaltyWeighsNothing() {
        assertEquals(10.0, resolve("--penalty", "wgan-gp").penaltyWeight());
        assertEquals(10.0, resolve("--penalty", "zero-centred").penaltyWeight());
        assertEquals(1.0, resolve("--penalty", "r2").penaltyWeight());
        assertEquals(0.0, resolve("--penalty", "none").penaltyWeight());
        assertEquals(0.0, resolve("--penalty", "none", "--penalty-weight", "5").penaltyWeight(),
                "a weight without a penalty is not recorded as if it applied");
        assertEquals(2.5, resolve("--penalty", "r1", "--penalty-weight", "2.5").penaltyWeight());
    }

    @Test
    void wganClipsOnlyWithoutAPenaltyUnlessTold() {
        assertEquals(0.01, resolve("--loss", "wgan", "--penalty", "none").clip());
        assertEquals(0.0, resolve("--loss", "wgan", "--penalty", "wgan-gp").clip());
        assertEquals(0.0, resolve("--loss", "hinge", "--penalty", "none").clip());
        assertEquals(0.5, resolve("--loss", "wgan", "--penalty", "none", "--clip", "0.5").clip());
    }

    @Test
    void momentumDefaultsToSgdsPointNineAndRmspropsZero() {
        TrainSettings s = resolve("--g-optimizer", "sgd", "--d-optimizer", "rmsprop");
        assertEquals(0.9, s.g().momentum());
        assertEquals(0.0, s.d().momentum());
        assertEquals("adam", resolve("--g-optimizer", "sgd").d().algorithm(), "--g-optimizer leaves D's default");
    }

    @Test
    void perNetworkOptionsOverrideTheSharedOnesForTheirNetworkOnly() {
        TrainSettings s = resolve("--optimizer", "sgd", "--d-optimizer", "adam", "--gc", "gcc", "--g-gc", "none",
                "--lr", "0.02", "--d-lr", "0.003", "--betas", "0.1,0.2", "--g-betas", "0.3,0.4", "--momentum", "0.5",
                "--g-momentum", "0.6", "--weight-decay", "0.01", "--d-weight-decay", "0.02");
        assertEquals(new TrainSettings.NetOptimizer("sgd", "none", 0.02, 0.3, 0.4, 0.6, 0.01), s.g());
        assertEquals(new TrainSettings.NetOptimizer("adam", "gcc", 0.003, 0.1, 0.2, 0.5, 0.02), s.d());
    }

    @Test
    void aBadPerNetworkValueIsNamedByItsOwnOption() {
        assertMessage("--g-betas beta1 = 1 is out of range [0, 1)", "--g-betas", "1,0.5");
        assertMessage("--d-betas beta2 = -0.1 is out of range [0, 1)", "--d-betas", "0.5,-0.1");
        assertMessage("--g-momentum = 1 is out of range [0, 1)", "--g-momentum", "1");
        assertMessage("--d-weight-decay = 1.5 is out of range [0, 1]", "--d-weight-decay", "1.5");
        assertMessage("--g-gc: unknown value 'all'; valid values: none, gcc, gc", "--g-gc", "all");
        assertMessage("--betas beta1 = -1 is out of range [0, 1)", "--betas", "-1,0.5");
    }

    /** Options at both ends of their documented ranges (or at the end that is open beyond). */
    static Stream<Arguments> rangeEnds() {
        return Stream.of(
                Arguments.of(new String[] {"--lr", "10"}, "--lr", "1e-9"),
                Arguments.of(new String[] {"--betas", "0,0.999999"}, "--betas", null),
                Arguments.of(new String[] {"--momentum", "0"}, "--momentum", "0.999"),
                Arguments.of(new String[] {"--weight-decay", "0"}, "--weight-decay", "1"),
                Arguments.of(new String[] {"--penalty-weight", "0"}, "--penalty-weight", "1e6"),
                Arguments.of(new String[] {"--clip", "0"}, "--clip", "10"),
                Arguments.of(new String[] {"--ls-gamma", "0"}, "--ls-gamma", "1e6"),
                Arguments.of(new String[] {"--ls-lambda", "1e-9"}, "--ls-lambda", "1e6"),
                Arguments.of(new String[] {"--ls-tau", "0"}, "--ls-tau", "1e6"),
                Arguments.of(new String[] {"--held-out", "0"}, "--held-out", "10000000"),
                Arguments.of(new String[] {"--mlp-width", "1"}, "--mlp-width", "8192"),
                Arguments.of(new String[] {"--n-critic", "1"}, "--n-critic", "1000"),
                Arguments.of(new String[] {"--batch-size", "2"}, "--batch-size", "65536"),
                Arguments.of(new String[] {"--steps", "1"}, "--steps", "1000000000"),
                Arguments.of(new String[] {"--seed", "0"}, "--seed", "9223372036854775807"),
                Arguments.of(new String[] {"--diagnostics-every", "1"}, "--diagnostics-every", "1000000000"),
                Arguments.of(new String[] {"--fixed-samples", "1"}, "--fixed-samples", "4096"),
                Arguments.of(new String[] {"--keep", "1"}, "--keep", "1000"),
                Arguments.of(new String[] {"--checkpoint-every", "1"}, "--checkpoint-every", "1000000000"),
                Arguments.of(new String[] {"--sample-every", "1"}, "--sample-every", "1000000000"),
                Arguments.of(new String[] {"--log-every", "0"}, "--log-every", "1000000000"),
                Arguments.of(new String[] {"--score-every", "0"}, "--score-every", "1000000000"),
                Arguments.of(new String[] {"--score-samples", "2"}, "--score-samples", "1000000"));
    }

    @ParameterizedTest
    @MethodSource("rangeEnds")
    void bothEndsOfARangeAreAccepted(String[] low, String option, String high) {
        resolve(low);
        if (high != null) {
            resolve(option, high);
        }
    }

    static Stream<Arguments> justOutside() {
        return Stream.of(
                Arguments.of("--lr", "10.000001", "--lr = 10.000001 is out of range (0, 10]"),
                Arguments.of("--weight-decay", "-0.01", "--weight-decay = -0.01 is out of range [0, 1]"),
                Arguments.of("--momentum", "-0.1", "--momentum = -0.1 is out of range [0, 1)"),
                Arguments.of("--penalty-weight", "1000001", "--penalty-weight = 1000001 is out of range [0, 1000000]"),
                Arguments.of("--clip", "-0.5", "--clip = -0.5 is out of range [0, 10]"),
                Arguments.of("--ls-gamma", "-1", "--ls-gamma = -1 is out of range [0, 1000000]"),
                Arguments.of("--ls-tau", "1000001", "--ls-tau = 1000001 is out of range [0, 1000000]"),
                Arguments.of("--held-out", "-1", "--held-out = -1 is out of range [0, 10000000]"),
                Arguments.of("--mlp-width", "8193", "--mlp-width = 8193 is out of range [1, 8192]"),
                Arguments.of("--mlp-width", "0", "--mlp-width = 0 is out of range [1, 8192]"),
                Arguments.of("--n-critic", "1001", "--n-critic = 1001 is out of range [1, 1000]"),
                Arguments.of("--batch-size", "65537", "--batch-size = 65537 is out of range [1, 65536]"),
                Arguments.of("--steps", "1000000001", "--steps = 1000000001 is out of range [1, 1000000000]"),
                Arguments.of("--diagnostics-every", "0", "--diagnostics-every = 0 is out of range [1, 1000000000]"),
                Arguments.of("--fixed-samples", "0", "--fixed-samples = 0 is out of range [1, 4096]"),
                Arguments.of("--keep", "1001", "--keep = 1001 is out of range [1, 1000]"),
                Arguments.of("--sample-every", "0", "--sample-every = 0 is out of range [1, 1000000000]"),
                Arguments.of("--log-every", "-1", "--log-every = -1 is out of range [0, 1000000000]"),
                Arguments.of("--score-every", "-1", "--score-every = -1 is out of range [0, 1000000000]"),
                Arguments.of("--score-samples", "1", "--score-samples = 1 is out of range [2, 1000000]"),
                Arguments.of("--score-samples", "1000001", "--score-samples = 1000001 is out of range [2, 1000000]"),
                Arguments.of("--lr", "NaN", "--lr = NaN is out of range (0, 10]"));
    }

    @ParameterizedTest
    @MethodSource("justOutside")
    void valuesJustOutsideARangeAreRefusedWithTheOptionAndTheRange(String option, String value, String message) {
        assertMessage(message, option, value);
    }

    private static void assertMessage(String expected, String... args) {
        UsageException e = assertThrows(UsageException.class, () -> resolve(args));
        assertEquals(expected, e.getMessage());
    }
}
