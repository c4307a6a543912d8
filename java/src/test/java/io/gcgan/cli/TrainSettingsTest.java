package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link TrainSettings} as config.json and a checkpoint hold it: written and read back unchanged (also from JSON's
 * numbers and strings), the run's identity hashed without the run-control options, and the options a resume compares
 * named by difference.
 */
class TrainSettingsTest {

    private static TrainSettings settings(String... args) {
        return TrainDefaultsTest.resolve(args);
    }

    @Test
    void optionsReadBackAsTheSameSettings() {
        TrainSettings s = settings("--loss", "gls-gan", "--nu", "-0.5", "--ls-gamma", "0.25", "--ls-lambda", "3",
                "--ls-tau", "0.125", "--ls-distance", "l1-mean", "--ls-output", "softplus", "--lsgan-targets",
                "-1,1,0.5", "--penalty", "wgan-gp", "--penalty-weight", "4", "--one-sided", "--g-optimizer", "sgd",
                "--d-optimizer", "rmsprop", "--g-gc", "gcc", "--d-gc", "none", "--g-lr", "0.02", "--d-lr", "0.03",
                "--g-betas", "0.1,0.2", "--d-betas", "0.3,0.4", "--g-momentum", "0.7", "--d-momentum", "0.6",
                "--g-weight-decay", "0.01", "--d-weight-decay", "0.02", "--sgd-form", "thesis", "--weight-decay-mode",
                "decoupled", "--gc-tconv", "output-filter", "--n-critic", "3", "--wgan-schedule", "--generator-noise",
                "reuse", "--batch-size", "7", "--steps", "11", "--seed", "13", "--dtype", "float64",
                "--diagnostics-every", "5", "--fixed-samples", "9", "--device", "cpu", "--conv", "gemm", "--tf32",
                "--captured-steps", "--keep", "4", "--checkpoint-every", "6", "--sample-every", "8", "--score-every",
                "12", "--score-samples", "100", "--log-every", "2", "--held-out", "17", "--d-batchnorm",
                "--mlp-width", "33");
        Map<String, Object> options = s.toOptions();
        assertEquals(-0.5, options.get("nu"));
        assertEquals("-1.0,1.0,0.5", options.get("lsgan-targets"));
        assertEquals("0.1,0.2", options.get("g-betas"));
        TrainSettings back = TrainSettings.fromOptions(options);
        assertEquals(options, back.toOptions());
        assertArrayEquals(new double[] {-1, 1, 0.5}, back.lsganTargets());
        assertEquals(s.configHash(), back.configHash());

        // As JSON reads them: whole numbers as longs, booleans and numbers perhaps as text.
        Map<String, Object> json = new LinkedHashMap<>(options);
        json.put("batch-size", 7L);
        json.put("steps", "11");
        json.put("clip", "0");
        json.put("one-sided", "true");
        json.put("g-lr", "0.02");
        assertEquals(options, TrainSettings.fromOptions(json).toOptions());
    }

    @Test
    void noNuIsWrittenAsNullAndReadBackAsNaN() {
        Map<String, Object> options = settings().toOptions();
        assertTrue(options.containsKey("nu"));
        assertNull(options.get("nu"));
        assertTrue(Double.isNaN(TrainSettings.fromOptions(options).nu()));
    }

