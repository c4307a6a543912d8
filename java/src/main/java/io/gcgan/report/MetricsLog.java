package io.gcgan.report;

import io.gcgan.gan.train.StepMetrics;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's metrics.csv: {@link StepMetrics#csvHeader()}, then one {@link StepMetrics#csvRow()} per training step,
 * appended and flushed as each step ends (so {@code tail -f} follows a run). {@link #sync()} forces it to disk;
 * a checkpoint does so first, so every step a checkpoint covers has its row on disk.
 *
 * <p>Resuming from a checkpoint at step s {@linkplain #openForResume keeps the rows of steps 0 .. s-1} and drops
 * the rest (rows written after that checkpoint, and a row cut short by a kill), so the file again holds exactly
 * one row per step.
 */
public final class MetricsLog implements Closeable {

    private final Path file;
    private final FileChannel channel;
    private final BufferedWriter out;

    private MetricsLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
        this.out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
                StandardCharsets.UTF_8));
    }

    /** A new file holding only the header (replacing any file of that name). */
    public static MetricsLog create(Path file) throws IOException {
        AtomicFiles.writeString(file, StepMetrics.csvHeader() + "\n");
        return append(file);
    }

    /**
     * Keeps the header and the rows of steps {@code 0 .. steps - 1} of an existing file (rewritten atomically) and
     * appends after them.
     *
     * @throws IOException when the file is missing, has another header, or lacks rows before {@code steps}
     */
    public static MetricsLog openForResume(Path file, long steps) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is missing: cannot resume a run without its metrics");
        }
        List<String> lines = TextFiles.readLines(file);
        if (lines.isEmpty() || !lines.get(0).equals(StepMetrics.csvHeader())) {
            throw new IOException(file + ": the header is not gcgan's metrics header " + StepMetrics.csvHeader());
        }
        List<String> kept = new ArrayList<>();
        kept.add(lines.get(0));
        for (int i = 1; i < lines.size() && kept.size() - 1 < steps; i++) {
            String row = lines.get(i);
            long step = stepOf(row);
            if (step != kept.size() - 1) {
                break; // a row cut short, or out of order: keep what precedes it
            }
            kept.add(row);
        }
        if (kept.size() - 1 < steps) {
            throw new IOException(file + " has rows for steps 0.." + (kept.size() - 2)
                    + " only; the checkpoint is at step " + steps);
        }
        AtomicFiles.writeString(file, String.join("\n", kept) + "\n");
        return append(file);
    }

    private static MetricsLog append(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new MetricsLog(file, ch);
    }

    /** The step in a row's first field, or -1 when the row is not a complete metrics row. */
    static long stepOf(String row) {
        int fields = row.split(",", -1).length;
        if (fields != StepMetrics.csvHeader().split(",").length) {
            return -1;
        }
        try {
            return Long.parseLong(row.substring(0, row.indexOf(',')));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public Path file() {
        return file;
    }

    /** Appends one row and flushes it to the operating system. */
    public void append(StepMetrics m) throws IOException {
        out.write(m.csvRow());
        out.write('\n');
        out.flush();
    }

    /** Forces the rows written so far to disk. */
    public void sync() throws IOException {
        out.flush();
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
