package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What gcgan train prints when not quiet (where the run goes, what it trains, its progress, the summary) and what a
 * resume at the run's last step leaves as it was; the charts of a run that ends before its first scheduled
 * checkpoint.
 */
class TrainingRunOutputTest {

    private static final String[] RING = {"train", "--data", "8gaussians", "--mlp-width", "16", "--batch-size", "32",
        "--device", "cpu", "--sample-every", "1000"};

    @TempDir
    Path tmp;

    @Test
    void aRunSaysWhereItGoesWhatItTrainsItsProgressAndItsSummary() throws Exception {
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run(CliRunner.with(RING, "--steps", "4", "--log-every", "2", "--penalty", "r1",
                "--penalty-weight", "2", "--optimizer", "sgd", "--momentum", "0.5", "--gc", "gcc", "--lr", "0.03",
                "--out", run.toString()));
        assertEquals(0, r.status(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("device: cpu"), r.out());
        assertTrue(lines.get(1).startsWith("run folder: ") && lines.get(1).endsWith("run"), r.out());
        assertEquals("training mlp on 8 Gaussians on a ring: loss " + TrainCommand.DEFAULT_LOSS + ", penalty r1"
                + " (weight 2), G sgd+GCC lr 0.03 momentum 0.5, D sgd+GCC lr 0.03 momentum 0.5, batch 32, 4 steps",
                lines.get(2));
        assertTrue(lines.get(3).startsWith("step 2/4  50%  D ") && lines.get(4).startsWith("step 4/4 100%  D "),
                r.out());
        assertTrue(Pattern.compile("done: 4 steps in \\d:\\d\\d \\(\\d+\\.\\d\\d steps/s\\); mean of the last 4"
                + " steps: D loss -?\\d+\\.\\d{4}, G loss -?\\d+\\.\\d{4}; .*").matcher(lines.get(5)).matches(),
                r.out());
        // no scheduled checkpoint (every 250 steps) came: the charts of the end are there
        for (String png : List.of("loss.png", "grad-norms.png", "samples.png")) {
            assertTrue(ImageIO.read(run.resolve(png).toFile()).getWidth() > 100, png);
        }
        // no penalty: "none"; Adam with its betas
        r = CliRunner.run(CliRunner.with(RING, "--steps", "1", "--penalty", "none", "--loss", "nsgan", "--gc", "none",
                "--out", tmp.resolve("adam").toString()));
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().lines().toList().contains("training mlp on 8 Gaussians on a ring: loss nsgan, penalty none,"
                + " G adam lr 0.001 betas 0.5,0.999, D adam lr 0.001 betas 0.5,0.999, batch 32, 1 steps"), r.out());
    }

    @Test
    void optimizerTextNamesTheAlgorithmGcAndItsOwnParameters() {
        assertEquals("adam+GC lr 0.001 betas 0.5,0.9", TrainingRun.optimizerText(
                new TrainSettings.NetOptimizer("adam", "gc", 0.001, 0.5, 0.9, 0.7, 0)));
        assertEquals("sgd lr 0.03 momentum 0.5", TrainingRun.optimizerText(
                new TrainSettings.NetOptimizer("sgd", "none", 0.03, 0.5, 0.999, 0.5, 0)));
        assertEquals("sgd+GCC lr 0.03", TrainingRun.optimizerText(
                new TrainSettings.NetOptimizer("sgd", "gcc", 0.03, 0.5, 0.999, 0, 0)));
        assertEquals("rmsprop lr 0.01 momentum 0.25", TrainingRun.optimizerText(
                new TrainSettings.NetOptimizer("rmsprop", "none", 0.01, 0.5, 0.999, 0.25, 0)));
    }

    @Test
    void aResumeAtTheLastStepTrainsNothingAndChangesNeitherConfigNorScores() throws Exception {
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run(CliRunner.with(RING, "--steps", "3", "--checkpoint-every", "3",
                "--score-every", "3", "--score-samples", "100", "--quiet", "--out", run.toString()));
        assertEquals(0, r.status(), r.toString());
        String config = Files.readString(run.resolve("config.json"));
        String scores = Files.readString(run.resolve("scores.csv"));

        r = CliRunner.run("train", "--resume", run.toString(), "--steps", "3");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("resuming " + run + " from " + Path.of("checkpoints", "step-000003") + " (step 3"
                + " of 3)"), r.out());
        assertTrue(r.out().contains("the run already has 3 steps (--steps 3); give a larger --steps to extend it"),
                r.out());
        assertTrue(r.out().contains("done: 0 steps in "), r.out());
        assertEquals(config, Files.readString(run.resolve("config.json")));
        assertEquals(scores, Files.readString(run.resolve("scores.csv")));

        r = CliRunner.run("train", "--resume", run.toString(), "--steps", "5");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("done: 2 steps in "), r.out());
        assertTrue(!r.out().contains("the run already has"), r.out());
    }

    @Test
    void convAutoOnTheCpuTrains() {
        CliRunner.Result r = CliRunner.run(CliRunner.with(RING, "--steps", "1", "--conv", "auto", "--quiet", "--out",
                tmp.resolve("auto").toString()));
        assertEquals(0, r.status(), r.toString());
    }

    @Test
    void anOutputThatCannotBeWrittenIsAWarningAndTheRunGoesOn() throws Exception {
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run(CliRunner.with(RING, "--steps", "2", "--checkpoint-every", "2",
                "--quiet", "--out", run.toString()));
        assertEquals(0, r.status(), r.toString());
        // a folder where the sample grid of step 4 goes
        Path inTheWay = Files.createDirectories(run.resolve("samples").resolve("step-000004.png"));
        Files.writeString(inTheWay.resolve("notes.txt"), "not empty");
        r = CliRunner.run("train", "--resume", run.toString(), "--steps", "4", "--sample-every", "2");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("warning: ") && l.contains(inTheWay.toString())),
                r.toString());
        assertEquals(5, Files.readAllLines(run.resolve("metrics.csv")).size(), "the header and 4 steps");
        assertTrue(Files.isDirectory(run.resolve("checkpoints").resolve("step-000004")));
    }
}
