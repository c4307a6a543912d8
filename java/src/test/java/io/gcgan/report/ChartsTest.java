package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;

/**
 * What a reader of a line chart sees on its axes: scores.png and compare-scores.png of short runs (one scored step,
 * or a Frechet distance that moves by a few percent) must still show the points and tell the tick labels apart.
 */
class ChartsTest {

    /** The major tick labels of a plot's axis as drawn into an area of {@code width} x {@code height}. */
    private static List<String> majorLabels(ValueAxis axis, RectangleEdge edge, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = image.createGraphics();
        try {
            List<?> ticks = axis.refreshTicks(g2, new AxisState(), new Rectangle2D.Double(60, 20, width - 80,
                    height - 60), edge);
            NumberFormat format = axis instanceof NumberAxis n ? n.getNumberFormatOverride()
                    : ((org.jfree.chart.axis.LogAxis) axis).getNumberFormatOverride();
            List<String> labels = new ArrayList<>();
            for (Object o : ticks) {
                ValueTick t = (ValueTick) o;
                if (t.getTickType() == TickType.MAJOR) {
                    labels.add(t.getText() != null ? t.getText() : format.format(t.getValue()));
                }
            }
            return labels;
        } finally {
            g2.dispose();
        }
    }

    private static void assertDistinct(List<String> labels) {
        assertTrue(labels.size() >= 2, "tick labels " + labels);
        assertEquals(labels.size(), new HashSet<>(labels).size(), "tick labels repeat: " + labels);
    }

    @Test
    void logAxisOverANarrowRangeHasDistinctTickLabels() {
        // scores.png of a 30-step run scored at 15 and 30: FD 1729.4 and 1676.9 on a log axis
        XYPlot plot = Charts.linePlot("iteration", "FD", List.of(new Charts.Line("FD", new double[] {15, 30},
                new double[] {1729.36518, 1676.90461}, null, false)), true);
        assertDistinct(majorLabels(plot.getRangeAxis(), RectangleEdge.LEFT, 900, 500));
    }

    @Test
    void logAxisOverDecadesKeepsThreeSignificantDigits() {
        XYPlot plot = Charts.linePlot("iteration", "norm", List.of(new Charts.Line("norm", new double[] {0, 1, 2},
                new double[] {0.0123456, 1.5, 2345.678}, null, false)), true);
        List<String> labels = majorLabels(plot.getRangeAxis(), RectangleEdge.LEFT, 900, 500);
        assertDistinct(labels);
        for (String label : labels) {
            assertTrue(new java.math.BigDecimal(label).stripTrailingZeros().precision() <= 3,
                    "more than 3 significant digits in " + labels);
        }
        assertEquals("norm (log scale)", plot.getRangeAxis().getLabel(), "a log axis says so");
        XYPlot linear = Charts.linePlot("iteration", "norm", List.of(new Charts.Line("norm", new double[] {0, 1},
                new double[] {1, 2}, null, false)), false);
        assertEquals("norm", linear.getRangeAxis().getLabel());
    }

    @Test
    void aSeriesOfOnePointIsMarkedAndItsAxesSpanARange() {
        // compare-scores.png of runs shorter than --score-every: each run has one score, at its last step
        XYPlot plot = Charts.linePlot("iteration", "FD", List.of(
                new Charts.Line("SGD", new double[] {10}, new double[] {1818.1}, null, false),
                new Charts.Line("Adam", new double[] {10}, new double[] {1818.1}, null, false)), true);
        assertEquals(Boolean.TRUE, ((org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) plot.getRenderer())
                .getSeriesShapesVisible(0), "a lone point draws no line: it needs a marker");
        assertTrue(plot.getDomainAxis().getRange().getLength() >= 1, "x range " + plot.getDomainAxis().getRange());
        assertTrue(plot.getRangeAxis().getRange().getLength() >= 1, "y range " + plot.getRangeAxis().getRange());
        List<String> x = majorLabels(plot.getDomainAxis(), RectangleEdge.BOTTOM, 900, 500);
        assertDistinct(x);
        assertDistinct(majorLabels(plot.getRangeAxis(), RectangleEdge.LEFT, 900, 500));
    }

    @Test
    void scatterDrawsLaterSetsOverEarlierOnes() {
        // samples.png of a 2-D run: the modes (red, last) sit inside dense clouds of real points (green, first)
        int n = 41;
        double[] rx = new double[n * n];
        double[] ry = new double[n * n];
        for (int i = 0; i < n * n; i++) {
            rx[i] = 0.5 + (i % n - n / 2) * 0.002;
            ry[i] = 0.5 + (i / n - n / 2) * 0.002;
        }
        java.awt.Color red = new java.awt.Color(0xd62728);
        BufferedImage image = Charts.scatter("modes", "x", "y", List.of(
                new Charts.Dots("real", rx, ry, new java.awt.Color(0x2ca02c), 3),
                new Charts.Dots("modes", new double[] {0.5}, new double[] {0.5}, red, 7)), 1, 400, 400);
        int redPixels = 0;
        for (int y = 0; y < image.getHeight() / 2; y++) { // the upper half: the legend's red dot is at the bottom
            for (int x = 0; x < image.getWidth(); x++) {
                redPixels += (image.getRGB(x, y) & 0xffffff) == red.getRGB() - 0xff000000 ? 1 : 0;
            }
        }
        assertTrue(redPixels >= 9, "the mode's dot is hidden under the real points: " + redPixels + " red pixels");
    }

    @Test
    void aConstantSeriesOnALinearAxisSpansARange() {
        XYPlot plot = Charts.linePlot("iteration", "digits covered", List.of(new Charts.Line("digits",
                new double[] {0, 200, 400}, new double[] {10, 10, 10}, null, false)), false);
        assertTrue(plot.getRangeAxis().getRange().getLength() >= 1, "y range " + plot.getRangeAxis().getRange());
        assertDistinct(majorLabels(plot.getRangeAxis(), RectangleEdge.LEFT, 900, 500));
        // lines of several points draw without markers, as before
        assertTrue(!Boolean.TRUE.equals(((org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) plot.getRenderer())
                .getSeriesShapesVisible(0)));
    }
}
