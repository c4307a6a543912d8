package io.gcgan.cli;

import static io.gcgan.cli.CliRunner.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.report.AtomicFiles;
import io.gcgan.report.Checkpoint;
import io.gcgan.report.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code gcgan train --resume} refuses, with status 2 and a message naming the option, and where it continues
 * from: the options that may not go with it, a folder with nothing to resume, a shared option (--lr) that changes
 * what G's and D's own options hold, a run-control value out of range, saved options that no longer parse, a
 * checkpoint whose hash does not match its options (status 1), and --from-step.
 */
class ResumeRulesTest {

    @TempDir
    Path tmp;

    /** 4 steps, checkpoints after 2 and 4. */
    private static final String[] SHORT_RUN = {"train", "--data", "8gaussians", "--mlp-width", "8", "--batch-size",
        "16", "--steps", "4", "--checkpoint-every", "2", "--sample-every", "100", "--device", "cpu", "--quiet"};

    private Path run(String name) {
        Path run = tmp.resolve(name);
        CliRunner.Result r = CliRunner.run(with(SHORT_RUN, "--out", run.toString()));
        assertEquals(0, r.status(), r.toString());
        return run;
    }

    private static void assertRefused(int status, String message, CliRunner.Result r) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.err().contains(message), "expected '" + message + "' in:\n" + r.err());
    }

    @Test
    void optionsThatDoNotGoWithResumeAreRefusedBeforeTheFolderIsRead() {
        Path none = tmp.resolve("none");
        assertRefused(2, "error: --from-step goes with --resume", CliRunner.run("train", "--from-step", "2", "--out",
                none.toString()));
        assertRefused(2, "error: --resume and --overwrite do not go together", CliRunner.run("train", "--resume",
                none.toString(), "--overwrite"));
        assertRefused(2, "error: --resume: an empty path; give a folder name", CliRunner.run("train", "--resume", ""));
        assertFalse(Files.exists(none));
    }

    @Test
    void aRunWithoutCheckpointsHasNothingToResume() throws Exception {
        Path run = run("empty");
        Path cps = run.resolve("checkpoints");
        AtomicFiles.deleteRecursively(cps);
        Files.createDirectories(cps);
        assertRefused(2, "error: --resume " + run + ": no checkpoint in " + cps + "; nothing to resume (start the run"
                + " again with --out " + run + " --overwrite)", CliRunner.run("train", "--resume", run.toString()));
    }

    @Test
    void aSharedOptionIsComparedThroughTheNetworksOptionsItSets() throws Exception {
        Path run = run("lr");
        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--steps", "6", "--lr", "0.002");
        assertRefused(2, "--resume " + run + ": this command changes options that define the run: --d-lr (the run:"
                + " 0.001, now: 0.002), --g-lr (the run: 0.001, now: 0.002). Only --steps, --device, --conv, --tf32,"
                + " --captured-steps, --keep, --checkpoint-every, --sample-every, --score-every, --score-samples,"
                + " --log-every and --quiet may change; start a new run for other options.", r);
        // The run's own value, given again, changes nothing: the resume goes on.
        r = CliRunner.run("train", "--resume", run.toString(), "--steps", "6", "--lr", "0.001", "--betas",
                "0.5,0.999");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("step 4 of 6"), r.out());
    }

    @Test
    void aRunControlValueOutOfRangeNamesTheRunAndTheOption() throws Exception {
        Path run = run("keep");
        assertRefused(2, "error: --resume " + run + ": --keep = 0 is out of range [1, 1000]",
                CliRunner.run("train", "--resume", run.toString(), "--keep", "0"));
    }

    @Test
    void savedOptionsThatNoLongerParseAreNamed() throws Exception {
        Path run = run("future");
        Path trainer = run.resolve("checkpoints/step-000004").resolve(Checkpoint.TRAINER);
        Map<String, Object> json = Json.read(trainer);
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) json.get("options");
        options.put("warp-drive", "on"); // an option of a later gcgan
        Files.writeString(trainer, Json.write(json));
        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--steps", "6");
        assertRefused(2, "error: --resume " + run + ": the run's saved options and this command line do not parse"
                + " together: Unknown option: '--warp-drive=on'", r);
    }

    @Test
    void aCheckpointWhoseHashDoesNotMatchItsOptionsIsRefused() throws Exception {
        Path run = run("edited");
        Path checkpoint = run.resolve("checkpoints/step-000004");
        Path trainer = checkpoint.resolve(Checkpoint.TRAINER);
        Map<String, Object> json = Json.read(trainer);
        String hash = (String) json.get("config_hash");
        json.put("config_hash", "0".repeat(64));
        Files.writeString(trainer, Json.write(json));
        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--steps", "6");
        assertRefused(1, "error: " + checkpoint + ": the checkpoint's config_hash " + "0".repeat(64) + " does not"
                + " match its options (hash " + hash + "); the checkpoint was edited or written by another gcgan"
                + " version", r);
    }

    @Test
    void fromStepContinuesFromThatCheckpointAndALaterStopResumesFromThere() throws Exception {
        Path run = run("back");
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertRefused(1, "no checkpoint at step 3; present: [2, 4]", CliRunner.run("train", "--resume",
                run.toString(), "--from-step", "3"));
        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--from-step", "2", "--steps", "3");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("from checkpoints/step-000002 (step 2 of 3)"), r.out());
        assertEquals("step-000003", Files.readString(run.resolve("checkpoints/latest")).strip());
        List<String> now = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(4, now.size(), "steps 0-2 and the header: " + now);
        assertEquals(metrics.subList(0, 3), now.subList(0, 3));
    }

    @Test
    void aResumeGivenQuietPrintsNoProgress() throws Exception {
        Path run = tmp.resolve("loud");
        String[] loud = Arrays.stream(SHORT_RUN).filter(a -> !a.equals("--quiet")).toArray(String[]::new);
        assertEquals(0, CliRunner.run(with(loud, "--out", run.toString())).status());
        byte[] config = Files.readAllBytes(run.resolve("config.json"));
        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--steps", "5", "--quiet");
        assertEquals(0, r.status(), r.toString());
        assertFalse(r.out().contains("resuming"), r.out());
        assertFalse(Arrays.equals(config, Files.readAllBytes(run.resolve("config.json"))), "--steps 5 recorded");
    }
}
