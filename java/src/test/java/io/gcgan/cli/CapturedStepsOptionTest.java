package io.gcgan.cli;

import static io.gcgan.cli.CliRunner.savedOptions;
import static io.gcgan.cli.CliRunner.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gcgan train --captured-steps}: the same metrics as the steps run as written (the CPU backend replays the
 * recorded calls; on a GPU they are CUDA graphs), recorded in config.json as a run-control option that a resume may
 * change, and read as false from configurations written before it existed.
 */
class CapturedStepsOptionTest {

    @TempDir
    Path tmp;

    private static final String[] SHORT_RUN = {"train", "--data", "8gaussians", "--mlp-width", "8", "--batch-size",
        "16", "--steps", "5", "--checkpoint-every", "5", "--sample-every", "5", "--device", "cpu", "--loss", "wgan",
        "--penalty", "wgan-gp", "--n-critic", "2", "--diagnostics-every", "2"};

    @Test
    void capturedStepsLogTheMetricsOfStepsAsWritten() throws Exception {
        Path written = tmp.resolve("written");
        Path captured = tmp.resolve("captured");
        assertEquals(0, CliRunner.run(with(SHORT_RUN, "--out", written.toString())).status());
        CliRunner.Result r = CliRunner.run(with(SHORT_RUN, "--captured-steps", "--out", captured.toString()));
        assertEquals(0, r.status(), r.toString());
        assertEquals(withoutTimes(written), withoutTimes(captured));
        assertEquals(true, savedOptions(captured).get("captured-steps"));
        assertEquals(false, savedOptions(written).get("captured-steps"));
    }

    @Test
    void anImageRunResumedWithCapturedStepsEndsWhereAWrittenRunEnds() throws Exception {
        // mnist28: BatchNorm (its batch counters are advanced between replays) and DataLoader epochs.
        String[] mnist = {"train", "--batch-size", "8", "--fixed-samples", "4", "--diagnostics-every", "2", "--device",
            "cpu", "--quiet", "--seed", "3", "--checkpoint-every", "3", "--sample-every", "100"};
        Path written = tmp.resolve("written");
        assertEquals(0, CliRunner.run(with(mnist, "--steps", "6", "--out", written.toString())).status());
        Path captured = tmp.resolve("captured");
        assertEquals(0, CliRunner.run(with(mnist, "--steps", "3", "--captured-steps", "--out",
                captured.toString())).status());
        CliRunner.Result r = CliRunner.run("train", "--resume", captured.toString(), "--steps", "6");
        assertEquals(0, r.status(), r.toString());
        assertEquals(withoutTimes(written), withoutTimes(captured));
        for (String file : new String[] {"generator.safetensors", "discriminator.safetensors",
            "optimizer-g.safetensors", "optimizer-d.safetensors"}) {
            assertArrayEquals(Files.readAllBytes(written.resolve("checkpoints/step-000006").resolve(file)),
                    Files.readAllBytes(captured.resolve("checkpoints/step-000006").resolve(file)), file);
        }
    }

    @Test
    void aResumeMayTurnCapturedStepsOn() throws Exception {
        Path run = tmp.resolve("resumed");
        assertEquals(0, CliRunner.run(with(SHORT_RUN, "--out", run.toString())).status());
        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--steps", "7", "--captured-steps");
        assertEquals(0, r.status(), r.toString());
        assertEquals(true, savedOptions(run).get("captured-steps"));
    }

    @Test
    void configurationsWithoutTheOptionReadAsFalse() throws Exception {
        Path run = tmp.resolve("old");
        assertEquals(0, CliRunner.run(with(SHORT_RUN, "--out", run.toString())).status());
        Map<String, Object> options = new LinkedHashMap<>(savedOptions(run));
        options.remove("captured-steps");
        assertFalse(TrainSettings.fromOptions(options).capturedSteps());
    }

    /** metrics.csv without its last column (each step's wall time). */
    private static List<String> withoutTimes(Path run) throws Exception {
        return Files.readAllLines(run.resolve("metrics.csv")).stream()
                .map(line -> line.substring(0, line.lastIndexOf(','))).toList();
    }
}
