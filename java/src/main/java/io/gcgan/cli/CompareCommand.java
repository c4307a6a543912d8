package io.gcgan.cli;

import io.gcgan.report.Charts;
import io.gcgan.report.MetricsTable;
import io.gcgan.report.RunPlots;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gcgan compare RUN...}: the loss curves of several runs in one PNG (one colour per run; D solid, G dashed)
 * and a table of their final metrics, each the mean over the last {@code --last} steps. This draws the thesis's
 * comparison of SGD, SGD+GC and Adam+GC from three runs that differ only in their optimizer.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Overlays the loss curves of several runs in one PNG and prints a table of their final "
                + "metrics (means over the last --last steps).",
        footer = {"", "Example:",
            "  gcgan compare runs/sgd runs/sgd-gc runs/adam-gc \\",
            "      --labels SGD,SGD+GC,Adam+GC --out optimizers.png"})
final class CompareCommand implements Callable<Integer> {

    static final List<String> TABLE_COLUMNS = List.of("d_loss", "g_loss", "penalty", "d_grad_norm", "g_grad_norm",
            "d_input_grad_real", "score_gap");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run folders (or their metrics.csv files).")
    List<Path> runs;

    @Option(names = "--out", paramLabel = "PNG", defaultValue = "compare.png",
            description = "The chart to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--metrics", paramLabel = "COLS", defaultValue = "d_loss,g_loss",
            description = "metrics.csv columns to draw, comma-separated (the first solid, the others dashed). "
                    + "Default: ${DEFAULT-VALUE}.")
    String metrics;

    @Option(names = "--labels", paramLabel = "NAMES",
            description = "Names of the runs in the legend and table, comma-separated. Default: the folder names.")
    String labels;

    @Option(names = "--smooth", paramLabel = "N", defaultValue = "1",
            description = "Draw a moving average over N steps, in [1, 100000]. Default: ${DEFAULT-VALUE} (raw).")
    int smooth;

    @Option(names = "--last", paramLabel = "N", defaultValue = "50",
            description = "The table's values are means over the last N steps, in [1, 1e9]. Default: ${DEFAULT-VALUE}.")
    int last;

    @Option(names = "--log-y", description = "Logarithmic y axis.")
    boolean logY;

    @Option(names = "--title", paramLabel = "TEXT", description = "Chart title. Default: the metrics drawn.")
    String title;

    @Override
    public Integer call() throws Exception {
        Check.range("--smooth", smooth, 1, 100_000);
        Check.range("--last", last, 1, 1_000_000_000);
        List<String> names = new ArrayList<>();
        List<MetricsTable> tables = new ArrayList<>();
        for (Path r : runs) {
            Path csv = Files.isDirectory(r) ? r.resolve("metrics.csv") : r;
            if (!Files.isRegularFile(csv)) {
                throw new UsageException("compare: " + r + " is neither a run folder with a metrics.csv nor a "
                        + "metrics.csv");
            }
            tables.add(MetricsTable.read(csv));
            Path named = Files.isDirectory(r) ? r : r.toAbsolutePath().getParent();
            names.add(named.toAbsolutePath().normalize().getFileName().toString());
        }
        if (labels != null) {
            String[] l = labels.split(",", -1);
            if (l.length != runs.size()) {
                throw new UsageException("--labels: " + l.length + " labels for " + runs.size() + " runs");
            }
            names = List.of(l);
        }
        List<String> columns = new ArrayList<>();
        for (String c : metrics.split(",")) {
            String col = c.strip();
            for (int i = 0; i < tables.size(); i++) {
                if (!tables.get(i).has(col)) {
                    throw new UsageException("--metrics: run " + names.get(i) + " has no column '" + col
                            + "'; its columns: " + String.join(", ", tables.get(i).columns()));
                }
            }
            columns.add(col);
        }
        String t = title != null ? title : String.join(" and ", columns) + (smooth > 1 ? " (moving average over "
                + smooth + " steps)" : "");
        Charts.write(RunPlots.compare(names, tables, columns, smooth, t, logY), out);
        PrintWriter w = spec.commandLine().getOut();
        w.print(table(names, tables, last));
        w.println("chart: " + out.toAbsolutePath().normalize());
        w.flush();
        return 0;
    }

    /** One row per run: steps, mean seconds per step, and the means of {@link #TABLE_COLUMNS} over the last steps. */
    static String table(List<String> names, List<MetricsTable> tables, int last) {
        List<String> header = new ArrayList<>(List.of("run", "steps", "s/step"));
        header.addAll(TABLE_COLUMNS);
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            MetricsTable t = tables.get(i);
            List<String> row = new ArrayList<>();
            row.add(names.get(i));
            row.add(Integer.toString(t.rows()));
            row.add(t.has("seconds") ? num(t.tailMean("seconds", t.rows())) : "-");
            for (String c : TABLE_COLUMNS) {
                row.add(t.has(c) ? num(t.tailMean(c, last)) : "-");
            }
            rows.add(row);
        }
        int[] width = new int[header.size()];
        for (int j = 0; j < width.length; j++) {
            width[j] = header.get(j).length();
            for (List<String> r : rows) {
                width[j] = Math.max(width[j], r.get(j).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("final metrics (means over the last ").append(last).append(" steps of each run):\n");
        appendRow(sb, header, width);
        for (List<String> r : rows) {
            appendRow(sb, r, width);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> cells, int[] width) {
        for (int j = 0; j < cells.size(); j++) {
            String c = cells.get(j);
            if (j == 0) {
                sb.append(c).append(" ".repeat(width[j] - c.length()));
            } else {
                sb.append("  ").append(" ".repeat(width[j] - c.length())).append(c);
            }
        }
        sb.append('\n');
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4g", v);
    }
}
