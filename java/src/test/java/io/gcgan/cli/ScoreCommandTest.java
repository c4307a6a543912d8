package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.report.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gcgan score on small runs of each model kind, and its refusals. */
class ScoreCommandTest {

    @TempDir
    static Path tmp;

    static Path mnistRun;

    @BeforeAll
    static void trainATinyMnistRun() {
        mnistRun = tmp.resolve("mnist");
        CliRunner.Result r = CliRunner.run("train", "--batch-size", "8", "--steps", "3", "--checkpoint-every", "3",
                "--sample-every", "3", "--fixed-samples", "4", "--device", "cpu", "--quiet", "--out",
                mnistRun.toString());
        assertEquals(0, r.status(), r.toString());
    }

    @Test
    void scoresAnMnistRunAgainstItsDataAsTextAndJson() throws Exception {
        CliRunner.Result r = CliRunner.run("score", mnistRun.toString(), "--count", "600", "--device", "cpu");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("(step 3, mnist28): FD ") && r.out().contains("classifier score")
                && r.out().contains("600 samples; reference: 10000 images of mnist"), r.out());

        CliRunner.Result j = CliRunner.run("score", mnistRun.resolve("checkpoints").resolve("step-000003").toString(),
                "--count", "600", "--device", "cpu", "--json");
        assertEquals(0, j.status(), j.toString());
        Map<String, Object> m = Json.parseObject(j.out(), "score --json");
        assertEquals(3L, ((Number) m.get("step")).longValue());
        assertEquals(600L, ((Number) m.get("samples")).longValue());
        assertEquals("mnist", m.get("reference"));
        double fd = ((Number) m.get("frechet_distance")).doubleValue();
        assertTrue(fd > 100, "3 steps of training are far from digits: FD " + fd);
        double is = ((Number) m.get("classifier_score")).doubleValue();
        assertTrue(is >= 1 && is <= 10, "classifier score " + is);
        // Generalization: the held-out FD against the FD to 10 training subsets of the same size.
        @SuppressWarnings("unchecked")
        Map<String, Object> gen = (Map<String, Object>) m.get("generalization");
        assertEquals(1000L, ((Number) gen.get("images")).longValue(), "the run's held-out digits");
        assertEquals(10L, ((Number) gen.get("training_subsets")).longValue());
        double held = ((Number) gen.get("frechet_distance_held_out")).doubleValue();
        double mean = ((Number) gen.get("frechet_distance_training_mean")).doubleValue();
        double sd = ((Number) gen.get("frechet_distance_training_sd")).doubleValue();
        // ten subsets of one G's samples against equally large digit sets: a spread well below the mean FD
        assertTrue(sd > 0 && sd < mean / 4, gen.toString());
        assertEquals(held - mean, ((Number) gen.get("gap")).doubleValue(), 1e-9);
        @SuppressWarnings("unchecked")
        List<Number> shares = (List<Number>) m.get("digit_shares");
        assertEquals(10, shares.size());
        assertEquals(1.0, shares.stream().mapToDouble(Number::doubleValue).sum(), 1e-12);

