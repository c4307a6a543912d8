package io.gcgan.cli;

import static io.gcgan.cli.CliRunner.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.nn.SafeTensors;
import io.gcgan.report.Checkpoint;
import io.gcgan.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a resumed run continues with: the run-control options of its config.json (--checkpoint-every, --keep),
 * which the checkpoint does not hold, and the resumed training's own exit status (3 when it diverges), with
 * --from-step's checkpoint left as the latest for the next resume. Runs of a few steps of the small 2-D mlp.
 */
class ResumeContinuationTest {

    @TempDir
    Path tmp;

    private static final String[] SMALL = {"train", "--data", "8gaussians", "--mlp-width", "8", "--batch-size", "16",
        "--sample-every", "100", "--device", "cpu", "--quiet"};

    private static List<String> checkpoints(Path run) throws Exception {
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
        }
    }

    @Test
    void theRunControlOptionsOfConfigJsonGoOn() throws Exception {
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run(with(SMALL, "--steps", "4", "--checkpoint-every", "2", "--keep", "3",
                "--out", run.toString()));
        assertEquals(0, r.status(), r.toString());
        assertEquals(List.of("step-000002", "step-000004"), checkpoints(run));
        r = CliRunner.run("train", "--resume", run.toString(), "--steps", "8");
        assertEquals(0, r.status(), r.toString());
        assertEquals(List.of("step-000004", "step-000006", "step-000008"), checkpoints(run),
                "every 2 steps, the 3 newest kept, as the run was started (not the defaults 250 and 2)");
    }

    @Test
    void aResumeThatDivergesEndsWithStatus3AndLeavesItsFromStepLatest() throws Exception {
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run(with(SMALL, "--loss", "wgan", "--penalty", "none", "--clip", "0",
                "--steps", "2", "--checkpoint-every", "1", "--keep", "3", "--out", run.toString()));
        assertEquals(0, r.status(), r.toString());
        assertEquals(List.of("step-000001", "step-000002"), checkpoints(run));
        // D's weights times 1e20, finite: its output overflows on the first step resumed
        Path d = run.resolve("checkpoints/step-000001").resolve(Checkpoint.DISCRIMINATOR);
        SafeTensors.Contents c = SafeTensors.load(d);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        c.tensors().forEach((name, t) -> weights.put(name, t.mul(1e20)));
        SafeTensors.save(d, weights, c.metadata());
        r = CliRunner.run("train", "--resume", run.toString(), "--from-step", "1", "--steps", "4");
        assertEquals(TrainingRun.EXIT_DIVERGED, r.status(), r.toString());
        assertTrue(r.err().contains("training diverged at step "), r.err());
        assertEquals("step-000001", Files.readString(run.resolve("checkpoints/latest")).strip(),
                "a later resume starts from --from-step's checkpoint, not the old latest");
    }
}
