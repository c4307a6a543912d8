package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.dirac.Point;
import io.gcgan.gan.dirac.Trajectory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gcgan dirac's text output opens with the game in the plot title's words (it opened with a Java record's line), says
 * whether the run diverged and whether the update converges locally, and names the plot; the plot's range fits the
 * trajectory.
 */
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
        assertFalse(lines.get(1).contains("diverged"), r.out());
        assertTrue(lines.get(3).startsWith("simultaneous update at the equilibrium: spectral radius ")
                && lines.get(3).endsWith(" (locally convergent)"), r.out());
        assertEquals("plot: " + tmp.resolve("d.png").toAbsolutePath().normalize(), lines.get(4), r.out());
        assertEquals(5, lines.size(), r.out());
    }

    @Test
    void aDivergingRunAndAnUpdateThatDoesNotConvergeAreNamed() {
        // Simultaneous WGAN steps spiral outwards by |1 + h i| per step: with h 10, past 1e308 in about 310 steps.
        CliRunner.Result r = CliRunner.run("dirac", "--loss", "wgan", "--h", "10", "--steps", "1000", "--out",
                tmp.resolve("d.png").toString());
        assertEquals(0, r.status(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(1).startsWith("final point after ") && lines.get(1).endsWith(" (diverged)"), r.out());
        assertTrue(lines.get(3).endsWith(" (not locally convergent)"), r.out());
        // Alternating steps of the unregularized game keep the spectral radius at 1: not convergent either.
        r = CliRunner.run("dirac", "--update", "alternating", "--steps", "10", "--out",
                tmp.resolve("d.png").toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().lines().toList().get(3).endsWith(" (not locally convergent)"), r.out());
    }

    @Test
    void theAutomaticRangeIs115TimesTheLargestFiniteCoordinateBetween1And5() {
        assertEquals(3.45, DiracCommand.autoRange(trajectory(2, -3, 0.5, 0.5)), 1e-12);
        assertEquals(3.45, DiracCommand.autoRange(trajectory(2, -3, Double.NaN, 1e300)), 1e-12, "not finite: left out");
        assertEquals(1.0, DiracCommand.autoRange(trajectory(0.5, 0.2, 0.1, 0)), 1e-12);
        assertEquals(5.0, DiracCommand.autoRange(trajectory(1, 1, 40, 0)), 1e-12);
    }

    private static Trajectory trajectory(double theta0, double psi0, double theta1, double psi1) {
        return new Trajectory(List.of(new Point(theta0, psi0), new Point(theta1, psi1)));
    }
}
