package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * How {@link TrainCommand#refuseRepeatedOptions} reads the values it names: {@code --x=V} and {@code --x V} alike,
 * "(no value)" for a flag (even before an argument that is not an option) or an optional value that is not
 * there, a negative number as a value, each time in the order given; an option given once passes. And the default
 * run folder's name. Without training.
 */
class RepeatedOptionValuesTest {

    private static CommandLine.ParseResult parse(String... args) {
        return new CommandLine(new TrainCommand()).parseArgs(args);
    }

    private static void assertRefused(String message, String... args) {
        CommandLine.ParseResult parsed = parse(args);
        UsageException e = assertThrows(UsageException.class, () -> TrainCommand.refuseRepeatedOptions(parsed));
        assertEquals(message, e.getMessage());
    }

    @Test
    void theValuesAreReadWithOrWithoutAnEqualsSign() {
        assertRefused("--lr is given 2 times (0.01, then 0.02); give each option once", "--lr=0.01", "--lr", "0.02");
        assertRefused("--seed is given 3 times (-1, then 2, then 3); give each option once", "--seed", "-1",
                "--steps", "5", "--seed=2", "--seed", "3");
    }

    @Test
    void aFlagOrAMissingOptionalValueIsNoValue() {
        assertRefused("--quiet is given 2 times ((no value), then (no value)); give each option once", "--quiet",
                "--quiet");
        assertRefused("--tf32 is given 2 times (true, then (no value)); give each option once", "--tf32", "true",
                "--tf32");
        assertRefused("--tf32 is given 2 times ((no value), then false); give each option once", "--tf32",
                "--steps", "3", "--tf32=false");
        assertRefused("--quiet is given 2 times ((no value), then (no value)); give each option once", "--quiet",
                "-h", "--quiet");
    }

    @Test
    void optionsGivenOnceOrShortOptionsPass() {
        TrainCommand.refuseRepeatedOptions(parse("--lr", "0.01", "--g-lr", "0.02", "--quiet", "--tf32", "--seed",
                "-3"));
        TrainCommand.refuseRepeatedOptions(parse());
    }

    @Test
    void theDefaultRunFolderNamesTheModelTheLossAndAnyPenalty() {
        Path out = TrainCommand.defaultOut(TrainDefaultsTest.resolve());
        assertEquals("runs", out.getParent().toString());
        assertTrue(out.getFileName().toString().matches("\\d{8}-\\d{6}-mnist28-nsgan-r1"), out.toString());
        Path plain = TrainCommand.defaultOut(TrainDefaultsTest.resolve("--data", "8gaussians", "--loss", "wgan",
                "--penalty", "none"));
        assertTrue(plain.getFileName().toString().matches("\\d{8}-\\d{6}-mlp-wgan"), plain.toString());
    }
}
