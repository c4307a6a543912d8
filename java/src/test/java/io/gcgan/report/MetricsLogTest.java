package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.train.StepMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

    @TempDir
    Path tmp;

    private static StepMetrics row(long step) {
        return new StepMetrics(step, 1, 1.5 + step, Double.NaN, Double.NaN, 0.5, 2, 3, Double.NaN, Double.NaN,
                Double.NaN, 0.25);
    }

    @Test
    void resumeKeepsTheRowsBeforeTheCheckpointAndDropsACutRow() throws Exception {
        Path csv = tmp.resolve("metrics.csv");
        try (MetricsLog log = MetricsLog.create(csv)) {
            for (int s = 0; s < 8; s++) {
                log.append(row(s));
            }
            log.sync();
        }
        // A kill in the middle of a row.
        Files.writeString(csv, "8,1,9.5", StandardOpenOption.APPEND);
        try (MetricsLog log = MetricsLog.openForResume(csv, 5)) {
            log.append(row(5));
        }
        List<String> lines = Files.readAllLines(csv);
        assertEquals(7, lines.size());
        assertEquals(StepMetrics.csvHeader(), lines.get(0));
        assertEquals(row(5).csvRow(), lines.get(6));

        MetricsTable t = MetricsTable.read(csv);
        assertEquals(6, t.rows());
        assertEquals(6.5, t.column("d_loss")[5]);
        assertTrue(Double.isNaN(t.column("penalty")[0]));
        assertEquals((5.5 + 6.5) / 2, t.tailMean("d_loss", 2));
        assertThrows(IllegalArgumentException.class, () -> t.column("nope"));

        IOException e = assertThrows(IOException.class, () -> MetricsLog.openForResume(csv, 10));
        assertTrue(e.getMessage().contains("checkpoint is at step 10"), e.getMessage());
    }

    @Test
    void movingAverageSkipsGaps() {
        double[] v = {1, Double.NaN, 3, 5};
        double[] m = RunPlots.movingAverage(v, 2);
        assertEquals(1.0, m[0]);
        assertTrue(Double.isNaN(m[1]));
        assertEquals(2.0, m[2]);
        assertEquals(4.0, m[3]);
    }
}
