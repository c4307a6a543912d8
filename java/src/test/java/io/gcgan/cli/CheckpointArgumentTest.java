package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.report.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RUN|CHECKPOINT argument of {@code gcgan sample} and {@code gcgan score}: a run folder means its latest checkpoint
 * or the one --step names, a checkpoint folder itself; --step with a checkpoint folder, a missing step and a run
 * without checkpoints are refused with the folder named.
 */
class CheckpointArgumentTest {

    @TempDir
    Path tmp;

    private static CliRunner.Result sample(String... args) {
        return CliRunner.run(CliRunner.with(new String[] {"sample", "--device", "cpu", "--count", "4"}, args));
    }

    @Test
    void aRunFolderMeansItsLatestCheckpointOrTheStepGiven() throws Exception {
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--data", "8gaussians", "--mlp-width", "8", "--batch-size", "16",
                "--steps", "4", "--checkpoint-every", "2", "--sample-every", "100", "--device", "cpu", "--quiet",
                "--out", run.toString());
        assertEquals(0, r.status(), r.toString());
        Path png = tmp.resolve("s.png");

        r = sample(run.toString(), "--out", png.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("step-000004 (step 4, mlp)"), r.out());
        r = sample(run.toString(), "--step", "2", "--out", png.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("step-000002 (step 2, mlp)"), r.out());
        r = sample(run.toString(), "--step", "0", "--out", png.toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("no checkpoint at step 0; present: [2, 4]"), r.err());

        Path checkpoint = run.resolve("checkpoints/step-000002");
        r = sample(checkpoint.toString(), "--step", "2", "--out", png.toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("error: --step goes with a run folder; " + checkpoint + " is a checkpoint folder"),
                r.err());

        Path cps = run.resolve("checkpoints");
        r = sample(cps.toString(), "--out", png.toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("error: " + cps + " holds a run's checkpoints; give the run folder ("
                + run.toAbsolutePath().normalize() + ") or one checkpoint in it (" + cps.resolve("step-N") + ")"),
                r.err());

        AtomicFiles.deleteRecursively(run.resolve("checkpoints"));
        Files.createDirectories(run.resolve("checkpoints"));
        r = sample(run.toString(), "--out", png.toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("error: " + run + " has no checkpoint yet (" + run.resolve("checkpoints")
                + " is empty)"), r.err());
    }
}
