package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.report.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the CPU backend a resumed run's metrics equal an uninterrupted run's, step for step (every column but the
 * wall time).
 */
class ResumeTest {

    @TempDir
    Path tmp;

    /** The 2-D setup: WGAN-GP with two critic steps (penalty noise, data stream and both optimizers matter). */
    static final String[] TOY = {"--data", "8gaussians", "--mlp-width", "16", "--batch-size", "32", "--loss", "wgan",
        "--penalty", "wgan-gp", "--n-critic", "2", "--diagnostics-every", "4", "--seed", "9", "--device", "cpu",
        "--quiet", "--sample-every", "1000"};

    static String[] args(String[] base, String... more) {
        return Stream.concat(Stream.concat(Stream.of("train"), Stream.of(base)), Stream.of(more)).toArray(String[]::new);
    }

    /** metrics.csv without the last column (seconds). */
    static List<String> metricsWithoutTime(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.csv")).stream()
                .map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    @Test
    void resumingFromACheckpointRepeatsTheUninterruptedRun() throws Exception {
        Path whole = tmp.resolve("whole");
        CliRunner.Result r = CliRunner.run(args(TOY, "--steps", "30", "--out", whole.toString()));
        assertEquals(0, r.status(), r.toString());

        // 17 steps with checkpoints at 5, 10, 15 and 17; then throw away checkpoint 17, so the resume starts at 15
        // with two rows (15, 16) in metrics.csv that it must drop and recompute.
        Path part = tmp.resolve("part");
        r = CliRunner.run(args(TOY, "--steps", "17", "--checkpoint-every", "5", "--keep", "3", "--out",
                part.toString()));
        assertEquals(0, r.status(), r.toString());
        AtomicFiles.deleteRecursively(part.resolve("checkpoints/step-000017"));
        AtomicFiles.writeString(part.resolve("checkpoints/latest"), "step-000015\n");
        assertEquals(18, Files.readAllLines(part.resolve("metrics.csv")).size());

        r = CliRunner.run("train", "--resume", part.toString(), "--steps", "30");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("resuming") && r.out().contains("step 15 of 30"), r.out());
        assertEquals(metricsWithoutTime(whole), metricsWithoutTime(part));
        assertEquals("step-000030", Files.readString(part.resolve("checkpoints/latest")).strip());
        // A resume that changes what the run computes is refused, naming the option.
        r = CliRunner.run("train", "--resume", part.toString(), "--steps", "40", "--d-lr", "5e-3");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--d-lr (the run: 0.001, now: 0.005)"), r.err());
        r = CliRunner.run("train", "--resume", part.toString(), "--optimizer", "sgd");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--g-optimizer (the run: adam, now: sgd)") && r.err().contains("--d-optimizer"),
                r.err());
        // Asking for no more steps than the run has is not an error, and changes nothing.
        byte[] config = Files.readAllBytes(part.resolve("config.json"));
        r = CliRunner.run("train", "--resume", part.toString(), "--steps", "5");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("already has 30 steps"), r.out());
        assertArrayEquals(config, Files.readAllBytes(part.resolve("config.json")), "config.json keeps --steps 30");
    }

    @Test
    void resumingAnImageRunRestoresBatchNormStatisticsAndTheDataOrder() throws Exception {
        // mnist28 (BatchNorm in G, DataLoader epochs) with tiny batches: 3 + 3 steps equal 6 steps.
        String[] mnist = {"--batch-size", "8", "--fixed-samples", "4", "--diagnostics-every", "2", "--device", "cpu",
            "--quiet", "--seed", "3", "--penalty", "r1", "--optimizer", "sgd", "--lr", "0.01"};
        Path whole = tmp.resolve("whole");
        assertEquals(0, CliRunner.run(args(mnist, "--steps", "6", "--out", whole.toString())).status());
        Path part = tmp.resolve("part");
        assertEquals(0, CliRunner.run(args(mnist, "--steps", "3", "--out", part.toString())).status());
        CliRunner.Result r = CliRunner.run("train", "--resume", part.toString(), "--steps", "6");
        assertEquals(0, r.status(), r.toString());
        assertEquals(metricsWithoutTime(whole), metricsWithoutTime(part));
    }
}
