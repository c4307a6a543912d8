package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.nn.SafeTensors;
import io.gcgan.report.Checkpoint;
import io.gcgan.report.RunFolder;
import io.gcgan.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the command line does so that a mistake loses nothing: a run that cannot start leaves no folder behind, a run
 * folder in use by a training is refused to a second one, an image is written only to a .png name and never over a
 * file that is not a PNG, and an experiment checks every configuration before training any.
 */
class RunFolderSafetyTest {

    @TempDir
    Path tmp;

    @Test
    void aRunThatCannotStartLeavesNoFolder() throws Exception {
        Path bad = tmp.resolve("digits.idx");
        Files.write(bad, new byte[] {0, 0, 8, 3, 0, 0, 0, 9}); // an IDX header cut short
        Path out = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--data", bad.toString(), "--steps", "1", "--out", out.toString());
        assertEquals(1, r.status(), r.toString());
        assertFalse(Files.exists(out), "no run folder for a run that never started: " + r);
        // So the same command, with the data fixed, is not refused for an existing folder.
        r = CliRunner.run("train", "--data", "8gaussians", "--steps", "2", "--out", out.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(Files.isRegularFile(out.resolve("metrics.csv")), r.toString());
    }

    @Test
    void aRunFolderInUseIsRefusedToASecondTraining() throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, CliRunner.run("train", "--data", "8gaussians", "--steps", "2", "--out", out.toString())
                .status());
        byte[] metrics = Files.readAllBytes(out.resolve("metrics.csv"));
        RunFolder held = RunFolder.open(out); // as a training in progress holds it
        try {
            CliRunner.Result r = CliRunner.run("train", "--resume", out.toString(), "--steps", "4");
            assertEquals(1, r.status(), r.toString());
            assertTrue(r.err().contains("is in use by another gcgan process") && r.err().contains("pid "),
                    r.err());
            r = CliRunner.run("train", "--data", "8gaussians", "--steps", "2", "--out", out.toString(),
                    "--overwrite");
            assertEquals(1, r.status(), r.toString());
            assertTrue(r.err().contains("is in use"), r.err());
            assertArrayEquals(metrics, Files.readAllBytes(out.resolve("metrics.csv")), "nothing was written");
        } finally {
            held.release();
        }
        CliRunner.Result r = CliRunner.run("train", "--resume", out.toString(), "--steps", "4");
        assertEquals(0, r.status(), "released: the resume runs: " + r);
    }

    @Test
    void aDamagedOnlyCheckpointSaysThereIsNoOther() throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, CliRunner.run("train", "--data", "8gaussians", "--steps", "2", "--out", out.toString())
                .status());
        Path trainer = out.resolve("checkpoints/step-000002").resolve("trainer.json");
        Files.writeString(trainer, "{\"format\": 1, \"step\": "); // cut short
        CliRunner.Result r = CliRunner.run("train", "--resume", out.toString(), "--steps", "4");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("trainer.json") && r.err().contains("The run has no other checkpoint: start it"
                + " again with --out " + out + " --overwrite"), r.err());
    }

    @Test
    void aDamagedLatestCheckpointNamesTheOthersToResumeFrom() throws Exception {
        Path out = tmp.resolve("run");
        assertEquals(0, CliRunner.run("train", "--data", "8gaussians", "--steps", "4", "--checkpoint-every", "2",
                "--keep", "2", "--out", out.toString()).status());
        Path generator = out.resolve("checkpoints/step-000004").resolve(Checkpoint.GENERATOR);
        Files.write(generator, Arrays.copyOf(Files.readAllBytes(generator), 20)); // cut short
        CliRunner.Result r = CliRunner.run("train", "--resume", out.toString(), "--steps", "6");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains(Checkpoint.GENERATOR) && r.err().contains("other checkpoints (after 2 steps)")
                && r.err().contains("--from-step 2"), r.err());
        r = CliRunner.run("train", "--resume", out.toString(), "--from-step", "3");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("no checkpoint at step 3; present: [2, 4]"), r.err());
        r = CliRunner.run("train", "--resume", out.toString(), "--from-step", "2", "--steps", "3");
        assertEquals(0, r.status(), "resumed from the older one: " + r);
        assertEquals("step-000003", Files.readString(out.resolve("checkpoints/latest")).strip(),
                "latest names the checkpoint at the run's end");
        assertFalse(Files.exists(out.resolve("checkpoints/step-000004")), "the damaged later checkpoint is gone");
        r = CliRunner.run("train", "--resume", out.toString(), "--steps", "6"); // on from step 3, past the bad one
        assertEquals(0, r.status(), r.toString());
        assertEquals(7, Files.readAllLines(out.resolve("metrics.csv")).size(), "a header and steps 0..5");
        assertEquals(2, CliRunner.run("train", "--from-step", "2", "--data", "8gaussians").status(),
                "--from-step without --resume");
    }

    @Test
    void aGeneratorWithNonFiniteWeightsIsNeitherSampledNorScored() throws Exception {
        Path out = tmp.resolve("run");
        Path generator = trainTwoSteps(out);
        SafeTensors.Contents c = SafeTensors.load(generator);
        Map<String, Tensor> weights = new LinkedHashMap<>(c.tensors());
        String first = weights.keySet().iterator().next();
        weights.put(first, weights.get(first).mul(Double.NaN));
        SafeTensors.save(generator, weights, c.metadata());
        for (CliRunner.Result r : List.of(CliRunner.run("sample", out.toString(), "--out",
                tmp.resolve("s.png").toString()), CliRunner.run("score", out.toString()))) {
            assertEquals(1, r.status(), r.toString());
            assertTrue(r.err().contains("G's " + first + " holds NaN") && r.err().contains(generator.toString()),
                    r.err());
        }
        assertFalse(Files.exists(tmp.resolve("s.png")), "no image of NaN samples");
        CliRunner.Result r = CliRunner.run("train", "--resume", out.toString(), "--steps", "4");
        assertEquals(1, r.status(), "not reported as a divergence of the resumed run: " + r);
        assertTrue(r.err().contains("G's " + first + " holds NaN") && r.err().contains("--from-step"), r.err());
    }

    /** A 2-step 8gaussians run in {@code out}; returns its checkpoint's generator file. */
    private static Path trainTwoSteps(Path out) {
        assertEquals(0, CliRunner.run("train", "--data", "8gaussians", "--steps", "2", "--out", out.toString())
                .status());
        return out.resolve("checkpoints/step-000002").resolve(Checkpoint.GENERATOR);
    }

    @Test
    void aMissingCheckpointFileIsNamedWithWhatIsWrong() throws Exception {
        Path out = tmp.resolve("run");
        Path generator = trainTwoSteps(out);
        Files.delete(generator);
        CliRunner.Result r = CliRunner.run("train", "--resume", out.toString(), "--steps", "4");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("no such file") && r.err().contains(generator.toString()), r.err());
    }

    @Test
    void anExperimentChecksItsFoldersAndFilesBeforeTrainingAny() throws Exception {
        Path exp = tmp.resolve("exp");
        Files.createDirectories(exp.resolve("b"));
        Files.writeString(exp.resolve("b/notes.txt"), "mine");
        CliRunner.Result r = CliRunner.run("experiment", "--out", exp.toString(), "--run", "A=--lr 0.001",
                "--run", "B=--lr 0.002", "--", "--data", "8gaussians", "--steps", "2");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("run B: ") && r.err().contains("is not a gcgan run folder and not empty"),
                r.err());
        assertFalse(Files.exists(exp.resolve("a")), "A did not train: " + r);

        // A run folder of an earlier attempt that stopped before its first checkpoint is skipped, not refused.
        Path exp2 = tmp.resolve("exp2");
        assertEquals(0, CliRunner.run("train", "--data", "8gaussians", "--steps", "2", "--out",
                exp2.resolve("b").toString()).status());
        try (var steps = Files.list(exp2.resolve("b/checkpoints"))) {
            for (Path p : steps.toList()) {
                io.gcgan.report.AtomicFiles.deleteRecursively(p);
            }
        }
        r = CliRunner.run("experiment", "--out", exp2.toString(), "--run", "A=--lr 0.001", "--run", "B=--lr 0.002",
                "--", "--data", "8gaussians", "--steps", "2");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("experiment: run 2 of 2, B skipped: ") && r.err().contains("before its first"
                + " checkpoint"), r.err());
        assertTrue(Files.exists(exp2.resolve("a/metrics.csv")), "A trained: " + r);

        Path mine = tmp.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("summary.txt"), "precious");
        r = CliRunner.run("experiment", "--out", mine.toString(), "--run", "A=--lr 0.001", "--", "--data",
                "8gaussians", "--steps", "2");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("summary.txt was not written by gcgan experiment"), r.err());
        assertEquals("precious", Files.readString(mine.resolve("summary.txt")));
        Files.delete(mine.resolve("summary.txt"));
        Files.writeString(mine.resolve("compare.png"), "not an image");
        r = CliRunner.run("experiment", "--out", mine.toString(), "--run", "A=--lr 0.001", "--", "--data",
                "8gaussians", "--steps", "2");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("compare.png exists and is not a PNG image"), r.err());
        assertFalse(Files.exists(mine.resolve("a")), "nothing trained: " + r);
        // A summary.txt as earlier versions wrote it (compare's table alone) is an experiment's: replaced.
        Files.delete(mine.resolve("compare.png"));
        Files.writeString(mine.resolve("summary.txt"), "final metrics (means over the last 50 steps of each run):\n");
        r = CliRunner.run("experiment", "--out", mine.toString(), "--run", "A=--lr 0.001", "--", "--data",
                "8gaussians", "--steps", "2");
        assertEquals(0, r.status(), r.toString());
        assertTrue(Files.readString(mine.resolve("summary.txt")).startsWith(ExperimentCommand.SUMMARY_FIRST_LINE));

        Path file = tmp.resolve("afile");
        Files.writeString(file, "x");
        r = CliRunner.run("experiment", "--out", file.toString(), "--", "--data", "8gaussians", "--steps", "2");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("exists and is not a folder"), r.err());
    }

    @Test
    void imagesAreWrittenOnlyToPngNamesAndNeverOverAnotherFile() throws Exception {
        CliRunner.Result r = CliRunner.run("dirac", "--steps", "10", "--out", tmp.resolve("plot.jpg").toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("ending in .png"), r.err());
        Path notAnImage = tmp.resolve("config.png");
        Files.writeString(notAnImage, "{\"options\": {}}");
        r = CliRunner.run("dirac", "--steps", "10", "--out", notAnImage.toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("is not a PNG image; it is not replaced"), r.err());
        assertEquals("{\"options\": {}}", Files.readString(notAnImage));
        Path plot = tmp.resolve("plot.png");
        assertEquals(0, CliRunner.run("dirac", "--steps", "10", "--out", plot.toString()).status());
        r = CliRunner.run("dirac", "--steps", "20", "--out", plot.toString());
        assertEquals(0, r.status(), "a PNG is replaced: " + r);
    }

    @Test
    void optionsTheRunDoesNotUseAreNoted() {
        CliRunner.Result r = CliRunner.run("train", "--data", "8gaussians", "--steps", "1", "--out",
                tmp.resolve("run").toString(), "--loss", "nsgan", "--clip", "0.01", "--optimizer", "adam",
                "--momentum", "0.9", "--penalty", "none", "--penalty-weight", "5", "--held-out", "100", "--quiet");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("note: --clip is ignored: weight clipping goes with --loss wgan"), r.err());
        assertTrue(r.err().contains("note: --held-out is ignored: 2-D point data"), r.err());
        assertTrue(r.err().contains("note: --momentum is ignored: both optimizers are adam"), r.err());
        assertTrue(r.err().contains("note: --penalty-weight is ignored: there is no --penalty"), r.err());
        r = CliRunner.run("train", "--data", "8gaussians", "--steps", "1", "--out", tmp.resolve("run2").toString(),
                "--loss", "wgan", "--clip", "0.01", "--optimizer", "sgd", "--momentum", "0.5", "--quiet");
        assertEquals(0, r.status(), r.toString());
        assertFalse(r.err().contains("note:"), "every option is used: " + r.err());
    }

    @Test
    void anExperimentChecksEveryConfigurationBeforeTrainingAny() {
        Path out = tmp.resolve("exp");
        CliRunner.Result r = CliRunner.run("experiment", "--out", out.toString(), "--run", "A=--lr 0.001",
                "--run", "B=--lr 99", "--", "--data", "8gaussians", "--steps", "2");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("run B: ") && r.err().contains("--lr"), r.err());
        assertFalse(Files.exists(out.resolve("a")), "A did not train: " + r);
    }
}
