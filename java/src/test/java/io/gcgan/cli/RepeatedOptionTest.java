package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An option given twice would start a new instance of its picocli option group and reset the group's other options:
 * {@code --optimizer sgd --lr 0.03 --lr 0.01} trained Adam+GC, and an experiment's "SGD" run with a shared --lr
 * after -- did too. train and experiment refuse it, naming the option and its values, before anything is written.
 */
class RepeatedOptionTest {

    @TempDir
    Path tmp;

    @Test
    void trainRefusesAnOptionGivenTwice() {
        Path run = tmp.resolve("run");
        CliRunner.Result r = CliRunner.run("train", "--data", "8gaussians", "--optimizer", "sgd", "--lr", "0.03",
                "--steps", "1", "--lr=0.01", "--out", run.toString(), "--quiet");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--lr is given 2 times (0.03, then 0.01); give each option once"), r.err());
        assertFalse(Files.exists(run), "nothing is written");
    }

    @Test
    void experimentRefusesASharedOptionThatARunAlsoGives() {
        Path out = tmp.resolve("exp");
        CliRunner.Result r = CliRunner.run("experiment", "--out", out.toString(), "--", "--data", "8gaussians",
                "--steps", "1", "--lr", "2e-3");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("run SGD: --lr is given 2 times (0.03, then 2e-3); give each option once"),
                r.err());
        assertFalse(Files.exists(out), "nothing is written");
    }

    @Test
    void aResumedExperimentRefusesItToo() {
        Path out = tmp.resolve("exp");
        String[] first = {"experiment", "--out", out.toString(), "--run", "SGD=--optimizer sgd --lr 0.03", "--",
            "--data", "8gaussians", "--steps", "1", "--score-samples", "10", "--quiet"};
        CliRunner.Result r = CliRunner.run(first);
        assertEquals(0, r.status(), r.toString());
        r = CliRunner.run(CliRunner.with(first, "--lr", "0.01"));
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("run SGD: --lr is given 2 times (0.03, then 0.01); give each option once"),
                r.err());
    }
}
