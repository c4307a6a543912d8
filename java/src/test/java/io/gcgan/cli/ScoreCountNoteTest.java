package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * score --count on a dcgan64 run: the sliced Wasserstein distance compares at most as many samples as the reference
 * has images, and a --count above that is noted, not silently lowered.
 */
class ScoreCountNoteTest {

    @TempDir
    Path tmp;

    @Test
    void aCountAboveTheReferencesImagesIsNoted() throws Exception {
        Path images = ScoreCommandTest.imageFolder(tmp.resolve("faces"), 5);
        Path run = tmp.resolve("dcgan");
        CliRunner.Result t = CliRunner.run("train", "--model", "dcgan64", "--data", images.toString(), "--batch-size",
                "2", "--steps", "1", "--fixed-samples", "2", "--device", "cpu", "--quiet", "--out", run.toString());
        assertEquals(0, t.status(), t.toString());
        CliRunner.Result r = CliRunner.run("score", run.toString(), "--device", "cpu", "--count", "100");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("note: --count 100 is more than the 5 images of " + images
                + ": SWD compares 5 samples with them"), r.err());
        assertTrue(r.out().contains("(5 images) against "), r.out());
        r = CliRunner.run("score", run.toString(), "--device", "cpu", "--count", "5");
        assertEquals(0, r.status(), r.toString());
        assertFalse(r.err().contains("note: --count"), "as many as the images: " + r.err());
    }
}
