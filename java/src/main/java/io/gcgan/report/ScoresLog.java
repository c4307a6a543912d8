package io.gcgan.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run's scores.csv ({@code gcgan train --score-every}): a header {@code step,<score columns>}, then one row per
 * score of G, in step order; read back with {@link MetricsTable}. The rows are few (one per score), so each append
 * rewrites the whole file atomically: a kill leaves the old file or the new one. Resuming from a checkpoint at step s
 * {@linkplain #dropAfter drops the rows of later steps}, which the resumed run scores again.
 */
public final class ScoresLog {

    private ScoresLog() {
    }

    /**
     * Appends the scores of {@code step} (creating the file with its header when it is missing).
     *
     * @throws IOException when the file has another header (the run's scores changed kind)
     */
    public static void append(Path file, List<String> columns, long step, double[] values) throws IOException {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("ScoresLog: " + values.length + " values for " + columns.size()
                    + " columns " + columns);
        }
        String header = "step," + String.join(",", columns);
        List<String> lines = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            lines.addAll(TextFiles.readLines(file));
            if (lines.isEmpty() || !lines.get(0).equals(header)) {
                throw new IOException(file + ": the header is not " + header);
            }
        } else {
            lines.add(header);
        }
        StringBuilder row = new StringBuilder(Long.toString(step));
        for (double v : values) {
            row.append(',').append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.9g", v) : "");
        }
        lines.add(row.toString());
        AtomicFiles.writeString(file, String.join("\n", lines) + "\n");
    }

    /** Keeps the header and the rows of steps <= {@code step} (nothing to do when the file is missing). */
    public static void dropAfter(Path file, long step) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        List<String> lines = TextFiles.readLines(file);
        if (lines.isEmpty()) {
            return;
        }
        List<String> kept = new ArrayList<>();
        kept.add(lines.get(0));
        for (String row : lines.subList(1, lines.size())) {
            int comma = row.indexOf(',');
            long s;
            try {
                s = Long.parseLong(comma < 0 ? row : row.substring(0, comma));
            } catch (NumberFormatException e) {
                break; // a damaged row: keep what precedes it
            }
            if (s > step) {
                break;
            }
            kept.add(row);
        }
        AtomicFiles.writeString(file, String.join("\n", kept) + "\n");
    }
}
