package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A metrics.csv damaged in the middle is named, not read as a shorter run; only its last line may be cut short. */
class MetricsTableDamageTest {

    @TempDir
    Path tmp;

    @Test
    void aLastLineCutShortIsLeftOut() throws Exception {
        Path csv = tmp.resolve("metrics.csv");
        Files.writeString(csv, "step,d_loss\n0,1.5\n1,2.5\n2");
        MetricsTable t = MetricsTable.read(csv);
        assertEquals(2, t.rows());
        assertArrayEquals(new double[] {1.5, 2.5}, t.column("d_loss"));
    }

    @Test
    void aLineWithTooFewFieldsInTheMiddleIsAnErrorNamingItsLine() throws Exception {
        Path csv = tmp.resolve("metrics.csv");
        Files.writeString(csv, "step,d_loss\n0,1.5\n1\n2,3.5\n3,4.5\n");
        IOException e = assertThrows(IOException.class, () -> MetricsTable.read(csv));
        assertEquals(csv + " line 3: 1 fields, but the header has 2 (2 more lines follow it)", e.getMessage());
    }
}
