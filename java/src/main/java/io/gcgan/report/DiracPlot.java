package io.gcgan.report;

import io.gcgan.gan.dirac.FieldGrid;
import io.gcgan.gan.dirac.Point;
import io.gcgan.gan.dirac.Trajectory;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.VectorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.VectorSeries;
import org.jfree.data.xy.VectorSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The Dirac-GAN picture of the thesis's figure 3-3 (after Mescheder et al. 2018, figure 1): the gradient vector
 * field v(theta, psi) as arrows on a grid, and a training trajectory over it from its start (square) towards or
 * around the equilibrium (0, 0) (cross).
 *
 * <p>Arrows show the field's direction; their length grows with the square root of |v| relative to the largest
 * |v| on the grid (so that the slow region near the equilibrium stays visible), at most {@link #ARROW} grid
 * spacings; each is centred on its grid point, and the axes reach half the longest arrow past the grid, so that every
 * arrow is drawn whole (anchored at their points, the outer arrows ran past the plot and were cut, on a coarse grid
 * such as {@code --grid 5} by almost half their length).
 */
public final class DiracPlot {

    /** The longest arrow, in grid spacings. */
    static final double ARROW = 0.9;

    private DiracPlot() {
    }

    /**
     * @param grid       the field on a regular grid (from {@code DiracGan.fieldGrid})
     * @param trajectory the simulated points
     * @param range      the grid spans [-range, range] for theta and psi; the axes half the longest arrow more
     */
    public static BufferedImage render(String title, FieldGrid grid, Trajectory trajectory, double range, int size) {
        VectorSeriesCollection field = new VectorSeriesCollection();
        field.addSeries(arrows(grid, range));
        VectorRenderer arrowRenderer = new VectorRenderer();
        arrowRenderer.setSeriesPaint(0, new Color(0x9a9a9a));
        arrowRenderer.setSeriesStroke(0, new BasicStroke(0.8f));

        XYSeries path = new XYSeries("trajectory", false, true);
        for (Point p : trajectory.points()) {
            if (p.isFinite()) {
                path.add(p.theta(), p.psi(), false);
            }
        }
        XYSeries start = new XYSeries("start", false, true);
        List<Point> pts = trajectory.points();
        start.add(pts.getFirst().theta(), pts.getFirst().psi());
        XYSeries equilibrium = new XYSeries("equilibrium (0, 0)", false, true);
        equilibrium.add(0.0, 0.0);
        XYSeriesCollection lines = new XYSeriesCollection();
        lines.addSeries(path);
        lines.addSeries(start);
        lines.addSeries(equilibrium);
        XYLineAndShapeRenderer lineRenderer = new XYLineAndShapeRenderer();
        lineRenderer.setSeriesLinesVisible(0, true);
        lineRenderer.setSeriesShapesVisible(0, false);
        lineRenderer.setSeriesPaint(0, Charts.color(0));
        lineRenderer.setSeriesStroke(0, new BasicStroke(1.6f));
        lineRenderer.setSeriesLinesVisible(1, false);
        lineRenderer.setSeriesShape(1, Charts.square(9));
        lineRenderer.setSeriesPaint(1, Charts.color(1));
        lineRenderer.setSeriesLinesVisible(2, false);
        lineRenderer.setSeriesShape(2, org.jfree.chart.util.ShapeUtils.createDiagonalCross(5, 1.2f));
        lineRenderer.setSeriesPaint(2, Charts.color(3));

        NumberAxis theta = new NumberAxis("theta (generator)");
        NumberAxis psi = new NumberAxis("psi (discriminator)");
        double margin = ARROW / 2 * spacing(grid, range);
        theta.setRange(-range - margin, range + margin);
        psi.setRange(-range - margin, range + margin);
        XYPlot plot = new XYPlot(lines, theta, psi, lineRenderer);
        plot.setDataset(1, field);
        plot.setRenderer(1, arrowRenderer);
        // The default REVERSE order draws dataset 0 (the trajectory) last, over the arrows.
        return Charts.render(title, plot, size, size, true);
    }

    /**
     * The arrows of {@code grid}'s field (class comment): one per grid point where the field is finite and not 0,
     * centred on the point.
     */
    static VectorSeries arrows(FieldGrid grid, double range) {
        double spacing = spacing(grid, range);
        double maxNorm = 0;
        for (FieldGrid.Sample s : grid.samples()) {
            maxNorm = Math.max(maxNorm, Math.hypot(s.vTheta(), s.vPsi()));
        }
        VectorSeries arrows = new VectorSeries("v(theta, psi)");
        for (FieldGrid.Sample s : grid.samples()) {
            double n = Math.hypot(s.vTheta(), s.vPsi());
            if (n == 0 || maxNorm == 0 || !Double.isFinite(n)) {
                continue;
            }
            double len = ARROW * spacing * Math.sqrt(n / maxNorm);
            double dTheta = s.vTheta() / n * len;
            double dPsi = s.vPsi() / n * len;
            arrows.add(s.theta() - dTheta / 2, s.psi() - dPsi / 2, dTheta, dPsi);
        }
        return arrows;
    }

    /** The distance between neighbouring grid points of a grid over [-range, range] (the finer axis's). */
    static double spacing(FieldGrid grid, double range) {
        return 2 * range / Math.max(1, Math.max(grid.thetaCount(), grid.psiCount()) - 1);
    }
}
