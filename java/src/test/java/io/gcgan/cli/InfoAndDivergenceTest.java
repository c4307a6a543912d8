package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoAndDivergenceTest {

    @TempDir
    Path tmp;

    @Test
    void infoReportsVersionsCudaAndRunsTheSmokePass() {
        CliRunner.Result r = CliRunner.run("info", "--device", "cpu");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("gcgan: ") && r.out().contains("java: "), r.out());
        assertTrue(r.out().contains("libcudart") && r.out().contains("cuBLAS"), r.out());
        assertTrue(r.out().contains("device: cpu"), r.out());
        assertEquals(3, r.out().lines().filter(l -> l.startsWith("smoke: mnist28 D forward, batch 64: out [64, 1]"))
                .count(), r.out());
        r = CliRunner.run("info", "--device", "gpu");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--device: unknown value 'gpu'") && r.out().isEmpty(),
                "nothing printed first: " + r);
        r = CliRunner.run("--version");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().startsWith("gcgan "), r.out());
    }

    @Test
    void infoPutsCudaUnderItsHeadingAndTimesEachSmokePassInMilliseconds() {
        CliRunner.Result r = CliRunner.run("info", "--device", "cpu");
        assertEquals(0, r.status(), r.toString());
        List<String> lines = r.out().lines().toList();
        int heading = lines.indexOf("CUDA:");
        assertTrue(heading > 0 && lines.get(heading - 1).startsWith("cpus: "), r.out());
        List<String> smoke = lines.stream().filter(l -> l.startsWith("smoke: ")).toList();
        assertEquals(3, smoke.size(), r.out());
        for (String l : smoke) {
            assertTrue(l.endsWith(" ms"), l);
            double ms = Double.parseDouble(l.substring(l.lastIndexOf(", ") + 2, l.length() - 3));
            // a forward pass of a batch of 64 through a small D: well under a minute
            assertTrue(ms >= 0 && ms < 60_000, l);
        }
        r = CliRunner.run("info", "--device", "cpu", "--no-smoke");
        assertEquals(0, r.status(), r.toString());
        assertFalse(r.out().contains("smoke:"), r.out());
        assertTrue(r.out().lines().toList().getLast().startsWith("device: cpu"), r.out());
    }

    @Test
    void aDivergingRunStopsWithStatus3AndKeepsItsMetrics() throws Exception {
        // Plain SGD at lr 10 on an unclipped, unpenalised WGAN critic: D's output blows up within a few steps.
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--data", "8gaussians", "--mlp-width", "16", "--optimizer", "sgd",
                "--momentum", "0", "--gc", "none", "--lr", "10", "--loss", "wgan", "--penalty", "none", "--clip", "0",
                "--steps", "500", "--device", "cpu", "--quiet", "--out", run.toString());
        assertEquals(TrainingRun.EXIT_DIVERGED, r.status(), r.toString());
        assertTrue(r.err().contains("training diverged at step "), r.err());
        assertTrue(r.err().contains("Start a new run with lower learning rates"), r.err());
        long rows = Files.readAllLines(run.resolve("metrics.csv")).size() - 1;
        assertTrue(r.err().contains("training diverged at step " + rows + ":"), rows + " rows; " + r.err());
        assertTrue(r.err().contains(". metrics.csv holds steps 0.." + (rows - 1) + "; there is no checkpoint yet ("),
                r.err());
        assertTrue(Files.isRegularFile(run.resolve("loss.png")));

        // With a checkpoint every step, the message names the last one, which is there.
        Path often = tmp.resolve("often");
        r = CliRunner.run("train", "--data", "8gaussians", "--mlp-width", "16", "--optimizer", "sgd", "--momentum",
                "0", "--gc", "none", "--lr", "10", "--loss", "wgan", "--penalty", "none", "--clip", "0", "--steps",
                "500", "--checkpoint-every", "1", "--keep", "1", "--device", "cpu", "--quiet", "--out",
                often.toString());
        assertEquals(TrainingRun.EXIT_DIVERGED, r.status(), r.toString());
        rows = Files.readAllLines(often.resolve("metrics.csv")).size() - 1;
        String last = String.format(java.util.Locale.ROOT, "step-%06d", rows);
        assertTrue(r.err().contains("; the last checkpoint is " + last + " ("), r.err());
        assertTrue(Files.isDirectory(often.resolve("checkpoints").resolve(last)), last);
    }
}
