package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.report.MetricsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gcgan train --score-every: scores.csv and scores.png, no effect on training, resume, and compare. */
class TrainingScoresTest {

    private static final String[] MNIST = {"train", "--batch-size", "8", "--fixed-samples", "4", "--sample-every",
        "1000", "--device", "cpu", "--quiet"};

    @TempDir
    Path tmp;

    @Test
    void scoresAreWrittenOnTheirScheduleAndChangeNoTrainingState() throws Exception {
        Path scored = tmp.resolve("scored");
        CliRunner.Result r = CliRunner.run(CliRunner.with(MNIST, "--steps", "5", "--score-every", "2",
                "--score-samples", "100", "--out", scored.toString()));
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("; scores at step 5: FD ") && r.out().contains("scores.csv, scores.png"),
                r.out());
        MetricsTable s = MetricsTable.read(scored.resolve("scores.csv"));
        assertEquals(List.of("step", "frechet_distance", "classifier_score", "digits_covered", "digit_imbalance",
                "confident_fraction"), s.columns());
        assertArrayEquals(new double[] {2, 4, 5}, s.column("step")); // every 2 steps, and at the end
        for (double fd : s.column("frechet_distance")) {
            assertTrue(fd > 0 && Double.isFinite(fd), "FD " + fd);
        }
        assertTrue(Files.size(scored.resolve("scores.png")) > 1000);

        Path plain = tmp.resolve("plain");
        r = CliRunner.run(CliRunner.with(MNIST, "--steps", "5", "--out", plain.toString()));
        assertEquals(0, r.status(), r.toString());
        assertTrue(Files.notExists(plain.resolve("scores.csv")));
        MetricsTable a = MetricsTable.read(scored.resolve("metrics.csv"));
        MetricsTable b = MetricsTable.read(plain.resolve("metrics.csv"));
        for (String c : a.columns()) {
            if (!c.equals("seconds")) {
                assertArrayEquals(b.column(c), a.column(c), "metrics.csv column " + c + " with and without scores");
            }
        }
    }

    @Test
    void aResumeDropsTheScoresAfterItsCheckpointAndScoresThemAgain() throws Exception {
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run(CliRunner.with(MNIST, "--steps", "4", "--checkpoint-every", "2",
                "--score-every", "2", "--score-samples", "50", "--out", run.toString()));
        assertEquals(0, r.status(), r.toString());
        // As if a later score had been written before a kill that left the checkpoint of step 4 the last one.
        Path csv = run.resolve("scores.csv");
        Files.writeString(csv, Files.readString(csv) + "5,1,1,1,1,1\n");
        r = CliRunner.run("train", "--resume", run.toString(), "--steps", "6");
        assertEquals(0, r.status(), r.toString());
        assertArrayEquals(new double[] {2, 4, 6}, MetricsTable.read(csv).column("step"));
    }

    @Test
    void compareDrawsAndTabulatesTheScoresOfScoredRuns() throws Exception {
        Path a = tmp.resolve("adam");
        Path b = tmp.resolve("sgd");
        assertEquals(0, CliRunner.run(CliRunner.with(MNIST, "--steps", "2", "--score-every", "2", "--score-samples",
                "50", "--out", a.toString())).status());
        assertEquals(0, CliRunner.run(CliRunner.with(MNIST, "--steps", "2", "--score-every", "2", "--score-samples",
                "50", "--optimizer", "sgd", "--out", b.toString())).status());
        Path png = tmp.resolve("cmp.png");
        CliRunner.Result r = CliRunner.run("compare", a.toString(), b.toString(), "--out", png.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("last scores (gcgan train --score-every):"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("sgd ") && l.contains(" 2 ")), r.out());
        assertTrue(Files.size(tmp.resolve("cmp-scores.png")) > 1000);

        // A run without scores: compare draws the losses only.
        Path c = tmp.resolve("unscored");
        assertEquals(0, CliRunner.run(CliRunner.with(MNIST, "--steps", "2", "--out", c.toString())).status());
        r = CliRunner.run("compare", a.toString(), c.toString(), "--out", tmp.resolve("cmp2.png").toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(!r.out().contains("last scores") && Files.notExists(tmp.resolve("cmp2-scores.png")), r.out());
    }

    @Test
    void twoDimensionalRunsScoreModeCoverage() throws Exception {
        Path run = tmp.resolve("ring");
        CliRunner.Result r = CliRunner.run("train", "--data", "8gaussians", "--mlp-width", "16", "--batch-size", "32",
                "--steps", "3", "--score-every", "3", "--score-samples", "200", "--device", "cpu", "--quiet", "--out",
                run.toString());
        assertEquals(0, r.status(), r.toString());
        MetricsTable s = MetricsTable.read(run.resolve("scores.csv"));
        assertEquals(List.of("step", "modes_covered", "modes", "high_quality_fraction"), s.columns());
        assertEquals(8.0, s.column("modes")[0]);
        String last = r.out().substring(r.out().indexOf("; scores at step 3: ") + "; scores at step 3: ".length());
        assertTrue(r.out().contains("; scores at step 3: ") && last.matches("(?s)\\d/8 modes covered, .*"), r.out());
    }

    @Test
    void dcgan64RunsScoreTheSlicedWassersteinDistance() throws Exception {
        Path images = ScoreCommandTest.imageFolder(tmp.resolve("faces"), 5);
        Path run = tmp.resolve("dcgan");
        CliRunner.Result r = CliRunner.run("train", "--model", "dcgan64", "--data", images.toString(), "--batch-size",
                "2", "--steps", "2", "--score-every", "2", "--score-samples", "3", "--fixed-samples", "2", "--device",
                "cpu", "--quiet", "--out", run.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("; scores at step 2: SWD x1e3 64: "), r.out());
        MetricsTable s = MetricsTable.read(run.resolve("scores.csv"));
        assertEquals(List.of("step", "swd_64", "swd_32", "swd_16", "swd_mean"), s.columns());
        for (String c : List.of("swd_64", "swd_32", "swd_16", "swd_mean")) {
            assertTrue(s.column(c)[0] > 0 && Double.isFinite(s.column(c)[0]), c + " " + s.column(c)[0]);
        }
        assertTrue(Files.size(run.resolve("scores.png")) > 1000);
    }

    private static void assertArrayEquals(double[] expected, double[] actual) {
        assertArrayEquals(expected, actual, "");
    }

    private static void assertArrayEquals(double[] expected, double[] actual, String what) {
        assertEquals(Arrays.toString(expected), Arrays.toString(actual), what);
    }
}
