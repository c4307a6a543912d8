package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.data.ImageDataset;
import io.gcgan.data.ImageFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which model a --data value gets and which it refuses, how a data path is recorded, and how a run's images are split
 * into training and held-out parts (a tenth, at least 1; --held-out N of them), with the refusals a user sees.
 */
class ModelAndDataTest {

    @TempDir
    Path tmp;

    private static String refused(String... args) {
        return assertThrows(UsageException.class, () -> TrainDefaultsTest.resolve(args)).getMessage();
    }

    @Test
    void anImageFolderGetsDcgan64AndIsRecordedAsAnAbsolutePath() throws Exception {
        Path folder = ScoreCommandTest.imageFolder(tmp.resolve("faces"), 2);
        Files.createDirectories(tmp.resolve("x"));
        TrainSettings s = TrainDefaultsTest.resolve("--data", tmp.resolve("x/../faces").toString());
        assertEquals("dcgan64", s.model());
        assertEquals(folder.toAbsolutePath().normalize().toString(), s.data());
        assertEquals(TrainCommand.DCGAN64_SCORE_SAMPLES, s.scoreSamples(), "dcgan64's sliced Wasserstein is slow");
        assertEquals(64, s.fixedSamples());
        assertEquals("mnist28", TrainDefaultsTest.resolve("--data", folder.toString(), "--model", "mnist28").model(),
                "an image folder is resized to 28x28 for mnist28");
        assertEquals("8gaussians", TrainDefaultsTest.resolve("--data", " 8Gaussians ").data());
    }

    @Test
    void aModelThatCannotTakeTheDataSaysWhichCan() throws Exception {
        Path folder = ScoreCommandTest.imageFolder(tmp.resolve("faces"), 2).toAbsolutePath().normalize();
        assertEquals("--model dcgan64 needs 3x64x64 images (--data FOLDER of PNG/JPEG images); --data mnist is MNIST"
                + " (1x28x28): use --model mnist28", refused("--model", "dcgan64"));
        assertEquals("--model mlp needs 2-D points (--data 8gaussians or 25gaussians); --data " + folder + " is an"
                + " image folder: use --model mnist28 or dcgan64",
                refused("--model", "mlp", "--data", folder.toString()));
        assertEquals("--model mnist28 needs 1x28x28 images (--data mnist, an IDX file or folder, or an image folder);"
                + " --data 25gaussians is 2-D points: use --model mlp", refused("--model", "mnist28", "--data",
                "25gaussians"));
    }

    @Test
    void aTenthOfTheImagesIsHeldOutUnlessToldAndAtLeastOne() throws Exception {
        Path four = ScoreCommandTest.imageFolder(tmp.resolve("four"), 4);
        ImageDataset images = ImageFolder.load(four, 3, 64, 64);
        TrainSettings s = TrainDefaultsTest.resolve("--data", four.toString());
        assertEquals(1, Experiment.split(s, images, "four").heldOut().size(), "4 / 10 rounds to 0: 1");
        assertEquals(3, Experiment.split(s, images, "four").train().size());
        TrainSettings three = TrainDefaultsTest.resolve("--data", four.toString(), "--held-out", "3");
        assertEquals(3, Experiment.split(three, images, "four").heldOut().size());
        TrainSettings all = TrainDefaultsTest.resolve("--data", four.toString(), "--held-out", "4");
        assertEquals("--held-out = 4 is out of range [1, 3]: four has 4 images",
                assertThrows(UsageException.class, () -> Experiment.split(all, images, "four")).getMessage());
    }

    @Test
    void aFolderOfOneImageCannotBeSplit() throws Exception {
        Path one = ScoreCommandTest.imageFolder(tmp.resolve("one"), 1);
        Path out = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--data", one.toString(), "--steps", "1", "--device", "cpu",
                "--out", out.toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains(" has 1 image: a run needs at least 2 (one is held out for scoring)"), r.err());
        assertTrue(!Files.exists(out), "nothing written");
    }
}
