package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What gcgan compare cannot draw, it says (a column a run never wrote, scores of runs that cannot be overlaid), and
 * what it would draw over, it refuses (a file by the name of its scores chart that is not a PNG).
 */
class CompareNotesTest {

    private static final String METRICS = "step,d_loss,wasserstein,g_loss\n0,1.0,,0.5\n1,0.9,,0.6\n";

    @TempDir
    Path tmp;

    private Path run(String name, String scores) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("metrics.csv"), METRICS);
        if (scores != null) {
            Files.writeString(dir.resolve("scores.csv"), scores);
        }
        return dir;
    }

    @Test
    void anEmptyColumnIsNoted() throws Exception {
        Path a = run("a", null);
        CliRunner.Result r = CliRunner.run("compare", a.toString(), "--metrics", "wasserstein,d_loss", "--out",
                tmp.resolve("w.png").toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("note: run a has no values of wasserstein (an empty column)"), r.toString());
        assertFalse(r.err().contains("of d_loss"), r.toString());
    }

    @Test
    void theScoresChartReplacesNoFileButAPng() throws Exception {
        Path digits = run("digits", "step,frechet_distance,classifier_score\n2,100.0,5.0\n");
        Path notes = Files.writeString(tmp.resolve("cmp-scores.png"), "my notes");
        CliRunner.Result r = CliRunner.run("compare", digits.toString(), "--out", tmp.resolve("cmp.png").toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--out (its scores chart) " + notes + " exists and is not a PNG image; it is not"
                + " replaced"), r.toString());
        assertEquals("my notes", Files.readString(notes));
        assertFalse(Files.exists(tmp.resolve("cmp.png")), "nothing is written: " + r);
    }

    @Test
    void scoresOfDifferentKindsOrOfSomeRunsOnlyAreNoted() throws Exception {
        Path digits = run("digits", "step,frechet_distance,classifier_score\n2,100.0,5.0\n");
        Path points = run("points", "step,modes_covered,modes,high_quality_fraction\n2,3,8,0.5\n");
        Path unscored = run("unscored", null);
        CliRunner.Result r = CliRunner.run("compare", digits.toString(), points.toString(), "--out",
                tmp.resolve("mixed.png").toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("note: no scores chart: run points's scores.csv holds other scores than the first"
                + " run's (step, frechet_distance, classifier_score)"), r.toString());
        assertFalse(Files.exists(tmp.resolve("mixed-scores.png")), r.toString());

        r = CliRunner.run("compare", digits.toString(), unscored.toString(), "--out",
                tmp.resolve("some.png").toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("note: no scores chart: run unscored has no scores (gcgan train --score-every)"),
                r.toString());

        r = CliRunner.run("compare", unscored.toString(), "--out", tmp.resolve("none.png").toString());
        assertEquals(0, r.status(), r.toString());
        assertFalse(r.err().contains("note:"), "no run has scores: nothing to say: " + r);
    }
}
