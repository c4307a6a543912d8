package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gcgan dirac's text output opens with the game in the plot title's words (it opened with a Java record's line). */
class DiracTextTest {

    @TempDir
    Path tmp;

    @Test
    void theFirstLineIsThePlotsTitle() {
        CliRunner.Result r = CliRunner.run("dirac", "--steps", "10", "--loss", "wgan", "--regularizer", "zero-centred",
                "--gamma", "2", "--out", tmp.resolve("d.png").toString());
        assertEquals(0, r.status(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals("Dirac-GAN: wgan + zero-centred (gamma 2), simultaneous, h = 0.1, 10 steps", lines.get(0),
                r.out());
        assertTrue(lines.get(1).startsWith("final point after 10 steps: "), r.out());
    }
}
