package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.report.MetricsTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gcgan compare's table caption says over which steps its means are taken: a run of fewer steps than --last is
 * averaged over all of them, and the caption names it (it said "the last 50 steps" of 40-step runs).
 */
class CompareWindowTest {

    @TempDir
    Path tmp;

    private MetricsTable run(String name, int steps) throws Exception {
        StringBuilder csv = new StringBuilder("step,d_loss,g_loss\n");
        for (int s = 0; s < steps; s++) {
            csv.append(s).append(',').append(s).append(',').append(2 * s).append('\n');
        }
        return MetricsTable.read(Files.writeString(tmp.resolve(name + ".csv"), csv.toString()));
    }

    @Test
    void runsShorterThanTheWindowAreNamedWithTheirSteps() throws Exception {
        String table = CompareCommand.table(List.of("long", "short"), List.of(run("long", 60), run("short", 40)), 50);
        assertTrue(table.startsWith("final metrics (means over the last 50 steps of each run; all steps of short"
                + " (40)):\n"), table);
        // long: steps 10..59, mean 34.5; short: steps 0..39, mean 19.5
        assertTrue(table.lines().anyMatch(l -> l.startsWith("long ") && l.contains("34.5")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("short ") && l.contains("19.5")), table);
    }

    @Test
    void whenEveryRunIsShorterTheCaptionSaysAllSteps() throws Exception {
        String table = CompareCommand.table(List.of("a", "b"), List.of(run("a", 40), run("b", 40)), 50);
        assertTrue(table.startsWith("final metrics (means over all steps of each run, none has 50):\n"), table);
    }

    @Test
    void runsAsLongAsTheWindowNeedNoNote() throws Exception {
        String table = CompareCommand.table(List.of("a"), List.of(run("a", 50)), 50);
        assertEquals("final metrics (means over the last 50 steps of each run):", table.lines().findFirst().get());
    }
}
