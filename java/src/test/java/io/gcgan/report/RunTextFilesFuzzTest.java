package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.testutil.FileFuzz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run folder's text files that gcgan wrote, damaged in many seeded ways ({@link FileFuzz}): metrics.csv read as a
 * table and opened to resume, scores.csv appended to and cut back, and config.json. Each is read as it is or refused
 * with an {@code IOException} naming the file. (Checked to fail when {@code MetricsTable} stops catching a field that
 * is not a number.)
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunTextFilesFuzzTest {

    @TempDir
    Path tmp;

    /** metrics.csv of four training steps. */
    private String metrics() throws Exception {
        Path file = tmp.resolve("valid-metrics.csv");
        SmallRun run = SmallRun.of(1);
        try (MetricsLog log = MetricsLog.create(file)) {
            for (int i = 0; i < 4; i++) {
                log.append(run.trainer().trainStep());
            }
        }
        return Files.readString(file);
    }

    @Test
    void damagedMetricsAreReadAsATableOrRefusedByName() throws Exception {
        FileFuzz.check(tmp.resolve("metrics.csv"), FileFuzz.textCases(metrics(), 1, 30, 200, 30),
                MetricsTable::read, IOException.class, (c, table) -> {
                    for (String column : table.columns()) {
                        assertEquals(table.rows(), table.column(column).length, c.description() + ": " + column);
                    }
                });
    }

    /** An accepted resume keeps the header and the rows of steps 0 and 1 of the damaged file, as they were. */
    @Test
    void damagedMetricsAreResumedFromStepTwoOrRefusedByName() throws Exception {
        Path file = tmp.resolve("metrics.csv");
        FileFuzz.check(file, FileFuzz.textCases(metrics(), 2, 0, 40, 6), p -> {
            MetricsLog.openForResume(p, 2).close();
            return Files.readString(p);
        }, IOException.class, (c, kept) -> {
            List<String> lines = List.of(new String(c.content(), StandardCharsets.UTF_8).split("\n", -1));
            assertEquals(String.join("\n", lines.subList(0, 3)) + "\n", kept, c.description());
        });
    }

    @Test
    void damagedScoresAreAppendedToAndCutBackOrRefusedByName() throws Exception {
        Path valid = tmp.resolve("valid-scores.csv");
        List<String> columns = List.of("frechet_distance", "classifier_score");
        for (long step : new long[] {200, 400, 600}) {
            ScoresLog.append(valid, columns, step, new double[] {1000.0 / step, step / 100.0});
        }
        Path file = tmp.resolve("scores.csv");
        // each accepted case is rewritten atomically, forced to disk: fewer cases than elsewhere
        FileFuzz.check(file, FileFuzz.textCases(Files.readString(valid), 3, 10, 28, 2), p -> {
            ScoresLog.dropAfter(p, 400);
            return MetricsTable.read(p);
        }, IOException.class, FileFuzz.anyResult());
        FileFuzz.check(file, FileFuzz.textCases(Files.readString(valid), 4, 10, 28, 2), p -> {
            ScoresLog.append(p, columns, 800, new double[] {1.25, 8.5});
            return MetricsTable.read(p);
        }, IOException.class, FileFuzz.anyResult());
    }

    @Test
    void damagedConfigJsonIsReadOrRefusedByName() throws Exception {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("steps", 1200L);
        options.put("lr", 1e-3);
        options.put("betas", List.of(0.5, 0.999));
        options.put("gc", "gc");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("command", "gcgan train");
        config.put("args", List.of("train", "--steps", "1200"));
        config.put("options", options);
        config.put("seed", 0L);
        config.put("history", List.of(Map.of("started", "2026-11-28T10:00:00Z", "device", "cpu")));
        FileFuzz.check(tmp.resolve("config.json"), FileFuzz.textCases(Json.write(config), 4, 30, 150, 20), Json::read,
                IOException.class, FileFuzz.anyResult());
    }

    @Test
    void aFolderWhereARunFileIsExpectedIsRefusedByName() throws Exception {
        FileFuzz.checkFolderInPlace(tmp.resolve("metrics.csv"), MetricsTable::read, IOException.class);
        FileFuzz.checkFolderInPlace(tmp.resolve("metrics.csv"), p -> MetricsLog.openForResume(p, 2),
                IOException.class);
        FileFuzz.checkFolderInPlace(tmp.resolve("config.json"), Json::read, IOException.class);
        FileFuzz.checkFolderInPlace(tmp.resolve("scores.csv"), p -> {
            ScoresLog.append(p, List.of("swd_mean"), 200, new double[] {3});
            return null;
        }, IOException.class);
    }

    /** The regression test of the folder case: metrics.csv as a folder failed with "Is a directory", naming nothing. */
    @Test
    void aFolderGivenAsMetricsIsNamed() throws Exception {
        Path folder = Files.createDirectory(tmp.resolve("metrics.csv"));
        IOException e = assertThrows(IOException.class, () -> MetricsTable.read(folder));
        assertEquals(folder + " is a folder, not a text file", e.getMessage());
        e = assertThrows(IOException.class, () -> TextFiles.readLines(folder));
        assertEquals(folder + " is a folder, not a text file", e.getMessage());
        assertEquals(List.of(), Arrays.asList(folder.toFile().list()), "nothing was written into it");
    }
}