    @Test
    void aMissingOptionIsNamed() {
        Map<String, Object> options = new LinkedHashMap<>(settings().toOptions());
        options.remove("penalty");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainSettings.fromOptions(options));
        assertEquals("option 'penalty' is missing from the saved run configuration", e.getMessage());
    }

    @Test
    void optionsWrittenBeforeTheyExistedReadAsTheirDefaults() {
        Map<String, Object> options = new LinkedHashMap<>(settings("--generator-noise", "reuse", "--score-every",
                "5", "--score-samples", "64").toOptions());
        options.remove("generator-noise");
        options.remove("score-every");
        options.put("score-samples", null);
        TrainSettings s = TrainSettings.fromOptions(options);
        assertEquals(TrainSettings.DEFAULT_GENERATOR_NOISE, s.generatorNoise());
        assertEquals(0, s.scoreEvery());
        assertEquals(TrainSettings.DEFAULT_SCORE_SAMPLES, s.scoreSamples());
    }

    @Test
    void theHashCoversTheIdentityOptionsOnly() {
        TrainSettings s = settings();
        assertEquals(64, s.configHash().length(), "SHA-256 in hex: " + s.configHash());
        assertTrue(s.configHash().matches("[0-9a-f]+"), s.configHash());
        // Run control: the same run.
        TrainSettings controlled = settings("--steps", "5", "--device", "cpu", "--conv", "cudnn", "--tf32",
                "--captured-steps", "--keep", "9", "--checkpoint-every", "3", "--sample-every", "4", "--score-every",
                "6", "--score-samples", "10", "--log-every", "7");
        assertEquals(s.configHash(), controlled.configHash());
        assertEquals(s.identity(), controlled.identity());
        for (String control : TrainSettings.RUN_CONTROL) {
            assertTrue(!s.identity().containsKey(control), control + " is in the identity");
        }
        // Anything else: another run.
        assertNotEquals(s.configHash(), settings("--seed", "1").configHash());
        assertNotEquals(s.configHash(), settings("--g-lr", "2e-3").configHash());
        assertEquals(List.of("g-lr", "seed"),
                TrainSettings.differences(s.identity(), settings("--g-lr", "2e-3", "--seed", "1").identity()));
    }

    @Test
    void differencesCompareNumbersByValueAndSkipRunControl() {
        Map<String, Object> a = new LinkedHashMap<>(Map.of("lr", 1L, "steps", 10L, "loss", "wgan"));
        Map<String, Object> b = new LinkedHashMap<>(Map.of("lr", 1.0, "steps", 20L, "loss", "wgan"));
        assertEquals(List.of(), TrainSettings.differences(a, b), "1 and 1.0 are one value; steps may change");
        b.put("loss", "hinge");
        b.put("extra", 3);
        assertEquals(List.of("extra", "loss"), TrainSettings.differences(a, b));
        assertEquals(TrainSettings.hash(a), TrainSettings.hash(Map.of("lr", 1.0, "steps", 10, "loss", "wgan")));
        assertEquals("0.0002", TrainSettings.text(2e-4));
        assertEquals("null", TrainSettings.text(null));
    }

    @Test
    void aCheckpointsIdentityGivesSettingsWithPlaceholderRunControl() {
        TrainSettings s = settings("--data", "8gaussians", "--seed", "3");
        TrainSettings back = TrainSettings.fromIdentity(s.identity());
        assertEquals(s.identity(), back.identity());
        assertEquals(1, back.steps());
        assertEquals("auto", back.device());
        assertEquals(1, back.keep());
        assertEquals(1, back.checkpointEvery());
        assertEquals(1, back.sampleEvery());
        assertEquals(0, back.logEvery());
    }

    @Test
    void withStepsChangesTheStepsOnly() {
        TrainSettings s = settings("--seed", "5", "--device", "cpu");
        TrainSettings longer = s.withSteps(5000);
        assertEquals(5000, longer.steps());
        Map<String, Object> expected = new LinkedHashMap<>(s.toOptions());
        expected.put("steps", 5000L);
        assertEquals(expected, longer.toOptions());
    }

    @Test
    void theLsganTargetsCannotBeChangedFromOutside() {
        double[] targets = {0, 1, 1};
        TrainSettings s = settings();
        TrainSettings copy = new TrainSettings(s.model(), s.data(), s.heldOut(), s.mlpWidth(), s.dBatchNorm(),
                s.loss(), s.clip(), s.nu(), s.lsGamma(), s.lsLambda(), s.lsTau(), s.lsDistance(), s.lsOutput(), targets,
                s.penalty(), s.penaltyWeight(), s.oneSided(), s.g(), s.d(), s.sgdForm(), s.weightDecayMode(),
                s.gcTconv(), s.nCritic(), s.wganSchedule(), s.generatorNoise(), s.batchSize(), s.steps(), s.seed(),
                s.dtype(), s.diagnosticsEvery(), s.fixedSamples(), s.device(), s.conv(), s.tf32(), s.capturedSteps(),
                s.keep(), s.checkpointEvery(), s.sampleEvery(), s.scoreEvery(), s.scoreSamples(), s.logEvery());
        targets[0] = 7;
        copy.lsganTargets()[1] = 7;
        assertArrayEquals(new double[] {0, 1, 1}, copy.lsganTargets());
    }
}
