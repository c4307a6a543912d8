package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Options of another model, of a penalty centred at 1 or of a CUDA device do nothing in a run without them; train
 * says so, as it does for --clip without wgan, rather than leave a user to think they took effect.
 */
class IgnoredOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void optionsOfAnotherModelPenaltyOrDeviceAreNoted() {
        CliRunner.Result r = CliRunner.run("train", "--data", "8gaussians", "--steps", "1", "--out",
                tmp.resolve("run").toString(), "--penalty", "r1", "--one-sided", "--d-batchnorm", "--device", "cpu",
                "--conv", "cudnn", "--tf32", "--quiet");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("note: --one-sided is ignored: --penalty r1 is centred at 0"), r.err());
        assertTrue(r.err().contains("note: --d-batchnorm is ignored: it is an option of --model dcgan64"), r.err());
        assertTrue(r.err().contains("note: --conv is ignored: --device cpu"), r.err());
        assertTrue(r.err().contains("note: --tf32 is ignored: --device cpu"), r.err());
    }

    @Test
    void theMlpWidthOfAnImageModelIsNoted() {
        CliRunner.Result r = CliRunner.run("train", "--steps", "1", "--batch-size", "2", "--fixed-samples", "1",
                "--out", tmp.resolve("digits").toString(), "--mlp-width", "64", "--device", "cpu", "--quiet");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("note: --mlp-width is ignored: it is an option of --model mlp (this run: "
                + "mnist28)"), r.err());
    }

    @Test
    void optionsTheRunUsesAreNotNoted() {
        CliRunner.Result r = CliRunner.run("train", "--data", "8gaussians", "--steps", "1", "--out",
                tmp.resolve("gp").toString(), "--loss", "wgan", "--penalty", "wgan-gp", "--one-sided", "--mlp-width",
                "32", "--conv", "own", "--quiet");
        assertEquals(0, r.status(), r.toString());
        assertFalse(r.err().contains("note:"), "every option is used: " + r.err());
    }
}
