package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.report.MetricsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What gcgan compare prints: the metrics table (a header, one aligned row per run), the last scores of runs with
 * scores (counts as whole numbers), where it wrote its charts; and that compare and sample replace no file by the name
 * of their image that is not a PNG.
 */
class CompareTablesTest {

    @TempDir
    Path tmp;

    private Path run(String name, String scores) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("metrics.csv"), "step,d_loss,g_loss,seconds\n0,1.0,0.5,0.25\n1,0.5,1.5,0.75\n");
        if (scores != null) {
            Files.writeString(dir.resolve("scores.csv"), scores);
        }
        return dir;
    }

    @Test
    void theMetricsTableHasAHeaderAndAlignedColumns() throws Exception {
        MetricsTable t = MetricsTable.read(run("r", null).resolve("metrics.csv"));
        String table = CompareCommand.table(List.of("a", "longer-name"), List.of(t, t), 2);
        List<String> lines = table.lines().toList();
        assertEquals(4, lines.size(), table);
        List<String> header = new ArrayList<>(List.of("run", "steps", "s/step"));
        header.addAll(CompareCommand.TABLE_COLUMNS);
        assertEquals(header, List.of(lines.get(1).split(" +")), table);
        for (String l : lines.subList(1, 4)) {
            assertEquals(lines.get(1).length(), l.length(), "aligned:\n" + table);
        }
        // the first column left-aligned, the others right-aligned; no penalty column in this metrics.csv: "-"
        List<String> row = List.of("2", "0.5000", "0.7500", "1.000", "-", "-", "-", "-", "-");
        assertEquals(row, List.of(lines.get(2).substring(12).strip().split(" +")), table);
        assertTrue(lines.get(2).startsWith("a ") && lines.get(3).startsWith("longer-name "), table);
        assertTrue(lines.get(2).endsWith("-") && lines.get(1).endsWith("score_gap"), table);
    }

    @Test
    void runsWithScoresGetTheirLastScoresAndAScoresChart() throws Exception {
        String header = "step,frechet_distance,classifier_score,digits_covered\n";
        Path a = run("a", header + "2,100.5,4.5,6\n4,80.25,5.25,7\n");
        Path b = run("b", header + "4,90.5,3.5,10\n");
        Path chart = tmp.resolve("cmp.png");
        CliRunner.Result r = CliRunner.run("compare", a.toString(), b.toString(), "--out", chart.toString());
        assertEquals(0, r.status(), r.toString());
        List<String> lines = r.out().lines().toList();
        int at = lines.indexOf("last scores (gcgan train --score-every):");
        assertTrue(at > 0, r.out());
        assertEquals(List.of("run", "step", "frechet_distance", "classifier_score", "digits_covered"),
                List.of(lines.get(at + 1).split(" +")), r.out());
        assertEquals(List.of("a", "4", "80.25", "5.250", "7"), List.of(lines.get(at + 2).split(" +")), r.out());
        assertEquals(List.of("b", "4", "90.50", "3.500", "10"), List.of(lines.get(at + 3).split(" +")), r.out());
        assertTrue(lines.contains("chart: " + chart.toAbsolutePath().normalize()), r.out());
        Path scoresChart = tmp.resolve("cmp-scores.png");
        assertTrue(lines.contains("scores chart: " + scoresChart.toAbsolutePath().normalize()), r.out());
        assertTrue(ImageIO.read(scoresChart.toFile()).getWidth() > 100, "a PNG");
    }

    @Test
    void theScoresChartIsNamedAfterTheChart() {
        assertEquals(Path.of("dir", "compare-scores.png"), CompareCommand.siblingOf(Path.of("dir", "compare.png"),
                "-scores"));
        assertEquals(Path.of("a.b-scores.png"), CompareCommand.siblingOf(Path.of("a.b.png"), "-scores"));
        assertEquals(Path.of("chart-scores.png"), CompareCommand.siblingOf(Path.of("chart"), "-scores"));
        assertEquals(Path.of(".png-scores.png"), CompareCommand.siblingOf(Path.of(".png"), "-scores"));
    }

    @Test
    void aFileByTheImagesNameThatIsNoPngIsNotReplaced() throws Exception {
        Path a = run("a", null);
        Path notes = Files.writeString(tmp.resolve("notes.png"), "my notes");
        CliRunner.Result r = CliRunner.run("compare", a.toString(), "--out", notes.toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--out " + notes + " exists and is not a PNG image; it is not replaced"),
                r.toString());
        assertEquals("my notes", Files.readString(notes));
        assertFalse(r.out().contains("final metrics"), r.toString());

        // sample likewise, before it looks for the run
        r = CliRunner.run("sample", tmp.resolve("no-run").toString(), "--out", notes.toString());
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--out " + notes + " exists and is not a PNG image; it is not replaced"),
                r.toString());
        assertEquals("my notes", Files.readString(notes));
    }
}
