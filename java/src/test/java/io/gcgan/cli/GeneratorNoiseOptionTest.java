package io.gcgan.cli;

import static io.gcgan.cli.CliRunner.savedOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gcgan train --generator-noise fresh|reuse}: recorded in config.json as part of what defines the run (a
 * resume may not change it), changing the metrics from the first G update on, and absent from the configurations
 * of runs made before it existed (read back as fresh).
 */
class GeneratorNoiseOptionTest {

    @TempDir
    Path tmp;

    private static final String[] SHORT_RUN = {"train", "--data", "8gaussians", "--mlp-width", "8", "--batch-size",
        "16", "--steps", "3", "--checkpoint-every", "3", "--sample-every", "3", "--device", "cpu", "--quiet"};

    private static String[] with(String... more) {
        return CliRunner.with(SHORT_RUN, more);
    }

    @Test
    void reuseIsRecordedAndChangesTheGeneratorUpdates() throws Exception {
        Path fresh = tmp.resolve("fresh");
        Path reuse = tmp.resolve("reuse");
        CliRunner.Result a = CliRunner.run(with("--out", fresh.toString()));
        CliRunner.Result b = CliRunner.run(with("--generator-noise", "reuse", "--out", reuse.toString()));
        assertEquals(0, a.status(), a.toString());
        assertEquals(0, b.status(), b.toString());
        assertEquals("fresh", savedOptions(fresh).get("generator-noise"));
        assertEquals("reuse", savedOptions(reuse).get("generator-noise"));
        // Step 0's D update is the same computation in both runs; its G update is not (csv columns 2 and 5).
        String[] f0 = Files.readAllLines(fresh.resolve("metrics.csv")).get(1).split(",");
        String[] r0 = Files.readAllLines(reuse.resolve("metrics.csv")).get(1).split(",");
        assertEquals(f0[2], r0[2], "d_loss of step 0");
        assertNotEquals(f0[5], r0[5], "g_loss of step 0");
    }

    @Test
    void aResumeMayNotChangeIt() throws Exception {
        Path run = tmp.resolve("run");
        assertEquals(0, CliRunner.run(with("--generator-noise", "reuse", "--out", run.toString())).status());
        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--steps", "4",
                "--generator-noise", "fresh");
        assertNotEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("generator-noise"), r.err());
    }

    @Test
    void configurationsWithoutTheOptionReadAsFresh() throws Exception {
        Path run = tmp.resolve("old");
        assertEquals(0, CliRunner.run(with("--out", run.toString())).status());
        Map<String, Object> options = new LinkedHashMap<>(savedOptions(run));
        options.remove("generator-noise");
        assertEquals(TrainSettings.DEFAULT_GENERATOR_NOISE, TrainSettings.fromOptions(options).generatorNoise());
    }
}
