package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.gan.dirac.FieldGrid;
import java.util.ArrayList;
import java.util.List;
import org.jfree.data.xy.VectorDataItem;
import org.jfree.data.xy.VectorSeries;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dirac-GAN field's arrows: centred on their grid points, along the field, the longest {@link DiracPlot#ARROW}
 * spacings, and inside the axes (the grid's square and half the longest arrow), on coarse and fine grids of the
 * rotational field v = (-psi, theta) that the plain game has, whose corner arrows point out of the square.
 */
class DiracPlotTest {

    @ParameterizedTest
    @ValueSource(ints = {2, 5, 21})
    void arrowsAreCentredAlongTheFieldAndInsideTheAxes(int n) {
        double range = 2.0;
        List<FieldGrid.Sample> samples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double theta = -range + 2 * range * i / (n - 1);
                double psi = -range + 2 * range * j / (n - 1);
                samples.add(new FieldGrid.Sample(theta, psi, -psi, theta));
            }
        }
        FieldGrid grid = new FieldGrid(n, n, samples);
        double spacing = 2 * range / (n - 1);
        assertEquals(spacing, DiracPlot.spacing(grid, range), 1e-15);
        VectorSeries arrows = DiracPlot.arrows(grid, range);
        double limit = range + DiracPlot.ARROW / 2 * spacing + 1e-12;
        double longest = 0;
        int k = 0;
        for (FieldGrid.Sample s : samples) {
            double norm = Math.hypot(s.vTheta(), s.vPsi());
            if (norm == 0) {
                continue; // (0, 0) on odd grids: no arrow
            }
            VectorDataItem a = (VectorDataItem) arrows.getDataItem(k++);
            double x0 = a.getXValue();
            double y0 = a.getYValue();
            double x1 = x0 + a.getVectorX();
            double y1 = y0 + a.getVectorY();
            String where = "arrow at (" + s.theta() + ", " + s.psi() + ") on a grid of " + n;
            assertEquals(s.theta(), (x0 + x1) / 2, 1e-12, where);
            assertEquals(s.psi(), (y0 + y1) / 2, 1e-12, where);
            // along the field: no cross product, a positive dot product
            assertEquals(0.0, a.getVectorX() * s.vPsi() - a.getVectorY() * s.vTheta(), 1e-12, where);
            assertTrue(a.getVectorX() * s.vTheta() + a.getVectorY() * s.vPsi() > 0, where);
            for (double c : new double[] {x0, y0, x1, y1}) {
                assertTrue(Math.abs(c) <= limit, where + ": " + c + " outside +-" + limit);
            }
            longest = Math.max(longest, Math.hypot(a.getVectorX(), a.getVectorY()));
        }
        assertEquals(k, arrows.getItemCount());
        assertEquals(DiracPlot.ARROW * spacing, longest, 1e-12); // the corners' |v| is the largest
    }
}
