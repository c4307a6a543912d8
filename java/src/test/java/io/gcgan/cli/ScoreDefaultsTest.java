package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The sample counts the scores default to, as numbers. The FD and the classifier score depend on the count (the FD
 * of fewer samples is biased upwards), so scores compare only at equal counts: the README's optimizer table was
 * scored with {@code --score-every}'s 5,000 samples, and {@code gcgan score} gives 10,000 (dcgan64: 2,048 and 1,024,
 * for the SWD's cost). A default that changes must change here, in {@code --help} and in the README together; the
 * other tests compare with the constants and would follow a silent change.
 */
class ScoreDefaultsTest {

    @TempDir
    Path tmp;

    /** The {@code --help} description of {@code option}, its lines joined. */
    private static String description(Object command, String option) {
        return String.join(" ", new CommandLine(command).getCommandSpec().findOption(option).description());
    }

    @Test
    void gcganScoreScores10000SamplesAndDcgan64Runs2048() {
        assertEquals(10_000, ScoreCommand.defaultCount("mnist28"));
        assertEquals(10_000, ScoreCommand.defaultCount("mlp"));
        assertEquals(2_048, ScoreCommand.defaultCount("dcgan64"));
        assertEquals("Samples, in [2, 1000000]; compare scores only between equal counts. Default: 10000, dcgan64"
                + " 2048.", description(new ScoreCommand(), "--count"));
    }

    @Test
    void scoresDuringTrainingUse5000SamplesAndDcgan64Runs1024() throws IOException {
        assertEquals(5_000, TrainDefaultsTest.resolve().scoreSamples(), "mnist28, the main job");
        assertEquals(5_000, TrainDefaultsTest.resolve("--data", "8gaussians").scoreSamples(), "the mlp");
        Path images = Files.createDirectories(tmp.resolve("images"));
        assertEquals(1_024, TrainDefaultsTest.resolve("--model", "dcgan64", "--data", images.toString())
                .scoreSamples());
        assertEquals(5_000, TrainSettings.DEFAULT_SCORE_SAMPLES, "settings written before --score-samples existed");
        assertEquals("Samples per score, in [2, 1000000] (the same noise every time). Default: 5000, dcgan64 1024.",
                description(new TrainCommand(), "--score-samples"));
    }

    @Test
    void theReadmeGivesTheSameCounts() throws IOException {
        // Maven runs the tests in the module's folder: the README is one level up. Line breaks may fall anywhere.
        String readme = Files.readString(Path.of("..", "README.md")).replaceAll("\\s+", " ");
        for (String said : new String[] {
            "`gcgan score RUN|CHECKPOINT`: the quality of G's samples (`--count`: 10,000 by default, dcgan64 2,048;",
            "`--score-every N` with `--score-samples` (G's sample quality every N steps into `scores.csv` and"
                    + " `scores.png`, of 5,000 samples by default, dcgan64 1,024;",
            "`--score-every 200` adds the digit scores of `gcgan score` (5,000 samples of fixed noise;"}) {
            assertTrue(readme.contains(said), "README.md no longer says: " + said);
        }
    }
}