        // The same seed gives the same scores; the text line prints the same FD.
        CliRunner.Result again = CliRunner.run("score", mnistRun.toString(), "--count", "600", "--device", "cpu",
                "--json");
        assertEquals(fd, ((Number) Json.parseObject(again.out(), "again").get("frechet_distance")).doubleValue());
        // Against other digits (--reference) there is no held-out part to compare with.
        CliRunner.Result other = CliRunner.run("score", mnistRun.toString(), "--count", "600", "--device", "cpu",
                "--json", "--reference", "mnist");
        assertTrue(!Json.parseObject(other.out(), "other").containsKey("generalization"), other.out());
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "FD %.3f", fd)), r.out());
        assertTrue(r.out().contains("; FD to the run's 1000 held-out digits ")
                && r.out().contains(", to 10 training subsets as large "), r.out());
    }

    @Test
    void aTwoDimensionalRunGetsModeCoverage() throws Exception {
        Path run = tmp.resolve("ring");
        CliRunner.Result t = CliRunner.run("train", "--data", "8gaussians", "--mlp-width", "16", "--batch-size", "32",
                "--steps", "2", "--device", "cpu", "--quiet", "--out", run.toString());
        assertEquals(0, t.status(), t.toString());
        CliRunner.Result r = CliRunner.run("score", run.toString(), "--count", "500", "--device", "cpu", "--json");
        assertEquals(0, r.status(), r.toString());
        Map<String, Object> m = Json.parseObject(r.out(), "score --json");
        assertEquals(8L, ((Number) m.get("modes")).longValue());
        assertEquals(500L, ((Number) m.get("samples")).longValue());
        assertTrue(m.containsKey("high_quality_fraction"), m.toString());

        CliRunner.Result refused = CliRunner.run("score", run.toString(), "--reference", "mnist", "--device", "cpu");
        assertEquals(2, refused.status(), refused.toString());
        assertTrue(refused.err().contains("--reference goes with image runs (mnist28, dcgan64)"), refused.err());
    }

    @Test
    void aDcgan64RunGetsTheSlicedWassersteinDistanceToItsImages() throws Exception {
        Path images = imageFolder(tmp.resolve("faces"), 6);
        Path run = tmp.resolve("dcgan");
        CliRunner.Result t = CliRunner.run("train", "--model", "dcgan64", "--data", images.toString(), "--batch-size",
                "2", "--steps", "1", "--fixed-samples", "2", "--device", "cpu", "--quiet", "--out", run.toString());
        assertEquals(0, t.status(), t.toString());
        CliRunner.Result r = CliRunner.run("score", run.toString(), "--device", "cpu", "--json");
        assertEquals(0, r.status(), r.toString());
        Map<String, Object> m = Json.parseObject(r.out(), "score --json");
        assertEquals(6L, ((Number) m.get("samples")).longValue(), "at most as many samples as real images");
        @SuppressWarnings("unchecked")
        Map<String, Object> levels = (Map<String, Object>) m.get("swd_x1e3");
        assertEquals(List.of("64", "32", "16"), List.copyOf(levels.keySet()));
        double mean = ((Number) m.get("swd_mean_x1e3")).doubleValue();
        assertTrue(mean > 0 && Double.isFinite(mean), "SWD " + mean);
        r = CliRunner.run("score", run.toString(), "--device", "cpu", "--count", "4");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("(step 1, dcgan64): SWD x1e3 64: ") && r.out().contains("(4 images) against "),
                r.out());

        // The training images moved away: the command says how to give them.
        Path moved = Files.move(images, tmp.resolve("faces-moved"));
        r = CliRunner.run("score", run.toString(), "--device", "cpu", "--count", "4");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("is no longer there; give the real images with --reference DATA"), r.err());
        r = CliRunner.run("score", run.toString(), "--device", "cpu", "--count", "4", "--reference", moved.toString());
        assertEquals(0, r.status(), r.toString());

        // The embedded digits are 1x28x28: no reference for 3x64x64 samples (an IDX file of them neither).
        r = CliRunner.run("score", run.toString(), "--device", "cpu", "--count", "4", "--reference", "mnist");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("dcgan64 images are [3, 64, 64] but mnist holds [1, 28, 28]"), r.err());
    }

    /** A folder of n 64 x 64 RGB PNGs, each a different colour gradient. */
    static Path imageFolder(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    img.setRGB(x, y, ((x * 4) << 16) | ((y * 4) << 8) | (i * 40));
                }
            }
            ImageIO.write(img, "png", dir.resolve("img" + i + ".png").toFile());
        }
        return dir;
    }

    @Test
    void badArgumentsAreRefusedNamingTheValue() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "not a run");
        CliRunner.Result r = CliRunner.run("score", file.toString(), "--device", "cpu");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("notes.txt is a file; give a run folder"), r.err());
        r = CliRunner.run("score", mnistRun.resolve("checkpoints").toString(), "--device", "cpu");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("holds a run's checkpoints; give the run folder (" + mnistRun.toAbsolutePath()
                .normalize() + ")"), r.err());
        r = CliRunner.run("score", mnistRun.toString(), "--count", "1");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--count = 1 is out of range [2, 1000000]"), r.err());
        r = CliRunner.run("score", mnistRun.toString(), "--step", "7", "--device", "cpu");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("no checkpoint at step 7; present: [3]"), r.err());
        r = CliRunner.run("score", mnistRun.toString(), "--reference", tmp.resolve("missing").toString(), "--device",
                "cpu");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--reference: '" + tmp.resolve("missing") + "' is neither mnist nor an existing"),
                r.err());
        Path few = imageFolder(tmp.resolve("few"), 10);
        r = CliRunner.run("score", mnistRun.toString(), "--reference", few.toString(), "--device", "cpu", "--count",
                "4");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("has 10 images, no more than the 64 features FD compares"), r.err());
        assertTrue(r.err().contains("note: --count 4 is no more than the 64 features FD compares"), r.err());
        r = CliRunner.run("score", mnistRun.toString(), "--device", "cpu", "--count", "65");
        assertEquals(0, r.status(), r.toString());
        assertTrue(!r.err().contains("note:"), r.err());
    }

    @Test
    void sixtyFourImagesOrSamplesAreNotedAndSixtyFiveAreNot() throws Exception {
        // FD compares 64 features: their covariance is singular for 64 vectors or fewer
        Path images = imageFolder(tmp.resolve("sixty-five"), 65);
        CliRunner.Result r = CliRunner.run("score", mnistRun.toString(), "--reference", images.toString(), "--device",
                "cpu", "--count", "65");
        assertEquals(0, r.status(), r.toString());
        assertTrue(!r.err().contains("note:"), r.err());
        Files.delete(images.resolve("img64.png"));
        r = CliRunner.run("score", mnistRun.toString(), "--reference", images.toString(), "--device", "cpu", "--count",
                "64");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("note: " + images + " has 64 images, no more than the 64 features FD compares"),
                r.err());
        assertTrue(r.err().contains("note: --count 64 is no more than the 64 features FD compares"), r.err());
    }
}
