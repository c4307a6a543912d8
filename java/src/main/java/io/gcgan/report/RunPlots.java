package io.gcgan.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The charts of a run's metrics.csv: loss.png (D and G loss against the generator iteration, as the thesis's
 * figures 5-3 to 5-5), grad-norms.png (parameter-gradient norms of D and G every step, and D's input-gradient
 * norms at real and generated samples on the diagnostic steps, log scale), and the overlay of several runs that
 * {@code gcgan compare} draws.
 */
public final class RunPlots {

    public static final int WIDTH = 900;
    public static final int HEIGHT = 500;

    private RunPlots() {
    }

    /** D and G loss against the iteration. */
    public static BufferedImage loss(MetricsTable t, String title) {
        double[] step = t.column("step");
        return Charts.lines(title, "iteration (generator step)", "loss", List.of(
                new Charts.Line("D loss", step, t.column("d_loss"), Charts.color(0), false),
                new Charts.Line("G loss", step, t.column("g_loss"), Charts.color(1), false)), false, WIDTH, HEIGHT);
    }

    /** Gradient norms against the iteration, log scale. */
    public static BufferedImage gradNorms(MetricsTable t, String title) {
        double[] step = t.column("step");
        List<Charts.Line> lines = new ArrayList<>();
        lines.add(new Charts.Line("||grad D|| (parameters)", step, t.column("d_grad_norm"), Charts.color(0), false));
        lines.add(new Charts.Line("||grad G|| (parameters)", step, t.column("g_grad_norm"), Charts.color(1), false));
        lines.add(new Charts.Line("||dD/dx|| at real x", step, t.column("d_input_grad_real"), Charts.color(2), true));
        lines.add(new Charts.Line("||dD/dx|| at G(z)", step, t.column("d_input_grad_fake"), Charts.color(3), true));
        return Charts.lines(title, "iteration (generator step)", "gradient norm", lines, true, WIDTH, HEIGHT);
    }

    /**
     * The scores of scores.csv against the iteration: the Frechet distance (log scale) of a digit run, the sliced
     * Wasserstein distance (mean and per level) of a dcgan64 run, or the share of high-quality samples and of covered
     * modes of a 2-D run.
     */
    public static BufferedImage scores(MetricsTable t, String title) {
        double[] step = t.column("step");
        if (t.has("frechet_distance")) {
            return Charts.lines(title, "iteration (generator step)", "Frechet distance (digit features)", List.of(
                    new Charts.Line("FD", step, t.column("frechet_distance"), Charts.color(0), false)), true, WIDTH,
                    HEIGHT);
        }
        if (t.has("swd_mean")) {
            List<Charts.Line> lines = new ArrayList<>();
            lines.add(new Charts.Line("mean", step, t.column("swd_mean"), Charts.color(0), false));
            int k = 1;
            for (String c : t.columns()) {
                if (c.startsWith("swd_") && !c.equals("swd_mean")) {
                    lines.add(new Charts.Line(c.substring(4) + " px", step, t.column(c), Charts.color(k++), true));
                }
            }
            return Charts.lines(title, "iteration (generator step)", "sliced Wasserstein distance x 1e3", lines, false,
                    WIDTH, HEIGHT);
        }
        return Charts.lines(title, "iteration (generator step)", "fraction", List.of(
                new Charts.Line("samples within 3 sigma of a mode", step, t.column("high_quality_fraction"),
                        Charts.color(0), false),
                new Charts.Line("modes covered", step, modesCoveredShare(t), Charts.color(1), true)), false, WIDTH,
                HEIGHT);
    }

    /** The share of the mixture's modes covered at each row of a 2-D run's scores: modes_covered / modes. */
    static double[] modesCoveredShare(MetricsTable t) {
        double[] modes = t.column("modes_covered");
        double[] total = t.column("modes");
        double[] share = new double[modes.length];
        for (int i = 0; i < share.length; i++) {
            share[i] = modes[i] / total[i];
        }
        return share;
    }

    /** Writes loss.png and grad-norms.png of {@code run} from its metrics.csv, and scores.png when it has scores. */
    public static void writeRunCharts(RunFolder run, String title) throws IOException {
        MetricsTable t = MetricsTable.read(run.metrics());
        Charts.write(loss(t, title), run.lossPlot());
        Charts.write(gradNorms(t, title), run.gradNormPlot());
        if (Files.isRegularFile(run.scores())) {
            MetricsTable s = MetricsTable.read(run.scores());
            if (s.rows() > 0) {
                Charts.write(scores(s, title), run.scoresPlot());
            }
        }
    }

    /**
     * Several runs' curves of the given columns in one chart: one colour per run, the first column solid, the
     * others dashed; {@code smooth} > 1 draws a trailing moving average over that many steps.
     */
    public static BufferedImage compare(List<String> names, List<MetricsTable> tables, List<String> columns,
                                        int smooth, String title, boolean logY) {
        List<Charts.Line> lines = new ArrayList<>();
        for (int r = 0; r < tables.size(); r++) {
            MetricsTable t = tables.get(r);
            double[] step = t.column("step");
            for (int c = 0; c < columns.size(); c++) {
                String col = columns.get(c);
                lines.add(new Charts.Line(names.get(r) + ": " + col, step, movingAverage(t.column(col), smooth),
                        Charts.color(r), c > 0));
            }
        }
        String yLabel = String.join(", ", columns);
        return Charts.lines(title, "iteration (generator step)", yLabel, lines, logY, WIDTH + 100, HEIGHT + 100);
    }

    /** The trailing mean over the last {@code window} finite values at each index (window <= 1: unchanged). */
    public static double[] movingAverage(double[] v, int window) {
        if (window <= 1) {
            return v.clone();
        }
        double[] out = new double[v.length];
        double sum = 0;
        int count = 0;
        java.util.ArrayDeque<Double> win = new java.util.ArrayDeque<>();
        for (int i = 0; i < v.length; i++) {
            if (Double.isFinite(v[i])) {
                win.addLast(v[i]);
                sum += v[i];
                count++;
                if (count > window) {
                    sum -= win.removeFirst();
                    count--;
                }
            }
            out[i] = Double.isFinite(v[i]) && count > 0 ? sum / count : Double.NaN;
        }
        return out;
    }
}
