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
 * comparison of SGD, SGD+GC and Adam+GC from three runs that differ only in their optimizer. When every run has a
 * scores.csv ({@code gcgan train --score-every}), it also draws their scores in {@code <out>-scores.png} (the Frechet
 * distance of digit runs, the mean sliced Wasserstein distance of dcgan64 runs, the high-quality share of 2-D runs)
 * and prints each run's last score.
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

    /** Says which curves a logarithmic axis shows in part only (their zero and negative values are left out). */
    private void noteValuesALogAxisLeavesOut(List<String> names, List<MetricsTable> tables, List<String> columns) {
        PrintWriter e = spec.commandLine().getErr();
        for (int i = 0; i < tables.size(); i++) {
            for (String col : columns) {
                double[] v = tables.get(i).column(col);
                long notPositive = java.util.Arrays.stream(v).filter(x -> x <= 0).count();
                if (notPositive > 0) {
                    e.println("note: --log-y leaves out " + notPositive + " of " + v.length + " values of " + col
                            + " of run " + names.get(i) + " (zero or negative)");
                }
            }
        }
        e.flush();
    }

    /** Says which runs have no value at all in a column drawn (wasserstein of a run without a WGAN loss, say). */
    private void noteEmptyCurves(List<String> names, List<MetricsTable> tables, List<String> columns) {
        PrintWriter e = spec.commandLine().getErr();
        for (int i = 0; i < tables.size(); i++) {
            for (String col : columns) {
                if (java.util.Arrays.stream(tables.get(i).column(col)).noneMatch(Double::isFinite)) {
                    e.println("note: run " + names.get(i) + " has no values of " + col + " (an empty column): the"
                            + " chart has no curve of it");
                }
            }
        }
        e.flush();
    }

    /** Whether --metrics was given (else its default columns are compared). */
    private boolean metricsGiven() {
        return spec.commandLine().getParseResult().hasMatchedOption("--metrics");
    }

    @Override
    public Integer call() throws Exception {
        Check.pngOut("--out", out);
        Check.range("--smooth", smooth, 1, 100_000);
        Check.range("--last", last, 1, 1_000_000_000);
        List<String> names = new ArrayList<>();
        List<MetricsTable> tables = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Path r : runs) {
            Path csv = Files.isDirectory(r) ? r.resolve("metrics.csv") : r;
            if (!Files.isRegularFile(csv)) {
                throw new UsageException("compare: " + r + " is neither a run folder with a metrics.csv nor a "
                        + "metrics.csv");
            }
            tables.add(MetricsTable.read(csv));
            files.add(csv);
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
                    throw new UsageException((metricsGiven() ? "--metrics: " : "compare: ") + files.get(i)
                            + " has no column '" + col + "' (not a gcgan metrics.csv?); its columns: "
                            + String.join(", ", tables.get(i).columns()));
                }
            }
            columns.add(col);
        }
        String t = title != null ? title : String.join(" and ", columns) + (smooth > 1 ? " (moving average over "
                + smooth + " steps)" : "");
        noteEmptyCurves(names, tables, columns);
        if (logY) {
            noteValuesALogAxisLeavesOut(names, tables, columns);
        }
        List<MetricsTable> scores = scoreTables(names);
        Path scoresChart = siblingOf(out, "-scores");
        if (scores != null) { // checked before anything is written, as --out itself
            Check.pngOut("--out (its scores chart)", scoresChart);
        }
        Charts.write(RunPlots.compare(names, tables, columns, smooth, t, logY), out);
        PrintWriter w = spec.commandLine().getOut();
        w.print(table(names, tables, last));
        w.println("chart: " + out.toAbsolutePath().normalize());
        if (scores != null) {
            MetricsTable first = scores.getFirst();
            String column = first.has("frechet_distance") ? "frechet_distance"
                    : first.has("swd_mean") ? "swd_mean" : "high_quality_fraction";
            String chartTitle = switch (column) {
                case "frechet_distance" -> "Frechet distance in digit features (lower is better)";
                case "swd_mean" -> "sliced Wasserstein distance x 1e3, mean over the levels (lower is better)";
                default -> "share of samples within 3 sigma of a mode";
            };
            Charts.write(RunPlots.compare(names, scores, List.of(column), 1, chartTitle,
                    column.equals("frechet_distance")), scoresChart);
            w.print(scoreTable(names, scores));
            w.println("scores chart: " + scoresChart.toAbsolutePath().normalize());
        }
        w.flush();
        return 0;
    }

    /**
     * The scores.csv of every run ({@code gcgan train --score-every}), when all are run folders that have one with at
     * least one row and all hold the same kind of scores; otherwise null (compare then draws the losses only, and
     * says why when some of the runs have scores).
     */
    private List<MetricsTable> scoreTables(List<String> names) throws java.io.IOException {
        List<MetricsTable> out = new ArrayList<>();
        String missing = null;
        String otherKind = null;
        for (int i = 0; i < runs.size(); i++) {
            Path r = runs.get(i);
            Path csv = r.resolve("scores.csv");
            MetricsTable t = Files.isDirectory(r) && Files.isRegularFile(csv) ? MetricsTable.read(csv) : null;
            if (t == null || t.rows() == 0) {
                missing = missing != null ? missing : names.get(i);
            } else if (!out.isEmpty() && !t.columns().equals(out.getFirst().columns())) {
                otherKind = otherKind != null ? otherKind : names.get(i);
            } else {
                out.add(t);
            }
        }
        if (missing == null && otherKind == null) {
            return out;
        }
        if (!out.isEmpty()) {
            PrintWriter e = spec.commandLine().getErr();
            e.println("note: no scores chart: " + (missing != null
                    ? "run " + missing + " has no scores (gcgan train --score-every)"
                    : "run " + otherKind + "'s scores.csv holds other scores than the first run's ("
                            + String.join(", ", out.getFirst().columns()) + ")"));
            e.flush();
        }
        return null;
    }

    /** "dir/compare.png" -> "dir/compare-scores.png". */
    static Path siblingOf(Path png, String suffix) {
        String name = png.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".png";
        return png.resolveSibling(stem + suffix + ext);
    }

    /** One row per run: its last score (step and every score column). */
    static String scoreTable(List<String> names, List<MetricsTable> scores) {
        List<String> header = new ArrayList<>(List.of("run"));
        header.addAll(scores.getFirst().columns());
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < scores.size(); i++) {
            MetricsTable t = scores.get(i);
            List<String> row = new ArrayList<>();
            row.add(names.get(i));
            for (String c : t.columns()) {
                double v = t.column(c)[t.rows() - 1];
                // counts (step, digits or modes covered) as integers
                row.add(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : num(v));
            }
            rows.add(row);
        }
        return format("last scores (gcgan train --score-every):", header, rows);
    }

    /** One row per run: steps, mean seconds per step, and the means of {@link #TABLE_COLUMNS} over the last steps. */
    static String table(List<String> names, List<MetricsTable> tables, int last) {
        List<String> header = new ArrayList<>(List.of("run", "steps", "s/step"));
        header.addAll(TABLE_COLUMNS);
        List<List<String>> rows = new ArrayList<>();
        List<String> shorter = new ArrayList<>(); // runs of fewer steps than the window: their means are over all
        for (int i = 0; i < tables.size(); i++) {
            MetricsTable t = tables.get(i);
            if (t.rows() < last) {
                shorter.add(names.get(i) + " (" + t.rows() + ")");
            }
            List<String> row = new ArrayList<>();
            row.add(names.get(i));
            row.add(Integer.toString(t.rows()));
            row.add(t.has("seconds") ? num(t.tailMean("seconds", t.rows())) : "-");
            for (String c : TABLE_COLUMNS) {
                row.add(t.has(c) ? num(t.tailMean(c, last)) : "-");
            }
            rows.add(row);
        }
        String window = shorter.size() == tables.size() ? "means over all steps of each run, none has " + last
                : "means over the last " + last + " steps of each run"
                        + (shorter.isEmpty() ? "" : "; all steps of " + String.join(", ", shorter));
        return format("final metrics (" + window + "):", header, rows);
    }

    /** A caption line, then the header and rows in aligned columns (the first left-aligned, the others right). */
    private static String format(String caption, List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int j = 0; j < width.length; j++) {
            width[j] = header.get(j).length();
            for (List<String> r : rows) {
                width[j] = Math.max(width[j], r.get(j).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(caption).append('\n');
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
