package io.gcgan.cli;

import static io.gcgan.cli.CliRunner.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.data.Mnist;
import io.gcgan.report.Json;
import io.gcgan.report.RunFolder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run records of itself in config.json (the command line, the data's split, a history event per start and
 * resume) and says at its end (the summary, and after a stop request the resume command with status 130).
 */
class RunRecordTest {

    @TempDir
    Path tmp;

    private static final String[] DIGITS = {"train", "--steps", "2", "--batch-size", "4", "--fixed-samples", "4",
        "--held-out", "5", "--checkpoint-every", "2", "--sample-every", "100", "--device", "cpu"};

    @Test
    @SuppressWarnings("unchecked")
    void configJsonRecordsTheCommandLineTheDataAndEachStartAndResume() throws Exception {
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run(with(DIGITS, "--out", run.toString()));
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("done: 2 steps in "), r.out());
        assertTrue(r.out().contains("run folder: " + run + " (checkpoint step 2; loss.png, grad-norms.png, samples.png,"
                + " metrics.csv)"), r.out());
        Map<String, Object> config = Json.read(run.resolve("config.json"));
        List<Object> args = List.of((Object[]) with(DIGITS, "--out", run.toString()));
        assertEquals(args.subList(1, args.size()), config.get("args"), "the arguments after 'train'");
        Map<String, Object> data = (Map<String, Object>) config.get("data");
        assertEquals(5L, ((Number) data.get("held_out")).longValue());
        assertEquals(Mnist.EMBEDDED_COUNT - 5L, ((Number) data.get("train")).longValue());
        List<Map<String, Object>> history = (List<Map<String, Object>>) config.get("history");
        assertEquals(1, history.size(), history.toString());
        assertTrue(history.get(0).containsKey("started"), history.toString());

        r = CliRunner.run("train", "--resume", run.toString(), "--steps", "3");
        assertEquals(0, r.status(), r.toString());
        history = (List<Map<String, Object>>) Json.read(run.resolve("config.json")).get("history");
        assertEquals(2, history.size(), history.toString());
        assertTrue(history.get(0).containsKey("started"), history.toString());
        assertEquals(2L, ((Number) history.get(1).get("from_step")).longValue(), history.toString());
        assertEquals(List.of("--resume", run.toString(), "--steps", "3"), history.get(1).get("args"));
        assertEquals(3L, ((Number) CliRunner.savedOptions(run).get("steps")).longValue());
    }

    @Test
    void aStopRequestCheckpointsTheStepReachedAndSaysHowToContinue() throws Exception {
        Path dir = tmp.resolve("stopped");
        TrainSettings s = TrainDefaultsTest.resolve("--data", "8gaussians", "--mlp-width", "8", "--batch-size", "8",
                "--steps", "5", "--device", "cpu");
        StringWriter out = new StringWriter();
        TrainingRun run = new TrainingRun(s, dir, false, true, new PrintWriter(out),
                new PrintWriter(new StringWriter()), List.of());
        run.requestStop(); // as Ctrl-C before the first step ends
        assertEquals(TrainingRun.EXIT_INTERRUPTED, run.execute());
        assertEquals(130, TrainingRun.EXIT_INTERRUPTED);
        assertTrue(out.toString().contains("interrupted: 0 steps in "), out.toString());
        assertTrue(out.toString().contains("continue with: gcgan train --resume " + dir), out.toString());
        assertEquals("step-000000", Files.readString(dir.resolve("checkpoints/latest")).strip());
        assertTrue(RunFolder.isRunFolder(dir));
    }
}
