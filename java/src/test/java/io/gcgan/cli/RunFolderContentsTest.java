package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.train.StepMetrics;
import io.gcgan.report.Checkpoint;
import io.gcgan.report.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What one small training run leaves in its folder, and what compare and sample make of it. */
class RunFolderContentsTest {

    @TempDir
    Path tmp;

    @Test
    void aRunFolderHoldsConfigMetricsChartsSamplesAndCheckpoints() throws Exception {
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--data", "8gaussians", "--mlp-width", "16", "--batch-size", "32",
                "--loss", "wgan", "--penalty", "wgan-gp", "--n-critic", "2", "--steps", "12", "--checkpoint-every", "5",
                "--sample-every", "5", "--diagnostics-every", "3", "--seed", "4", "--device", "cpu", "--quiet",
                "--out", run.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("done: 12 steps"), r.out());

        // config.json: every resolved option, the seed, versions, the device.
        Map<String, Object> config = Json.read(run.resolve("config.json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) config.get("options");
        assertEquals("mlp", options.get("model"));
        assertEquals("wgan", options.get("loss"));
        assertEquals(0.0, ((Number) options.get("clip")).doubleValue(), "no clipping with a penalty");
        assertEquals("wgan-gp", options.get("penalty"));
        assertEquals(10.0, ((Number) options.get("penalty-weight")).doubleValue());
        assertEquals("adam", options.get("g-optimizer"));
        assertEquals("gc", options.get("d-gc"));
        assertEquals("0.5,0.999", options.get("g-betas"));
        assertEquals(12L, ((Number) options.get("steps")).longValue());
        assertEquals("own", options.get("conv"));
        assertEquals(false, options.get("tf32"));
        assertEquals(TrainSettings.fromOptions(options).toOptions().keySet(), options.keySet());
        assertEquals(4L, ((Number) config.get("seed")).longValue());
        assertTrue(config.get("versions") instanceof Map<?, ?> v && v.containsKey("gcgan") && v.containsKey("java"),
                config.toString());
        assertTrue(config.get("device") instanceof Map<?, ?> d && "cpu".equals(d.get("used"))
                && d.get("backend").toString().startsWith("cpu"), config.toString());

        // metrics.csv: the header and one row per step.
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(StepMetrics.csvHeader(), lines.get(0));
        assertEquals(13, lines.size());
        for (int i = 1; i < lines.size(); i++) {
            assertTrue(lines.get(i).startsWith((i - 1) + ",2,"), lines.get(i));
        }

        // Charts and sample grids are PNGs.
        for (String png : List.of("loss.png", "grad-norms.png", "samples.png", "samples/step-000000.png",
                "samples/step-000005.png", "samples/step-000010.png", "samples/step-000012.png")) {
            BufferedImage img = ImageIO.read(run.resolve(png).toFile());
            assertNotNull(img, png + " is not a readable PNG");
            assertTrue(img.getWidth() >= 300 && img.getHeight() >= 300, png + ": " + img.getWidth() + "x"
                    + img.getHeight());
        }

        // Checkpoints: --keep 2 of steps 5, 10, 12; latest names the last; every file present and readable.
        Path cps = run.resolve("checkpoints");
        try (var s = Files.list(cps)) {
            assertEquals(List.of("latest", "step-000010", "step-000012"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals("step-000012", Files.readString(cps.resolve("latest")).strip());
        Path last = cps.resolve("step-000012");
        for (String f : List.of(Checkpoint.GENERATOR, Checkpoint.DISCRIMINATOR, Checkpoint.OPTIMIZER_G,
                Checkpoint.OPTIMIZER_D, Checkpoint.TRAINER)) {
            assertTrue(Files.size(last.resolve(f)) > 0, f);
        }
        Checkpoint.Info info = Checkpoint.readInfo(last);
        assertEquals(12, info.state().step());
        assertEquals(12, info.gOptimizerSteps());
        assertEquals(24, info.dOptimizerSteps(), "two D updates per step");
        assertEquals(config.get("config_hash"), info.configHash());
        // Adam keeps exp_avg and exp_avg_sq for each of the MLP's 8 parameters.
        assertEquals(16, io.gcgan.optim.OptimizerState.load(last.resolve(Checkpoint.OPTIMIZER_D)).flatTensors().size());
        try (var s = Files.list(cps)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary leftovers");
        }

        // compare: one chart, and a table row per run.
        Path chart = tmp.resolve("cmp.png");
        r = CliRunner.run("compare", run.toString(), run.resolve("metrics.csv").toString(), "--labels", "a,b",
                "--out", chart.toString(), "--last", "5");
        assertEquals(0, r.status(), r.toString());
        assertNotNull(ImageIO.read(chart.toFile()));
        assertTrue(r.out().contains("final metrics (means over the last 5 steps"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("a ") && l.contains(" 12 ")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("b ")), r.out());
        // A logarithmic axis says which curves it shows in part only.
        Path csv = tmp.resolve("signs.csv");
        Files.writeString(csv, "step,d_loss,g_loss\n1,0.5,1\n2,-0.25,2\n3,0,3\n4,0.75,4\n");
        r = CliRunner.run("compare", csv.toString(), "--labels", "signs", "--metrics", "d_loss,g_loss", "--log-y",
                "--out", chart.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("note: --log-y leaves out 2 of 4 values of d_loss of run signs"), r.toString());
        assertFalse(r.err().contains("of g_loss"), r.toString());

        // sample: a scatter plot for a 2-D model, from the run folder and from a checkpoint folder.
        Path samples = tmp.resolve("s.png");
        r = CliRunner.run("sample", run.toString(), "--count", "200", "--device", "cpu", "--out", samples.toString());
        assertEquals(0, r.status(), r.toString());
        assertNotNull(ImageIO.read(samples.toFile()));
        r = CliRunner.run("sample", cps.resolve("step-000010").toString(), "--device", "cpu", "--out",
                samples.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("step 10"), r.out());
        r = CliRunner.run("sample", run.toString(), "--columns", "5", "--device", "cpu", "--out", samples.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("note: --columns is ignored: the samples of a 2-D run are points"), r.err());
    }

    @Test
    void sampleWritesAnImageGridFromAnImageModelsCheckpoint() throws Exception {
        Path run = tmp.resolve("mnist");
        CliRunner.Result r = CliRunner.run("train", "--steps", "2", "--batch-size", "8", "--fixed-samples", "4",
                "--device", "cpu", "--quiet", "--out", run.toString());
        assertEquals(0, r.status(), r.toString());
        BufferedImage grid = ImageIO.read(run.resolve("samples.png").toFile());
        // 4 samples: 2 x 2 images of 28 x 28 enlarged twice, 2 px padding.
        assertEquals(2 * (56 + 2) + 2, grid.getWidth());
        Path out = tmp.resolve("digits.png");
        r = CliRunner.run("sample", run.toString(), "--count", "10", "--columns", "5", "--device", "cpu", "--out",
                out.toString());
        assertEquals(0, r.status(), r.toString());
        BufferedImage img = ImageIO.read(out.toFile());
        assertEquals(5 * (56 + 2) + 2, img.getWidth());
        assertEquals(2 * (56 + 2) + 2, img.getHeight());
    }
}
