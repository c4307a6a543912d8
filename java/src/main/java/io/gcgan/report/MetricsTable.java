package io.gcgan.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A metrics.csv read back as columns of doubles (an empty field is NaN), for plots and for {@code compare}.
 * The last line may lack fields (a line cut short by a kill, or still being written): it is left out. Any other line
 * with another number of fields than the header is an error, so that damage in the middle of a file is named instead
 * of silently ending the table there.
 */
public final class MetricsTable {

    private final Path source;
    private final List<String> columns;
    private final Map<String, double[]> values;
    private final int rows;

    private MetricsTable(Path source, List<String> columns, Map<String, double[]> values, int rows) {
        this.source = source;
        this.columns = columns;
        this.values = values;
        this.rows = rows;
    }

    public static MetricsTable read(Path csv) throws IOException {
        List<String> lines = TextFiles.readLines(csv);
        if (lines.isEmpty()) {
            throw new IOException(csv + " is empty: expected a header line of metrics columns");
        }
        List<String> columns = List.of(lines.get(0).split(",", -1));
        List<double[]> parsed = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length != columns.size()) {
                if (i == lines.size() - 1) {
                    break; // cut short by a kill, or still being written
                }
                throw new IOException(csv + " line " + (i + 1) + ": " + f.length + " fields, but the header has "
                        + columns.size() + " (" + (lines.size() - 1 - i) + " more lines follow it)");
            }
            double[] row = new double[f.length];
            try {
                for (int j = 0; j < f.length; j++) {
                    row[j] = f[j].isEmpty() ? Double.NaN : Double.parseDouble(f[j]);
                }
            } catch (NumberFormatException e) {
                throw new IOException(csv + " line " + (i + 1) + ": not a number: " + e.getMessage(), e);
            }
            parsed.add(row);
        }
        Map<String, double[]> values = new LinkedHashMap<>();
        for (int j = 0; j < columns.size(); j++) {
            double[] col = new double[parsed.size()];
            for (int i = 0; i < col.length; i++) {
                col[i] = parsed.get(i)[j];
            }
            values.put(columns.get(j), col);
        }
        return new MetricsTable(csv, columns, values, parsed.size());
    }

    public Path source() {
        return source;
    }

    public List<String> columns() {
        return columns;
    }

    public int rows() {
        return rows;
    }

    public boolean has(String column) {
        return values.containsKey(column);
    }

    /** A column's values (NaN where the field is empty). */
    public double[] column(String column) {
        double[] c = values.get(column);
        if (c == null) {
            throw new IllegalArgumentException(source + " has no column '" + column + "'; its columns are " + columns);
        }
        return c.clone();
    }

    /** The mean of the finite values among the last {@code window} rows of a column (NaN if none). */
    public double tailMean(String column, int window) {
        double[] c = column(column);
        int from = Math.max(0, c.length - Math.max(1, window));
        double[] tail = Arrays.stream(c, from, c.length).filter(Double::isFinite).toArray();
        return tail.length == 0 ? Double.NaN : Arrays.stream(tail).average().orElse(Double.NaN);
    }

    /** The sum of the finite values of a column. */
    public double sum(String column) {
        return Arrays.stream(column(column)).filter(Double::isFinite).sum();
    }
}
