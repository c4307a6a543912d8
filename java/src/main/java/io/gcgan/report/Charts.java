package io.gcgan.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.Range;
import org.jfree.data.general.DatasetUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line and scatter charts as PNG images (JFreeChart, drawn off-screen: the JVM runs headless). Points with a
 * non-finite coordinate are left out (a series sampled every k steps still draws as a line), and on a log axis
 * so are values <= 0.
 */
public final class Charts {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** matplotlib's tab10, the colours of the thesis's figures. */
    public static final List<Color> PALETTE = List.of(new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf));

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);

    private Charts() {
    }

    /** One series of a line chart: y against x, solid or dashed. */
    public record Line(String name, double[] x, double[] y, Color color, boolean dashed) {
        public Line {
            Objects.requireNonNull(name, "name");
            if (x.length != y.length) {
                throw new IllegalArgumentException("line '" + name + "': " + x.length + " x values but " + y.length
                        + " y values");
            }
        }
    }

    /** One set of dots of a scatter chart. */
    public record Dots(String name, double[] x, double[] y, Color color, double size) {
        public Dots {
            Objects.requireNonNull(name, "name");
            if (x.length != y.length) {
                throw new IllegalArgumentException("dots '" + name + "': " + x.length + " x values but " + y.length
                        + " y values");
            }
        }
    }

    /** The colour of series {@code i} in {@link #PALETTE}. */
    public static Color color(int i) {
        return PALETTE.get(Math.floorMod(i, PALETTE.size()));
    }

    /** A line chart. */
    public static BufferedImage lines(String title, String xLabel, String yLabel, List<Line> lines, boolean logY,
                                      int width, int height) {
        return render(title, linePlot(xLabel, yLabel, lines, logY), width, height, true);
    }

    /** The plot that {@link #lines} draws. */
    static XYPlot linePlot(String xLabel, String yLabel, List<Line> lines, boolean logY) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setDrawSeriesLineAsPath(true); // a dash pattern runs along the whole line, not per segment
        int k = 0;
        for (Line line : lines) {
            XYSeries s = new XYSeries(line.name() + (data.getSeriesIndex(line.name()) >= 0 ? " (" + k + ")" : ""),
                    false, true);
            for (int i = 0; i < line.x().length; i++) {
                double x = line.x()[i];
                double y = line.y()[i];
                if (Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0)) {
                    s.add(x, y, false);
                }
            }
            data.addSeries(s);
            renderer.setSeriesPaint(k, line.color() != null ? line.color() : color(k));
            if (s.getItemCount() == 1) { // a lone point draws no line (a run scored once): mark it
                renderer.setSeriesShapesVisible(k, true);
                renderer.setSeriesShape(k, new Ellipse2D.Double(-3, -3, 6, 6));
            }
            renderer.setSeriesStroke(k, line.dashed()
                    ? new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(1.0f));
            k++;
        }
        NumberAxis xAxis = new NumberAxis(xLabel);
        xAxis.setAutoRangeIncludesZero(false);
        xAxis.setAutoRangeMinimumSize(minimumSpan(DatasetUtils.findDomainBounds(data, false)));
        ValueAxis yAxis;
        if (logY) {
            LogAxis log = new PlainLogAxis(yLabel + " (log scale)"); // its ticks alone do not say so
            log.setSmallestValue(1e-12);
            yAxis = log;
        } else {
            NumberAxis lin = new NumberAxis(yLabel);
            lin.setAutoRangeIncludesZero(false);
            yAxis = lin;
        }
        yAxis.setAutoRangeMinimumSize(minimumSpan(DatasetUtils.findRangeBounds(data, false)));
        return new XYPlot(data, xAxis, yAxis, renderer);
    }

    /**
     * The smallest span of an axis over {@code values}: JFreeChart's default, unless every value is the same (one
     * scored step, a constant column), which would get a span of 1e-8 and its one value as every tick label; then
     * 10% of the value (1 at zero).
     */
    static double minimumSpan(Range values) {
        if (values == null || values.getLength() > 0) {
            return ValueAxis.DEFAULT_AUTO_RANGE_MINIMUM_SIZE;
        }
        double v = Math.abs(values.getCentralValue());
        return v > 0 ? 0.1 * v : 1;
    }

    /**
     * A scatter chart over a fixed square range [-range, range]^2 (range <= 0: automatic). Later sets are drawn over
     * earlier ones (the modes over the real and generated points).
     */
    public static BufferedImage scatter(String title, String xLabel, String yLabel, List<Dots> sets, double range,
                                        int width, int height) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        int k = 0;
        for (Dots d : sets) {
            XYSeries s = new XYSeries(d.name(), false, true);
            for (int i = 0; i < d.x().length; i++) {
                if (Double.isFinite(d.x()[i]) && Double.isFinite(d.y()[i])) {
                    s.add(d.x()[i], d.y()[i], false);
                }
            }
            data.addSeries(s);
            double r = d.size() / 2;
            Shape dot = new Ellipse2D.Double(-r, -r, d.size(), d.size());
            renderer.setSeriesShape(k, dot);
            renderer.setSeriesPaint(k, d.color() != null ? d.color() : color(k));
            k++;
        }
        NumberAxis xAxis = new NumberAxis(xLabel);
        NumberAxis yAxis = new NumberAxis(yLabel);
        if (range > 0) {
            xAxis.setRange(-range, range);
            yAxis.setRange(-range, range);
        }
        XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD); // JFreeChart draws the first set last by default
        return render(title, plot, width, height, true);
    }

    /** Lays out and draws a plot with the common look: white background, light grid lines, a title. */
    static BufferedImage render(String title, XYPlot plot, int width, int height, boolean legend) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setOutlinePaint(Color.GRAY);
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, legend);
        chart.setTitle(new TextTitle(title, TITLE_FONT));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        return chart.createBufferedImage(width, height);
    }

    /** Writes a chart image as PNG, atomically. */
    public static void write(BufferedImage image, Path file) throws IOException {
        ImageGrid.writePng(image, file);
    }

    /** A small square marker shape. */
    static Shape square(double size) {
        return new Rectangle2D.Double(-size / 2, -size / 2, size, size);
    }

    /**
     * A log axis labelled with plain numbers of 3 significant digits (0.0158, 6.31, 2240) rather than powers 10^-1.8,
     * or of as many more as it takes to tell its ticks apart: over a narrow range (a Frechet distance from 1729 to
     * 1677) the ticks are a few units apart, and 3 digits would print 1680, 1680, 1690, 1690.
     */
    static final class PlainLogAxis extends LogAxis {
        private final SignificantDigits labels = new SignificantDigits(3);

        PlainLogAxis(String label) {
            super(label);
            setNumberFormatOverride(labels);
        }

        @Override
        @SuppressWarnings("rawtypes") // JFreeChart's signature
        public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
            List ticks = null;
            for (int digits = 3; digits <= 17; digits++) {
                labels.setDigits(digits);
                ticks = super.refreshTicks(g2, state, dataArea, edge);
                if (distinctLabels(ticks)) {
                    break;
                }
            }
            return ticks;
        }

        private boolean distinctLabels(List<?> ticks) {
            Set<String> seen = new HashSet<>();
            for (Object o : ticks) {
                if (o instanceof ValueTick t && t.getTickType() == TickType.MAJOR
                        && !seen.add(labels.format(t.getValue()))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Formats a number with at most {@code digits} significant digits, in plain notation, trailing zeros dropped. */
    static final class SignificantDigits extends java.text.NumberFormat {
        private java.math.MathContext context;

        SignificantDigits(int digits) {
            setDigits(digits);
        }

        /** Formats with {@code digits} significant digits from now on. */
        void setDigits(int digits) {
            context = new java.math.MathContext(digits, java.math.RoundingMode.HALF_EVEN);
        }

        @Override
        public StringBuffer format(double number, StringBuffer to, java.text.FieldPosition pos) {
            if (!Double.isFinite(number)) {
                return to.append(number);
            }
            if (number == 0) {
                return to.append('0');
            }
            return to.append(new java.math.BigDecimal(number).round(context).stripTrailingZeros().toPlainString());
        }

        @Override
        public StringBuffer format(long number, StringBuffer to, java.text.FieldPosition pos) {
            return format((double) number, to, pos);
        }

        @Override
        public Number parse(String source, java.text.ParsePosition pos) {
            throw new UnsupportedOperationException("SignificantDigits only formats");
        }
    }
}
